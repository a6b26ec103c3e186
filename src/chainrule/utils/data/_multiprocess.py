"""DataLoader with num_workers > 0: worker processes load batches; the main process hands out index batches and
yields the results in order (as PyTorch's _MultiProcessingDataLoaderIter).

The main process keeps `prefetch_factor * num_workers` index batches in flight, sent round-robin to the workers'
queues; results come back on one queue tagged with their batch number and are yielded in sampler order (or as they
arrive with in_order=False). A worker's exception is re-raised here with its worker id and traceback; a worker
that dies or a `timeout` that passes raises RuntimeError. Workers stop when the epoch ends (or, with
persistent_workers, when the loader is garbage-collected or the interpreter exits); none is left behind.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import time
import weakref

from . import _shm
from .worker import RESET, ExceptionWrapper, IterableEnd, worker_loop

_POLL = 1.0  # seconds between liveness checks while waiting for a batch


class WorkerPool:
    """num_workers processes, each with its index queue, and the result queue they share."""

    def __init__(self, spec: dict, ctx, base_seed: int) -> None:
        self.num_workers = spec["num_workers"]
        self.result_queue = ctx.Queue()
        self.index_queues, self.workers = [], []
        parent = os.getpid()
        for wid in range(self.num_workers):
            iq = ctx.Queue()
            iq.cancel_join_thread()
            w = ctx.Process(target=worker_loop, args=(spec, iq, self.result_queue, wid, base_seed, parent),
                            daemon=True, name=f"DataLoaderWorker-{wid}")
            w.start()
            self.index_queues.append(iq)
            self.workers.append(w)
        self._finalizer = weakref.finalize(self, _shutdown, self.workers, self.index_queues, self.result_queue,
                                           parent)

    def shutdown(self) -> None:
        """Stop every worker (asked first, then terminated) and close the queues; idempotent."""
        self._finalizer()

    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def reset(self) -> None:
        """Persistent workers, new epoch: tell each worker, and drop results of an abandoned epoch until every
        worker has answered."""
        for iq in self.index_queues:
            iq.put(RESET)
        waiting = set(range(self.num_workers))
        while waiting:
            idx, data = self.get(None)
            if idx == RESET:
                waiting.discard(data)
            else:
                _shm.discard(data)

    def get(self, timeout: float | None):
        """The next (batch number, data) from any worker; raises when a worker died or `timeout` passed."""
        start = time.monotonic()
        while True:
            try:
                return self.result_queue.get(timeout=_POLL)
            except queue.Empty:
                dead = [w.pid for w in self.workers if not w.is_alive()]
                if dead:
                    self.shutdown()
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(map(str, dead))}) exited "
                                       "unexpectedly") from None
                if timeout and time.monotonic() - start > timeout:
                    self.shutdown()
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None


def _shutdown(workers, index_queues, result_queue, parent: int) -> None:
    for iq in index_queues:
        try:
            iq.put(None)
        except (OSError, ValueError):
            pass
    deadline = time.monotonic() + 5.0
    for w in workers:
        w.join(timeout=max(0.0, deadline - time.monotonic()))
    for w in workers:
        if w.is_alive():
            w.terminate()
            w.join(timeout=1.0)
    for q in (*index_queues, result_queue):
        q.cancel_join_thread()
        q.close()
    _shm.cleanup(parent)


def context(multiprocessing_context):
    """The multiprocessing context: the platform's default (fork on Linux, as PyTorch), a name, or a context."""
    if multiprocessing_context is None:
        return multiprocessing.get_context()
    if isinstance(multiprocessing_context, str):
        return multiprocessing.get_context(multiprocessing_context)
    return multiprocessing_context


class MultiProcessIter:
    """One epoch over the workers' results (the loader's `__iter__` with num_workers > 0)."""

    def __init__(self, loader, pool: WorkerPool, persistent: bool) -> None:
        self.pool, self.persistent, self.in_order = pool, persistent, loader.in_order
        self.timeout = loader.timeout or None
        self.iterable = loader._iterable
        self.sampler_iter = itertools.count() if self.iterable else iter(loader._index_sampler)
        self.active = [True] * pool.num_workers
        self.worker_cycle = itertools.cycle(range(pool.num_workers))
        self.send_idx = self.rcvd_idx = 0
        self.tasks: dict[int, tuple] = {}  # batch number -> (worker,) while pending, (worker, data) once early
        self.finished = False
        for _ in range(loader.prefetch_factor * pool.num_workers):
            self._put()

    def _put(self) -> None:
        if not any(self.active):
            return
        try:
            indices = next(self.sampler_iter)
        except StopIteration:
            return
        wid = next(self.worker_cycle)
        while not self.active[wid]:
            wid = next(self.worker_cycle)
        self.pool.index_queues[wid].put((self.send_idx, None if self.iterable else indices))
        self.tasks[self.send_idx] = (wid,)
        self.send_idx += 1

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            while self.rcvd_idx < self.send_idx:
                info = self.tasks.get(self.rcvd_idx)
                if info is not None and (len(info) == 2 or self.active[info[0]]):
                    break
                self.tasks.pop(self.rcvd_idx, None)  # yielded out of order, or its worker's stream ended
                self.rcvd_idx += 1
            else:
                self._end()
                raise StopIteration
            info = self.tasks[self.rcvd_idx]
            if len(info) == 2:
                del self.tasks[self.rcvd_idx]
                self.rcvd_idx += 1
                return self._process(info[1])
            idx, data = self.pool.get(self.timeout)
            if isinstance(data, IterableEnd):
                self.active[data.worker_id] = False
                self.tasks.pop(idx, None)
                continue
            if idx != self.rcvd_idx and self.in_order:
                self.tasks[idx] = (self.tasks[idx][0], data)
                continue
            del self.tasks[idx]
            if idx == self.rcvd_idx:
                self.rcvd_idx += 1
            return self._process(data)

    def _process(self, data):
        self._put()
        if isinstance(data, ExceptionWrapper):
            self._end()
            self.pool.shutdown()  # persistent ones too: the next epoch starts fresh workers
            data.reraise()
        return _shm.unpack(data)

    def _end(self) -> None:
        if not self.finished:
            self.finished = True
            for info in self.tasks.values():
                if len(info) == 2:
                    _shm.discard(info[1])
            if not self.persistent:
                self.pool.shutdown()

    def __del__(self):
        try:
            self._end()
        except Exception:  # noqa: BLE001, S110 - interpreter shutdown: nothing left to clean
            pass
