"""Metrics computed batch by batch: each returns (sum over the batch, count) so epochs average exactly."""

from __future__ import annotations

import numpy as np


def accuracy(output, target) -> tuple[float, int]:
    """Correct predictions: argmax over classes, or a 0.5 threshold for one output column / a 1-D output."""
    out = output._data if hasattr(output, "_data") else np.asarray(output)
    tgt = target._data if hasattr(target, "_data") else np.asarray(target)
    if out.ndim == 1 or out.shape[-1] == 1:
        pred = (out.reshape(len(out), -1)[:, 0] > (0.0 if out.min() < 0 else 0.5)).astype(np.int64)
        tgt = tgt.reshape(len(tgt), -1)[:, 0].astype(np.int64)
    else:
        pred = out.argmax(axis=1)
        if tgt.ndim == out.ndim:  # class probabilities
            tgt = tgt.argmax(axis=1)
    return float((pred == tgt).sum()), int(np.prod(tgt.shape))


METRICS = {"accuracy": accuracy, "acc": accuracy}


def resolve(metrics) -> dict:
    """Names or callables -> {name: fn(output, target) -> (sum, count)}."""
    out = {}
    for m in metrics or ():
        if callable(m):
            out[getattr(m, "__name__", "metric")] = m
        elif m in METRICS:
            out[m if m != "acc" else "accuracy"] = METRICS[m]
        else:
            raise ValueError(f"fit: unknown metric {m!r}; known: {sorted(METRICS)} or a callable")
    return out
