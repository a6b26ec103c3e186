"""Margin losses PyTorch computes as one node (soft margin, multilabel margin) and its clamp_min node.

Each matches PyTorch's grad_fn name; 'mean' divides by the number of per-sample or per-element losses.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from .nn_loss import _coef, _reduce


class ClampMin(Op):
    """max(x, lo) (PyTorch's clamp_min; the gradient passes where x >= lo)."""

    @staticmethod
    def forward(ctx, x, lo):
        ctx.mask = x >= lo
        return np.maximum(x, np.asarray(lo, x.dtype))

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g where x >= lo, else 0
        return g * (Tensor._wrap(ctx.mask) if type(g) is Tensor else ctx.mask), None


class SoftMarginLoss(Op):
    """log(1 + exp(-y x)) per element, computed stably (PyTorch's log1p(exp(.)) overflows for -y x > 88)."""

    differentiable_backward = False

    @staticmethod
    def forward(ctx, x, y, reduction):
        z = -y * x
        loss = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))
        ctx.y, ctx.sig = y, 0.5 * np.tanh(0.5 * z) + 0.5  # sigmoid(z)
        return _reduce(ctx, loss.astype(x.dtype, copy=False), reduction, loss.size)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = -y sigmoid(-y x) g / D
        return -ctx.y * ctx.sig * _coef(ctx, g), None, None


class MultilabelMarginLoss(Op):
    """sum_{j target, i not target} max(0, 1 - x[y_j] + x[i]) / C per sample of x (N, C).

    Non-tensor arguments: the target indices made safe (N, C), the valid mask (N, C) (before each row's -1),
    the target-class mask (N, C), the reduction, and squeeze (a 1-D input: 'none' gives a 0-d result).
    """

    differentiable_backward = False

    @staticmethod
    def forward(ctx, x, safe, valid, is_target, reduction, squeeze):
        c = x.shape[1]
        xt = np.take_along_axis(x, safe, axis=1)  # x[n, y_j]
        h = 1 - xt[:, :, None] + x[:, None, :]  # (n, j, i)
        active = (h > 0) & valid[:, :, None] & ~is_target[:, None, :]
        loss = (np.where(active, h, 0).sum(axis=(1, 2)) / c).astype(x.dtype, copy=False)
        ctx.active, ctx.safe, ctx.c, ctx.squeeze = active, safe, c, squeeze
        if squeeze and reduction == "none":
            loss = loss.reshape(())
        return _reduce(ctx, loss, reduction, loss.size)

    @staticmethod
    def backward(ctx, g):
        # dL/dx[n, i] = (#active j for i - [i = y_j] #active i for j) * g_n / (C D)
        a = ctx.active
        coef = np.asarray(_coef(ctx, g)).reshape(-1) / ctx.c
        coef = coef if coef.size == a.shape[0] else np.broadcast_to(coef, (a.shape[0],))
        gx = a.sum(axis=1).astype(coef.dtype)
        rows = np.broadcast_to(np.arange(a.shape[0])[:, None], ctx.safe.shape)
        np.subtract.at(gx, (rows, ctx.safe), a.sum(axis=2))
        return gx * coef[:, None], None, None, None, None, None
