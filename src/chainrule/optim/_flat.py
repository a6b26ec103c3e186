"""Flat buffers: a param group's parameters, gradients and optimizer state as one contiguous array each.

A `Bucket` holds the parameters of one group that share a dtype. At construction it re-homes them: each
`p._data` becomes a view `flat[off:off + n].reshape(shape)` of one flat parameter array (values copied, the
Parameter objects unchanged), so one vectorised NumPy call updates the whole bucket. Gradients are gathered
into a flat gradient array (no copy at all when `p._grad` already wraps its slice, as after
`zero_grad(set_to_none=False)`), and every state ("exp_avg", ...) is one flat array of which
`optimizer.state[p]` holds per-parameter Tensor views, so state_dict() keeps PyTorch's per-parameter layout.

With `foreach=False` each parameter is its own bucket and keeps its own array (the per-parameter loop).
Complex parameters are updated as pairs of reals (PyTorch's view_as_real): every update is elementwise.
The one visible effect of re-homing: an ndarray taken from a parameter before the optimizer was built
(`p.numpy()`, `p._data`) no longer aliases it; take it afterwards, or read `p` itself.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


class Relayout(Exception):
    """A parameter's array changed dtype or shape: the group's buckets must be rebuilt."""


class Bucket:
    """The parameters of one group and one dtype, their flat buffers and per-parameter step counts."""

    def __init__(self, params: list, own: bool = False):
        self.params = params
        self.own = own
        self.dtype = params[0]._data.dtype
        self.real = np.finfo(self.dtype).dtype if self.dtype.kind == "c" else None  # complex: updated as (re, im)
        self.shapes = [p._data.shape for p in params]
        offs = [0]
        for p in params:
            offs.append(offs[-1] + p._data.size)
        self.offs = offs
        if own:
            (p,) = params
            if not p._data.flags.c_contiguous:
                p._data = np.ascontiguousarray(p._data)
            self.pviews = [p._data]
            self.flat = p._data.reshape(-1)
            self.grad = self.gviews = None
        else:
            self.flat = np.empty(offs[-1], self.dtype)
            self.pviews = self._views(self.flat)
            for p, view in zip(params, self.pviews):
                np.copyto(view, p._data)
                p._data = view
            self.grad = np.zeros(offs[-1], self.dtype)
            self.gviews = self._views(self.grad)
        self.bufs: dict[str, np.ndarray] = {}
        self.bviews: dict[str, list] = {}
        self.steps = np.zeros(len(params), np.float32)
        self.recs: list = [None] * len(params)
        self._work: list = []

    def _views(self, flat: np.ndarray) -> list:
        o = self.offs
        return [flat[o[i] : o[i + 1]].reshape(s) for i, s in enumerate(self.shapes)]

    def rehome(self, i: int) -> None:
        """`p.data` was replaced: copy the new values into the flat buffer and point p back at its view."""
        p, arr = self.params[i], self.params[i]._data
        if arr.shape != self.shapes[i] or arr.dtype != self.dtype:
            raise Relayout
        if self.own:
            if not arr.flags.c_contiguous:
                arr = p._data = np.ascontiguousarray(arr)
            self.pviews[0], self.flat = arr, arr.reshape(-1)
        else:
            np.copyto(self.pviews[i], arr)
            p._data = self.pviews[i]

    def add_buffer(self, key: str, fill: float) -> None:
        """Allocate the flat array of one state and give the existing state records their views of it."""
        self.bufs[key] = np.full(self.offs[-1], fill, self.dtype)
        self.bviews[key] = views = self._views(self.bufs[key])
        for rec, view in zip(self.recs, views):
            if rec is not None:
                rec[key] = Tensor._wrap(view)

    def work(self, k: int, o0: int, o1: int) -> np.ndarray:
        """Scratch array number k, sliced to [o0, o1) (allocated once per bucket)."""
        while len(self._work) <= k:
            self._work.append(np.empty(self.offs[-1], self.dtype))
        return self._work[k][o0:o1]

    def as_real(self, a: np.ndarray) -> np.ndarray:
        """The array the update sees: complex values as (re, im) pairs of reals, like PyTorch's view_as_real."""
        return a if self.real is None else a.view(self.real)

    def grad_slice(self, o0: int, o1: int) -> np.ndarray:
        if self.own:
            return self.params[0]._grad._data.reshape(-1)
        return self.grad[o0:o1]


def build(params: list, foreach) -> list:
    """Buckets for one group: one per dtype (first-seen order), or one per parameter when foreach is False."""
    if foreach is False:
        return [Bucket([p], own=True) for p in params]
    by_dtype: dict = {}
    for p in params:
        by_dtype.setdefault(p._data.dtype, []).append(p)
    return [Bucket(ps) for ps in by_dtype.values()]


class Work:
    """The scratch arrays of one run of a bucket: `work[k]` is a run-sized float array."""

    __slots__ = ("_b", "_o0", "_o1")

    def __init__(self, bucket: Bucket, o0: int, o1: int):
        self._b, self._o0, self._o1 = bucket, o0, o1

    def __getitem__(self, k: int) -> np.ndarray:
        return self._b.as_real(self._b.work(k, self._o0, self._o1))
