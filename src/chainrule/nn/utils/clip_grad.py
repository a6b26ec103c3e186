"""Gradient clipping: rescale all gradients so that their joint norm is at most max_norm, or clamp each value."""

from __future__ import annotations

import math

import numpy as np

from ..._capture import replayable
from ...tensor import Tensor


def _grads(parameters) -> list:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p._grad for p in params if p._grad is not None]


@replayable  # chainrule.compile calls it again at each replay (it edits .grad with NumPy)
def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Scale gradients in place by min(1, max_norm / (total_norm + 1e-6)); returns the total norm (before).

    The norm is taken over all gradients together, as if they were concatenated into one vector; parameters
    without a gradient are skipped. `clip_grad_norm` (no underscore) is the same function (PyTorch's old
    name).

    Args:
        parameters: an iterable of tensors (e.g. `model.parameters()`) or a single tensor.
        max_norm: the largest total norm the gradients keep.
        norm_type: the p of the p-norm (default 2.0); `float("inf")` takes the largest absolute value.
        error_if_nonfinite: raise when the total norm is nan or inf (default False: the gradients are scaled
            by the non-finite norm, as PyTorch does).
        foreach: accepted for PyTorch compatibility and ignored.

    Returns:
        The total norm of the gradients before clipping, a 0-d tensor of the gradients' dtype (0.0 in float32
        when no parameter has a gradient).

    Raises:
        RuntimeError: the total norm is not finite and error_if_nonfinite is True.

    Examples:
        >>> import chainrule as cr
        >>> w = cr.zeros(2, requires_grad=True)
        >>> (w * cr.tensor([3.0, 4.0])).sum().backward()
        >>> cr.nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor(np.array(0.0, dtype=np.float32))
    dtype = grads[0]._data.dtype
    if math.isinf(norm_type):
        norms = [np.abs(g._data).max() if g._data.size else 0.0 for g in grads]
        total = np.max(np.asarray(norms, dtype=dtype))
    else:
        norms = [np.sum(np.abs(g._data) ** norm_type) for g in grads]
        total = np.sum(np.asarray(norms, dtype=np.float64)) ** (1.0 / norm_type)
    total = np.asarray(total, dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    coef = min(float(max_norm) / (float(total) + 1e-6), 1.0)
    if coef < 1.0 or not np.isfinite(total):
        for g in grads:
            _set(g, g._data * g._data.dtype.type(coef))
    return Tensor._wrap(total)


clip_grad_norm = clip_grad_norm_


@replayable
def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value] in place.

    Args:
        parameters: an iterable of tensors (e.g. `model.parameters()`) or a single tensor; those without a
            gradient are skipped.
        clip_value: the largest absolute value a gradient element keeps (a positive number).
        foreach: accepted for PyTorch compatibility and ignored.

    Returns:
        None (the gradients are changed in place).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.zeros(3, requires_grad=True)
        >>> (w * cr.tensor([-2.0, 0.5, 7.0])).sum().backward()
        >>> cr.nn.utils.clip_grad_value_([w], clip_value=1.0)
        >>> w.grad
        tensor([-1.0000,  0.5000,  1.0000])
    """
    clip_value = float(clip_value)
    for g in _grads(parameters):
        _set(g, np.clip(g._data, -clip_value, clip_value))


def _set(g: Tensor, values: np.ndarray) -> None:
    """Write into the gradient's memory when possible (whoever holds it sees the change)."""
    if g._data.flags.writeable:
        np.copyto(g._data, values, casting="unsafe")
        g._bump()
    else:
        g._data = values.astype(g._data.dtype, copy=False)
