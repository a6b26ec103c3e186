"""Fused layer ops: Linear (one matmul + bias node), BatchNorm and LayerNorm (analytic backward), PReLU.

nn.functional wraps these with argument checks; the losses are in nn_loss.py. Each backward also runs on Tensors
(create_graph): BatchNorm and LayerNorm then recompute their normalised input from x, so second derivatives
are exact.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from .nn_loss import (
    BCE,
    L1,
    MSE,
    NLL,
    BCEWithLogits,
    CrossEntropy,
    Huber,
    MultiMargin,
)

__all__ = [
    "BCE",
    "L1",
    "MSE",
    "NLL",
    "BCEWithLogits",
    "BatchNorm",
    "CrossEntropy",
    "Huber",
    "LayerNorm",
    "Linear",
    "MultiMargin",
    "PReLU",
]


class Linear(Op):
    """y = x @ W.T + b for x of shape (..., in), W (out, in), b (out,) or None: one node."""

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        if x.ndim == 2:
            out = x @ w.T
        else:
            out = (x.reshape(-1, x.shape[-1]) @ w.T).reshape(x.shape[:-1] + (w.shape[0],))
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dX = G @ W ; dL/dW = G^T @ X ; dL/db = sum of G over rows (leading dims flattened into rows)
        x, w = ctx.saved
        nig = ctx.needs_input_grad
        g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        gx = gw = gb = None
        if nig[0]:
            gx = g2 @ w
            if x.ndim != 2:
                gx = gx.reshape(x.shape)
        if nig[1]:
            gw = g2.T @ (x if x.ndim == 2 else x.reshape(-1, x.shape[-1]))
        if nig[2]:
            gb = g2.sum(axis=0)
        return gx, gw, gb


def _channel(ndim: int) -> tuple:
    """Axes reduced by batch norm (all but 1) and the shape that broadcasts a (C,) vector along axis 1."""
    return (0,) + tuple(range(2, ndim)), (1, -1) + (1,) * (ndim - 2)


class BatchNorm(Op):
    """Batch norm over axis 1 of any (N, C, *) input; updates the running statistics (ndarrays) in training."""

    @staticmethod
    def forward(ctx, x, w, b, running_mean, running_var, training, momentum, eps):
        axes, bshape = _channel(x.ndim)
        if training:
            mean = x.mean(axis=axes)
            xhat = x - mean.reshape(bshape)
            var = np.mean(np.square(xhat), axis=axes)
            invstd = 1.0 / np.sqrt(var + eps)
            if running_mean is not None:
                n = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += (momentum * n / max(n - 1, 1)) * var  # the unbiased batch variance, as PyTorch
        else:
            invstd = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype, copy=False)
            xhat = x - running_mean.reshape(bshape).astype(x.dtype, copy=False)
        xhat *= invstd.reshape(bshape)
        ctx.save_for_backward(x, w, xhat)
        ctx.invstd, ctx.training = invstd, training
        ctx.running_mean, ctx.eps, ctx.n = running_mean, eps, x.size // max(x.shape[1], 1)
        out = xhat * w.reshape(bshape) if w is not None else xhat.copy()  # never alias the saved xhat
        if b is not None:
            out += b.reshape(bshape)
        return out

    @staticmethod
    def backward(ctx, g):
        # training: dL/dx = w*invstd * (G - mean(G) - xhat * mean(G*xhat)), means over all axes but 1
        # eval:     dL/dx = G * w * invstd ;   dL/dw = sum(G * xhat) ;   dL/db = sum(G)
        x, w, xhat = ctx.saved
        axes, bshape = _channel(g.ndim)
        invstd = ctx.invstd
        if not isinstance(g, np.ndarray):  # create_graph: rebuild xhat from x so that it is differentiated
            if ctx.training:
                xc = x - x.mean(axis=axes, keepdims=True)
                invstd = 1.0 / np.sqrt((xc * xc).mean(axis=axes) + ctx.eps)
                xhat = xc * invstd.reshape(bshape)
            else:
                xhat = (x - ctx.running_mean.reshape(bshape)) * invstd.reshape(bshape)
        nig = ctx.needs_input_grad
        gb = g.sum(axis=axes)
        gw = (g * xhat).sum(axis=axes)
        gx = None
        if nig[0]:
            scale = invstd if w is None else w * invstd
            if ctx.training:
                n = ctx.n
                gx = (g - (gb / n).reshape(bshape) - xhat * (gw / n).reshape(bshape)) * scale.reshape(bshape)
            else:
                gx = g * scale.reshape(bshape)
        return gx, (gw if nig[1] else None), (gb if nig[2] else None), None, None, None, None, None


class LayerNorm(Op):
    """Layer norm over the last `k` axes; weight and bias have the shape of those axes (or are None)."""

    @staticmethod
    def forward(ctx, x, w, b, k, eps):
        axes = tuple(range(x.ndim - k, x.ndim))
        xhat = x - x.mean(axis=axes, keepdims=True)
        invstd = 1.0 / np.sqrt(np.mean(np.square(xhat), axis=axes, keepdims=True) + eps)
        xhat *= invstd
        ctx.save_for_backward(x, w, xhat)
        ctx.invstd, ctx.axes, ctx.eps = invstd, axes, eps
        out = xhat * w if w is not None else xhat.copy()  # never alias the saved xhat
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = invstd * (Gh - mean(Gh) - xhat * mean(Gh * xhat)), Gh = G * w, means over the normalised axes
        # dL/dw = G * xhat ; dL/db = G   (the engine sums them over the leading axes)
        x, w, xhat = ctx.saved
        axes, invstd = ctx.axes, ctx.invstd
        if not isinstance(g, np.ndarray):  # create_graph: rebuild xhat from x so that it is differentiated
            xc = x - x.mean(axis=axes, keepdims=True)
            invstd = 1.0 / np.sqrt((xc * xc).mean(axis=axes, keepdims=True) + ctx.eps)
            xhat = xc * invstd
        nig = ctx.needs_input_grad
        gx = None
        if nig[0]:
            gh = g if w is None else g * w
            gx = (gh - gh.mean(axis=axes, keepdims=True) - xhat * (gh * xhat).mean(axis=axes, keepdims=True))
            gx = gx * invstd
        gw = g * xhat if nig[1] else None
        return gx, gw, (g if nig[2] else None), None, None


class PReLU(Op):
    """max(x, 0) + w * min(x, 0) with one slope per channel (axis 1; axis 0 for 1-D input) or one shared."""

    @staticmethod
    def forward(ctx, x, w):
        shape = [1] * x.ndim
        if w.size != 1:
            shape[1 if x.ndim >= 2 else 0] = w.size
        ctx.save_for_backward(x, w)
        ctx.wshape = tuple(shape)
        return np.where(x > 0, x, x * w.reshape(shape))

    @staticmethod
    def backward(ctx, g):
        # dL/dx = G where x > 0 else G * w ;  dL/dw = sum over all but the channel axis of G * min(x, 0)
        x, w = ctx.saved
        pos = (x if isinstance(x, np.ndarray) else x._data) > 0
        neg = (~pos).astype(g.dtype)
        gx = g * (pos + neg * w.reshape(ctx.wshape))
        gwb = g * (x * neg)
        axes = tuple(i for i, s in enumerate(ctx.wshape) if s == 1)
        return gx, (gwb.sum(axis=axes) if axes else gwb).reshape(w.shape)
