"""batch_norm and layer_norm for nn.functional (one fused node each)."""

from __future__ import annotations

from ... import _capture
from ...ops.nn_fused import BatchNorm, LayerNorm
from ...tensor import Tensor
from ...ops._declare import case, declare


def _vector(t, name: str, c: int, op: str):
    if t is None:
        return None
    if t._data.shape != (c,):
        raise RuntimeError(f"{op}: {name} has shape {tuple(t.shape)}, expected ({c},) (one value per channel)")
    return t


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalises each channel (dim 1) of an (N, C, *) input by its batch statistics (training) or by the running
    ones (eval), then scales by weight and shifts by bias. The functional form of `nn.BatchNorm1d/2d`.

    In training the running statistics are updated in place: mean <- (1-m) mean + m batch_mean and
    var <- (1-m) var + m batch_var_unbiased.

    Args:
        input: (N, C, *).
        running_mean: (C,), or None.
        running_var: (C,), or None.
        weight: the scale, (C,), or None.
        bias: the shift, (C,), or None.
        training: use (and update) the batch statistics (default False: use the running ones).
        momentum: m above (default 0.1).
        eps: added to the variance (default 1e-5).

    Returns:
        A tensor of the input's shape.

    Raises:
        ValueError: an input with fewer than 2 dimensions, or vectors whose length is not C.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C, *), got {tuple(input.shape)}")
    c = input._data.shape[1]
    _vector(weight, "weight", c, "batch_norm")
    _vector(bias, "bias", c, "batch_norm")
    _vector(running_mean, "running_mean", c, "batch_norm")
    _vector(running_var, "running_var", c, "batch_norm")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("batch_norm: running_mean and running_var are needed when training=False")
    if training and input.numel() // c <= 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {tuple(input.shape)}; use a "
            "batch of 2 or more, or call model.eval() first"
        )
    rm = None if running_mean is None else running_mean._data
    rv = None if running_var is None else running_var._data
    out = BatchNorm.apply(input, weight, bias, rm, rv, bool(training), float(momentum or 0.0), float(eps))
    if training and running_mean is not None:  # the op updated them in place: count the edit
        _capture.bump(running_mean, running_var)
    return out


def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    """Normalises each sample over its trailing `normalized_shape` dimensions, then scales by weight and shifts by
    bias. The functional form of `nn.LayerNorm`.

    Args:
        input: (*, *normalized_shape).
        normalized_shape: the trailing shape (an int for the last dimension).
        weight: the scale, of shape normalized_shape, or None.
        bias: the shift, of shape normalized_shape, or None.
        eps: added to the variance (default 1e-5).

    Returns:
        A tensor of the input's shape.

    Raises:
        ValueError: the input's trailing dimensions are not normalized_shape.
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input._data.shape[input.ndim - k:] != shape or input.ndim < k:
        raise RuntimeError(
            f"layer_norm: normalized_shape {shape} must match the last dimensions of the input "
            f"{tuple(input.shape)}"
        )
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None and t._data.shape != shape:
            raise RuntimeError(f"layer_norm: {name} has shape {tuple(t.shape)}, expected {shape}")
    return LayerNorm.apply(input, weight, bias, k, float(eps))


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

declare(batch_norm, namespaces=("F",), cases=[
    case(lambda m, x, w, b: m.F.batch_norm(x, None, None, w, b, training=True), (6, 4), (4,), (4,),
         rtol32=1e-4)])
declare(layer_norm, namespaces=("F",), cases=[
    case(lambda m, x, w, b: m.F.layer_norm(x, (4,), w, b), (3, 4), (4,), (4,), rtol32=1e-4)])
