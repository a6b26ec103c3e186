"""TensorDataset, ArrayDataset, Subset, ConcatDataset, random_split and default_collate."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

import chainrule as cr
import chainrule.data as cd
import chainrule.utils.data as cud
from chainrule import Tensor, tensor
from chainrule.data import ArrayDataset, ConcatDataset, Subset, TensorDataset, default_collate, random_split


def test_chainrule_data_reexports_utils_data():
    for name in cud.__all__:
        assert getattr(cd, name) is getattr(cud, name)
    assert callable(cd.datasets.xor)


def test_tensor_dataset_items_and_batches():
    x = tensor(np.arange(12, dtype=np.float32).reshape(6, 2))
    ds = TensorDataset(x, np.arange(6))
    assert len(ds) == 6 and ds.tensors[0] is x
    xi, yi = ds[2]
    assert isinstance(xi, Tensor) and xi.shape == (2,) and yi.shape == () and int(yi._data) == 2
    xb, yb = ds[[4, 0]]
    assert xb._data.tolist() == [[8, 9], [0, 1]] and yb.dtype == cr.int64
    assert ds[1:3][1]._data.tolist() == [1, 2] and int(ds[-1][1]._data) == 5
    assert repr(ds).startswith("<chainrule.utils.data.dataset.TensorDataset object at 0x")  # PyTorch's form


def test_tensor_dataset_length_mismatch_names_the_shapes():
    with pytest.raises(ValueError, match=r"tensor 1 has shape \(5,\).*\(6, 2\), \(5,\)"):
        TensorDataset(np.zeros((6, 2)), np.zeros(5))
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()


def test_array_dataset_has_torchvision_names():
    ds = ArrayDataset(np.zeros((3, 1, 2, 2), np.float32), np.array([0, 1, 1]), classes=["a", "b"])
    assert ds.data.shape == (3, 1, 2, 2) and ds.targets._data.tolist() == [0, 1, 1]
    assert ds.classes == ["a", "b"]


def test_subset_and_concat():
    a, b = TensorDataset(np.arange(3)), TensorDataset(np.arange(10, 15))
    cat = a + b
    assert isinstance(cat, ConcatDataset) and len(cat) == 8
    assert [int(cat[i][0]._data) for i in range(8)] == [0, 1, 2, 10, 11, 12, 13, 14]
    assert int(cat[-1][0]._data) == 14
    with pytest.raises(IndexError, match="out of range for length 8"):
        cat[8]
    sub = Subset(cat, [7, 0])
    assert len(sub) == 2 and int(sub[0][0]._data) == 14
    with pytest.raises(IndexError, match="indices must lie in"):
        Subset(a, [3])


def test_random_split_lengths_and_fractions():
    ds = TensorDataset(np.arange(10))
    parts = random_split(ds, [7, 3], generator=np.random.default_rng(0))
    assert [len(p) for p in parts] == [7, 3]
    assert sorted(np.concatenate([p.indices for p in parts]).tolist()) == list(range(10))
    again = random_split(ds, [7, 3], generator=np.random.default_rng(0))
    assert parts[0].indices.tolist() == again[0].indices.tolist()
    assert [len(p) for p in random_split(ds, [0.5, 0.3, 0.2], generator=1)] == [5, 3, 2]
    assert [len(p) for p in random_split(TensorDataset(np.arange(11)), [0.34, 0.33, 0.33])] == [4, 4, 3]


def test_random_split_errors():
    ds = TensorDataset(np.arange(10))
    with pytest.raises(ValueError, match=r"sum to 9, but the dataset has 10"):
        random_split(ds, [5, 4])
    with pytest.raises(ValueError, match="sum to 1"):
        random_split(ds, [0.5, 0.6])


def test_collate_numbers_and_nesting():
    Point = namedtuple("Point", "x y")
    batch = default_collate([(Point(1, 2.5), {"v": np.ones(3, np.float64), "s": "a"}, True)] * 4)
    point, d, flag = batch
    assert isinstance(point, Point) and point.x.dtype == cr.int64 and point.y.dtype == cr.float64
    assert d["v"].shape == (4, 3) and d["v"].dtype == cr.float64 and d["s"] == ["a"] * 4
    assert flag.dtype == cr.bool
    stacked = default_collate([tensor([1.0, 2.0]), tensor([3.0, 4.0])])
    assert stacked.shape == (2, 2) and stacked.dtype == cr.float32


def test_collate_errors_name_the_problem():
    with pytest.raises(RuntimeError, match=r"equal size, but got \[2\] at entry 0 and \[3\] at entry 1"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(RuntimeError, match=r"equal size .*lengths \[1, 2\]"):
        default_collate([(1, 2), (1,)])
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers, dicts or lists; found"):
        default_collate([object()])
