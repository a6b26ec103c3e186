"""Flushing subnormal floats out of an optimizer's running averages.

A running average decays geometrically where its gradient is zero (MNIST's border pixels, dead units), through
the subnormal range (|x| < 1.2e-38 in float32) to values that round back to themselves: m + 0.1 * (0 - m) == m
for the smallest subnormals, so they never reach zero. Every later step then multiplies and divides them, and on
x86 each vector op with a subnormal lane takes a microcode assist: after an epoch of MNIST at batch 32, Adam's
step ran 2x slower (578 -> 1150 us) in chainrule, and PyTorch's slows alike. Setting those elements to zero changes
the state by less than 1.2e-38 and the parameters not at all (an update that small is below half an ulp of any
parameter above 1e-30), far inside the float32 rounding by which the state already differs from PyTorch's fused
multiply-adds; it is done for float32 and float64 only (float16's subnormals start at 6e-5, a real value).
"""

from __future__ import annotations

import numpy as np

_TINY = {np.dtype(t): np.finfo(t).tiny for t in (np.float32, np.float64)}


def flush_subnormal(a: np.ndarray, scratch: np.ndarray, mask_scratch: np.ndarray) -> None:
    """Set a's subnormal elements to 0 in place; scratch (like a) and mask_scratch (contiguous, a.size * 4 bytes at
    least) are work arrays. Two passes when there is nothing to flush, a third when there is."""
    tiny = _TINY.get(a.dtype)
    if tiny is None:
        return
    np.abs(a, out=scratch)
    mask = np.less(scratch, tiny, out=mask_scratch.view(np.bool_)[:a.size].reshape(a.shape))
    if mask.any():  # zeros are "less" too, and stay zero
        np.copyto(a, 0, where=mask)
