"""Helpers shared by ops: turning arguments into arrays and naming shapes in errors."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


_ZEROS: dict = {}


_ZEROS_CACHED = 1 << 22  # elements: larger arrays get fresh (calloc'd, so lazily zeroed) zeros


def zeros_for(x: np.ndarray) -> np.ndarray:
    """A read-only zero array shaped like x: a view of one cached buffer per dtype (grown to the largest x seen).

    NumPy's maximum(x, 0) runs a slow loop for the scalar; maximum(x, zeros_for(x)) runs its SIMD loop, 3-5x faster.
    """
    if x.size > _ZEROS_CACHED:
        return np.zeros(x.shape, x.dtype)
    buf = _ZEROS.get(x.dtype)
    if buf is None or buf.size < x.size:
        buf = np.zeros(max(x.size, 1 << 12), x.dtype)
        buf.flags.writeable = False
        _ZEROS[x.dtype] = buf
    return buf[: x.size].reshape(x.shape)


def shape_of(x) -> tuple:
    """The shape of a Tensor, array or Python scalar (for error messages)."""
    return tuple(np.shape(x._data if isinstance(x, Tensor) else x))


def dtype_of(x) -> np.dtype:
    """The dtype of a Tensor or array (NumPy's for anything else)."""
    return x._data.dtype if isinstance(x, Tensor) else np.asarray(x).dtype


class BroadcastError(ValueError, RuntimeError):
    """Shapes that do not broadcast: a RuntimeError as in PyTorch, and a ValueError as in NumPy."""


def broadcast_error(op: str, a, b) -> ValueError:
    """A clear error for operands that cannot be broadcast together."""
    return BroadcastError(
        f"{op}: shapes {shape_of(a)} and {shape_of(b)} cannot be broadcast together "
        "(trailing dimensions must be equal or 1)"
    )


def norm_dim(dim, ndim: int, op: str):
    """Normalise an int or tuple dim (negative allowed) to a tuple of non-negative axes; None stays None."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        d = int(d)
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"{op}: dimension {d} is out of range for a tensor of {ndim} dimensions")
        out.append(d % max(ndim, 1))
    return tuple(out)


def reduce_axes(dim, ndim: int, op: str):
    """The axes a reduction over `dim` runs on: norm_dim's, except that a 0-d tensor takes dim 0 or -1 (as in
    PyTorch) and reduces over its one element: None, the whole tensor."""
    axes = norm_dim(dim, ndim, op)
    if axes is not None and len(axes) > 1 and len(set(axes)) < len(axes):
        raise RuntimeError(f"{op}: dim {dim} names a dimension twice (dims appear once in the list of dims)")
    return None if ndim == 0 else axes


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def raw(x):
    """The ndarray behind a Tensor (masks and indices computed in backward are constants)."""
    return x._data if isinstance(x, Tensor) else x


def apply_any(cls, *args):
    """Run op `cls` as a recorded op when an argument is a Tensor, else as its bare forward (backwards)."""
    for a in args:
        if isinstance(a, Tensor):
            return cls.apply(*args)
    from ..autograd.function import _NULL_CTX

    return cls.forward(_NULL_CTX, *args)


def expand_back(g, shape: tuple, axes, keepdim: bool):
    """Broadcast a reduced gradient back to the input's shape (works on arrays and on Tensors): the adjoint of a
    reduction over `axes` (sum, mean, amax ...), shared by ops/reduce.py and ops/extrema.py."""
    if axes is not None and not keepdim:
        for ax in sorted(axes):
            g = np.expand_dims(g, ax)
    return np.broadcast_to(g, shape)
