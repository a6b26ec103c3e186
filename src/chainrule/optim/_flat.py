"""Flat buffers: a param group's parameters, gradients and optimizer state as one contiguous array each.

A `Bucket` holds the parameters of one group that share a dtype. At construction it re-homes them: each
`p._data` becomes a view `flat[off:off + n].reshape(shape)` of one flat parameter array (values copied, the
Parameter objects unchanged), so one vectorised NumPy call updates the whole bucket. Gradients are gathered
into a flat gradient array (no copy at all when `p._grad` already wraps its slice, as after
`zero_grad(set_to_none=False)`), and every state ("exp_avg", ...) is one flat array of which
`optimizer.state[p]` holds per-parameter Tensor views, so state_dict() keeps PyTorch's per-parameter layout.

With `foreach=False` each parameter is its own bucket and keeps its own array (the per-parameter loop).

Chunks: an optimizer whose update is purely elementwise (`Optimizer._chunked`) runs it over pieces of
`CHUNK_BYTES` of every flat array in turn instead of over the whole run at once. An update is about a dozen
NumPy passes over the parameter, the gradient, the states and a scratch array; for a model of a few hundred
thousand parameters those arrays together exceed a core's L2 cache, so every pass streams them from L3 again.
Over a chunk the dozen passes find their operands in L2 (the scratch arrays are chunk-sized and stay there).
The numbers are the same bit for bit: each element sees the same operations in the same order. The chunk views
are made once per bucket and run (`Bucket.pieces`).
Complex parameters are updated as pairs of reals (PyTorch's view_as_real): every update is elementwise.
The one visible effect of re-homing: an ndarray taken from a parameter before the optimizer was built
(`p.numpy()`, `p._data`) no longer aliases it; take it afterwards, or read `p` itself.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor

CHUNK_BYTES = 256 * 1024  # per array: the 5 arrays an Adam update touches (1.25 MiB) fit a 2 MiB L2


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
        self._pieces: dict = {}  # (o0, o1, keys) -> (the arrays the views were made of, the chunk views)
        self._chunk_work: list = []

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

    def pieces(self, o0: int, o1: int, keys: tuple, chunked: bool) -> list:
        """The (param, grad, {key: state}, work) arrays `_update` runs over for parameters [o0, o1) of the flat
        buffers: one piece (the whole run), or with `chunked` consecutive chunks of CHUNK_BYTES each, all
        views made once and kept while the bucket's arrays are the same (see the module docstring)."""
        real = self.as_real
        if self.own or not chunked:
            bufs = {k: real(self.bufs[k][o0:o1]) for k in keys}
            return [(real(self.flat[o0:o1]), real(self.grad_slice(o0, o1)), bufs, Work(self, o0, o1))]
        arrays = (self.flat, self.grad, *(self.bufs[k] for k in keys))
        key = (o0, o1, keys)
        hit = self._pieces.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], arrays)):
            return hit[1]
        p, g = real(self.flat[o0:o1]), real(self.grad[o0:o1])
        bufs = {k: real(self.bufs[k][o0:o1]) for k in keys}
        n = p.shape[0]
        c = max(1, CHUNK_BYTES // p.itemsize)
        if n < 2 * c:
            out = [(p, g, bufs, Work(self, o0, o1))]
        else:
            out = [(p[a : a + c], g[a : a + c], {k: v[a : a + c] for k, v in bufs.items()},
                    ChunkWork(self, c, min(c, n - a))) for a in range(0, n, c)]
        if len(self._pieces) >= 16:  # runs change with which parameters have gradients: keep the recent ones
            self._pieces.clear()
        self._pieces[key] = (arrays, out)
        return out

    def chunk_work(self, k: int, c: int, m: int) -> np.ndarray:
        """Chunk-sized scratch array number k (shared by the chunks, run one after another), sliced to m."""
        while len(self._chunk_work) <= k:
            self._chunk_work.append(np.empty(c, self.real or self.dtype))
        return self._chunk_work[k][:m]

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


class ChunkWork:
    """The scratch arrays of one chunk: `work[k]` is a chunk-sized array shared by the bucket's chunks."""

    __slots__ = ("_arr", "_b", "_c", "_m")

    def __init__(self, bucket: Bucket, c: int, m: int):
        self._b, self._c, self._m, self._arr = bucket, c, m, {}

    def __getitem__(self, k: int) -> np.ndarray:
        a = self._arr.get(k)
        if a is None:
            a = self._arr[k] = self._b.chunk_work(k, self._c, self._m)
        return a
