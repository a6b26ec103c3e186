"""Flatten parameters into one vector and back (for line searches, second-order methods, evolution)."""

from __future__ import annotations

import numpy as np

from ... import ops
from ...tensor import Tensor


def parameters_to_vector(parameters) -> Tensor:
    """One 1-D tensor with every parameter flattened, in order (differentiable, like torch.cat of views)."""
    params = list(parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return ops.cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of the 1-D vec into the parameters (in place, not recorded)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected vec to be a Tensor, but got {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise ValueError(f"vector_to_parameters: vec has shape {tuple(vec.shape)}, the parameters need ({total},)")
    start = 0
    for p in params:
        n = p.numel()
        np.copyto(p._data, vec._data[start:start + n].reshape(p.shape), casting="unsafe")
        p._bump()
        start += n
