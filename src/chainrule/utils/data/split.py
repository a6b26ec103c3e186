"""random_split: disjoint random Subsets of given lengths or fractions (as torch.utils.data.random_split)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from ._convert import resolve_rng, rng_or_global
from .dataset import Subset


def random_split(dataset, lengths: Sequence[int | float], generator=None) -> list[Subset]:
    """Randomly splits a dataset into non-overlapping Subsets of the given lengths.

    Args:
        dataset: the dataset to split.
        lengths: sizes summing to len(dataset), or fractions summing to 1 (each floored; the samples left over
            go one by one to the subsets in turn, as in PyTorch).
        generator: a `numpy.random.Generator` or seed (default: chainrule's global generator,
            `chainrule.manual_seed`).

    Returns:
        A list of Subsets, one per length.

    Raises:
        ValueError: the lengths do not sum to len(dataset) (or the fractions to 1), or one is negative.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import TensorDataset, random_split
        >>> train, val = random_split(TensorDataset(cr.arange(10)), [0.8, 0.2])
        >>> len(train), len(val)
        (8, 2)
    """
    n = len(dataset)
    sizes = _sizes(n, lengths)
    perm = rng_or_global(resolve_rng(generator)).permutation(n)
    bounds = np.cumsum([0, *sizes])
    return [Subset(dataset, perm[a:b]) for a, b in itertools.pairwise(bounds)]


def _sizes(n: int, lengths: Sequence[int | float]) -> list[int]:
    """Lengths as ints that sum to n."""
    lengths = list(lengths)
    if all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in lengths):
        if any(x < 0 for x in lengths) or sum(lengths) != n:
            raise ValueError(f"random_split: lengths {lengths} sum to {sum(lengths)}, but the dataset has "
                             f"{n} samples; give ints summing to len(dataset) or fractions summing to 1")
        return [int(x) for x in lengths]
    if any(not 0 <= x <= 1 for x in lengths) or not math.isclose(sum(lengths), 1.0, abs_tol=1e-6):
        raise ValueError(f"random_split: fractions {lengths} must each lie in [0, 1] and sum to 1 "
                         f"(they sum to {sum(lengths):g})")
    sizes = [math.floor(n * f) for f in lengths]
    for i in range(n - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes
