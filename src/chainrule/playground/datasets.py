"""The playground's 2-D data sets: points in the square [-6, 6]², the generators of TensorFlow's playground.

Classification labels are 0 or 1; regression targets lie in [-1, 1]. ``noise`` is a fraction in [0, 0.5].
Every generator takes a NumPy ``Generator`` so a seed reproduces the same points.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EXTENT = 6.0  # the plane shown on the page is [-EXTENT, EXTENT]²

Points = tuple[np.ndarray, np.ndarray]  # (n, 2) coordinates, (n,) labels


def xor(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Label 1 where x1·x2 >= 0; points kept 0.3 away from the axes; noise moves the point the label is read at."""
    xy = rng.uniform(-5.0, 5.0, size=(n, 2))
    xy += np.where(xy > 0, 0.3, -0.3)
    jitter = rng.uniform(-5.0, 5.0, size=(n, 2)) * noise
    labels = ((xy[:, 0] + jitter[:, 0]) * (xy[:, 1] + jitter[:, 1]) >= 0).astype(np.float32)
    return xy.astype(np.float32), labels


def rings(n: int, noise: float, rng: np.random.Generator) -> Points:
    """An inner disc (label 1, radius < 2.5) inside a ring (label 0, radius 3.5 to 5)."""
    radius = 5.0
    inner = n // 2
    r = np.concatenate([rng.uniform(0, 0.5 * radius, inner), rng.uniform(0.7 * radius, radius, n - inner)])
    angle = rng.uniform(0, 2 * np.pi, n)
    xy = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    jitter = rng.uniform(-radius, radius, size=(n, 2)) * noise
    labels = (np.hypot(*(xy + jitter).T) < 0.5 * radius).astype(np.float32)
    return xy.astype(np.float32), labels


def gaussians(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two Gaussian blobs at (2, 2) (label 1) and (-2, -2) (label 0); noise widens them."""
    std = np.sqrt(0.5 + 7.0 * noise)
    half = n // 2
    centres = np.concatenate([np.tile([2.0, 2.0], (half, 1)), np.tile([-2.0, -2.0], (n - half, 1))])
    xy = centres + rng.normal(0.0, std, size=(n, 2))
    labels = np.concatenate([np.ones(half), np.zeros(n - half)]).astype(np.float32)
    return np.clip(xy, -EXTENT, EXTENT).astype(np.float32), labels


def spirals(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two interleaved spirals of radius 5, half a turn apart."""
    half = n // 2
    parts, labels = [], []
    for label, delta in ((1.0, 0.0), (0.0, np.pi)):
        count = half if label == 1.0 else n - half
        i = np.arange(count)
        r = i / count * 5.0
        t = 1.75 * i / count * 2 * np.pi + delta
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        parts.append(xy + rng.uniform(-1.0, 1.0, size=(count, 2)) * noise)
        labels.append(np.full(count, label))
    return np.concatenate(parts).astype(np.float32), np.concatenate(labels).astype(np.float32)


def moons(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two interleaving half circles (label 1 on top), scaled to the plane."""
    half = n // 2
    a = rng.uniform(0, np.pi, half)
    b = rng.uniform(0, np.pi, n - half)
    top = np.stack([np.cos(a), np.sin(a)], axis=1)
    bottom = np.stack([1.0 - np.cos(b), 0.5 - np.sin(b)], axis=1)
    xy = (np.concatenate([top, bottom]) - [0.5, 0.25]) * 3.2
    xy += rng.normal(0.0, 1.0, size=(n, 2)) * noise * 2.0
    labels = np.concatenate([np.ones(half), np.zeros(n - half)]).astype(np.float32)
    return np.clip(xy, -EXTENT, EXTENT).astype(np.float32), labels


def plane(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Regression: target (x1 + x2) / 10 plus noise, clipped to [-1, 1]."""
    xy = rng.uniform(-EXTENT, EXTENT, size=(n, 2))
    jitter = rng.uniform(-EXTENT, EXTENT, size=(n, 2)) * noise
    target = np.clip((xy + jitter).sum(axis=1) / 10.0, -1.0, 1.0)
    return xy.astype(np.float32), target.astype(np.float32)


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def multi_gaussian(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Regression: six Gaussian bumps of sign ±1; the target is the bump of largest magnitude at the point."""
    xy = rng.uniform(-EXTENT, EXTENT, size=(n, 2))
    jittered = xy + rng.uniform(-EXTENT, EXTENT, size=(n, 2)) * noise
    d2 = ((jittered[:, None, :] - _BUMPS[None, :, :2]) ** 2).sum(axis=2)
    bumps = _BUMPS[:, 2] * np.exp(-d2 / 2.0)
    target = bumps[np.arange(n), np.abs(bumps).argmax(axis=1)]
    return xy.astype(np.float32), target.astype(np.float32)


CLASSIFICATION: dict[str, Callable[[int, float, np.random.Generator], Points]] = {
    "xor": xor,
    "rings": rings,
    "gaussians": gaussians,
    "spirals": spirals,
    "moons": moons,
}
REGRESSION: dict[str, Callable[[int, float, np.random.Generator], Points]] = {
    "plane": plane,
    "multi_gaussian": multi_gaussian,
}
GENERATORS = {**CLASSIFICATION, **REGRESSION}


def make(name: str, n: int, noise: float, seed: int) -> Points:
    """Generate ``n`` points of the named set with a fresh generator seeded by ``seed``."""
    return GENERATORS[name](n, noise, np.random.default_rng(seed))


def split(xy: np.ndarray, labels: np.ndarray, train_fraction: float, seed: int) -> tuple[Points, Points]:
    """Shuffle with ``seed`` and cut into (train, test); each side keeps at least one point."""
    order = np.random.default_rng(seed + 1).permutation(len(xy))
    cut = min(max(1, round(len(xy) * train_fraction)), len(xy) - 1)
    train, test = order[:cut], order[cut:]
    return (xy[train], labels[train]), (xy[test], labels[test])


# Input features: name -> (label shown on the page, function of the (n, 2) points). Each is scaled to about [-1, 1]
# so that one learning rate suits every combination.
FEATURES: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "x1": ("x₁", lambda p: p[:, 0] / EXTENT),
    "x2": ("x₂", lambda p: p[:, 1] / EXTENT),
    "x1sq": ("x₁²", lambda p: (p[:, 0] / EXTENT) ** 2),
    "x2sq": ("x₂²", lambda p: (p[:, 1] / EXTENT) ** 2),
    "x1x2": ("x₁·x₂", lambda p: p[:, 0] * p[:, 1] / (EXTENT * EXTENT / 4)),
    "sin1": ("sin(x₁)", lambda p: np.sin(p[:, 0])),
    "sin2": ("sin(x₂)", lambda p: np.sin(p[:, 1])),
}


def features(points: np.ndarray, names: list[str]) -> np.ndarray:
    """The (n, len(names)) float32 input matrix of the chosen features."""
    return np.stack([FEATURES[name][1](points) for name in names], axis=1).astype(np.float32)


def grid(size: int) -> np.ndarray:
    """The (size², 2) centres of a size×size grid over the plane, row 0 at the top (largest x2)."""
    ticks = (np.arange(size) + 0.5) / size * 2 * EXTENT - EXTENT
    x1, x2 = np.meshgrid(ticks, ticks[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1).astype(np.float32)
