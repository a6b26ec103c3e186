"""Sampling from distributions: normal, bernoulli, poisson, multinomial (torch's functions of these names).

Each takes `generator=` (a `chainrule.Generator`; default: the default generator). As in PyTorch, a sample
drawn from parameters that require grad requires grad too, with a zero gradient for the parameters (PyTorch does
not reparameterize these samples: use `mean + std * randn_like(std)` for a pathwise gradient).
"""

from __future__ import annotations

import numpy as np

from .autograd.function import Op
from .dtypes import default_np_dtype, to_numpy_dtype
from .ops._promote import kernel_missing, torch_name
from .ops.fill import _zeros_like
from .random import np_rng
from .random_tensors import finish, shape_arg
from .tensor import Tensor


class Draw(Op):
    """A sample drawn from distribution parameters; forward returns the sample, given as its first argument."""

    @staticmethod
    def forward(ctx, sample, *params):
        return sample

    @staticmethod
    def backward(ctx, g):
        # dL/dparams = 0: PyTorch gives normal/bernoulli/poisson samples a zero gradient (no reparameterization)
        return (None, *(_zeros_like(g) if need else None for need in ctx.needs_input_grad[1:]))


class Normal(Draw):
    """normal(mean, std) (grad_fn NormalBackward, as PyTorch's)."""


class Bernoulli(Draw):
    """bernoulli(p)."""


class Poisson(Draw):
    """poisson(rates)."""


def _drawn(op, sample: np.ndarray, *params) -> Tensor:
    """The sample as a Tensor, recorded as drawn from the tensor params that require grad (zero gradient)."""
    tensors = [p for p in params if isinstance(p, Tensor)]
    if any(p._rg for p in tensors) and sample.dtype.kind in "fc":
        return op.apply(sample, *tensors)
    return Tensor._wrap(sample)


def _float_input(x: Tensor, kernel: str) -> np.ndarray:
    if not isinstance(x, Tensor):
        raise TypeError(f"{kernel.split('_')[0]}(): input must be a Tensor, got {type(x).__name__}")
    if x._data.dtype.kind not in "fc":
        raise kernel_missing(kernel, x._data.dtype)
    return x._data


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, device=None,
           requires_grad: bool = False, layout=None, pin_memory=False) -> Tensor:
    """Normal samples: `normal(mean_tensor, std_tensor)` (broadcast), `normal(mean_tensor, 1.0)`,
    `normal(0.0, std_tensor)`, or `normal(mean, std, size)` with float mean and std.

    Args:
        mean: a float or a floating Tensor.
        std: a float or a floating Tensor, >= 0.
        size: the shape; only (and required) when mean and std are both floats.
        generator: a chainrule.Generator (default: the default generator).
        dtype, device, requires_grad: for the float-float form (dtype default: the default dtype).

    Returns:
        A tensor of the broadcast shape of mean and std (their dtype), or of `size`.

    Raises:
        TypeError: floats without a size, or a size with a tensor mean or std.
        RuntimeError: std < 0 ("normal expects std >= 0.0"), or shapes that do not broadcast.
        NotImplementedError: an integer tensor mean or std.

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.normal(0.0, 1.0, size=(3,))
        tensor([ 0.1257, -0.1321,  0.6404])
        >>> cr.normal(cr.tensor([0.0, 10.0]), 0.1).shape
        chainrule.Size([2])
    """
    tm, ts = isinstance(mean, Tensor), isinstance(std, Tensor)
    rng = np_rng(generator)
    if not tm and not ts:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float): "
                            "with float mean and std give a size, e.g. normal(0.0, 1.0, size=(3,))")
        _check_std(float(std))
        shape = shape_arg((), tuple(size) if isinstance(size, (tuple, list)) else (size,), "normal")
        dt = default_np_dtype() if dtype is None else to_numpy_dtype(dtype)
        if dt.kind not in "fc":
            raise kernel_missing("normal_kernel_cpu", dt)
        arr = (rng.standard_normal(shape) * float(std) + float(mean)).astype(dt)
        return finish(arr, requires_grad, device, "normal")
    if size is not None:
        raise TypeError("normal() received an invalid combination of arguments: size= goes only with float "
                        "mean and std; a tensor mean or std gives the shape")
    m = _float_input(mean, "normal_kernel_cpu") if tm else float(mean)
    s = _float_input(std, "normal_kernel_cpu") if ts else float(std)
    if ts:
        if (s < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    else:
        _check_std(s)
    try:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    except ValueError:
        raise RuntimeError(f"normal: the shapes of mean {tuple(np.shape(m))} and std {tuple(np.shape(s))} "
                           "do not broadcast") from None
    dt = np.result_type(*[a.dtype for a in (m, s) if isinstance(a, np.ndarray)])
    arr = (rng.standard_normal(shape) * s + m).astype(dt)
    return _drawn(Normal, arr, mean, std)


def _check_std(s: float) -> None:
    if not s >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {s:g}")


def bernoulli(input: Tensor, p: float | None = None, *, generator=None, out=None) -> Tensor:
    """0/1 samples: 1 with probability `input` elementwise (or with probability `p` for every element).

    Args:
        input: probabilities in [0, 1], a floating Tensor; the result has its shape and dtype.
        p: one probability for every element (then input gives only the shape and dtype).
        generator: a chainrule.Generator (default: the default generator).

    Raises:
        RuntimeError: a probability outside [0, 1].
        NotImplementedError: an integer or bool input (PyTorch has no kernel for them).
    """
    probs = _float_input(input, "bernoulli_tensor_cpu_p_")
    rng = np_rng(generator)
    if p is not None:
        if not 0.0 <= float(p) <= 1.0:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        return Tensor._wrap((rng.random(probs.shape) < float(p)).astype(probs.dtype))
    if not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (bernoulli: every "
                           "probability must lie in [0, 1])")
    return _drawn(Bernoulli, (rng.random(probs.shape) < probs).astype(probs.dtype), input)


def poisson(input: Tensor, generator=None) -> Tensor:
    """Poisson samples with rates `input` (a floating Tensor, >= 0); the result has input's shape and dtype.

    Raises:
        RuntimeError: a negative or NaN rate ("invalid Poisson rate, expected rate to be non-negative").
        NotImplementedError: an integer input.

    Args:
        input: the rates (a floating Tensor, >= 0).
        generator: a chainrule.Generator (default: the default generator).

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.poisson(cr.tensor([1.0, 10.0, 100.0]))
        tensor([  1.,   2., 103.])
    """
    rates = _float_input(input, "poisson_cpu")
    if not (rates >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    r = rates.astype(np.float64)
    fin = np.isfinite(r)
    draw = np.where(fin, np_rng(generator).poisson(np.where(fin, r, 0.0)), r)  # an infinite rate gives inf
    return _drawn(Poisson, draw.astype(rates.dtype), input)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None,
                out=None) -> Tensor:
    """Category indices drawn with probabilities proportional to the rows of `input`.

    Args:
        input: non-negative weights, 1-d (categories) or 2-d (one distribution per row); need not sum to 1.
        num_samples: draws per row, >= 1.
        replacement: draw with replacement; without it (the default) each category comes at most once and
            num_samples may not exceed the number of categories with a positive weight.
        generator: a chainrule.Generator (default: the default generator).

    Returns:
        int64 indices of shape (num_samples,) or (rows, num_samples).

    Raises:
        RuntimeError: input not 1-d or 2-d, num_samples <= 0, more samples than categories without
            replacement, a weight that is negative, inf or NaN, or a row summing to 0 (PyTorch's messages).
        NotImplementedError/RuntimeError: an integer input ("multinomial only supports floating-point dtypes").
    """
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)):
        raise TypeError(f"multinomial(): argument 'num_samples' (position 2) must be int, not "
                        f"{type(num_samples).__name__}")
    w = input._data
    if w.dtype.kind not in "fc":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {torch_name(w.dtype)}")
    if w.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    n = w.shape[-1]
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > n:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = w.reshape(-1, n).astype(np.float64)
    if not (np.isfinite(rows) & (rows >= 0)).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if len(rows) and not (rows.sum(axis=1) > 0).all():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = np_rng(generator)
    if replacement:
        idx = _with_replacement(rows, num_samples, rng)
    else:
        if len(rows) and ((rows > 0).sum(axis=1) < num_samples).any():
            raise RuntimeError("invalid multinomial distribution (with replacement=False, not enough "
                               "non-negative category to sample)")
        idx = _without_replacement(rows, num_samples, rng)
    return Tensor._wrap(idx.reshape(*w.shape[:-1], num_samples))


def _with_replacement(rows: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Inverse-CDF draws per row: the first category whose cumulative weight exceeds u * total."""
    cdf = np.cumsum(rows, axis=1)
    u = rng.random((len(rows), k)) * cdf[:, -1:]
    out = np.empty((len(rows), k), dtype=np.int64)
    for r in range(len(rows)):  # searchsorted is 1-d; rows are few in practice (a batch of distributions)
        out[r] = np.searchsorted(cdf[r], u[r], side="right")
    return np.minimum(out, rows.shape[1] - 1)


def _without_replacement(rows: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Successive draws without replacement in one pass (as PyTorch): the k smallest of Exp(1) / weight."""
    with np.errstate(divide="ignore"):
        keys = rng.exponential(size=rows.shape) / rows  # weight 0 -> inf: never among the k smallest
    if k == rows.shape[1]:
        return np.argsort(keys, axis=1, kind="stable").astype(np.int64)
    part = np.argpartition(keys, k - 1, axis=1)[:, :k]
    order = np.argsort(np.take_along_axis(keys, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1).astype(np.int64)
