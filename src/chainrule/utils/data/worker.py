"""What runs inside a DataLoader worker process: seeding, `get_worker_info()`, fetching batches, error wrapping.

As PyTorch: worker `id` gets seed `base_seed + id` (base_seed drawn from the loader's generator each epoch, or
once for persistent workers) for chainrule's default generator and Python's `random`; NumPy's legacy global
generator (`np.random.seed`) gets a seed derived from both. Then `worker_init_fn(id)` runs, then the worker
answers index batches from its queue until it is told to stop or its parent process is gone.
"""

from __future__ import annotations

import os
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _shm

_info: list = [None]  # this process's WorkerInfo (None in the main process)


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker knows about itself (torch.utils.data.get_worker_info()).

    Attributes:
        id: this worker's number, 0 <= id < num_workers.
        num_workers: how many workers the DataLoader runs.
        seed: the seed this worker's generators were seeded with (base_seed + id).
        dataset: this worker's copy of the dataset.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import DataLoader, Dataset, get_worker_info
        >>> class WhoLoads(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         info = get_worker_info()              # None in the main process
        ...         return cr.tensor(-1 if info is None else info.id)
        >>> [batch.tolist() for batch in DataLoader(WhoLoads(), batch_size=2)]
        [[-1, -1], [-1, -1]]
        >>> [batch.tolist() for batch in DataLoader(WhoLoads(), batch_size=2, num_workers=2)]
        [[0, 0], [1, 1]]
    """

    id: int
    num_workers: int
    seed: int
    dataset: Any


def get_worker_info() -> WorkerInfo | None:
    """Inside a DataLoader worker: its WorkerInfo (id, num_workers, seed, dataset); in the main process: None.

    An IterableDataset uses it in `__iter__` to give each worker its share of the stream.

    Examples:
        >>> from chainrule.utils.data import get_worker_info
        >>> print(get_worker_info())                   # in the main process
        None
    """
    return _info[0]


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process and re-raised there with its traceback."""

    def __init__(self, worker_id: int, where: str) -> None:
        exc_type, exc, _ = sys.exc_info()
        self.exc_type = exc_type
        self.msg = (f"Caught {exc_type.__name__} {where}.\nOriginal Traceback (most recent call last):\n"
                    + "".join(traceback.format_exception(exc))[len("Traceback (most recent call last):\n"):])
        self.worker_id = worker_id

    def reraise(self):
        """Raise the worker's exception type with its original traceback in the message (as PyTorch)."""
        try:
            exc = self.exc_type(self.msg)
        except Exception:  # noqa: BLE001 - an exception type whose constructor wants other arguments
            exc = RuntimeError(self.msg)
        raise exc


@dataclass(frozen=True)
class IterableEnd:
    """A worker's IterableDataset copy is exhausted."""

    worker_id: int


RESET = "reset"  # persistent workers: a new epoch begins (restart an IterableDataset's iterator)


def seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed this process's generators as a PyTorch worker's: chainrule's and `random` with base_seed + id."""
    from chainrule import random as cr_random

    seed = (base_seed + worker_id) % (1 << 64)
    random.seed(seed)
    cr_random.manual_seed(seed)
    np.random.seed(np.random.SeedSequence([base_seed % (1 << 64), worker_id]).generate_state(1)[0])
    return seed


class _MapFetcher:
    """batch of indices -> collate([dataset[i] ...]) (or one converted sample when not batching)."""

    def __init__(self, dataset, auto_batch: bool, collate_fn, drop_last: bool) -> None:
        self.dataset, self.auto_batch, self.collate_fn = dataset, auto_batch, collate_fn

    def fetch(self, indices):
        if not self.auto_batch:
            return self.collate_fn(self.dataset[indices])
        return self.collate_fn([self.dataset[i] for i in indices])


class _ArrayFetcher:
    """TensorDataset (or a Subset of one) with the default collate: one `take` per array per batch."""

    def __init__(self, arrays, index_map) -> None:
        self.arrays, self.index_map = arrays, index_map

    def fetch(self, indices):
        from ._convert import wrap

        idx = np.asarray(indices, dtype=np.intp)
        idx = idx if self.index_map is None else self.index_map[idx]
        return [wrap(a.take(idx, axis=0)) for a in self.arrays]


class _IterFetcher:
    """The next batch_size items of this worker's iterator, collated (StopIteration when it is exhausted)."""

    def __init__(self, dataset, auto_batch: bool, collate_fn, drop_last: bool, batch_size: int | None) -> None:
        self.dataset, self.auto_batch, self.collate_fn = dataset, auto_batch, collate_fn
        self.drop_last, self.batch_size = drop_last, batch_size
        self.it = iter(dataset)

    def fetch(self, _indices):
        if not self.auto_batch:
            return self.collate_fn(next(self.it))
        batch = []
        for item in self.it:
            batch.append(item)
            if len(batch) == self.batch_size:
                break
        if not batch or (self.drop_last and len(batch) < self.batch_size):
            raise StopIteration
        return self.collate_fn(batch)


def worker_loop(spec: dict, index_queue, result_queue, worker_id: int, base_seed: int, parent_pid: int) -> None:
    """The worker process's main function (module level, so the spawn start method can pickle it)."""
    try:
        import threading

        threading.current_thread().name = f"DataLoaderWorker-{worker_id}"
        seed = seed_worker(base_seed, worker_id)
        _info[0] = WorkerInfo(worker_id, spec["num_workers"], seed, spec["dataset"])
        init_error = None
        try:
            if spec["worker_init_fn"] is not None:
                spec["worker_init_fn"](worker_id)
            fetcher = _make_fetcher(spec)
        except Exception:  # noqa: BLE001 - reported with the first batch asked for
            init_error = ExceptionWrapper(worker_id, f"in DataLoader worker process {worker_id}")
        done = False
        while True:
            try:
                task = index_queue.get(timeout=2.0)
            except queue.Empty:
                if os.getppid() != parent_pid:  # the main process died: do not linger
                    return
                continue
            if task is None:
                return
            if task == RESET:
                if init_error is None and spec["iterable"]:
                    fetcher, done = _make_fetcher(spec), False
                result_queue.put((RESET, worker_id))
                continue
            idx, indices = task
            if init_error is not None:
                data = init_error
            elif done:
                data = IterableEnd(worker_id)
            else:
                try:
                    data = _shm.pack(fetcher.fetch(indices), spec["shm_bytes"])
                except StopIteration:
                    data, done = IterableEnd(worker_id), True
                except Exception:  # noqa: BLE001 - carried to the main process
                    data = ExceptionWrapper(worker_id, f"in DataLoader worker process {worker_id}")
            result_queue.put((idx, data))
    except KeyboardInterrupt:
        return


def _make_fetcher(spec: dict):
    if spec["iterable"]:
        return _IterFetcher(spec["dataset"], spec["auto_batch"], spec["collate_fn"], spec["drop_last"],
                            spec["batch_size"])
    if spec["array_source"] is not None:
        return _ArrayFetcher(*spec["array_source"])
    return _MapFetcher(spec["dataset"], spec["auto_batch"], spec["collate_fn"], spec["drop_last"])
