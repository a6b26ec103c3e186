"""Samplers: the order of indices in one epoch, drawn as one array (as torch.utils.data's samplers)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from ._convert import resolve_rng, rng_or_global


class Sampler:
    """Yields dataset indices; built-in samplers also give a whole epoch as one array: `epoch_indices()`."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")


class SequentialSampler(Sampler):
    """The indices 0, 1, ..., len(data_source) - 1 in order, every epoch (DataLoader's default).

    Args:
        data_source: the dataset (only its length is used).

    Examples:
        >>> from chainrule.utils.data import SequentialSampler
        >>> list(SequentialSampler(range(4)))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def epoch_indices(self) -> np.ndarray:
        """`arange(len(data_source))`."""
        return np.arange(len(self.data_source), dtype=np.intp)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A fresh random permutation of the indices each epoch (DataLoader's shuffle=True), or `num_samples`
    draws with replacement.

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw with replacement (default False).
        num_samples: indices per epoch (default: len(data_source)).
        generator: a `numpy.random.Generator` or an int seed (default: chainrule's global generator).
        seed: an int seed (chainrule's addition; the same as a seeded generator).

    Raises:
        ValueError: num_samples is not a positive int.

    Examples:
        >>> from chainrule.utils.data import RandomSampler
        >>> sorted(RandomSampler(range(5), seed=0))
        [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None, seed: int | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = resolve_rng(generator, seed)
        if num_samples is not None and (not isinstance(num_samples, (int, np.integer)) or num_samples <= 0):
            raise ValueError(f"RandomSampler: num_samples must be a positive int, got {num_samples!r}")

    @property
    def num_samples(self) -> int:
        """Samples per epoch: len(data_source) unless given."""
        return len(self.data_source) if self._num_samples is None else int(self._num_samples)

    def epoch_indices(self) -> np.ndarray:
        """One permutation (or draws with replacement) from the generator, drawn now."""
        rng, n = rng_or_global(self.generator), len(self.data_source)
        if self.replacement:
            return rng.integers(0, n, size=self.num_samples, dtype=np.intp)
        reps = -(-self.num_samples // n) if n else 0
        perm = np.concatenate([rng.permutation(n) for _ in range(reps)]) if reps > 1 else rng.permutation(n)
        return perm[: self.num_samples].astype(np.intp, copy=False)

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a fresh random order each epoch (e.g. a training part of a data set).

    Args:
        indices: the indices to draw from.
        generator: a `numpy.random.Generator` or an int seed (default: chainrule's global generator).
        seed: an int seed (chainrule's addition; the same as a seeded generator).

    Examples:
        >>> from chainrule.utils.data import SubsetRandomSampler
        >>> sorted(SubsetRandomSampler([7, 3, 9], seed=0))
        [3, 7, 9]
    """

    def __init__(self, indices: Sequence[int], generator=None, seed: int | None = None) -> None:
        self._indices = np.asarray(indices, dtype=np.intp).reshape(-1)
        self.generator = resolve_rng(generator, seed)

    def epoch_indices(self) -> np.ndarray:
        """The indices, permuted now."""
        return self._indices[rng_or_global(self.generator).permutation(len(self._indices))]

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_indices().tolist())

    def __len__(self) -> int:
        return len(self._indices)


class BatchSampler(Sampler):
    """Groups a sampler's indices into lists of `batch_size` (the last one shorter unless drop_last).

    Args:
        sampler: a Sampler or any iterable of indices.
        batch_size: indices per batch, >= 1.
        drop_last: drop the last batch when it is shorter (default in DataLoader: False).

    Raises:
        ValueError: batch_size is not a positive int.
        TypeError: drop_last is not a bool.

    Examples:
        >>> from chainrule.utils.data import BatchSampler, SequentialSampler
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"BatchSampler: batch_size must be a positive int, got {batch_size!r}")
        if not isinstance(drop_last, bool):
            raise TypeError(f"BatchSampler: drop_last must be a bool, got {drop_last!r}")
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), drop_last

    def batches(self) -> Iterator[np.ndarray]:
        """One epoch of batches as int arrays (slices of the sampler's `epoch_indices()` when it has them)."""
        if callable(getattr(self.sampler, "epoch_indices", None)):
            order, bs = self.sampler.epoch_indices(), self.batch_size
            stop = len(order) - len(order) % bs if self.drop_last else len(order)
            for start in range(0, stop, bs):
                yield order[start : start + bs]
            return
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield np.asarray(batch, dtype=np.intp)
                batch = []
        if batch and not self.drop_last:
            yield np.asarray(batch, dtype=np.intp)

    def __iter__(self) -> Iterator[list[int]]:
        return (b.tolist() for b in self.batches())

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
