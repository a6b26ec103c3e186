"""Index-driven ops: gather, take_along_dim, index_select (forward x[fancy index], backward a scatter-add that
accumulates repeated indices) and scatter_add (its adjoint).

Each turns its arguments into one NumPy fancy index, so the differentiable Index op does the work both ways.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import norm_dim
from .indexing import Index

__all__ = ["gather", "index_select", "scatter_add", "take_along_dim"]


class Gather(Index):
    """gather(x, dim, index) = x[fancy index]; backward scatters g back, adding repeats (Index's)."""


class TakeAlongDim(Index):
    """take_along_dim(x, indices, dim)."""

    node_name = "GatherBackward0"  # PyTorch's node: take_along_dim is a gather there


class IndexSelect(Index):
    """index_select(x, dim, index)."""


def _index_array(index, op: str) -> np.ndarray:
    idx = index._data if isinstance(index, Tensor) else np.asarray(index)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: expected an integer index tensor, got {idx.dtype}")
    return idx


def _check_range(idx: np.ndarray, n: int, dim: int, op: str) -> None:
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= n:
            bad = lo if lo < 0 else hi
            raise IndexError(f"{op}: index {bad} is out of bounds for dimension {dim} with size {n}")


def _along(idx: np.ndarray, axis: int, sizes) -> tuple:
    """Fancy index taking idx along `axis` and positions 0..sizes[k]-1 (broadcast) along every other axis."""
    nd = idx.ndim
    return tuple(
        idx if k == axis else np.arange(n).reshape((n,) + (1,) * (nd - k - 1)) for k, n in enumerate(sizes)
    )


def gather(input, dim: int, index, *, sparse_grad: bool = False):
    """out[i][j][k] = input[i][index[i][j][k]][k] (dim = 1): values picked along dim, in index's shape."""
    idx = _index_array(index, "gather")
    (d,) = norm_dim(dim, input.ndim, "gather")
    if idx.ndim != input.ndim and not (idx.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError(f"gather: index {tuple(idx.shape)} and input {tuple(input.shape)} must have the same number of "
                           "dimensions")
    if input.ndim == 0:
        return Gather.apply(input, ()) if idx.ndim == 0 else Gather.apply(input.reshape(1), (idx,))
    for k, (a, b) in enumerate(zip(idx.shape, input.shape)):
        if k != d and a > b:
            raise RuntimeError(f"gather: index {tuple(idx.shape)} is larger than input {tuple(input.shape)} in dimension "
                               f"{k}")
    _check_range(idx, input.shape[d], d, "gather")
    return Gather.apply(input, _along(idx, d, idx.shape))


def take_along_dim(input, indices, dim=None):
    """Values at `indices` along dim (broadcast against input elsewhere); dim=None: of the flattened input."""
    idx = _index_array(indices, "take_along_dim")
    if dim is None:
        flat = input.reshape(-1)
        _check_range(idx, flat.shape[0], 0, "take_along_dim")
        return TakeAlongDim.apply(flat, (idx.reshape(-1),))
    (d,) = norm_dim(dim, input.ndim, "take_along_dim")
    if idx.ndim != input.ndim:
        raise RuntimeError(f"take_along_dim: indices {tuple(idx.shape)} and input {tuple(input.shape)} must have the same "
                           "number of dimensions")
    try:
        sizes = np.broadcast_shapes(input.shape[:d] + (1,) + input.shape[d + 1:], idx.shape[:d] + (1,) +
                                    idx.shape[d + 1:])
    except ValueError:
        raise RuntimeError(f"take_along_dim: indices {tuple(idx.shape)} cannot be broadcast against input "
                           f"{tuple(input.shape)} outside dimension {d}") from None
    _check_range(idx, input.shape[d], d, "take_along_dim")
    tup = []
    for k, n in enumerate(sizes):
        if k == d:
            tup.append(idx)
        else:
            pos = np.arange(n) if input.shape[k] != 1 else np.zeros(n, np.intp)  # broadcast input dims
            tup.append(pos.reshape((n,) + (1,) * (len(sizes) - k - 1)))
    return TakeAlongDim.apply(input, tuple(tup))


def index_select(input, dim: int, index):
    """The entries index[0], index[1], ... of dim (a 1-D integer index; repeats allowed)."""
    idx = _index_array(index, "index_select")
    if idx.ndim > 1:
        raise RuntimeError(f"index_select: index must be 0-D or 1-D, got shape {tuple(idx.shape)}")
    (d,) = norm_dim(dim, input.ndim, "index_select")
    if input.ndim == 0:
        return input.clone()
    _check_range(idx, input.shape[d], d, "index_select")
    return IndexSelect.apply(input, (slice(None),) * d + (idx.reshape(-1),))


class ScatterAdd(Op):
    @staticmethod
    def forward(ctx, x, src, idx):
        ctx.idx = idx
        out = x.copy()
        np.add.at(out, idx, src)
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g ; dL/dsrc = g gathered at the scattered places
        nig = ctx.needs_input_grad
        return (g if nig[0] else None), (g[ctx.idx] if nig[1] else None), None


def scatter_add(input, dim: int, index, src):
    """input with src[i][j][k] added at [i][index[i][j][k]][k] (dim = 1); repeated indices accumulate."""
    idx = _index_array(index, "scatter_add")
    (d,) = norm_dim(dim, input.ndim, "scatter_add")
    src = src if isinstance(src, Tensor) else Tensor(np.asarray(src, dtype=input.dtype))
    if idx.ndim != input.ndim or src.ndim != input.ndim:
        raise RuntimeError(f"scatter_add: index {tuple(idx.shape)}, src {tuple(src.shape)} and input {tuple(input.shape)} must "
                           "have the same number of dimensions")
    for k in range(idx.ndim):
        if idx.shape[k] > src.shape[k] or (k != d and idx.shape[k] > input.shape[k]):
            raise RuntimeError(f"scatter_add: index {tuple(idx.shape)} is larger than src {tuple(src.shape)} or input "
                               f"{tuple(input.shape)} in dimension {k}")
    _check_range(idx, input.shape[d], d, "scatter_add")
    if src.shape != idx.shape:  # only the leading index.shape block of src is used (PyTorch)
        src = src[tuple(slice(0, n) for n in idx.shape)]
    return ScatterAdd.apply(input, src, _along(idx, d, idx.shape))
