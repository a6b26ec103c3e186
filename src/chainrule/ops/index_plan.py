"""PyTorch's indexing rules, turned into NumPy indexes: x[idx] is x[plan.basic][plan.adv].

PyTorch applies ints, slices, None and Ellipsis first, as views (an int selects, removing its dimension), and
only then the index tensors, placed by NumPy's rule among the dimensions that remain. NumPy counts ints as
advanced indices, so on a (2, 3, 4) tensor x[0, :, idx] is (3, 2) in PyTorch and (2, 3) in NumPy: a plan keeps
the two stages apart. This file is a port of PyTorch's `applySlicing` (a dimension pointer walked over the
items), so its quirks come along: several Ellipses are allowed, a Python bool (or 0-d bool tensor) is an index
tensor on a new axis of size 1, a 0-d integer tensor selects like an int, and a short non-tuple list holding
sequences, slices, None or Ellipsis is read as a tuple (with PyTorch's deprecation warning).

One deliberate difference: a list or array of floats used as an index raises here; PyTorch truncates it to
ints.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..tensor import Tensor

_BAD_ITEM = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
             "indices (got {})")
_BAD_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"
_EMPTY = np.zeros(0, np.intp)
_ZERO = np.zeros(1, np.intp)


class Plan:
    """x[idx] in two NumPy steps: `basic` (ints, slices, None; None when it is x itself), then `adv` (index
    arrays and slices, placed by NumPy's rule; None for a view). `unique`: adv never names an element
    twice."""

    __slots__ = ("adv", "basic", "byte_mask", "unique")

    def __init__(self, basic, adv, unique, byte_mask=False):
        self.basic, self.adv, self.unique, self.byte_mask = basic, adv, unique, byte_mask

    def take(self, x):
        """x[idx] on an array."""
        if self.basic is not None:
            x = x[self.basic]
        return x if self.adv is None else x[self.adv]

    def target(self, x):
        """The view x[basic] of an array (the place a setitem writes to)."""
        return x if self.basic is None else x[self.basic]

    def add_into(self, out, g) -> None:
        """out[idx] += g, repeated indices accumulating."""
        t = self.target(out)
        if self.adv is None:
            t[...] += g
        elif self.unique:
            t[self.adv] += g
        else:
            np.add.at(t, self.adv, g)


def plan(shape: tuple, idx) -> Plan:
    """The plan of x[idx] for a tensor of this shape, raising PyTorch's errors for invalid indexes."""
    items = _as_items(idx)
    conv = [_item(o) for o in items]
    ndim = len(shape)
    if ndim == 0 and type(idx) is not tuple and conv[0][0] in ("int", "slice"):
        if conv[0][0] == "slice":
            _slice(conv[0][1])  # the step is checked first
        raise IndexError("slice() cannot be applied to a 0-dim tensor." if conv[0][0] == "slice" else
                         "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    specified = 0
    for o, c in zip(items, conv):
        if c[0] in ("int", "slice") or (c[0] == "arr" and not isinstance(o, Tensor)):
            specified += 1
        elif c[0] == "arr":
            specified += c[1].ndim if c[2] else 1
        elif c[0] == "bool" and not isinstance(o, (bool, Tensor)):
            specified += 1  # a 0-d bool array counts as a sequence, as in PyTorch
    if specified > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    cur = list(range(ndim))  # what each dim of the result so far is: an input dim, or -1 for a new axis
    sizes = list(shape)
    sel = {}  # input dim -> the int or slice applied to it
    adv = []  # (position in the basic result, index array, is a mask)
    dim = 0
    for c in conv:
        kind = c[0]
        if kind == "int" or kind == "slice":
            if dim >= len(cur):
                raise IndexError(f"too many indices for tensor of dimension {ndim}")
            n, k = sizes[dim], cur[dim]
            if kind == "int":
                i = c[1]
                if not -n <= i < n:
                    raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {n}")
                if k >= 0:
                    sel[k] = i % n
                del cur[dim], sizes[dim]
                continue
            start, stop, step = _slice(c[1]).indices(n)
            length = len(range(start, stop, step))
            if k >= 0:
                sel[k] = slice(start, stop, step)
            elif length == 0:  # a new axis sliced to nothing: an empty index on it (the result is empty)
                adv.append((dim, _EMPTY, False))
            sizes[dim] = length
            dim += 1
        elif kind == "none" or kind == "bool":
            cur.insert(dim, -1)
            sizes.insert(dim, 1)
            if kind == "bool":
                adv.append((dim, _ZERO if c[1] else _EMPTY, False))
            dim += 1
        elif kind == "ellipsis":
            dim += ndim - specified
        else:
            adv.append((dim, c[1], c[2]))
            dim += c[1].ndim if c[2] else 1
    basic = _basic_tuple(cur, sel)
    if not adv:
        return Plan(basic, None, True)
    return Plan(basic, *_adv_tuple(adv, sizes), byte_mask=len(adv) == 1 and adv[0][2] == "uint8")


def _as_items(idx) -> tuple:
    """The index as a tuple of items (PyTorch's treatSequenceAsTuple for lists)."""
    if type(idx) is tuple:
        return idx
    if isinstance(idx, list) and len(idx) < 32:
        for e in idx:
            if isinstance(e, (Tensor, np.ndarray, list, tuple, slice)) or e is None or e is Ellipsis:
                warnings.warn(
                    "Using a non-tuple sequence for multidimensional indexing is deprecated; use "
                    "x[tuple(seq)] instead of x[seq] (PyTorch reads it as a tuple, and so does chainrule).",
                    UserWarning, stacklevel=4)
                return tuple(idx)
    return (idx,)


def _item(o) -> tuple:
    """An index item as ("int", i) ("slice", s) ("none",) ("ellipsis",) ("bool", b) or ("arr", a, mask)."""
    if o is None:
        return ("none",)
    if o is Ellipsis:
        return ("ellipsis",)
    if isinstance(o, bool):
        return ("bool", o)
    if isinstance(o, (int, np.integer)):
        return ("int", int(o))
    if isinstance(o, slice):
        return ("slice", o)
    if isinstance(o, Tensor):
        return _array_item(o._data)
    if isinstance(o, np.ndarray):
        return _array_item(o)
    if isinstance(o, (list, tuple)):
        return _array_item(_sequence_array(o))
    mod = type(o).__module__
    name = type(o).__name__ if mod == "builtins" else f"{mod}.{type(o).__name__}"
    raise IndexError(_BAD_ITEM.format(name))


def _slice(s: slice) -> slice:
    step = 1 if s.step is None else int(s.step.__index__())
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step < 0:
        raise ValueError("step must be greater than zero")
    start = None if s.start is None else int(s.start.__index__())
    stop = None if s.stop is None else int(s.stop.__index__())
    return slice(start, stop, step)


def _sequence_array(seq) -> np.ndarray:
    """A list inside an index becomes a tensor as torch.tensor(list) would (an empty list: int64)."""
    if len(seq) == 0:
        return np.zeros(0, np.int64)
    from ..tensor import _as_array

    try:
        return _as_array(list(seq))
    except TypeError:
        raise IndexError(_BAD_DTYPE) from None


def _array_item(a: np.ndarray) -> tuple:
    k = a.dtype.kind
    if k == "b" or a.dtype == np.uint8:
        if a.ndim == 0:
            return ("bool", bool(a))
        return ("arr", a, True) if k == "b" else ("arr", a.astype(bool), "uint8")
    if a.dtype not in (np.int64, np.int32):
        raise IndexError(_BAD_DTYPE)
    if a.ndim == 0:
        return ("int", int(a))
    return ("arr", a, False)


def _basic_tuple(cur: list, sel: dict):
    """The NumPy basic index doing the ints, slices and Nones; None when it would return x unchanged."""
    ints = sorted(k for k, v in sel.items() if type(v) is int)
    out, i = [], 0
    for k in cur:
        if k < 0:
            out.append(None)
            continue
        while i < len(ints) and ints[i] < k:
            out.append(sel[ints[i]])
            i += 1
        out.append(sel.get(k, slice(None)))
    out.extend(sel[k] for k in ints[i:])
    full = slice(None)
    while out and type(out[-1]) is slice and out[-1] == full:
        out.pop()
    if ints:
        out.append(Ellipsis)  # NumPy gives a scalar, not a 0-d view, when ints select every dim
    return tuple(out) if out else None


def _adv_tuple(adv: list, sizes: list) -> tuple:
    """The advanced stage (index arrays at their dims, full slices elsewhere), checked as PyTorch checks it.

    As in PyTorch, out-of-range indexes are an error only when the result has elements (NumPy checks always).
    """
    nd = len(sizes)
    if max(p + (a.ndim if m else 1) for p, a, m in adv) > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    tup = [slice(None)] * nd  # one item per dim; a k-dim mask takes its first dim's place, k - 1 are dropped
    covered, shapes = set(), []
    for p, a, mask in adv:
        if mask:
            for j in range(a.ndim):
                if a.shape[j] != sizes[p + j]:
                    raise IndexError(f"The shape of the mask {list(a.shape)} at index {j} does not match the "
                                     f"shape of the indexed tensor {sizes} at index {p + j}")
            shapes.append((int(np.count_nonzero(a)),))
            covered.update(range(p, p + a.ndim))
        else:
            shapes.append(a.shape)
            covered.add(p)
        tup[p] = a
    try:
        bshape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(s)) for s in shapes)) from None
    empty = 0 in bshape or any(sizes[j] == 0 for j in range(nd) if j not in covered)
    for p, a, mask in adv:
        if not mask and a.size:
            n = sizes[p]
            if n == 0:
                raise IndexError("index is out of bounds for dimension with size 0")
            lo, hi = int(a.min()), int(a.max())
            if lo < -n or hi >= n:
                if not empty:
                    raise IndexError(f"index {lo if lo < -n else hi} is out of bounds for dimension {p} with "
                                     f"size {n}")
                tup[p] = np.zeros(a.shape, np.intp)  # nothing is read: any in-range index will do
    drop = {j for p, a, m in adv if m for j in range(p + 1, p + a.ndim)}
    tup = [t for j, t in enumerate(tup) if j not in drop]
    while type(tup[-1]) is slice:
        tup.pop()
    unique = len(adv) == 1 and adv[0][2]  # one mask names each element at most once
    return tuple(tup), unique
