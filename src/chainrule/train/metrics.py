"""Metrics computed batch by batch: each returns (sum over the batch, count) so epochs average exactly."""

from __future__ import annotations

import numpy as np


def accuracy(output, target) -> tuple[float, int]:
    """Counts correct predictions in a batch: arg-max over classes, or a threshold for a single output.

    A single output column (or a 1-D output) is thresholded at 0.5 when all outputs are >= 0 (probabilities),
    else at 0 (logits). Targets may be class indices or class probabilities (their arg-max is taken).

    Args:
        output: model outputs, (N, C) scores, or (N,) / (N, 1) for binary problems.
        target: (N,) class indices, or (N, C) class probabilities.

    Returns:
        (number correct, number of targets), so that `fit` averages exactly over an epoch.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.train import accuracy
        >>> accuracy(cr.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]]), cr.tensor([0, 1, 1]))
        (2.0, 3)
    """
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
