"""Samplers: order, length, replacement, reproducibility, batching, and StratifiedSampler's class shares."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.data import (
    BatchSampler,
    RandomSampler,
    SequentialSampler,
    StratifiedSampler,
    SubsetRandomSampler,
)
from chainrule.tensor import Tensor

DATA = list(range(10))


def test_sequential():
    s = SequentialSampler(DATA)
    assert list(s) == DATA and len(s) == 10
    assert s.epoch_indices().tolist() == DATA


def test_random_is_a_fresh_permutation_each_epoch():
    s = RandomSampler(DATA, generator=np.random.default_rng(0))
    a, b = list(s), list(s)
    assert sorted(a) == sorted(b) == DATA and a != b and len(s) == 10
    assert all(type(i) is int for i in a)
    assert list(RandomSampler(DATA, seed=5)) == list(RandomSampler(DATA, generator=5))


def test_random_num_samples_and_replacement():
    long = list(RandomSampler(DATA, num_samples=25, seed=0))
    assert len(long) == 25 and np.bincount(long).min() >= 2  # whole permutations back to back
    draws = list(RandomSampler(DATA, replacement=True, num_samples=1000, seed=0))
    assert len(draws) == 1000 and set(draws) == set(DATA)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler(DATA, num_samples=0)


def test_subset_random():
    s = SubsetRandomSampler([2, 4, 6], generator=np.random.default_rng(1))
    assert sorted(s) == [2, 4, 6] and len(s) == 3


@pytest.mark.parametrize("drop_last,expected", [(False, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]),
                                                (True, [[0, 1, 2, 3], [4, 5, 6, 7]])])
def test_batch_sampler(drop_last, expected):
    bs = BatchSampler(SequentialSampler(DATA), 4, drop_last)
    assert list(bs) == expected and len(bs) == len(expected)
    plain = BatchSampler(iter(DATA), 4, drop_last)  # any iterable of indices (no epoch_indices method)
    assert list(plain) == expected
    with pytest.raises(ValueError, match="positive integer"):
        BatchSampler(DATA, 0, False)


def _class_counts(batches, labels, k):
    return np.array([np.bincount(labels[b], minlength=k) for b in batches])


def test_stratified_keeps_each_batch_in_proportion():
    labels = np.repeat([0, 1, 2], [500, 300, 200])
    rng = np.random.default_rng(0)
    labels = labels[rng.permutation(len(labels))]
    s = StratifiedSampler(Tensor(labels), batch_size=50, seed=0)
    batches = list(s)
    assert len(s) == len(batches) == 20
    assert sorted(i for b in batches for i in b) == list(range(1000))  # every sample exactly once
    counts = _class_counts(batches, labels, 3)
    assert np.abs(counts - [25, 15, 10]).max() <= 2
    assert list(s) != batches  # reshuffled next epoch


def test_stratified_is_deterministic_given_seed():
    labels = np.arange(100) % 4
    assert list(StratifiedSampler(labels, 8, seed=3)) == list(StratifiedSampler(labels, 8, seed=3))


def test_balanced_resamples_minority_classes():
    labels = np.repeat([0, 1], [90, 10])
    s = StratifiedSampler(labels, batch_size=10, balanced=True, seed=0)
    batches = list(s)
    counts = _class_counts(batches, labels, 2)
    assert len(batches) == 10 and np.abs(counts - 5).max() <= 1
    minority = [i for b in batches for i in b if labels[i] == 1]
    assert np.bincount(minority, minlength=100)[90:].tolist() == [5] * 10  # each one 5 times, evenly


def test_stratified_drop_last_and_errors():
    labels = np.arange(23) % 2
    assert len(StratifiedSampler(labels, 5, drop_last=True)) == 4
    assert all(len(b) == 5 for b in StratifiedSampler(labels, 5, drop_last=True))
    with pytest.raises(ValueError, match="batch_size"):
        StratifiedSampler(labels, 0)
    with pytest.raises(ValueError, match="balanced=True"):
        StratifiedSampler(labels, 4, num_samples=10)
