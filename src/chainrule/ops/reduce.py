"""Reductions: sum and mean (their backward broadcasts the upstream gradient back over the reduced axes)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import norm_dim


def expand_back(g, shape: tuple, axes, keepdim: bool):
    """Broadcast a reduced gradient back to the input's shape (works on arrays and on Tensors)."""
    if axes is not None and not keepdim:
        for ax in sorted(axes):
            g = np.expand_dims(g, ax)
    return np.broadcast_to(g, shape)


class Sum(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return np.sum(x, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        # every summed element gets the upstream gradient
        return expand_back(g, ctx.shape, ctx.axes, ctx.keepdim), None, None


class Mean(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        out = np.mean(x, axis=axes, keepdims=keepdim)
        ctx.n = x.size // max(out.size, 1) if x.size else 1
        return out

    @staticmethod
    def backward(ctx, g):
        # every averaged element gets g / n
        return expand_back(g / g.dtype.type(ctx.n), ctx.shape, ctx.axes, ctx.keepdim), None, None


def sum(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None):  # noqa: A001
    """Sum over all elements, or over `dim` (int or tuple)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "bi" and x._data.dtype != np.int64:
        x = x.to(np.int64)
    dim = axis if dim is None else dim
    keepdim = keepdims if keepdims is not None else keepdim
    return Sum.apply(x, norm_dim(dim, x.ndim, "sum"), bool(keepdim))


def mean(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None):
    """Mean over all elements, or over `dim`; integer tensors need a floating dtype (as in PyTorch)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"mean(): could not infer output dtype; input dtype is {x.dtype}, pass dtype=float32")
    dim = axis if dim is None else dim
    keepdim = keepdims if keepdims is not None else keepdim
    return Mean.apply(x, norm_dim(dim, x.ndim, "mean"), bool(keepdim))
