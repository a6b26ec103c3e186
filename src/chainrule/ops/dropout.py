"""Dropout as one op whose forward draws its own mask.

Drawing inside forward (not in nn.functional before the op) keeps the draw part of the op: a compiled step
(chainrule.compile) that replays the op draws a new mask from the same stream, as eager mode does.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..random import default_rng


def dropout_mask(x: np.ndarray, p: float, channel: bool) -> np.ndarray:
    """The scaled keep mask: 1/(1-p) where kept, 0 where dropped; one draw per element, or per (N, C) channel."""
    if channel:  # one draw per (sample, channel), broadcast over the rest
        keep = x.shape[:2] + (1,) * (x.ndim - 2)
        if p == 1.0:
            return np.zeros(keep, dtype=x.dtype)
        mask = (default_rng().random(keep) >= p).astype(x.dtype)
    else:
        if p == 1.0:
            return np.zeros(x.shape, dtype=x.dtype)
        draw = default_rng().random(x.shape, dtype=x.dtype if x.dtype in (np.float32, np.float64) else np.float64)
        mask = (draw >= p).astype(x.dtype)
    mask *= x.dtype.type(1.0 / (1.0 - p))
    return mask


class Dropout(Op):
    """x * mask, the mask drawn here (see dropout_mask)."""

    node_name = "MulBackward0"  # PyTorch's node for dropout

    @staticmethod
    def forward(ctx, x, p, channel):
        mask = dropout_mask(x, p, channel)
        ctx.mask = mask
        return x * mask

    @staticmethod
    def backward(ctx, g):
        # dL/dx = G * mask
        return g * ctx.mask, None, None
