"""clone and dtype casts: differentiable copies (the gradient is cast back to the input's dtype)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor


class Clone(Op):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        # a copy passes the gradient through
        return g


class Cast(Op):
    node_name = "ToCopyBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        # the gradient goes back in the input's dtype
        return g.astype(ctx.dtype), None


def clone(input):
    """A differentiable copy with its own memory."""
    return Clone.apply(input)


def cast(input: Tensor, dtype) -> Tensor:
    """input converted to dtype (differentiable between floating dtypes; same dtype returns input)."""
    dtype = np.dtype(dtype)
    if input._data.dtype == dtype:
        return input
    if dtype.kind not in "fc":
        return Tensor._wrap(input._data.astype(dtype))
    return Cast.apply(input, dtype)
