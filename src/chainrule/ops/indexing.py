"""Indexing x[...]: ints, slices, None, Ellipsis, integer arrays and boolean masks.

The backward scatters the gradient into zeros; repeated integer indices accumulate (np.add.at).
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import _NULL_CTX, Op
from ..tensor import Tensor


def _is_basic(idx) -> bool:
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in items)


def _convert(idx):
    """Turn Tensors inside an index into arrays."""
    if isinstance(idx, Tensor):
        return idx._data
    if isinstance(idx, tuple):
        return tuple(_convert(i) for i in idx)
    if isinstance(idx, list):
        return np.asarray([i._data if isinstance(i, Tensor) else i for i in idx])
    return idx


class Index(Op):
    @staticmethod
    def forward(ctx, x, idx):
        ctx.shape, ctx.idx = x.shape, idx
        return x[idx]

    @staticmethod
    def backward(ctx, g):
        # dL/dx = zeros with g scattered to the indexed places (repeats accumulate)
        return index_put_add(g, ctx.shape, ctx.idx), None


class IndexPutAdd(Op):
    @staticmethod
    def forward(ctx, g, shape, idx):
        ctx.idx = idx
        out = np.zeros(shape, dtype=g.dtype)
        if _is_basic(idx):
            out[idx] = g
        else:
            np.add.at(out, idx, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        # the adjoint of scatter-add is gather
        return gg[ctx.idx], None, None


def index_put_add(g, shape, idx):
    """zeros(shape) with g added at idx: on arrays directly, on Tensors as a recorded op."""
    if isinstance(g, Tensor):
        return IndexPutAdd.apply(g, shape, idx)
    return IndexPutAdd.forward(_NULL_CTX, g, shape, idx)


def getitem(x: Tensor, idx):
    """x[idx] with NumPy's indexing rules (PyTorch's are the same for these cases)."""
    idx = _convert(idx)
    try:
        out = Index.apply(x, idx)
    except IndexError as e:
        raise IndexError(f"index: {e} (tensor of shape {tuple(x.shape)})") from None
    if _is_basic(idx):
        out._version = x._vc()  # basic indexing returns a view
    return out


def setitem(x: Tensor, idx, value) -> None:
    """x[idx] = value, in place (recorded in the graph when x requires grad)."""
    idx = _convert(idx)
    if x._check_inplace("setitem") or (isinstance(value, Tensor) and value._rg and _grad_on()):
        from . import elementwise

        mask = np.zeros(x.shape, dtype=bool)
        mask[idx] = True
        v = value if isinstance(value, Tensor) else Tensor(np.asarray(value, dtype=x.dtype))
        full = index_put_add(v.expand(x[idx].shape) if v.shape != x[idx].shape else v, x.shape, idx)
        x._rebase(elementwise.where(Tensor._wrap(mask), full, x))
        return
    x._data[idx] = value._data if isinstance(value, Tensor) else value
    x._bump()


def _grad_on() -> bool:
    from ..autograd.grad_mode import state

    return state.enabled
