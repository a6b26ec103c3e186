"""DataLoader: iterate a dataset in (reshuffled) mini-batches; array-backed datasets are cut by slicing."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ._convert import resolve_rng, wrap
from .collate import default_collate
from .dataset import array_source
from .sampler import BatchSampler, RandomSampler, SequentialSampler


class DataLoader:
    """Iterates a dataset in mini-batches, reshuffled each epoch when shuffle=True (torch.utils.data.DataLoader).

    batch_size=1 gives stochastic gradient descent, batch_size=len(dataset) full-batch gradient descent, and
    anything between mini-batch gradient descent. A TensorDataset (or a Subset of one) is cut into batches with one
    `take` per tensor per batch; other datasets are read sample by sample and joined by `collate_fn`.

    Args:
        dataset: a map-style dataset (`__getitem__` and `__len__`), e.g. a TensorDataset.
        batch_size: samples per batch (default 1); None yields single samples without a batch dimension.
        shuffle: draw a new random order every epoch (default False); seeded by `chainrule.manual_seed`,
            `generator` or `seed`.
        sampler: decides the order of the indices (conflicts with shuffle=True).
        batch_sampler: yields whole batches of indices (replaces batch_size, shuffle, sampler, drop_last).
        num_workers: accepted for PyTorch compatibility and ignored: loading runs in this process.
        collate_fn: joins a list of samples into a batch (default: `default_collate`, which stacks them).
        drop_last: drop the last batch when it is smaller than batch_size (default False).
        generator: a `numpy.random.Generator` (or a seed) for the shuffling.
        seed: an int seed for the shuffling (chainrule's addition; the same as a seeded generator).

    Raises:
        ValueError: num_workers < 0, shuffle=True together with a sampler, or a batch_sampler together with
            batch_size, shuffle, sampler or drop_last.

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

    # A TensorDataset (or a Subset of one) is cut into batches by one `take` per tensor per batch, whatever the
    # sampler (read-only slices of the dataset itself when in order, so an in-place edit cannot corrupt it).
    # Other datasets: dataset[i] per sample, then collate_fn (default_collate). Loading runs in this process:
    # num_workers is accepted for PyTorch compatibility and ignored.

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool = False, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn: Callable | None = None,
                 drop_last: bool = False, generator=None, seed: int | None = None) -> None:
        if num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be >= 0, got {num_workers}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: shuffle=True conflicts with sampler=, which decides the order")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError("DataLoader: batch_sampler= replaces batch_size, shuffle, sampler and "
                             "drop_last; leave those at their defaults")
        self.dataset, self.num_workers, self.collate_fn = dataset, num_workers, collate_fn
        self.generator = resolve_rng(generator, seed)
        if sampler is None and shuffle:
            sampler = RandomSampler(dataset, generator=self.generator)
        elif sampler is None:
            sampler = SequentialSampler(dataset)
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        else:
            batch_size = None  # a user batch_sampler decides the batch size (as in PyTorch)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.batch_size, self.drop_last = batch_size, drop_last

    def __len__(self) -> int:
        return len(self.batch_sampler) if self.batch_sampler is not None else len(self.sampler)

    def __iter__(self) -> Iterator:
        if self.batch_sampler is None:  # batch_size=None: samples one by one, unbatched
            return (self.dataset[i] for i in self.sampler)
        source = array_source(self.dataset) if self.collate_fn is None else None
        if source is None:
            return self._collated_batches()
        arrays, index_map = source
        bs = self.batch_sampler
        if (type(bs) is BatchSampler and isinstance(bs.sampler, SequentialSampler) and index_map is None
                and len(bs.sampler) == len(arrays[0])):
            return self._sliced_batches(arrays, bs)
        return self._gathered_batches(arrays, index_map)

    def _sliced_batches(self, arrays, bs: BatchSampler) -> Iterator[tuple]:
        """The dataset in order: contiguous slices, zero-copy read-only views."""
        views = tuple(_read_only(a) for a in arrays)
        n, size = len(views[0]), bs.batch_size
        for start in range(0, n - n % size if bs.drop_last else n, size):
            yield tuple([wrap(a[start : start + size]) for a in views])

    def _gathered_batches(self, arrays, index_map) -> Iterator[tuple]:
        """One `take` per tensor per batch (shuffled or custom samplers).

        A take per batch (rather than one permuted copy of the whole dataset per epoch) keeps each batch in
        cache for the step that uses it and never holds a second copy of the dataset.
        """
        for idx in _index_batches(self.batch_sampler):
            idx = idx if index_map is None else index_map[idx]
            yield tuple([wrap(a.take(idx, axis=0)) for a in arrays])

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

