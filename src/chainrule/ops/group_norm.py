"""group_norm and instance_norm: normalisation over groups of channels, or over each (sample, channel).

Both are compositions of differentiable ops (mean, biased variance, rsqrt), PyTorch's formula
y = (x - mean) * rsqrt(var + eps) * weight + bias, so their gradients of any order are exact.
instance_norm with running statistics updates them as PyTorch does: the batch average of the per-instance
means and unbiased variances, blended with `momentum`.
"""

from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from ._declare import case, declare
from ._promote import kernel_missing
from ._util import shape_of

__all__ = ["group_norm", "instance_norm"]


def _affine(y, weight, bias):
    shape = (1, -1) + (1,) * (y.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _check_vec(op, t, name, c):
    if t is not None and shape_of(t) != (c,):
        raise RuntimeError(f"{op}: expected {name} with {c} elements (one per channel), got shape {shape_of(t)}")


def _check_dtypes(op, input, *params):
    """PyTorch's CPU kernels: a floating input, and parameters of its dtype (no promotion)."""
    dt = input._data.dtype
    if dt.kind != "f":
        raise kernel_missing(op, dt)
    for t in params:
        if t is not None and t._data.dtype != dt:
            if dt == np.float32:
                raise RuntimeError(f"{op}: mixed dtype (CPU): expect parameter to have scalar type of Float "
                                   f"(got {t.dtype}); convert it with .float()")
            raise RuntimeError(f"{op}: mixed dtype (CPU): all inputs must share same datatype (input {input.dtype}, "
                               f"parameter {t.dtype})")


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x, w, b: m.group_norm(x, 2, w, b), (2, 4, 3, 2), (4,), (4,)),
    case(lambda m, x: m.nn.functional.group_norm(x, 3), (2, 6, 5), suffix="no_affine"),
])
def group_norm(input, num_groups: int, weight=None, bias=None, eps: float = 1e-5, cudnn_enabled: bool = True):
    """Normalise (N, C, *) over each group of C / num_groups channels (and all spatial positions), then scale
    by weight (C,) and shift by bias (C,) when given.

    Raises:
        RuntimeError: C not divisible by num_groups, or weight / bias not of shape (C,).
    """
    xs = shape_of(input)
    if len(xs) < 2:
        raise RuntimeError(f"group_norm: expected an input of at least 2 dims (N, C, *), got {xs}")
    n, c = xs[:2]
    if num_groups < 1 or c % num_groups:
        raise RuntimeError(f"group_norm: Expected number of channels in input to be divisible by num_groups, but "
                           f"got input of shape {list(xs)} and num_groups={num_groups}")
    _check_vec("group_norm", weight, "weight", c)
    _check_vec("group_norm", bias, "bias", c)
    _check_dtypes("group_norm", input, weight, bias)
    x = input.reshape(n, num_groups, int(np.prod(xs[1:])) // num_groups)  # explicit: an empty batch too
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, correction=0, keepdim=True)
    y = ((x - mean) * (var + eps).rsqrt()).reshape(xs)
    return _affine(y, weight, bias)


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x, w, b: m.nn.functional.instance_norm(x, weight=w, bias=b), (2, 3, 4, 2), (3,), (3,)),
    case(lambda m, x: m.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False), (2, 3, 5),
         suffix="plain"),
])
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5, cudnn_enabled: bool = False):
    """Normalise each (sample, channel) of (N, C, *) over its spatial positions (use_input_stats, default), or
    with the running statistics (C,) otherwise; then weight (C,) and bias (C,) when given.

    With use_input_stats and running statistics, these are updated in place:
    running = (1 - momentum) * running + momentum * (the batch mean of the per-instance statistic), the
    variance unbiased.
    """
    xs = shape_of(input)
    if len(xs) < 3:
        raise RuntimeError(f"instance_norm: expected an input of at least 3 dims (N, C, *), got {xs}")
    n, c = xs[:2]
    for t, name in ((running_mean, "running_mean"), (running_var, "running_var"), (weight, "weight"),
                    (bias, "bias")):
        _check_vec("instance_norm", t, name, c)
    _check_dtypes("instance_norm", input, weight, bias)
    if 0 in xs[2:] or (n * c == 0 and use_input_stats):
        raise RuntimeError(f"instance_norm: expected a non-empty input, got {xs}")
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError("instance_norm: Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")
        shape = (1, c) + (1,) * (len(xs) - 2)
        y = (input - running_mean.reshape(shape)) * (running_var.reshape(shape) + eps).rsqrt()
        return _affine(y, weight, bias)
    x = input.reshape(n, c, int(np.prod(xs[2:])))
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, correction=0, keepdim=True)
    if running_mean is not None or running_var is not None:
        m = x.shape[-1]
        with no_grad():
            if running_mean is not None:
                new = mean.detach()._data.reshape(n, c).mean(0)
                running_mean._data[...] = (1 - momentum) * running_mean._data + momentum * new
                running_mean._bump()
            if running_var is not None:
                unbiased = var.detach()._data.reshape(n, c) * (m / max(m - 1, 1))
                running_var._data[...] = (1 - momentum) * running_var._data + momentum * unbiased.mean(0)
                running_var._bump()
    y = ((x - mean) * (var + eps).rsqrt()).reshape(xs)
    return _affine(y, weight, bias)
