"""Dtypes: aliases of NumPy's, plus the default floating dtype (float32) and the rules that pick a dtype."""

from __future__ import annotations

import numpy as np

float16 = np.float16
float32 = np.float32
float64 = np.float64
half = float16
float = float32  # noqa: A001 - PyTorch's alias
double = float64
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
int = int32  # noqa: A001
long = int64
uint8 = np.uint8
bool = np.bool_  # noqa: A001

_default = [np.dtype(np.float32)]


def get_default_dtype() -> np.dtype:
    """The dtype that Python floats and float lists become (float32 unless changed)."""
    return _default[0]


def set_default_dtype(dtype) -> None:
    """Set the default floating dtype (float32 or float64), as torch.set_default_dtype."""
    d = np.dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes are allowed, got {d}")
    _default[0] = d


def infer_dtype(data) -> np.dtype:
    """PyTorch's rule: bools stay bool, integers become int64, floats become the default dtype."""
    arr = np.asarray(data)
    k = arr.dtype.kind
    if k == "b":
        return np.dtype(np.bool_)
    if k in "iu":
        return np.dtype(np.int64)
    if k == "f":
        return _default[0]
    raise TypeError(f"tensor: cannot make a tensor from data of dtype {arr.dtype}")


def is_floating(dtype) -> bool:
    """True for float16/32/64."""
    return np.dtype(dtype).kind == "f"
