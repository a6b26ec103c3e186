"""Selecting by mask or flat index: masked_select, masked_scatter, nonzero, argwhere, take, repeat_interleave,
and the in-place masked_fill_ / masked_scatter_.

masked_select, take and repeat_interleave are compositions of indexing ops (their gradients scatter back to
the picked places); masked_scatter is one op.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._declare import case, declare
from ._out import with_out
from ._promote import torch_name
from ._util import norm_dim, raw
from .gather import _check_range, index_select
from .indexing import Index
from .inplace import inplace_of
from .movement import broadcast_to
from .shape import masked_fill

__all__ = ["argwhere", "masked_scatter", "masked_select", "nonzero", "repeat_interleave", "take"]


def _mask(mask, op: str) -> np.ndarray:
    m = raw(mask) if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"{op}: expected a bool mask, got {torch_name(m.dtype)}; use mask.bool()")
    return m


def _broadcast(op: str, input: Tensor, m: np.ndarray):
    try:
        shape = np.broadcast_shapes(tuple(input.shape), m.shape)
    except ValueError:
        raise RuntimeError(f"{op}: mask of shape {m.shape} and input of shape {tuple(input.shape)} cannot be "
                           "broadcast together") from None
    x = input if tuple(input.shape) == shape else broadcast_to(input, shape)
    return x, np.broadcast_to(m, shape)


class MaskedSelect(Index):
    """x at the mask's True places (as np.nonzero's index arrays); the gradient goes back there."""


class Take(Index):
    """x (as 1-D) at flat indices (as np.unravel_index's arrays)."""


@declare(method=True, cases=[case(lambda m, x: m.masked_select(x, x > 0), (3, 4)),
                             case(lambda m, x, y: x.masked_select(y > 0), (3, 1), (2, 1, 4), suffix="bcast")])
@with_out
def masked_select(input, mask):
    """The 1-D tensor of input's elements where mask (bool, broadcast with input) is True, in row-major
    order."""
    m = _mask(mask, "masked_select")
    x, m = _broadcast("masked_select", input, m)
    return MaskedSelect.apply(x, np.nonzero(m))


class MaskedScatter(Op):
    @staticmethod
    def forward(ctx, x, src, m):
        k = int(m.sum())
        out = x.copy()
        out[m] = src.reshape(-1)[:k]
        ctx.m, ctx.k, ctx.src_shape = m, k, src.shape
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g where mask is False ; dL/dsrc = g at the mask's places, in order, then zeros
        m, k = ctx.m, ctx.k
        nig = ctx.needs_input_grad
        gs = None
        if nig[1]:
            n = int(np.prod(ctx.src_shape))
            picked = g.reshape(-1)[np.flatnonzero(m)]
            gs = np.concatenate([picked, (g.reshape(-1)[:0] if n == k else np.zeros(n - k, raw(g).dtype))]) \
                if not isinstance(g, Tensor) else _pad_tensor(picked, n - k)
            gs = gs.reshape(ctx.src_shape)
        return (g * ~m if nig[0] else None), gs, None


def _pad_tensor(t: Tensor, extra: int) -> Tensor:
    from .shape import cat

    return t if extra == 0 else cat([t, Tensor._wrap(np.zeros(extra, t._data.dtype))])


@declare(method=True, cases=[case(lambda m, x, s: m.masked_scatter(x, x > 0, s), (3, 4), (4, 4)),
                             case(lambda m, x, s: x.masked_scatter(s[:1] > 0, s), (2, 3), (3, 3),
                                  suffix="bcast")])
@with_out
def masked_scatter(input, mask, source):
    """input with the places where mask (bool, broadcast with input) is True filled, in row-major order,
    from source's first elements (source needs at least as many elements as mask has True values, and
    input's dtype)."""
    m = _mask(mask, "masked_scatter")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter_: expected self and source to have same dtypes but got "
                           f"{torch_name(input.dtype)} and {torch_name(source.dtype)}")
    x, m = _broadcast("masked_scatter", input, m)
    if int(m.sum()) > source.numel():
        raise RuntimeError(f"masked_scatter: the mask has {int(m.sum())} True values but source has only "
                           f"{source.numel()} elements")
    return MaskedScatter.apply(x, source, np.ascontiguousarray(m))


@declare(method=True, cases=[case(lambda m, x: m.nonzero(x > 0).float(), (3, 4), grad=False),
                             case(lambda m, x: m.stack(x.nonzero(as_tuple=True)).float(), (3, 4), grad=False,
                                  suffix="tuple")])
@with_out
def nonzero(input, *, as_tuple: bool = False):
    """The indices of the non-zero elements: an int64 (n, ndim) tensor (a 0-d input counts as 1-D), or with
    as_tuple=True one 1-D int64 tensor per dimension."""
    a = raw(input) if isinstance(input, Tensor) else np.asarray(input)
    if as_tuple:
        return tuple(Tensor._wrap(i.astype(np.int64)) for i in np.nonzero(a.reshape(-1) if a.ndim == 0 else a))
    if a.ndim == 0:
        return Tensor._wrap(np.zeros((int(bool(a)), 0), np.int64))
    return Tensor._wrap(np.argwhere(a).astype(np.int64))


@declare(method=True, cases=[case(lambda m, x: m.argwhere(x > 0).float(), (2, 3, 2), grad=False)])
def argwhere(input):
    """The indices of the non-zero elements as an int64 (n, ndim) tensor (nonzero(input))."""
    return nonzero(input)


@declare(method=True, cases=[case(lambda m, x: m.take(x, m.idx([[0, 5], [11, -1]])), (3, 4))])
@with_out
def take(input, index):
    """input treated as 1-D, at `index` (an integer tensor; negative counts from the end): index's shape."""
    idx = raw(index) if isinstance(index, Tensor) else np.asarray(index)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {torch_name(idx.dtype)}")
    n = input.numel()
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx.min()) if idx.min() < -n else int(idx.max())
        raise IndexError(f"take(): index {bad} out of range for tensor of size {tuple(input.shape)}.")
    flat = np.where(idx < 0, idx + n, idx).astype(np.intp)
    if input.ndim == 0:
        return Take.apply(input.reshape(1), (flat,))
    return Take.apply(input, np.unravel_index(flat, tuple(input.shape)))


@declare(method=True, cases=[case(lambda m, x: m.repeat_interleave(x, 2), (2, 3)),
                             case(lambda m, x: x.repeat_interleave(m.idx([1, 0, 3]), dim=1), (2, 3),
                                  suffix="tensor"),
                             case(lambda m, x: m.repeat_interleave(x, 3, dim=0), (2, 2), suffix="dim")])
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (dim=None: of the flattened input) or slice along dim repeated `repeats` times (an int,
    or a 1-D tensor with one count per element). repeat_interleave(counts) alone gives
    repeat_interleave(arange(len(counts)), counts)."""
    if repeats is None:  # torch.repeat_interleave(repeats): the indices, each repeated
        counts = raw(input)
        return Tensor._wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    x = input if dim is not None else input.reshape(-1)
    d = 0 if dim is None else norm_dim(dim, max(x.ndim, 1), "repeat_interleave")[0]
    if x.ndim == 0:
        x = x.reshape(1)
    n = x.shape[d]
    r = raw(repeats) if isinstance(repeats, Tensor) else np.asarray(repeats)
    if r.ndim > 1 or (r.ndim == 1 and r.size not in (1, n)):
        raise RuntimeError(f"repeat_interleave: repeats must have the same size as input along dim ({n}), got "
                           f"{tuple(r.shape)}")
    if r.size and r.min() < 0:
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    idx = np.repeat(np.arange(n, dtype=np.int64), np.broadcast_to(r.reshape(-1) if r.ndim else r, (n,)))
    if output_size is not None and output_size != idx.size:
        raise RuntimeError(f"repeat_interleave: output_size {output_size} != the sum of repeats {idx.size}")
    _check_range(idx, n, d, "repeat_interleave")
    return index_select(x, d, Tensor._wrap(idx))


declare(inplace_of(masked_fill, "masked_fill_"), name="masked_fill_", namespaces=(), method=True)
declare(inplace_of(masked_scatter, "masked_scatter_"), name="masked_scatter_", namespaces=(), method=True)
