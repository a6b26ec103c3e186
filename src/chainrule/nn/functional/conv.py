"""conv2d, the 2-D poolings and dropout2d for nn.functional (the ops live in chainrule.ops.conv / ops.pool)."""

from __future__ import annotations

import warnings

import numpy as np

from ...ops.conv import conv2d
from ...ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from ...random import default_rng
from ...tensor import Tensor

__all__ = ["adaptive_avg_pool2d", "avg_pool2d", "conv2d", "dropout2d", "max_pool2d"]


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of an (N, C, H, W) input with probability p, scale the rest by 1/(1-p)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: probability has to be between 0 and 1, but got {p}")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"dropout2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got {tuple(input.shape)}")
    if not training or p == 0.0:
        return input
    x = input._data
    if input.ndim == 3:  # PyTorch 2.x reads 3-D input as (N, C, L) and drops channels of it
        warnings.warn("dropout2d: a 3-D input is treated as (N, C, L) (channel-wise 1-D dropout), as PyTorch "
                      "does; use a 4-D (N, C, H, W) input for 2-D dropout", UserWarning, stacklevel=2)
    keep = input.shape[:2] + (1,) * (input.ndim - 2)  # one draw per (sample, channel), broadcast over the rest
    if p == 1.0:
        mask = np.zeros(keep, dtype=x.dtype)
    else:
        mask = (default_rng().random(keep) >= p).astype(x.dtype)
        mask *= x.dtype.type(1.0 / (1.0 - p))
    if inplace and not input._check_inplace("dropout2d_"):
        input._data *= mask
        input._bump()
        return input
    out = input * Tensor._wrap(mask)
    return input._rebase(out) if inplace else out
