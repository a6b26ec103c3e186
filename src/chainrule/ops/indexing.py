"""Indexing x[...] and x[...] = v with PyTorch's rules (see index_plan.py for how an index is read).

x[ints, slices, None, ...] is a view (`Slice`, sharing memory and version counter with x); an index with
tensors, lists, arrays or bool masks is a copy (`Index`). Backward scatters the gradient into zeros; repeated
indices accumulate (np.add.at). x[idx] = v is an in-place copy_ (or index_put_) on the view x[basic], so it
writes through to x and, inside a recorded graph, rebases x's graph (autograd/views.py).
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import _NULL_CTX, Op
from ..tensor import Tensor
from .index_plan import Plan, plan
from ._declare import case, declare


def _is_basic(idx) -> bool:
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in items)


def _take(a, idx):
    """a[idx] for an array, or the recorded Index op for a Tensor (NumPy's meaning of idx, or a Plan)."""
    if isinstance(a, Tensor):
        return Index.apply(a, idx)
    return idx.take(a) if type(idx) is Plan else a[idx]


class Slice(Op):
    """x[basic index]: a view of x (ints, slices, None)."""

    is_view = True

    @staticmethod
    def forward(ctx, x, idx):
        ctx.shape, ctx.idx = x.shape, idx  # not read from ctx.inputs: backward frees those
        return x[idx]

    @staticmethod
    def backward(ctx, g):
        # dL/dx = zeros with g at the sliced places
        return index_put_add(g, ctx.shape, ctx.idx), None


class Index(Op):
    """x[idx] with index arrays (a copy). idx is a NumPy index, or a Plan (PyTorch's two stages)."""

    @staticmethod
    def forward(ctx, x, idx):
        ctx.shape, ctx.idx = x.shape, idx
        return idx.take(x) if type(idx) is Plan else x[idx]

    @staticmethod
    def backward(ctx, g):
        # dL/dx = zeros with g scattered to the indexed places (repeats accumulate)
        return index_put_add(g, ctx.shape, ctx.idx), None


class IndexPutAdd(Op):
    @staticmethod
    def forward(ctx, g, shape, idx):
        ctx.idx = idx
        out = np.zeros(shape, dtype=g.dtype)
        if type(idx) is Plan:
            idx.add_into(out, g)
        elif _is_basic(idx):
            out[idx] = g
        else:
            np.add.at(out, idx, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        # the adjoint of scatter-add is gather
        return _take(gg, ctx.idx), None, None


def index_put_add(g, shape, idx):
    """zeros(shape) with g added at idx: on arrays directly, on Tensors as a recorded op."""
    if isinstance(g, Tensor):
        return IndexPutAdd.apply(g, shape, idx)
    return IndexPutAdd.forward(_NULL_CTX, g, shape, idx)


class IndexPut(Op):
    """x with x[plan] = v (PyTorch's index_put_, run in place by setitem); v is already broadcast."""

    @staticmethod
    def forward(ctx, x, v, p):
        ctx.p = p
        out = x.copy()
        p.target(out)[p.adv] = v
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g with the written places zeroed ; dL/dv = g at the written places
        p, nig = ctx.p, ctx.needs_input_grad
        gx = gv = None
        if nig[0]:
            gx = g * _written_mask(g.shape, p, g.dtype)
        if nig[1]:
            gv = _take(g, p)
        return gx, gv, None


def _written_mask(shape, p: Plan, dtype) -> np.ndarray:
    m = np.ones(shape, dtype)
    p.target(m)[p.adv] = 0
    return m


def getitem(x: Tensor, idx):
    """x[idx] with PyTorch's rules: ints, slices, None, Ellipsis, bool masks, index tensors, lists and arrays.

    Ints, slices, None and Ellipsis give a view of x; index tensors a copy, their dims placed as PyTorch
    places them (after the ints are applied). Raises IndexError for out-of-range or malformed indexes,
    ValueError for a slice step that is not positive, as PyTorch does.
    """
    basic = _fast_basic(idx)
    if basic is not None:  # ints, slices, None, one Ellipsis: NumPy's meaning is PyTorch's; errors go on below
        try:
            return Slice.apply(x, basic)
        except IndexError:
            pass
    elif type(idx) is Tensor and idx._data.ndim and idx._data.dtype in _FAST_DTYPES:
        try:  # one index tensor: NumPy's meaning is PyTorch's
            return Index.apply(x, idx._data)
        except IndexError:
            pass
    p = plan(x._data.shape, idx)
    if p.adv is None:
        return Slice.apply(x, (Ellipsis,) if p.basic is None else p.basic)
    return Index.apply(x, p)


def setitem(x: Tensor, idx, value) -> None:
    """x[idx] = value, in place: PyTorch's copy_ into the view x[basic] (index_put_ when idx has tensors).

    value (a number or a tensor) is broadcast to the indexed shape after dropping its leading size-1 dims;
    recorded in the graph when x or value requires grad, so gradients reach both.
    """
    from ..autograd.grad_mode import state
    from ..autograd.views import inplace, own_memory

    if idx is False:  # PyTorch returns at once (the value is not even looked at)
        return
    own_memory(x)
    p = None
    basic = _fast_basic(idx)
    if basic is not None:
        try:
            x._data[basic]
            p = Plan(basic, None, True)
        except IndexError:
            pass
    if p is None:
        p = plan(x._data.shape, idx)
    v = _value(x, value, p)
    if not (state.enabled and (x._rg or (type(value) is Tensor and value._rg))):
        from ..autograd.views import check_writable

        tgt = p.target(x._data)
        if x._view is not None or not tgt.flags.writeable:
            check_writable(Tensor._wrap(tgt), "setitem")  # expanded views: elements sharing memory
        vd = v._data if type(v) is Tensor else v
        if p.adv is None:
            np.copyto(tgt, vd, casting="unsafe")
        else:
            tgt[p.adv] = vd
        x._bump()
        return
    target = x if p.basic is None else Slice.apply(x, p.basic)
    if p.adv is None:
        inplace(target, "copy_", _copy_value, v, regen=target is x)
    else:
        inplace(target, "index_put_", _index_put, v, p, regen=target is x)


_FAST_DTYPES = (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.bool_))


def _fast_basic(idx):
    """idx as a NumPy basic index when it holds only ints, slices with positive steps, None and at most one
    Ellipsis (where NumPy and PyTorch agree); Ellipsis appended so that ints give a 0-d view, not a scalar."""
    t = type(idx)
    if t is int:
        return (idx, Ellipsis)
    if t is slice:
        st = idx.step
        return (idx,) if st is None or (type(st) is int and st > 0) else None
    if t is not tuple:
        return None
    ell = False
    for i in idx:
        ti = type(i)
        if ti is int or i is None:
            continue
        if ti is slice:
            st = i.step
            if st is not None and (type(st) is not int or st <= 0):
                return None
        elif i is Ellipsis and not ell:
            ell = True
        else:
            return None
    return idx if ell else idx + (Ellipsis,)


def _copy_value(target, v):
    from .fill import Copy

    return Copy.apply(target, v)


def _index_put(target, v, p):
    return IndexPut.apply(target, v, Plan(None, p.adv, p.unique))


def _value(x: Tensor, value, p: Plan):
    """The value to write, as a Tensor of x's dtype broadcast to the indexed shape (leading 1s dropped)."""
    if p.byte_mask and (type(value) is not Tensor or value.numel() == 1):  # PyTorch takes masked_fill_ then
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
    sub = p.target(x._data)
    shape = sub.shape if p.adv is None else np.broadcast_to(np.empty((), np.bool_), sub.shape)[p.adv].shape
    if type(value) is Tensor:
        if p.adv is not None and value._data.dtype != x._data.dtype:
            raise RuntimeError("Index put requires the source and destination dtypes match, got "
                               f"{_tname(x._data.dtype)} for the destination and "
                               f"{_tname(value._data.dtype)} for the source.")
        v = value
    else:
        v = Tensor._wrap(np.asarray(value, dtype=x._data.dtype))
    vs = v._data.shape
    while len(vs) > len(shape) and vs[0] == 1:
        vs = vs[1:]
    if vs != v._data.shape:
        v = v.reshape(vs)
    try:
        full = np.broadcast_shapes(vs, shape)
    except ValueError:
        full = None
    if full != tuple(shape):
        if p.adv is not None:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(vs)} cannot be broadcast to "
                               f"indexing result of shape {list(shape)}")
        raise RuntimeError(f"setitem: the value's shape {list(vs)} cannot be broadcast to the indexed "
                           f"shape {list(shape)} (the expanded size of the tensor must match the existing size "
                           "at each non-singleton dimension)")
    if vs != tuple(shape):
        v = v.expand(*shape) if v._rg else Tensor._wrap(np.broadcast_to(v._data, shape))
    return v


def _tname(dt) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}.get(np.dtype(dt).name, str(dt))


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

# x[idx] and x[idx] = v: operators (Tensor.__getitem__, __setitem__, bound in chainrule/_methods.py), no names
declare(getitem, namespaces=(), operators=("x[idx]",), cases=[
    case(lambda m, x: x[1, ::2], (3, 4), suffix="int_slice"),
    case(lambda m, x: x[None, ..., 1:], (2, 3), suffix="none_ellipsis"),
    case(lambda m, x: x[m.idx([0, 2, 0, 0])], (3, 2), suffix="int_array_repeats"),
    case(lambda m, x: x[m.idx([0, 1, 2, 1]), m.idx([1, 0, 3, 1])], (3, 4), suffix="two_arrays"),
    case(lambda m, x: x[m.mask([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 1]])], (3, 4), suffix="bool_mask"),
    case(lambda m, x: x[1, :, m.idx([2, 0, 2])], (2, 3, 4), suffix="int_then_array"),
    case(lambda m, x: x[m.idx([0, 2, 0]), 1:], (3, 4), suffix="array_then_slice")])
declare(setitem, namespaces=(), operators=("x[idx] = v",), differentiable=True)
