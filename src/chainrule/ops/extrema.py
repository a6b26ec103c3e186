"""Extrema: amax amin, max min, argmax argmin.

amax/amin and the full max()/min() split the gradient evenly among tied extrema; max/min along a dim return
(values, indices) and send the gradient to the returned index; argmax/argmin have no gradient.
"""

from __future__ import annotations

import builtins
from collections import namedtuple

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import expand_back, norm_dim, raw, reduce_axes
from .elementwise import maximum, minimum
from .indexing import Index
from ._declare import case, declare

__all__ = ["amax", "amin", "argmax", "argmin", "max", "min", "return_types"]


def _tie_weights(x: np.ndarray, out: np.ndarray, axes, keepdim: bool, dtype) -> np.ndarray:
    """1/k at each of the k elements equal to their slice's extremum, 0 elsewhere (a constant mask)."""
    mask = x == expand_back(out, x.shape, axes, keepdim)
    w = mask.astype(dtype)
    w /= np.sum(mask, axis=axes, keepdims=True).astype(dtype)
    return w


class Amax(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        out = np.max(x, axis=axes, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g / k at each of the k tied maxima of a slice, 0 elsewhere
        x, out = ctx.saved
        w = _tie_weights(raw(x), raw(out), ctx.axes, ctx.keepdim, g.dtype)
        return expand_back(g, x.shape, ctx.axes, ctx.keepdim) * w, None, None


class Amin(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        out = np.min(x, axis=axes, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    backward = staticmethod(Amax.backward)  # dL/dx = g / k at each of the k tied minima of a slice


class Max(Index):
    """max(x, dim).values: x at the argmax indices; backward scatters g to those indices (Index's)."""


class Min(Index):
    """min(x, dim).values."""


def _return_type(name: str):
    cls = namedtuple(name, ["values", "indices"])
    cls.__qualname__ = f"return_types.{name}"
    cls.__module__ = "chainrule"
    return cls


class return_types:  # noqa: N801 - PyTorch's name (torch.return_types.max ...)
    """Named tuples returned by max/min along a dimension: (values, indices)."""

    max = _return_type("max")
    min = _return_type("min")


def _as_tensor(input) -> Tensor:
    return input if isinstance(input, Tensor) else Tensor(input)


def _reduce_dims(x: Tensor, dim, op: str):
    """PyTorch's amax/amin: dim=() or None reduces every dimension."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    return reduce_axes(dim, x.ndim, op)


def _empty_check(x: Tensor, axes, op: str, whole=RuntimeError) -> None:
    if x._data.size == 0 and (axes is None or builtins.any(x.shape[a] == 0 for a in axes)):
        error = whole if axes is None else IndexError  # PyTorch's error types: the whole tensor / a dim
        raise error(f"{op}(): cannot reduce over an empty dimension (shape {tuple(x.shape)})")


def amax(input, dim=(), keepdim: bool = False):
    """Maximum over `dim` (int or tuple; () = all); ties share the gradient evenly."""
    x = _as_tensor(input)
    axes = _reduce_dims(x, dim, "amax")
    _empty_check(x, axes, "amax")
    return Amax.apply(x, axes, bool(keepdim))


def amin(input, dim=(), keepdim: bool = False):
    """Minimum over `dim` (int or tuple; () = all); ties share the gradient evenly."""
    x = _as_tensor(input)
    axes = _reduce_dims(x, dim, "amin")
    _empty_check(x, axes, "amin")
    return Amin.apply(x, axes, bool(keepdim))


def _along(index: np.ndarray, axis: int, ndim: int, keepdim: bool) -> tuple:
    """The fancy index that picks index[...] along `axis` and every position along the other axes."""
    shape = index.shape
    out = []
    for k in range(ndim):
        if k == axis:
            out.append(index)
            continue
        pos = k if keepdim or k < axis else k - 1
        n = shape[pos]
        out.append(np.arange(n).reshape((n,) + (1,) * (len(shape) - pos - 1)))
    return tuple(out)


def _extremum(x: Tensor, dim, keepdim: bool, find, cls, name: str):
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}: dim must be an int (got {dim!r}); use a{name} for several dimensions")
    (axis,) = norm_dim(dim, x.ndim, name)
    if x.ndim == 0:
        return getattr(return_types, name)(x.clone(), Tensor._wrap(np.zeros((), np.int64)))
    _empty_check(x, (axis,), name)
    idx = find(x._data, axis=axis, keepdims=keepdim)
    values = cls.apply(x, _along(idx, axis, x.ndim, keepdim))
    return getattr(return_types, name)(values, Tensor._wrap(idx.astype(np.int64, copy=False)))


def max(input, dim=None, keepdim: bool = False):  # noqa: A001 - PyTorch's name
    """max(x): the largest element (ties share the gradient); max(x, dim): (values, indices), the gradient
    going to the returned index; max(x, other): the elementwise maximum."""
    x = _as_tensor(input)
    if isinstance(dim, Tensor):
        return maximum(x, dim)
    if dim is None:
        _empty_check(x, None, "max")
        return Amax.apply(x, None, False)
    return _extremum(x, dim, keepdim, np.argmax, Max, "max")


def min(input, dim=None, keepdim: bool = False):  # noqa: A001 - PyTorch's name
    """min(x): the smallest element (ties share the gradient); min(x, dim): (values, indices); min(x, other):
    the elementwise minimum."""
    x = _as_tensor(input)
    if isinstance(dim, Tensor):
        return minimum(x, dim)
    if dim is None:
        _empty_check(x, None, "min")
        return Amin.apply(x, None, False)
    return _extremum(x, dim, keepdim, np.argmin, Min, "min")


def _arg(find, name):
    def fn(input, dim=None, keepdim: bool = False):
        x = _as_tensor(input)
        if x._data.dtype == np.bool_:
            raise RuntimeError(f"{name}(): does not support bool input; convert with .int() or .float()")
        _empty_check(x, None if dim is None else norm_dim(dim, x.ndim, name), name, IndexError)
        if dim is None:
            res = np.asarray(find(x._data), dtype=np.int64)
            return Tensor._wrap(res.reshape((1,) * x.ndim) if keepdim else res)
        (axis,) = norm_dim(dim, x.ndim, name)
        if x.ndim == 0:
            return Tensor._wrap(np.zeros((), np.int64))
        return Tensor._wrap(np.asarray(find(x._data, axis=axis, keepdims=keepdim), dtype=np.int64))

    fn.__name__ = name
    fn.__doc__ = f"Index of the {name[3:]}imum (of the flattened tensor when dim is None); an int64 tensor."
    return fn


argmax = _arg(np.argmax, "argmax")
argmin = _arg(np.argmin, "argmin")


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

declare(amax, method=True, cases=[
    case(lambda m, x: m.amax(x, dim=(0, 1)), (3, 4), kinds="distinct", suffix="all_dims"),
    case(lambda m, x: x.amax(1, keepdim=True), (3, 4), kinds="distinct", suffix="dim")])
declare(amin, method=True, cases=[
    case(lambda m, x: x.amin((0, 2)), (2, 3, 4), kinds="distinct", suffix="dims")])
declare(max, method=True, cases=[
    case(lambda m, x: x.max(), (3, 4), kinds="distinct", suffix="full"),
    case(lambda m, x: x.max(dim=1), (3, 4), kinds="distinct", suffix="dim"),
    case(lambda m, x: m.max(x, 0, keepdim=True), (3, 4), kinds="distinct", suffix="dim_keepdim"),
    case(lambda m, x, y: m.max(x, y), (3, 4), (3, 4), kinds="distinct", suffix="binary")])
declare(min, method=True, cases=[
    case(lambda m, x: m.min(x), (3, 4), kinds="distinct", suffix="full"),
    case(lambda m, x: x.min(-1), (2, 3, 4), kinds="distinct", suffix="dim_neg")])
declare(argmax, method=True, cases=[
    case(lambda m, x: x.argmax(), (3, 4), kinds="distinct", grad=False),
    case(lambda m, x: m.argmax(x, dim=1, keepdim=True), (3, 4), kinds="distinct", grad=False,
         suffix="dim_keepdim")])
declare(argmin, method=True, cases=[
    case(lambda m, x: x.argmin(0), (3, 4), kinds="distinct", grad=False, suffix="dim")])
