"""StratifiedSampler: a batch sampler whose batches hold the classes in the dataset's (or equal) shares."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ._convert import as_array, resolve_rng, rng_or_global
from .sampler import Sampler


class StratifiedSampler(Sampler):
    """Batches of indices with every class spread evenly over the epoch; use as `DataLoader(batch_sampler=...)`.

    With balanced=False (stratified) every sample comes exactly once per epoch and each batch holds about
    batch_size * class_fraction samples of each class. With balanced=True each batch holds about
    batch_size / n_classes of each class: small classes are resampled, large ones subsampled.

    Args:
        labels: the class label of every sample (a Tensor or array-like of length N).
        batch_size: indices per batch, >= 1.
        balanced: equal class shares per batch instead of the data's proportions (default False).
        drop_last: drop the last batch when it is shorter (default False).
        num_samples: samples per epoch with balanced=True (default N).
        generator: a `numpy.random.Generator` or an int seed (default: chainrule's global generator).
        seed: an int seed (chainrule's addition; the same as a seeded generator).

    Raises:
        ValueError: empty labels, a batch_size that is not a positive int, or num_samples without balanced.

    Examples:
        >>> from chainrule.utils.data import StratifiedSampler
        >>> batches = list(StratifiedSampler([0, 0, 0, 0, 1, 1, 1, 1], batch_size=4, seed=0))
        >>> [sorted(int(i) // 4 for i in batch) for batch in batches]   # each batch: two of each class
        [[0, 0, 1, 1], [0, 0, 1, 1]]
    """

    # balanced=False (stratified): every sample exactly once per epoch, and each batch holds about
    # batch_size * class_fraction samples of each class.  balanced=True: each batch holds about
    # batch_size / n_classes of each class; small classes are resampled (cycling through reshuffles),
    # large ones subsampled; `num_samples` (default len(labels)) samples per epoch.

    def __init__(self, labels, batch_size: int, balanced: bool = False, drop_last: bool = False,
                 num_samples: int | None = None, generator=None, seed: int | None = None) -> None:
        self.labels = as_array(labels).reshape(-1)
        if self.labels.size == 0:
            raise ValueError("StratifiedSampler: labels is empty")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"StratifiedSampler: batch_size must be a positive int, got {batch_size!r}")
        if num_samples is not None and not balanced:
            raise ValueError("StratifiedSampler: num_samples only applies with balanced=True")
        self.classes, inverse, self.class_counts = np.unique(
            self.labels, return_inverse=True, return_counts=True
        )
        by_class = np.argsort(inverse.reshape(-1), kind="stable")
        self._members = np.split(by_class, np.cumsum(self.class_counts)[:-1])  # indices of each class
        self.batch_size, self.balanced, self.drop_last = int(batch_size), balanced, drop_last
        self.num_samples = len(self.labels) if num_samples is None else int(num_samples)
        self.generator = resolve_rng(generator, seed)

    def epoch_indices(self) -> np.ndarray:
        """One epoch's index order; any contiguous run of it is (close to) stratified.

        Examples:
            >>> from chainrule.utils.data import StratifiedSampler
            >>> labels = [0, 0, 0, 0, 1, 1]
            >>> order = StratifiedSampler(labels, batch_size=3, seed=0).epoch_indices()
            >>> [labels[i] for i in order]
            [0, 1, 0, 0, 1, 0]
        """
        rng = rng_or_global(self.generator)
        if self.balanced:
            c = len(self.classes)
            quota = np.full(c, self.num_samples // c)
            quota[rng.permutation(c)[: self.num_samples % c]] += 1
            picks = [_cycle(m, q, rng) for m, q in zip(self._members, quota)]
        else:
            picks = [rng.permutation(m) for m in self._members]
        order = np.concatenate(picks)
        # sample k of a class with q picks sits at (k + U(0,1)) / q: classes interleave evenly
        rank = np.concatenate([np.arange(len(p)) for p in picks])
        size = np.concatenate([np.full(len(p), max(len(p), 1)) for p in picks])
        key = (rank + rng.random(len(order))) / size
        return order[np.argsort(key, kind="stable")].astype(np.intp, copy=False)

    def batches(self) -> Iterator[np.ndarray]:
        """One epoch of batches as int arrays."""
        order, bs = self.epoch_indices(), self.batch_size
        stop = len(order) - len(order) % bs if self.drop_last else len(order)
        for start in range(0, stop, bs):
            yield order[start : start + bs]

    def __iter__(self) -> Iterator[list[int]]:
        return (b.tolist() for b in self.batches())

    def __len__(self) -> int:
        n = self.num_samples
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def _cycle(members: np.ndarray, q: int, rng: np.random.Generator) -> np.ndarray:
    """`q` indices from `members`: whole reshuffles back to back, so counts differ by at most one."""
    reps = -(-q // len(members))
    return np.concatenate([rng.permutation(members) for _ in range(max(reps, 1))])[:q]
