"""Toy data sets: Tensors X float32 (n, 2), y int64 (n,); deterministic given `seed`."""

from __future__ import annotations

import numpy as np

from chainrule.random import default_rng
from chainrule.tensor import Tensor

_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)


def xor(n: int = 200, noise: float = 0.0, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """The XOR truth table tiled to n rows (row i is corner i % 4), plus N(0, noise^2) jitter; n=4: the exact table.

    Args:
        n: the number of points (default 200), >= 1; the classes alternate, so their sizes differ by at most one.
        noise: the standard deviation of the jitter (default 0.0).
        seed: an int for a reproducible set (default None: chainrule's global generator, `chainrule.manual_seed`).

    Returns:
        (X, y): X float32 (n, 2) with corners (0, 0), (0, 1), (1, 0), (1, 1); y int64 (n,), 1 where exactly one
        input is 1. Rows are in corner order, not shuffled.

    Raises:
        ValueError: n is not a positive integer.

    Examples:
        >>> from chainrule.data import datasets
        >>> X, y = datasets.xor(n=4)
        >>> X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    return _table(_XOR, np.array([0, 1, 1, 0]), n, noise, seed)


def and_gate(n: int = 4, noise: float = 0.0, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """The AND truth table (linearly separable, unlike XOR), tiled and jittered as in `xor`.

    Args:
        n: the number of points (default 4), >= 1; the classes alternate, so their sizes differ by at most one.
        noise: the standard deviation of the jitter (default 0.0).
        seed: an int for a reproducible set (default None: chainrule's global generator, `chainrule.manual_seed`).

    Returns:
        (X, y): X float32 (n, 2), y int64 (n,), 1 only for the corner (1, 1).

    Raises:
        ValueError: n is not a positive integer.

    Examples:
        >>> from chainrule.data import datasets
        >>> datasets.and_gate()[1].tolist()
        [0, 0, 0, 1]
    """
    return _table(_XOR, np.array([0, 0, 0, 1]), n, noise, seed)


def rings(n: int = 1000, r_in: float = 1.0, r_out: float = 2.0, noise: float = 0.1,
          seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Two concentric rings: radius r_in (class 0) and r_out (class 1), the radii jittered by N(0, noise^2).

    No straight line separates them: the first test of a hidden layer (the tutorial's experiment, and one of the
    playground's data sets).

    Args:
        n: the number of points (default 1000), >= 1; the classes alternate, so their sizes differ by at most one.
        r_in: the inner ring's radius (default 1.0).
        r_out: the outer ring's radius (default 2.0).
        noise: the standard deviation of the radii (default 0.1).
        seed: an int for a reproducible set (default None: chainrule's global generator, `chainrule.manual_seed`).

    Returns:
        (X, y): X float32 of shape (n, 2), y int64 class labels of shape (n,), rows in random order.

    Raises:
        ValueError: n is not a positive integer.

    Examples:
        >>> from chainrule.data import datasets
        >>> X, y = datasets.rings(n=6, seed=0)
        >>> X.shape, str(X.dtype), y.tolist()
        (chainrule.Size([6, 2]), 'chainrule.float32', [1, 0, 0, 1, 1, 0])
    """
    rng = _rng(n, seed)
    y = _labels(n, 2)
    r = np.where(y == 0, r_in, r_out) + noise * rng.standard_normal(n)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    return _shuffled(np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1), y, rng)


def spirals(n: int = 1000, noise: float = 0.05, turns: float = 1.5,
            seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Two interleaved spirals of radius 1 (class 1 is class 0 turned by pi), plus N(0, noise^2) jitter.

    Args:
        n: the number of points (default 1000), >= 1; the classes alternate, so their sizes differ by at most one.
        noise: the standard deviation of the jitter (default 0.05).
        turns: how many turns each spiral makes (default 1.5).
        seed: an int for a reproducible set (default None: chainrule's global generator, `chainrule.manual_seed`).

    Returns:
        (X, y): X float32 of shape (n, 2), y int64 class labels of shape (n,), rows in random order.

    Raises:
        ValueError: n is not a positive integer.

    Examples:
        >>> from chainrule.data import datasets
        >>> datasets.spirals(n=10, seed=0)[0].shape
        chainrule.Size([10, 2])
    """
    rng = _rng(n, seed)
    y = _labels(n, 2)
    t = np.sqrt(rng.uniform(0.0, 1.0, n))  # sqrt: points spread evenly, not crowded at the centre
    angle = 2 * np.pi * turns * t + np.pi * y
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1)
    return _shuffled(x + noise * rng.standard_normal((n, 2)), y, rng)


def moons(n: int = 1000, noise: float = 0.1, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Two interleaving half circles (scikit-learn's make_moons), plus N(0, noise^2) jitter.

    Args:
        n: the number of points (default 1000), >= 1; the classes alternate, so their sizes differ by at most one.
        noise: the standard deviation of the jitter (default 0.1).
        seed: an int for a reproducible set (default None: chainrule's global generator, `chainrule.manual_seed`).

    Returns:
        (X, y): X float32 of shape (n, 2), y int64 class labels of shape (n,), rows in random order.

    Raises:
        ValueError: n is not a positive integer.

    Examples:
        >>> from chainrule.data import datasets
        >>> datasets.moons(n=10, seed=0)[0].shape
        chainrule.Size([10, 2])
    """
    rng = _rng(n, seed)
    y = _labels(n, 2)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    x = np.where(y[:, None] == 0, upper, lower)
    return _shuffled(x + noise * rng.standard_normal((n, 2)), y, rng)


def blobs(n: int = 1000, centers=3, std: float = 1.0, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Gaussian blobs, one class per blob.

    Args:
        n: the number of points (default 1000), >= 1, spread evenly over the blobs.
        centers: the number of blobs (default 3; their centres drawn uniformly in [-10, 10]^2), or a (k, d)
            array of centres.
        std: the standard deviation of each blob (default 1.0).
        seed: an int for a reproducible set (default None: chainrule's global generator, `chainrule.manual_seed`).

    Returns:
        (X, y): X float32 (n, d), y int64 (n,) the blob of each point, rows in random order.

    Raises:
        ValueError: n < 1, centers < 1, or centres that are not a (k, d) array.

    Examples:
        >>> from chainrule.data import datasets
        >>> X, y = datasets.blobs(n=9, centers=3, seed=0)
        >>> X.shape, sorted(set(y.tolist()))
        (chainrule.Size([9, 2]), [0, 1, 2])
    """
    rng = _rng(n, seed)
    if isinstance(centers, (int, np.integer)):
        if centers < 1:
            raise ValueError(f"blobs: centers must be >= 1, got {centers}")
        centers = rng.uniform(-10.0, 10.0, (int(centers), 2))
    c = np.asarray(centers, dtype=np.float64)
    if c.ndim != 2 or len(c) == 0:
        raise ValueError(f"blobs: centers must be a count or a (k, d) array of centres, got shape {c.shape}")
    y = _labels(n, len(c))
    return _shuffled(c[y] + std * rng.standard_normal((n, c.shape[1])), y, rng)


def sine(n: int = 200, noise: float = 0.1, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """A 1-D regression set: X ~ U(-pi, pi), y = sin(X) + N(0, noise^2).

    Args:
        n: the number of points (default 200), >= 1.
        noise: the standard deviation of the noise on y (default 0.1).
        seed: an int for a reproducible set (default None: chainrule's global generator, `chainrule.manual_seed`).

    Returns:
        (X, y): both float32 of shape (n, 1).

    Raises:
        ValueError: n is not a positive integer.

    Examples:
        >>> from chainrule.data import datasets
        >>> X, y = datasets.sine(n=5, seed=0)
        >>> X.shape, y.shape
        (chainrule.Size([5, 1]), chainrule.Size([5, 1]))
    """
    rng = _rng(n, seed)
    x = rng.uniform(-np.pi, np.pi, (n, 1))
    y = np.sin(x) + noise * rng.standard_normal((n, 1))
    return Tensor(x.astype(np.float32)), Tensor(y.astype(np.float32))


def _rng(n: int, seed: int | None) -> np.random.Generator:
    """A Generator seeded by `seed`, or the global one (chainrule.manual_seed); checks n."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"toy data sets need n >= 1 points, got n={n!r}")
    return default_rng() if seed is None else np.random.default_rng(seed)


def _labels(n: int, k: int) -> np.ndarray:
    """0,1,...,k-1,0,1,... : class sizes differ by at most one."""
    return np.arange(n, dtype=np.int64) % k


def _table(x4: np.ndarray, y4: np.ndarray, n: int, noise: float, seed: int | None) -> tuple[Tensor, Tensor]:
    """A 4-row truth table tiled to n rows, plus Gaussian noise when noise > 0."""
    rng = _rng(n, seed)
    idx = np.arange(n) % 4
    x = x4[idx]
    if noise:
        x = (x + noise * rng.standard_normal(x.shape)).astype(np.float32)
    return Tensor(x), Tensor(y4[idx].astype(np.int64))


def _shuffled(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[Tensor, Tensor]:
    """(X float32, y int64) Tensors in a random row order, so any slice is a fair sample."""
    perm = rng.permutation(len(y))
    return Tensor(x[perm].astype(np.float32)), Tensor(y[perm])
