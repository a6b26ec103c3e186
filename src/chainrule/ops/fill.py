"""The ops behind copy_, fill_, zero_ and the random fills when they are recorded in a graph.

In place (autograd/views.py writes the result into the tensor), the old value gets a zero gradient - it was
overwritten - and copy_'s source gets the gradient, in its own dtype and shape.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor


def _zeros_like(g):
    """Zeros shaped like g (a constant, also under create_graph; g * 0 would keep NaNs)."""
    if isinstance(g, Tensor):
        return Tensor._wrap(np.zeros_like(g._data))
    return np.zeros_like(g)


class Copy(Op):
    """x.copy_(src): src broadcast to x's shape, in x's dtype."""

    @staticmethod
    def forward(ctx, x, src):
        ctx.dtype = src.dtype
        out = np.empty_like(x)
        np.copyto(out, src, casting="unsafe")
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = 0 (overwritten) ; dL/dsrc = g (the engine sums it back to src's shape), in src's dtype
        nig = ctx.needs_input_grad
        gs = None
        if nig[1]:
            gs = g if g.dtype == ctx.dtype else g.astype(ctx.dtype)
        return (_zeros_like(g) if nig[0] else None), gs


class Fill(Op):
    """x.fill_(values) with constant values (a number or an array broadcast to x's shape)."""

    @staticmethod
    def forward(ctx, x, values):
        out = np.empty_like(x)
        np.copyto(out, values, casting="unsafe")
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = 0: every element was overwritten by a constant
        return _zeros_like(g), None
