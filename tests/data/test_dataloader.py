"""DataLoader: every sample once per epoch, reshuffling, drop_last, len, seeds, dtypes, the generic path."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.random as crandom
from chainrule.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    StratifiedSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    random_split,
)
from chainrule.tensor import Tensor


def make(n=23, d=3):
    """A TensorDataset whose row i of X is [i, i, ...] (float32) and y[i] = i (int64)."""
    x = np.repeat(np.arange(n, dtype=np.float32)[:, None], d, axis=1)
    return TensorDataset(x, np.arange(n, dtype=np.int64))


def flat(batches):
    """The batches' ids, one list."""
    return [i for b in batches for i in b]


def ids(loader):
    """Per epoch: the list of batches, each a list of sample ids (checked consistent between X and y)."""
    out = []
    for xb, yb in loader:
        assert isinstance(xb, Tensor) and isinstance(yb, Tensor)
        np.testing.assert_array_equal(xb._data[:, 0], yb._data)
        out.append(yb._data.tolist())
    return out


class Items(Dataset):
    """A generic dataset (no array fast path): sample i is ({'x': array, 'i': int}, float)."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return {"x": np.full(2, i, dtype=np.float32), "i": i}, float(i)

    def __len__(self):
        return self.n


@pytest.mark.parametrize("bs", [1, 4, 5, 23, 100])
@pytest.mark.parametrize("shuffle", [False, True])
def test_every_sample_once_per_epoch(bs, shuffle):
    loader = DataLoader(make(), batch_size=bs, shuffle=shuffle, seed=0)
    for _ in range(2):
        batches = ids(loader)
        assert sorted(flat(batches)) == list(range(23))
        assert [len(b) for b in batches[:-1]] == [bs] * (len(batches) - 1)
        assert len(batches) == len(loader) == -(-23 // bs)
    if not shuffle:
        assert flat(ids(loader)) == list(range(23))


def test_reshuffled_between_epochs_and_seed_reproducible():
    a = DataLoader(make(), batch_size=4, shuffle=True, seed=7)
    e1, e2 = flat(ids(a)), flat(ids(a))
    assert e1 != e2 and sorted(e1) == sorted(e2)
    b = DataLoader(make(), batch_size=4, shuffle=True, seed=7)
    assert flat(ids(b)) == e1 and flat(ids(b)) == e2
    g = DataLoader(make(), batch_size=4, shuffle=True, generator=np.random.default_rng(7))
    assert flat(ids(g)) == e1
    with pytest.raises(ValueError, match="either generator= or seed="):
        DataLoader(make(), shuffle=True, seed=1, generator=np.random.default_rng(1))


def test_global_manual_seed_is_used_when_no_generator():
    loader = DataLoader(make(), batch_size=5, shuffle=True)  # built before seeding: rng looked up per epoch
    crandom.manual_seed(3)
    first = ids(loader)
    crandom.manual_seed(3)
    assert ids(loader) == first


@pytest.mark.parametrize("shuffle", [False, True])
def test_drop_last(shuffle):
    loader = DataLoader(make(), batch_size=5, shuffle=shuffle, drop_last=True, seed=1)
    batches = ids(loader)
    assert len(loader) == len(batches) == 4 and all(len(b) == 5 for b in batches)
    assert len(set(flat(batches))) == 20


def test_sgd_and_full_batch():
    ds = make()
    assert len(DataLoader(ds, batch_size=1)) == 23
    (full,) = ids(DataLoader(ds, batch_size=len(ds), shuffle=True, seed=0))
    assert sorted(full) == list(range(23))


@pytest.mark.parametrize("xdtype", [np.float32, np.float64, np.float16, np.uint8])
def test_batches_keep_the_stored_dtype(xdtype):
    x = np.zeros((10, 3, 2), dtype=xdtype)
    ds = TensorDataset(x, np.arange(10))
    for loader in (DataLoader(ds, batch_size=4), DataLoader(ds, batch_size=4, shuffle=True),
                   DataLoader(ds, batch_size=4, sampler=SubsetRandomSampler(range(10)))):
        xb, yb = next(iter(loader))
        assert np.dtype(xb.dtype) == xdtype and xb.shape == (4, 3, 2)
        assert yb.dtype == cr.int64 and yb.shape == (4,)


def test_lists_become_float32_and_int64():
    ds = TensorDataset([[0.5, 1.0], [2.0, 3.0]], [0, 1])
    xb, yb = next(iter(DataLoader(ds, batch_size=2)))
    assert xb.dtype == cr.float32 and yb.dtype == cr.int64


def test_unshuffled_batches_are_read_only_views():
    ds = make()
    xb, _ = next(iter(DataLoader(ds, batch_size=4)))
    assert np.shares_memory(xb._data, ds.arrays[0])
    with pytest.raises(ValueError):
        xb._data[0, 0] = 99.0
    assert ds.arrays[0][0, 0] == 0.0 and ds.arrays[0].flags.writeable


def test_shuffled_batches_do_not_alias_the_dataset():
    ds = make()
    xb, _ = next(iter(DataLoader(ds, batch_size=4, shuffle=True, seed=0)))
    assert not np.shares_memory(xb._data, ds.arrays[0])


def test_shuffled_batches_are_gathered_one_at_a_time():
    """No permuted copy of the whole dataset per epoch: each batch owns just its own rows."""
    ds = make()
    for xb, yb in DataLoader(ds, batch_size=4, shuffle=True, seed=0):
        for b in (xb._data, yb._data):
            owner = b if b.base is None else b.base
            assert owner.shape[0] <= 4


def test_subset_uses_the_array_path_and_maps_indices():
    train, _ = random_split(make(), [15, 8], generator=0)
    seen = flat(ids(DataLoader(train, batch_size=4, shuffle=True, seed=0)))
    assert sorted(seen) == sorted(train.indices.tolist())
    nested = Subset(train, [0, 1, 2])
    assert flat(ids(DataLoader(nested, batch_size=2))) == train.indices[:3].tolist()


def test_custom_samplers_gather_one_batch_at_a_time():
    ds = make()
    loader = DataLoader(ds, batch_size=3, sampler=SubsetRandomSampler([1, 3, 5, 7], generator=0))
    batches = ids(loader)
    assert len(loader) == 2 and sorted(flat(batches)) == [1, 3, 5, 7]
    bs = BatchSampler(RandomSampler(ds, generator=1), batch_size=6, drop_last=False)
    assert sorted(flat(ids(DataLoader(ds, batch_sampler=bs)))) == list(range(23))
    assert flat(ids(DataLoader(ds, batch_sampler=[[4, 2], [0]]))) == [4, 2, 0]


def test_stratified_batch_sampler_in_a_loader():
    y = np.array([0] * 30 + [1] * 10)
    ds = TensorDataset(np.zeros((40, 2), np.float32), y)
    loader = DataLoader(ds, batch_sampler=StratifiedSampler(y, batch_size=8, seed=0))
    counts = [np.bincount(yb._data, minlength=2).tolist() for _, yb in loader]
    assert len(loader) == 5 and all(abs(c[1] - 2) <= 1 for c in counts)


def test_generic_dataset_is_collated_per_sample():
    loader = DataLoader(Items(7), batch_size=3, shuffle=True, seed=0)
    seen = []
    for sample, target in loader:
        assert sample["x"].shape[1:] == (2,) and sample["x"].dtype == cr.float32
        assert sample["i"].dtype == cr.int64 and target.dtype == cr.float64  # Python floats: PyTorch's float64
        np.testing.assert_array_equal(sample["x"]._data[:, 0], sample["i"]._data)
        seen += sample["i"]._data.tolist()
    assert sorted(seen) == list(range(7)) and len(loader) == 3


def test_collate_fn_and_unbatched():
    ds = make(5)
    batches = list(DataLoader(ds, batch_size=2, collate_fn=lambda samples: len(samples)))
    assert batches == [2, 2, 1]
    samples = list(DataLoader(ds, batch_size=None))
    assert len(samples) == 5 and samples[2][1]._data == 2


def test_argument_errors():
    ds = make()
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, shuffle=True, sampler=RandomSampler(ds))
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_size=4, batch_sampler=[[0]])
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(TypeError, match="chainrule.Generator"):
        DataLoader(ds, shuffle=True, generator="abc")
