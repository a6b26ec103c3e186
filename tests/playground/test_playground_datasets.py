"""The 2-D generators: shapes, label ranges, the plane's bounds, reproducibility and the split."""

import numpy as np
import pytest

from chainrule.playground import datasets


@pytest.mark.parametrize("name", sorted(datasets.GENERATORS))
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_generators(name, noise):
    xy, labels = datasets.make(name, 200, noise, seed=3)
    assert xy.shape == (200, 2) and labels.shape == (200,)
    assert xy.dtype == labels.dtype == np.float32
    assert np.abs(xy).max() <= datasets.EXTENT + 1.0
    if name in datasets.CLASSIFICATION:
        assert set(np.unique(labels)) == {0.0, 1.0}
    else:
        assert np.abs(labels).max() <= 1.0
    again = datasets.make(name, 200, noise, seed=3)
    np.testing.assert_array_equal(again[0], xy)
    assert (
        not np.array_equal(datasets.make(name, 200, noise, seed=4)[0], xy) or name == "spirals" and noise == 0
    )


def test_xor_and_rings_labels_without_noise():
    xy, labels = datasets.make("xor", 300, 0.0, seed=0)
    np.testing.assert_array_equal(labels, (xy[:, 0] * xy[:, 1] >= 0).astype(np.float32))
    xy, labels = datasets.make("rings", 300, 0.0, seed=0)
    np.testing.assert_array_equal(labels, (np.hypot(xy[:, 0], xy[:, 1]) < 2.5).astype(np.float32))


def test_split_keeps_every_point_once():
    xy, labels = datasets.make("moons", 101, 0.1, seed=1)
    (tr_x, _), (te_x, _) = datasets.split(xy, labels, 0.3, seed=1)
    assert len(tr_x) == 30 and len(te_x) == 71
    together = np.concatenate([tr_x, te_x])
    assert sorted(map(tuple, together)) == sorted(map(tuple, xy))


def test_features_and_grid():
    grid = datasets.grid(4)
    assert grid.shape == (16, 2)
    assert grid[0, 1] > grid[-1, 1] and grid[0, 0] < grid[3, 0]  # row 0 at the top, x1 grows to the right
    f = datasets.features(grid, ["x1", "x1x2", "sin2"])
    assert f.shape == (16, 3) and f.dtype == np.float32
    assert np.abs(datasets.features(grid, list(datasets.FEATURES))).max() <= 4.0
