"""Diagonals: diag (vector <-> matrix), diag_embed, trace (diagonal, tril and triu live in movement/shape)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._declare import case, declare
from ._out import with_out
from ._promote import kernel_missing
from .movement import diagonal

__all__ = ["diag", "diag_embed", "diagflat", "trace"]

_diagonal = diagonal  # `diag` has an argument of that name


class DiagEmbed(Op):
    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        n = x.shape[-1] + abs(offset)
        out = np.zeros(x.shape[:-1] + (n, n), dtype=x.dtype)
        i = np.arange(x.shape[-1])
        rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
        out[..., rows, cols] = x
        ctx.offset, ctx.dims = offset, (d1, d2)
        out = np.moveaxis(out, (-2, -1), (d1, d2))
        return out

    @staticmethod
    def backward(ctx, g):
        # the adjoint of writing x on a diagonal is reading that diagonal: dL/dx = diagonal(g)
        d1, d2 = ctx.dims
        gd = np.diagonal(g, ctx.offset, d1, d2) if not isinstance(g, Tensor) else diagonal(g, ctx.offset, d1, d2)
        return gd, None, None, None


@declare(method=True, cases=[case(lambda m, x: m.diag_embed(x), (2, 3)),
                             case(lambda m, x: x.diag_embed(offset=-1, dim1=0, dim2=2), (2, 3), suffix="offset")])
def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """A tensor whose diagonal (offset, between dims dim1 and dim2 of the result) holds input's last dim;
    zeros elsewhere. The result has one more dim than input."""
    nd = input.ndim + 1
    d1, d2 = dim1 % nd, dim2 % nd
    if d1 == d2:
        raise RuntimeError(f"diag_embed: diagonal dimensions cannot be identical {dim1}, {dim2}")
    return DiagEmbed.apply(input, int(offset), d1, d2)


@declare(method=True, cases=[case(lambda m, x: m.diag(x), (4,)),
                             case(lambda m, x: x.diag(1), (3, 4), suffix="matrix"),
                             case(lambda m, x: m.diag(x, -1), (3,), suffix="offset")])
@with_out
def diag(input, diagonal: int = 0):
    """A 1-D input: the square matrix with it on the `diagonal`-th diagonal; a 2-D input: that diagonal as
    a 1-D tensor. Other ranks raise RuntimeError."""
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim == 2:
        return _diagonal(input, diagonal)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")



@declare(method=True, cases=[case(lambda m, x: m.diagflat(x), (2, 2))])
def diagflat(input, offset: int = 0):
    """The square matrix with the flattened input on its `offset`-th diagonal."""
    return diag_embed(input.reshape(-1), offset)


@declare(method=True, cases=[case(lambda m, x: m.trace(x), (3, 4)), case(lambda m, x: x.trace(), (3, 3),
                                                                          suffix="square")])
def trace(input):
    """The sum of a 2-D tensor's main diagonal (integer and bool inputs give int64, as sum does)."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input._data.dtype == np.bool_:
        raise kernel_missing("trace", np.bool_)
    if input._data.dtype.kind in "iu" and input._data.dtype != np.int64:
        input = input.long()  # integers sum to int64, as PyTorch
    return Trace.apply(input)


class Trace(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return np.asarray(np.trace(x), dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        # d trace(X) = sum_i dX_ii: dL/dX = g * I (the identity, X's shape)
        return g * np.eye(*ctx.shape, dtype=g.dtype)
