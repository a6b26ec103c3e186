"""DataLoader: iterate a dataset in (reshuffled) mini-batches; array-backed datasets are cut by slicing."""

from __future__ import annotations

import hashlib
import itertools
import warnings
from collections.abc import Callable, Iterator

import numpy as np

from . import _multiprocess as _mp
from ._convert import resolve_rng, rng_or_global, wrap
from .collate import default_collate, default_convert
from .dataset import IterableDataset, array_source
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

SHM_MIN_BYTES = 1 << 20  # arrays from workers of at least 1 MiB come back through shared memory (measured: pickling
# through the pipe is faster below that, shared memory 2-4x faster from 1 MiB up)


class _InfiniteSampler(Sampler):
    """An IterableDataset's 'sampler': the loader counts batches, the dataset decides when it ends."""

    def __iter__(self):
        return itertools.count()


def _base_seed(rng: np.random.Generator, epoch: int) -> int:
    """The workers' base seed for this epoch: derived from the generator's state without drawing from it, so
    the shuffle order is the same with and without workers (PyTorch draws it; its order is the same either
    way too), and from the epoch count, so workers see new random numbers every epoch."""
    state = hashlib.sha256(repr(rng.bit_generator.state).encode()).digest()
    seq = np.random.SeedSequence([int.from_bytes(state[:8], "little"), epoch])
    return int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


def _validate(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, drop_last, timeout,
              multiprocessing_context, prefetch_factor, persistent_workers) -> None:
    """PyTorch's DataLoader argument checks, with its messages."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                         "multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                         "to enable multiprocessing, otherwise set prefetch_factor to None.")
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if multiprocessing_context is not None:
        if num_workers == 0:
            raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers "
                             f"> 0), but got num_workers={num_workers}")
        if isinstance(multiprocessing_context, str) and multiprocessing_context not in (
                "fork", "spawn", "forkserver"):
            raise ValueError("multiprocessing_context option should specify a valid start method in ['fork', "
                             f"'spawn', 'forkserver'], but got multiprocessing_context={multiprocessing_context!r}")
    if isinstance(dataset, IterableDataset):
        for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
            if value not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got "
                                 f"{name}={value!r}")
    if sampler is not None and shuffle:
        raise ValueError("sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None:
        if batch_size != 1 or shuffle or sampler is not None or drop_last:
            raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                             "drop_last")
    elif batch_size is None:
        if drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
    elif isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")


class DataLoader:
    """Iterates a dataset in mini-batches, reshuffled each epoch when shuffle=True (torch.utils.data.DataLoader).

    batch_size=1 gives stochastic gradient descent, batch_size=len(dataset) full-batch gradient descent, and
    anything between mini-batch gradient descent. In the main process (num_workers=0) a TensorDataset (or a
    Subset of one) is cut into batches with one `take` per tensor per batch; other datasets are read sample by
    sample and joined by `collate_fn`. With num_workers > 0, worker processes load the batches.

    Args:
        dataset: a map-style dataset (`__getitem__` and `__len__`) or an IterableDataset.
        batch_size: samples per batch (default 1); None yields single samples without a batch dimension.
        shuffle: draw a new random order every epoch (default None/False); from `generator` (default: the
            default generator, seeded by `chainrule.manual_seed`).
        sampler: decides the order of the indices (conflicts with shuffle=True).
        batch_sampler: yields whole batches of indices (replaces batch_size, shuffle, sampler, drop_last).
        num_workers: worker processes that load batches (default 0: load in this process). Each worker is
            seeded with base_seed + id (base_seed drawn from `generator` every epoch), then runs
            `worker_init_fn(id)`; `get_worker_info()` tells code inside a worker which one it is. Batches come
            in the sampler's order; large arrays come back through shared memory.
        collate_fn: joins a list of samples into a batch (default: `default_collate`, which stacks them).
        pin_memory: accepted; there is no accelerator, so it warns and does nothing (as PyTorch on a CPU).
        drop_last: drop the last batch when it is smaller than batch_size (default False).
        timeout: seconds to wait for a worker's batch before raising (default 0: no limit).
        worker_init_fn: called as worker_init_fn(worker_id) in each worker after seeding.
        multiprocessing_context: "fork", "spawn", "forkserver" or a context (default: the platform's, fork
            on Linux).
        generator: a chainrule.Generator (or a numpy Generator or int seed) for shuffling and worker seeds.
        prefetch_factor: batches in flight per worker (default 2 with workers; only with num_workers > 0).
        persistent_workers: keep the workers (and their dataset copies) between epochs (needs num_workers > 0).
        in_order: yield batches in sampler order (default True); False yields each as soon as it is ready.
        seed: an int seed for the shuffling (chainrule's addition; the same as a seeded generator).

    Raises:
        ValueError: PyTorch's argument checks (num_workers < 0, timeout < 0, prefetch_factor or
            persistent_workers or multiprocessing_context without workers, shuffle with sampler, batch_sampler
            with batch_size/shuffle/sampler/drop_last, batch_size=None with drop_last, an IterableDataset with
            shuffle/sampler/batch_sampler, batch_size not a positive int).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import DataLoader, TensorDataset
        >>> data = TensorDataset(cr.arange(10.0).reshape(5, 2), cr.tensor([0, 1, 0, 1, 1]))
        >>> loader = DataLoader(data, batch_size=2)
        >>> len(loader)
        3
        >>> [(x.shape, y.tolist()) for x, y in loader]
        [(chainrule.Size([2, 2]), [0, 1]), (chainrule.Size([2, 2]), [0, 1]), (chainrule.Size([1, 2]), [1])]
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn: Callable | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable | None = None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True, seed: int | None = None) -> None:
        _validate(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, drop_last, timeout,
                  multiprocessing_context, prefetch_factor, persistent_workers)
        if pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", UserWarning, stacklevel=2)
        self.dataset, self.num_workers, self.collate_fn = dataset, num_workers, collate_fn
        self.pin_memory, self.timeout, self.worker_init_fn = pin_memory, timeout, worker_init_fn
        self.multiprocessing_context = (_mp.context(multiprocessing_context) if multiprocessing_context
                                        is not None else None)
        self.prefetch_factor = 2 if prefetch_factor is None and num_workers > 0 else prefetch_factor
        self.persistent_workers, self.in_order = persistent_workers, in_order
        self.generator = resolve_rng(generator, seed)
        self._iterable = isinstance(dataset, IterableDataset)
        self._pool, self._epochs = None, 0
        if self._iterable:
            sampler = _InfiniteSampler()
        elif sampler is None and shuffle:
            sampler = RandomSampler(dataset, generator=self.generator)
        elif sampler is None:
            sampler = SequentialSampler(dataset)
        if batch_sampler is None and batch_size is not None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        elif batch_sampler is not None:
            batch_size = None  # a user batch_sampler decides the batch size (as in PyTorch)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.batch_size, self.drop_last = batch_size, drop_last

    @property
    def _auto_batch(self) -> bool:
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    @property
    def _index_sampler(self):
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)  # TypeError when the stream has no length, as in PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self._index_sampler)

    def __iter__(self) -> Iterator:
        if self.num_workers > 0:
            return self._multiprocess_iter()
        if self._iterable:
            return self._iterable_batches()
        if self.batch_sampler is None:  # batch_size=None: samples one by one, unbatched
            convert = self.collate_fn or default_convert
            return (convert(self.dataset[i]) for i in self.sampler)
        source = array_source(self.dataset) if self.collate_fn is None else None
        if source is None:
            return self._collated_batches()
        arrays, index_map = source
        bs = self.batch_sampler
        if (type(bs) is BatchSampler and isinstance(bs.sampler, SequentialSampler) and index_map is None
                and len(bs.sampler) == len(arrays[0])):
            return self._sliced_batches(arrays, bs)
        return self._gathered_batches(arrays, index_map)

    def _multiprocess_iter(self):
        """Worker processes load the batches (utils/data/_multiprocess.py)."""
        if self._pool is not None and self._pool.alive:
            self._pool.reset()
        else:
            base_seed = _base_seed(rng_or_global(self.generator), self._epochs)
            self._epochs += 1
            self._pool = _mp.WorkerPool(self._worker_spec(), self.multiprocessing_context or _mp.context(None),
                                        base_seed)
        it = _mp.MultiProcessIter(self, self._pool, self.persistent_workers)
        if not self.persistent_workers:
            self._pool = None
        return it

    def _worker_spec(self) -> dict:
        collate = self.collate_fn or (default_collate if self._auto_batch else default_convert)
        source = (array_source(self.dataset) if self.collate_fn is None and self.batch_sampler is not None
                  else None)
        return {"dataset": self.dataset, "num_workers": self.num_workers, "collate_fn": collate,
                "worker_init_fn": self.worker_init_fn, "iterable": self._iterable, "auto_batch": self._auto_batch,
                "drop_last": self.drop_last, "batch_size": self.batch_size, "array_source": source,
                "shm_bytes": SHM_MIN_BYTES}

    def _iterable_batches(self) -> Iterator:
        """An IterableDataset in this process: its items, batched by batch_size and collated."""
        if self.batch_size is None:
            convert = self.collate_fn or default_convert
            yield from (convert(item) for item in self.dataset)
            return
        collate, batch = self.collate_fn or default_collate, []
        for item in self.dataset:
            batch.append(item)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)

    def _sliced_batches(self, arrays, bs: BatchSampler) -> Iterator[list]:
        """The dataset in order: contiguous slices, zero-copy read-only views (a list per batch, as PyTorch's
        default_collate makes of a TensorDataset's tuples)."""
        views = tuple(_read_only(a) for a in arrays)
        n, size = len(views[0]), bs.batch_size
        for start in range(0, n - n % size if bs.drop_last else n, size):
            yield [wrap(a[start : start + size]) for a in views]

    def _gathered_batches(self, arrays, index_map) -> Iterator[list]:
        """One `take` per tensor per batch (shuffled or custom samplers).

        A take per batch (rather than one permuted copy of the whole dataset per epoch) keeps each batch in
        cache for the step that uses it and never holds a second copy of the dataset.
        """
        for idx in _index_batches(self.batch_sampler):
            idx = idx if index_map is None else index_map[idx]
            yield [wrap(a.take(idx, axis=0)) for a in arrays]

    def _collated_batches(self) -> Iterator:
        """The generic path: dataset[i] for each index, then collate_fn (default_collate)."""
        collate = self.collate_fn or default_collate
        for idx in self.batch_sampler:
            yield collate([self.dataset[int(i)] for i in idx])


def _index_batches(batch_sampler) -> Iterator[np.ndarray]:
    """A batch sampler's batches as int arrays (its fast `batches()` when it has one)."""
    if hasattr(batch_sampler, "batches"):
        yield from batch_sampler.batches()
        return
    for b in batch_sampler:
        yield np.asarray(b, dtype=np.intp)


def _read_only(a: np.ndarray) -> np.ndarray:
    """A read-only view: batches sliced from it cannot be edited in place into the dataset."""
    v = a.view()
    v.flags.writeable = False
    return v

