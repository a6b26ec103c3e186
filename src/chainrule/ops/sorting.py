"""Sorting and order statistics: sort argsort msort topk kthvalue median nanmedian mode unique.

Values come out through the Index op (x at the chosen indices), so their gradient goes to the chosen element
(repeats accumulate); `median()` without a dim splits it evenly among the elements equal to the median, as
PyTorch does. Ties are broken as PyTorch's CPU kernels break them: sort and argsort are stable, descending
keeps equal elements in their original order, NaN sorts as the largest value; mode returns the last index.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._aliases import accepts_axis
from ._declare import case, declare
from ._out import with_out
from ._promote import kernel_missing
from ._util import norm_dim
from .extrema import _return_type, return_types
from .gather import _along
from .indexing import Index

__all__ = ["argsort", "kthvalue", "median", "mode", "msort", "nanmedian", "sort", "topk", "unique"]

for _name in ("sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin"):
    setattr(return_types, _name, _return_type(_name))


class Sort(Index):
    """sort(x).values: x at the sorted indices; backward scatters g back to them (Index's)."""


# topk, kthvalue, mode, median(dim): x at the selected indices (the gradient goes to them, Index's backward)
class Topk(Index):
    pass


class Kthvalue(Index):
    pass


class Mode(Index):
    pass


class MedianDim(Index):
    node_name = "MedianBackward1"


class NanmedianDim(Index):
    node_name = "NanmedianBackward1"


class MedianAll(Op):
    node_name = "MedianBackward0"

    @staticmethod
    def forward(ctx, x, value):
        ctx.save_for_backward(x)
        ctx.value = value
        return np.asarray(value, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g / k at each of the k elements equal to the median (PyTorch's evenly_distribute_backward)
        (x,) = ctx.saved
        v = ctx.value
        mask = np.isnan(x._data if isinstance(x, Tensor) else x) if np.isnan(v) else (
            (x._data if isinstance(x, Tensor) else x) == v)
        return g * (mask / max(int(mask.sum()), 1)).astype(g.dtype), None


def _tensor(input) -> Tensor:
    return input if isinstance(input, Tensor) else Tensor(input)


def _order(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable argsort along axis; descending keeps equal elements in their original order, NaN first."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    return (n - 1) - np.flip(np.argsort(np.flip(a, axis), axis=axis, kind="stable"), axis)


def _axis(x: Tensor, dim, op: str) -> int:
    return norm_dim(dim, x.ndim, op)[0]


class NanmedianAll(MedianAll):
    node_name = "NanmedianBackward0"


def _pick(x: Tensor, idx: np.ndarray, axis: int, cls) -> Tensor:
    return cls.apply(x, _along(idx, axis, idx.shape))


@declare(method=True, cases=[case(lambda m, x: m.sort(x).values, (3, 4), kinds="distinct"),
                             case(lambda m, x: x.sort(dim=0, descending=True)[0], (3, 4), kinds="distinct",
                                  suffix="desc")])
@with_out
@accepts_axis
def sort(input, dim: int = -1, descending: bool = False, stable: bool = False):
    """(values, indices) sorted along `dim` (default -1), ascending unless `descending`; stable always (equal
    elements keep their order, which satisfies stable=True). Returns return_types.sort."""
    x = _tensor(input)
    if x.ndim == 0:
        norm_dim(dim, 0, "sort")
        return return_types.sort(x.clone(), Tensor._wrap(np.zeros((), np.int64)))
    axis = _axis(x, dim, "sort")
    idx = _order(x._data, axis, descending)
    return return_types.sort(_pick(x, idx, axis, Sort), Tensor._wrap(idx.astype(np.int64, copy=False)))


@declare(method=True, cases=[case(lambda m, x: m.argsort(x, dim=0).float(), (3, 4), kinds="distinct",
                                  grad=False)])
@with_out
@accepts_axis
def argsort(input, dim: int = -1, descending: bool = False, stable: bool = False):
    """The int64 indices that sort input along `dim` (see sort)."""
    return sort(input, dim, descending, stable).indices


@declare(method=True, cases=[case(lambda m, x: m.msort(x), (3, 2), kinds="distinct")])
@with_out
def msort(input):
    """input sorted along dim 0 (sort(input, 0).values)."""
    return sort(input, 0).values


@declare(method=True, cases=[case(lambda m, x: m.topk(x, 2).values, (3, 4), kinds="distinct"),
                             case(lambda m, x: x.topk(3, dim=0, largest=False)[0], (4, 3), kinds="distinct",
                                  suffix="smallest")])
@with_out
@accepts_axis
def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """The k largest (largest=False: smallest) elements along `dim` and their indices, in sorted order.
    Raises RuntimeError when k exceeds the dimension's size. Returns return_types.topk."""
    x = _tensor(input)
    if x._data.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    axis = _axis(x, dim, "topk") if x.ndim else 0
    n = x.shape[axis] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk: selected index k out of range (k = {k}, dimension {dim} has size {n})")
    if x.ndim == 0:
        return return_types.topk(x.clone(), Tensor._wrap(np.zeros((), np.int64)))
    idx = np.take(_order(x._data, axis, largest), np.arange(k), axis=axis)
    return return_types.topk(_pick(x, idx, axis, Topk), Tensor._wrap(idx.astype(np.int64, copy=False)))


def _keep(idx: np.ndarray, axis: int, keepdim: bool) -> np.ndarray:
    return idx if keepdim else np.squeeze(idx, axis)


_SELECT = {"kthvalue": Kthvalue, "mode": Mode, "median": MedianDim, "nanmedian": NanmedianDim}


def _select(x: Tensor, idx: np.ndarray, axis: int, keepdim: bool, kind: str):
    idx = _keep(idx, axis, keepdim)
    from .extrema import _along as along_reduced

    values = _SELECT[kind].apply(x, along_reduced(idx, axis, x.ndim, keepdim))
    return getattr(return_types, kind)(values, Tensor._wrap(idx.astype(np.int64, copy=False)))


@declare(method=True, cases=[case(lambda m, x: m.kthvalue(x, 2).values, (3, 4), kinds="distinct"),
                             case(lambda m, x: x.kthvalue(3, 0, True)[0], (4, 3), kinds="distinct",
                                  suffix="keepdim")])
@with_out
@accepts_axis
def kthvalue(input, k: int, dim: int = -1, keepdim: bool = False):
    """The k-th smallest element (k from 1) along `dim` and its index. Returns return_types.kthvalue."""
    x = _tensor(input)
    axis = _axis(x, dim, "kthvalue") if x.ndim else 0
    n = x.shape[axis] if x.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim} (k = {k}, size {n})")
    if x.ndim == 0:
        return return_types.kthvalue(x.clone(), Tensor._wrap(np.zeros((), np.int64)))
    idx = np.take(_order(x._data, axis, False), [k - 1], axis=axis)
    return _select(x, idx, axis, keepdim, "kthvalue")


def _median(input, dim, keepdim: bool, nan: bool, kind: str):
    x = _tensor(input)
    a = x._data
    if a.dtype == np.bool_ and a.size:
        raise kernel_missing(f"{kind}_cpu", a.dtype)
    if dim is None:
        flat = a.reshape(-1)
        if flat.size == 0:  # PyTorch: NaN (integers: the lowest value, bool: True)
            return (NanmedianAll if nan else MedianAll).apply(x, np.nan if a.dtype.kind == "f" else np.iinfo(a.dtype).min
                                   if a.dtype.kind in "iu" else True)
        if nan:
            flat = flat[~np.isnan(flat)] if flat.dtype.kind == "f" else flat
        if flat.size == 0:
            return (NanmedianAll if nan else MedianAll).apply(x, np.nan)
        s = np.sort(flat, kind="stable")
        v = s[-1] if (not nan and np.isnan(s[-1])) else s[(s.size - 1) // 2]  # the lower median; NaN wins
        return (NanmedianAll if nan else MedianAll).apply(x, v)
    if x.ndim == 0:
        norm_dim(dim, 0, kind)
        return getattr(return_types, kind)(x.clone(), Tensor._wrap(np.zeros((), np.int64)))
    axis = _axis(x, dim, kind)
    n = x.shape[axis]
    if n == 0:
        raise IndexError(f"{kind}(): Expected reduction dim {axis} to have non-zero size.")
    order = _order(a, axis, False)
    if nan and a.dtype.kind == "f":
        count = np.sum(~np.isnan(a), axis=axis, keepdims=True)  # NaN sort last: the median of the rest
        pos = np.maximum(count - 1, 0) // 2
    else:
        pos = np.full(a.shape[:axis] + (1,) + a.shape[axis + 1:], (n - 1) // 2)
        if a.dtype.kind == "f":
            has_nan = np.isnan(a).any(axis=axis, keepdims=True)  # NaN propagates: pick the first NaN
            pos = np.where(has_nan, n - np.sum(np.isnan(a), axis=axis, keepdims=True), pos)
    idx = np.take_along_axis(order, pos, axis)
    return _select(x, idx, axis, keepdim, kind)


@declare(method=True, cases=[case(lambda m, x: m.median(x), (3, 4), kinds="distinct"),
                             case(lambda m, x: x.median(), (4,), suffix="even"),
                             case(lambda m, x: m.median(x, 1).values, (3, 4), kinds="distinct", suffix="dim"),
                             case(lambda m, x: x.median(dim=0, keepdim=True)[0], (5, 2), kinds="distinct",
                                  suffix="keepdim")])
@with_out
@accepts_axis
def median(input, dim=None, keepdim: bool = False):
    """median(x): the lower median of all elements (of an even count, the smaller middle one; NaN if any);
    the gradient is split among the elements equal to it. median(x, dim): return_types.median(values,
    indices) along dim."""
    return _median(input, dim, keepdim, False, "median")


@declare(method=True, cases=[case(lambda m, x: m.nanmedian(x), (3, 4), kinds="distinct"),
                             case(lambda m, x: x.nanmedian(0).values, (3, 4), kinds="distinct", suffix="dim")])
@with_out
@accepts_axis
def nanmedian(input, dim=None, keepdim: bool = False):
    """median ignoring NaN (NaN only when every element is NaN)."""
    return _median(input, dim, keepdim, True, "nanmedian")


@declare(method=True, cases=[case(lambda m, x: m.mode(x.round()).values, (3, 6), kinds="frac", grad=False),
                             case(lambda m, x: x.mode(0)[0], (4, 3), kinds="distinct", suffix="distinct")])
@with_out
@accepts_axis
def mode(input, dim: int = -1, keepdim: bool = False):
    """The most frequent value along `dim` (the smallest of equally frequent ones) and the last index where
    it occurs. Returns return_types.mode."""
    x = _tensor(input)
    if x.ndim == 0:
        return return_types.mode(x.clone(), Tensor._wrap(np.zeros((), np.int64)))
    axis = _axis(x, dim, "mode")
    a = np.moveaxis(x._data, axis, -1)
    n = a.shape[-1]
    if n == 0:
        raise IndexError(f"mode(): cannot compute the mode over an empty dimension {dim}")
    s = np.sort(a, axis=-1, kind="stable")
    new = np.ones(s.shape, bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    run_start = np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=-1)
    length = np.arange(n) - run_start + 1
    best = np.argmax(length == length.max(axis=-1, keepdims=True), axis=-1)  # the first (smallest) longest run
    value = np.take_along_axis(s, best[..., None], -1)
    last = n - 1 - np.argmax(np.flip(a == value, -1), axis=-1)
    idx = np.expand_dims(last, axis)
    return _select(x, idx, axis, keepdim, "mode")


@declare(method=True, cases=[case(lambda m, x: m.unique((x * 2).round()), (3, 5), grad=False),
                             case(lambda m, x: m.unique((x * 2).round(), return_inverse=True,
                                                        return_counts=True), (3, 5), grad=False,
                                  suffix="inverse_counts"),
                             case(lambda m, x: (x > 0).float().unique(dim=0, return_counts=True), (6, 2),
                                  grad=False, suffix="dim")])
def unique(input, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim=None):
    """The distinct elements (dim=None: of the flattened tensor, sorted; `sorted=False` sorts too, as
    PyTorch's CPU kernel does) or the distinct slices along `dim`. return_inverse adds each element's (or
    slice's) index into the result; return_counts adds how often each occurs. No gradient (PyTorch defines
    none)."""
    x = _tensor(input)
    a = x._data
    if dim is None:
        vals, inv, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        axis = _axis(x, dim, "unique")
        if any(n == 0 for k, n in enumerate(a.shape) if k != axis):
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be "
                               "applied")
        vals, inv, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
        inv = inv.reshape(-1)
    out = [Tensor._wrap(np.ascontiguousarray(vals))]
    if return_inverse:
        out.append(Tensor._wrap(inv.astype(np.int64)))
    if return_counts:
        out.append(Tensor._wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)
