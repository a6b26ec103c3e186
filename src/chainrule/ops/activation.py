"""Activation functions. Each saves what its derivative needs (an output or a mask), never recomputes."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op


class ReLU(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # relu'(x) = 1 where x > 0, else 0 (relu'(0) = 0, PyTorch's convention)
        (out,) = ctx.saved
        return g * (out > 0)


def relu(input, inplace: bool = False):
    """max(x, 0)."""
    out = ReLU.apply(input)
    return input._rebase(out) if inplace else out
