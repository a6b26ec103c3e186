"""Samplers: the order of indices in one epoch, drawn as one array (as torch.utils.data's samplers)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from ._convert import as_array, resolve_rng, rng_or_global


class Sampler:
    """Yields dataset indices; built-in samplers also give a whole epoch as one array: `epoch_indices()`.

    A subclass defines `__iter__` (the indices of one epoch) and usually `__len__`; give it to a DataLoader as
    `sampler=`.

    Raises:
        NotImplementedError: iterating a subclass that does not define `__iter__`.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import DataLoader, Sampler, TensorDataset
        >>> class EvenFirst(Sampler):                       # the even indices, then the odd ones
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(list(range(0, self.n, 2)) + list(range(1, self.n, 2)))
        ...     def __len__(self):
        ...         return self.n
        >>> loader = DataLoader(TensorDataset(cr.arange(6)), batch_size=3, sampler=EvenFirst(6))
        >>> [batch[0].tolist() for batch in loader]
        [[0, 2, 4], [1, 3, 5]]
    """

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
        """`arange(len(data_source))`.

        Returns:
            An int array of len(data_source) indices.

        Examples:
            >>> from chainrule.utils.data import SequentialSampler
            >>> SequentialSampler(range(4)).epoch_indices()
            array([0, 1, 2, 3])
        """
        return np.arange(len(self.data_source), dtype=np.intp)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A fresh random permutation of the indices each epoch (DataLoader's shuffle=True), or `num_samples`
    draws with replacement, drawn lazily in chunks (`num_samples=10**10` allocates nothing up front).

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw with replacement (default False).
        num_samples: indices per epoch (default: len(data_source)); without replacement, more than the length
            repeats whole permutations.
        generator: a chainrule.Generator (or a numpy Generator or int seed; default: the default generator).
        seed: an int seed (chainrule's addition; the same as a seeded generator).

    Raises:
        TypeError: replacement is not a bool.
        ValueError: num_samples is not a positive int (PyTorch's messages).

    Examples:
        >>> from chainrule.utils.data import RandomSampler
        >>> sorted(RandomSampler(range(5), seed=0))
        [0, 1, 2, 3, 4]
    """

    CHUNK = 1 << 16  # indices drawn at a time with replacement

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None, seed: int | None = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        if num_samples is not None and (isinstance(num_samples, bool) or not isinstance(
                num_samples, (int, np.integer)) or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = resolve_rng(generator, seed)

    @property
    def num_samples(self) -> int:
        """Samples per epoch: len(data_source) unless given.

        Examples:
            >>> from chainrule.utils.data import RandomSampler
            >>> RandomSampler(range(10)).num_samples
            10
            >>> RandomSampler(range(10), replacement=True, num_samples=3).num_samples
            3
        """
        return len(self.data_source) if self._num_samples is None else int(self._num_samples)

    def index_chunks(self) -> Iterator[np.ndarray]:
        """One epoch as int arrays, drawn as they are asked for (with replacement: CHUNK indices at a time).

        Examples:
            >>> from chainrule.utils.data import RandomSampler
            >>> sampler = RandomSampler(range(4), num_samples=6, seed=0)     # 6 > 4: a second permutation
            >>> [chunk.tolist() for chunk in sampler.index_chunks()]
            [[2, 0, 1, 3], [3, 2]]
        """
        rng, n, total = rng_or_global(self.generator), len(self.data_source), self.num_samples
        if self.replacement:
            for start in range(0, total, self.CHUNK):
                yield rng.integers(0, n, size=min(self.CHUNK, total - start), dtype=np.intp)
            return
        for start in range(0, total, max(n, 1)):
            yield rng.permutation(n)[: total - start].astype(np.intp, copy=False)

    def epoch_indices(self) -> np.ndarray:
        """One whole epoch as one array (allocates num_samples indices; iteration does not).

        Examples:
            >>> from chainrule.utils.data import RandomSampler
            >>> RandomSampler(range(5), seed=0).epoch_indices()
            array([2, 4, 3, 0, 1])
        """
        return np.concatenate([np.empty(0, np.intp), *self.index_chunks()])

    def __iter__(self) -> Iterator[int]:
        for chunk in self.index_chunks():
            yield from chunk.tolist()

    def __len__(self) -> int:
        return self.num_samples


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probabilities proportional to `weights` (torch.utils.data's): e.g. to
    oversample rare classes, weights[i] = 1 / count(class of sample i).

    Args:
        weights: one non-negative weight per sample (need not sum to 1), a 1-d sequence or Tensor.
        num_samples: indices per epoch.
        replacement: draw with replacement (default True); without, num_samples <= the number of
            positive weights.
        generator: a chainrule.Generator (or a numpy Generator or int seed; default: the default generator).

    Raises:
        ValueError: num_samples not a positive int, replacement not a bool, weights not 1-d.
        RuntimeError: invalid weights when drawing (negative, inf, NaN, all zero: multinomial's errors).

    Examples:
        >>> from chainrule.utils.data import WeightedRandomSampler
        >>> sorted(set(WeightedRandomSampler([0.0, 1.0, 0.0, 2.0], 20, seed=0)))
        [1, 3]
    """

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None,
                 seed: int | None = None) -> None:
        if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        w = np.asarray(as_array(weights), dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        self.weights, self.num_samples, self.replacement = w, int(num_samples), replacement
        self.generator = resolve_rng(generator, seed)

    def epoch_indices(self) -> np.ndarray:
        """One epoch of weighted draws (chainrule.multinomial on the weights).

        Examples:
            >>> import chainrule as cr
            >>> from chainrule.utils.data import WeightedRandomSampler
            >>> _ = cr.manual_seed(0)
            >>> WeightedRandomSampler([0.0, 0.0, 1.0, 1.0], num_samples=6).epoch_indices()
            array([3, 2, 2, 2, 3, 3])
        """
        from chainrule.sampling import multinomial
        from chainrule.tensor import Tensor

        draw = multinomial(Tensor._wrap(self.weights), self.num_samples, self.replacement,
                           generator=rng_or_global(self.generator))
        return draw._data.astype(np.intp, copy=False)

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
        """The indices, permuted now.

        Examples:
            >>> from chainrule.utils.data import SubsetRandomSampler
            >>> SubsetRandomSampler([10, 11, 12, 13], seed=0).epoch_indices()
            array([12, 10, 11, 13])
        """
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
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), drop_last

    def batches(self) -> Iterator[np.ndarray]:
        """One epoch of batches as int arrays (slices of the sampler's `epoch_indices()` when it has them).

        Examples:
            >>> from chainrule.utils.data import BatchSampler, SequentialSampler
            >>> batches = BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False).batches()
            >>> [b.tolist() for b in batches]
            [[0, 1], [2, 3], [4]]
        """
        if callable(getattr(self.sampler, "index_chunks", None)):  # drawn lazily (RandomSampler)
            yield from self._chunked_batches(self.sampler.index_chunks())
            return
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

    def _chunked_batches(self, chunks) -> Iterator[np.ndarray]:
        bs, pending = self.batch_size, np.empty(0, np.intp)
        for c in chunks:
            c = np.concatenate([pending, c]) if len(pending) else c
            stop = len(c) - len(c) % bs
            for start in range(0, stop, bs):
                yield c[start : start + bs]
            pending = c[stop:]
        if len(pending) and not self.drop_last:
            yield pending

    def __iter__(self) -> Iterator[list[int]]:
        return (b.tolist() for b in self.batches())

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
