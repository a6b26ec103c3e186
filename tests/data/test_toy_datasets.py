"""Toy generators: shapes, dtypes, determinism given seed, class balance and the geometry they promise."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import Tensor
from chainrule.data import datasets as ds

CLASSIFIERS = {
    "xor": lambda **k: ds.xor(noise=0.1, **k),
    "and_gate": lambda **k: ds.and_gate(n=100, noise=0.1, **k),
    "rings": ds.rings,
    "spirals": ds.spirals,
    "moons": ds.moons,
    "blobs": ds.blobs,
}


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_shapes_dtypes_determinism(name):
    make = CLASSIFIERS[name]
    x, y = make(seed=0)
    assert isinstance(x, Tensor) and isinstance(y, Tensor)
    assert x.dtype == cr.float32 and x.ndim == 2 and x.shape[1] == 2 and y.dtype == cr.int64
    assert y.shape == (x.shape[0],) and np.isfinite(x._data).all()
    x2, y2 = make(seed=0)
    np.testing.assert_array_equal(x._data, x2._data)
    np.testing.assert_array_equal(y._data, y2._data)
    x3, _ = make(seed=1)
    assert not np.array_equal(x._data, x3._data)


@pytest.mark.parametrize("name", ["xor", "rings", "spirals", "moons", "blobs"])
def test_classes_are_balanced(name):
    _, y = CLASSIFIERS[name](seed=0)
    counts = np.bincount(y._data)
    assert counts.max() - counts.min() <= 1


def test_global_seed_drives_unseeded_calls():
    cr.manual_seed(11)
    a, _ = ds.moons(50)
    cr.manual_seed(11)
    b, _ = ds.moons(50)
    np.testing.assert_array_equal(a._data, b._data)


def test_xor_and_and_gate_exact_tables():
    x, y = ds.xor(4)
    assert x._data.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y._data.tolist() == [0, 1, 1, 0]
    x, y = ds.and_gate()
    assert x.shape == (4, 2) and y._data.tolist() == [0, 0, 0, 1]
    x, y = ds.xor(200)  # noise=0: the table tiled
    assert x.shape == (200, 2) and set(map(tuple, x._data.tolist())) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    x, y = ds.xor(400, noise=0.1, seed=0)
    corner = np.round(x._data).astype(int)
    assert np.mean((corner[:, 0] ^ corner[:, 1]) == y._data) > 0.99


def test_rings_radii():
    x, y = ds.rings(2000, r_in=1.0, r_out=3.0, noise=0.05, seed=0)
    r = np.hypot(*x._data.T)
    assert abs(r[y._data == 0].mean() - 1.0) < 0.02 and abs(r[y._data == 1].mean() - 3.0) < 0.02
    x, y = ds.rings(10, noise=0.0, seed=0)
    np.testing.assert_allclose(np.hypot(*x._data.T), np.where(y._data == 0, 1.0, 2.0), rtol=1e-6)


def test_spirals_are_two_rotated_arms():
    x, y = ds.spirals(500, noise=0.0, turns=1.0, seed=0)
    t = np.hypot(*x._data.T)
    assert t.max() <= 1.0 + 1e-6
    angle = 2 * np.pi * t + np.pi * y._data  # radius t sits at angle 2*pi*turns*t, class 1 half a turn on
    np.testing.assert_allclose(x._data, np.stack([t * np.cos(angle), t * np.sin(angle)], 1), atol=1e-5)
    assert ds.spirals(7, seed=0)[0].shape == (7, 2)


def test_moons_and_blobs_geometry():
    x, y = ds.moons(1000, noise=0.0, seed=0)
    upper = x._data[y._data == 0]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-5)
    centres = np.array([[-5.0, 0.0], [5.0, 0.0], [0.0, 8.0]])
    x, y = ds.blobs(3000, centers=centres, std=0.5, seed=0)
    for k in range(3):
        np.testing.assert_allclose(x._data[y._data == k].mean(0), centres[k], atol=0.05)
    x, y = ds.blobs(100, centers=[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], seed=0)
    assert x.shape == (100, 3)
    assert ds.blobs(90, centers=5, seed=0)[1]._data.max() == 4


def test_sine_regression():
    x, y = ds.sine(300, noise=0.0, seed=0)
    assert x.shape == (300, 1) and y.shape == (300, 1) and x.dtype == y.dtype == cr.float32
    np.testing.assert_allclose(y._data, np.sin(x._data), atol=1e-6)
    x1, y1 = ds.sine(300, noise=0.1, seed=0)
    assert 0.08 < np.std(y1._data - np.sin(x1._data)) < 0.12


def test_bad_arguments():
    with pytest.raises(ValueError, match="n >= 1"):
        ds.moons(0)
    with pytest.raises(ValueError, match="centers must be"):
        ds.blobs(10, centers=np.zeros(3))
