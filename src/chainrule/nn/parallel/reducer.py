"""The gradient reducer of DistributedDataParallel: buckets, started as their gradients become ready.

Parameters are packed, in reverse registration order (roughly the order backward produces their gradients),
into flat buckets of one dtype: the first bucket of each dtype holds up to 1 MiB (so communication starts
early), the others up to `bucket_cap_mb` (PyTorch's assignment). When a parameter's gradient is complete (its
post-accumulate-grad hook), it is copied - already divided by the world size - into its bucket; when a bucket
is full, its non-blocking all-reduce (MPI_Iallreduce) starts while backward goes on computing the gradients of
earlier layers. Buckets start in bucket order on every rank (MPI needs the same collective order everywhere).
When the last bucket has started, every one is waited for and the averaged gradients are written back to
`.grad`, all before `backward()` returns.
"""

from __future__ import annotations

import time

import numpy as np

from ...distributed.buffers import spec
from ...distributed.group import mpi
from ...distributed.work import wait_all
from ...tensor import Tensor

FIRST_BUCKET_BYTES = 1024 * 1024  # PyTorch's dist._DEFAULT_FIRST_BUCKET_BYTES


class Bucket:
    """Some parameters' gradients in one flat buffer; `pending` counts those not yet ready this iteration."""

    __slots__ = ("buffer", "indices", "offsets", "pending", "request")

    def __init__(self, indices: list[int], params: list, dtype: np.dtype) -> None:
        self.indices = indices
        sizes = [params[i]._data.size for i in indices]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist()
        self.buffer = np.zeros(self.offsets[-1], dtype=dtype)
        self.pending, self.request = len(indices), None


def assign_buckets(params: list, cap_bytes: int, first_cap_bytes: int = FIRST_BUCKET_BYTES) -> list[list[int]]:
    """Parameter indices per bucket: reverse order, one dtype per bucket, caps as PyTorch's (first one small)."""
    open_: dict = {}
    caps: dict = {}
    done = []
    for i in reversed(range(len(params))):
        dt = params[i]._data.dtype
        cur = open_.setdefault(dt, [[], 0])
        cur[0].append(i)
        cur[1] += params[i]._data.nbytes
        if cur[1] >= caps.get(dt, min(first_cap_bytes, cap_bytes)):
            done.append(cur[0])
            caps[dt] = cap_bytes
            del open_[dt]
    done.extend(c[0] for c in open_.values() if c[0])
    return sorted(done, key=lambda b: -b[0])  # in the order backward is expected to fill them


class Reducer:
    """Averages the gradients of `params` over `group` during backward (see the module docstring)."""

    def __init__(self, params: list, names: list[str], group, bucket_cap_mb: float, find_unused: bool,
                 gradient_as_bucket_view: bool) -> None:
        self.params, self.names, self.group = params, names, group
        self.find_unused, self.as_view = find_unused, gradient_as_bucket_view
        cap = int(bucket_cap_mb * 1024 * 1024)
        self.buckets = [Bucket(ix, params, params[ix[0]]._data.dtype) for ix in assign_buckets(params, cap)]
        self.where = {}
        for b, bucket in enumerate(self.buckets):
            for k, i in enumerate(bucket.indices):
                self.where[i] = (b, k)
        self.expect_hooks = False  # set by forward (grad enabled, not under no_sync)
        # Diagnostics: reductions done, and seconds backward spent waiting for communication after its last
        # gradient (the part of the all-reduce that computation did not hide; docs/distributed.md uses them).
        self.iterations, self.wait_seconds = 0, 0.0
        self.started = False  # a hook fired since the last prepare
        self._reset()
        self.handles = [p.register_post_accumulate_grad_hook(self._hook(i)) for i, p in enumerate(params)]

    def _reset(self) -> None:
        self.ready = [False] * len(self.params)
        self.used = np.zeros(len(self.params), dtype=np.int32)
        for b in self.buckets:
            b.pending, b.request = len(b.indices), None
        self.next_bucket = 0
        self.started = False

    def _hook(self, i: int):
        def hook(param):
            if self.expect_hooks:
                self.used[i] = 1
                self.mark_ready(i)

        return hook

    def prepare(self, outputs, sync: bool) -> None:
        """Before a backward: check the last reduction finished; with find_unused_parameters, mark the
        parameters that `outputs` do not depend on as ready now (they contribute zeros)."""
        if self.started:
            missing = [self.names[i] for i, r in enumerate(self.ready) if not r]
            raise RuntimeError(
                "DistributedDataParallel: expected to have finished reduction in the prior iteration before "
                "starting a new one. The module has parameters that did not receive a gradient in the last "
                f"backward: {missing[:10]}{' ...' if len(missing) > 10 else ''}. Pass "
                "find_unused_parameters=True to DistributedDataParallel, or make sure every forward output "
                "takes part in the loss."
            )
        self._reset()
        self.expect_hooks = sync
        if sync and self.find_unused:
            reached = _leaves_reached(outputs)
            for i, p in enumerate(self.params):
                if id(p) not in reached:
                    self.mark_ready(i)

    def mark_ready(self, i: int) -> None:
        """Parameter i's gradient is final for this backward: copy it into its bucket; start full buckets."""
        if self.ready[i]:
            raise RuntimeError(
                f"DistributedDataParallel: expected to mark a variable ready only once; parameter "
                f"{self.names[i]} received a second gradient in one iteration (a backward through the same "
                "forward twice, or a parameter shared by two DDP modules)")
        self.ready[i] = True
        self.started = True
        b, k = self.where[i]
        bucket = self.buckets[b]
        view = bucket.buffer[bucket.offsets[k] : bucket.offsets[k + 1]]
        g = self.params[i]._grad
        if g is None:
            view[...] = 0
        else:
            np.divide(g._data.reshape(-1), self.group.size(), out=view)  # PyTorch divides before summing
        bucket.pending -= 1
        if bucket.pending == 0:
            self._launch()
        elif self.next_bucket:
            _progress(self.buckets[: self.next_bucket])

    def _launch(self) -> None:
        """Start every full bucket that is next in order; finish when all have started."""
        MPI = mpi()
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            bucket = self.buckets[self.next_bucket]
            bucket.request = self.group.comm.Iallreduce(MPI.IN_PLACE, spec(bucket.buffer), op=MPI.SUM)
            self.next_bucket += 1
        if self.next_bucket == len(self.buckets):
            self.finalize()

    def finalize(self) -> None:
        """Wait for every bucket and write the averaged gradients into `.grad`."""
        g = self.group
        t0 = time.perf_counter()
        wait_all([b.request for b in self.buckets], g, "DistributedDataParallel gradient all-reduce", g.timeout)
        self.wait_seconds += time.perf_counter() - t0
        self.iterations += 1
        used = None
        if self.find_unused:  # which parameters got a gradient on some rank (the others keep grad None)
            MPI = mpi()
            req = g.comm.Iallreduce(MPI.IN_PLACE, [self.used, MPI.INT32_T], op=MPI.MAX)
            wait_all([req], g, "DistributedDataParallel unused-parameter map", g.timeout)
            used = self.used
        for bucket in self.buckets:
            for k, i in enumerate(bucket.indices):
                p = self.params[i]
                if used is not None and not used[i]:
                    continue
                view = bucket.buffer[bucket.offsets[k] : bucket.offsets[k + 1]].reshape(p._data.shape)
                if self.as_view:
                    p._grad = Tensor._wrap(view)
                elif p._grad is None:
                    p._grad = Tensor._wrap(view.copy())
                else:
                    p._grad._data[...] = view
        self.started = False  # expect_hooks stays: a second backward through this forward is an error

    def remove(self) -> None:
        for h in self.handles:
            h.remove()


def _progress(buckets) -> None:
    """Let MPI advance the all-reduces in flight (Open MPI progresses them only inside MPI calls)."""
    reqs = [b.request for b in buckets if b.request is not None]
    if reqs:
        mpi().Request.Testall(reqs)


def _leaves_reached(outputs) -> set:
    """ids of the leaf tensors the graph behind `outputs` (tensors in any nesting of tuple/list/dict) uses."""
    stack, seen, leaves = [], set(), set()
    todo = [outputs]
    while todo:
        o = todo.pop()
        if isinstance(o, Tensor):
            if o.grad_fn is not None:
                stack.append(o.grad_fn)
            elif o._rg:
                leaves.add(id(o))
        elif isinstance(o, (list, tuple)):
            todo.extend(o)
        elif isinstance(o, dict):
            todo.extend(o.values())
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for e in node.next:
            if e is None:
                continue
            if type(e) is Tensor:
                leaves.add(id(e))
            else:
                stack.append(e[0] if type(e) is tuple else e)
    return leaves
