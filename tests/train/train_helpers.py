"""Helpers for the training-loop tests: small MLPs, an easy loader, weight snapshots."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

import chainrule as cr
from chainrule import nn
from chainrule.data import DataLoader, TensorDataset


def mlp(*sizes: int, act=nn.ReLU, seed: int = 0) -> nn.Sequential:
    """Linear layers with `act` between them, PyTorch's default init from chainrule.manual_seed(seed)."""
    cr.manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(pairwise(sizes)):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def blobs_loader(n: int = 64, batch_size: int = 16, seed: int = 0, shuffle: bool = False) -> DataLoader:
    """Two well-separated Gaussian blobs in 4-D: an easy, fast classification set."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.int64)
    X = (rng.standard_normal((n, 4)) + 3.0 * (2 * y[:, None] - 1)).astype(np.float32)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, seed=seed if shuffle else None)


def weights(model) -> dict:
    """A copy of the model's state as ndarrays."""
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}
