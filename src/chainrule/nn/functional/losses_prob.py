"""Likelihood losses: KL divergence, Poisson and Gaussian negative log-likelihoods (PyTorch's formulas).

Composed from differentiable tensor ops, so gradients (to the input and to the target, when it requires one)
come from the ops they are built from.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ... import ops
from ...autograd.function import Op
from ...ops._declare import FUNCTIONAL, case, declare
from ...tensor import Tensor
from .losses import _reduction
from .losses_margin import reduce_loss

__all__ = ["gaussian_nll_loss", "kl_div", "poisson_nll_loss"]


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


class XLogX(Op):
    """t * log(t), 0 where t == 0: PyTorch's xlogy(t, t) (nan for t < 0)."""

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(t == 0, 0, t * np.log(t)).astype(t.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        # dL/dt = (log(t) + 1) g ; nan at t = 0, as PyTorch's xlogy(t, t) (its d/dother = t / t there)
        (t,) = ctx.saved
        if type(t) is Tensor:
            return (ops.where(t == 0, float("nan"), t).log() + 1) * g
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(t == 0, np.nan, np.log(t) + 1).astype(t.dtype, copy=False) * g


def _xlogx(t: Tensor) -> Tensor:
    return XLogX.apply(t)


class Stirling(Op):
    """t log(t) - t + 0.5 log(2 pi t) where t > 1, else 0: Stirling's log(t!) in poisson_nll_loss(full=True)."""

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        big = t > 1
        ts = np.where(big, t, 2)
        return np.where(big, ts * np.log(ts) - ts + 0.5 * np.log(2 * np.pi * ts), 0).astype(t.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        # dL/dt = (log(t) + 1 / (2 t)) g where t > 1; 0 for 0 < t <= 1; nan for t <= 0 (PyTorch's masked_fill
        # of the full expression sends 0 * log(t) = nan back there)
        (t,) = ctx.saved
        big = t > 1
        if type(t) is Tensor:
            ts = ops.where(big, t, 2.0)
            return ops.where(big, ts.log() + 0.5 / ts, ops.where(t > 0, 0.0, float("nan"))) * g
        ts = np.where(big, t, 2)
        return np.where(big, np.log(ts) + 0.5 / ts, np.where(t > 0, 0, np.nan)).astype(t.dtype, copy=False) * g


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, x, t: m.nn.functional.kl_div(x.log_softmax(1), t, reduction="batchmean"), (3, 4), (3, 4),
         kinds="pos"),
    case(lambda m, x, t: m.nn.functional.kl_div(x, t, reduction="sum", log_target=True), (3, 4), (3, 4),
         suffix="log_target"),
    case(lambda m, x, t: m.nn.functional.kl_div(x, t, reduction="none"), (2, 3), (2, 3),
         kinds="pos", suffix="none")])
def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """The KL divergence of target from exp(input): target * (log(target) - input) per element.

    `input` holds log-probabilities; `target` probabilities (or log-probabilities with log_target=True:
    exp(target) * (target - input)). Terms where target is 0 are 0.

    Args:
        input: log-probabilities, any shape (usually (N, C)).
        target: the input's shape.
        reduction: "batchmean" (the sum divided by N: the KL divergence's definition), "sum", "none", or
            "mean" (default; divides by every element, and warns as PyTorch does).
        size_average, reduce: deprecated (as in PyTorch); use `reduction`.
        log_target: the target is given as log-probabilities (default False).

    Raises:
        ValueError: an invalid reduction.
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction("kl_div", "mean", size_average, reduce)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            UserWarning, stacklevel=2,
        )
    elif reduction != "batchmean":
        _reduction("kl_div", reduction)
    x, t = _t(input), _t(target)
    loss = t.exp() * (t - x) if log_target else _xlogx(t) - t * x
    if reduction == "batchmean":
        total = loss.sum()
        return total / x.shape[0] if x.ndim != 0 else total
    return reduce_loss(loss, reduction)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, x, t: m.nn.functional.poisson_nll_loss(x, t * 3), (3, 4), (3, 4), kinds=("normal", "pos")),
    case(lambda m, x, t: m.nn.functional.poisson_nll_loss(x, t * 2, log_input=False, full=True, reduction="sum"),
         (3, 4), (3, 4), kinds="pos", suffix="full"),
    case(lambda m, x, t: m.nn.functional.poisson_nll_loss(x, t, full=True, reduction="none"),
         (3, 4), (3, 4), kinds=("normal", "pos"), suffix="none")])
def poisson_nll_loss(input, target, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    """The Poisson negative log-likelihood of target given the rate: exp(input) - target * input (log_input).

    With log_input=False the input is the rate itself: input - target * log(input + eps). full=True adds
    Stirling's approximation of log(target!), target log(target) - target + 0.5 log(2 pi target), where
    target > 1.

    Args:
        input: the log-rate (or the rate), any shape. target: counts, the input's shape.
        log_input: the input is a log-rate (default True). full: add the Stirling term (default False).
        eps: keeps log(input + eps) finite when log_input=False (default 1e-8).
        reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated (as in PyTorch).
    """
    reduction = _reduction("poisson_nll_loss", reduction, size_average, reduce)
    x, t = _t(input), _t(target)
    loss = x.exp() - t * x if log_input else x - t * (x + eps).log()
    if full:
        loss = loss + Stirling.apply(t)
    return reduce_loss(loss, reduction)


def _var_shape(x: Tensor, var: Tensor) -> Tensor:
    """PyTorch's rule: var has the input's shape, or lacks its last dim, or differs in one dim of size 1."""
    vs, xs = tuple(var.shape), tuple(x.shape)
    if vs == xs:
        return var
    if xs[:-1] == vs:
        return var.unsqueeze(-1)
    if len(xs) == len(vs) and sum(b for a, b in zip(xs, vs) if a != b) == 1:
        return var
    raise ValueError("var is of incorrect size")


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, x, t, v: m.nn.functional.gaussian_nll_loss(x, t, v), (3, 4), (3, 4), (3, 4), kinds="pos"),
    case(lambda m, x, t, v: m.nn.functional.gaussian_nll_loss(x, t, v, full=True, reduction="none"),
         (3, 4), (3, 4), (3,), kinds=("normal", "normal", "pos"), suffix="homoscedastic"),
    case(lambda m, x, t, v: m.nn.functional.gaussian_nll_loss(x, t, v, reduction="sum"),
         (2, 3, 4), (2, 3, 4), (2, 1, 4), kinds=("normal", "normal", "pos"), suffix="bcast")])
def gaussian_nll_loss(input, target, var, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """The Gaussian negative log-likelihood 0.5 (log(var) + (input - target)^2 / var) (+ 0.5 log(2 pi) if full).

    var is clamped below at eps for stability; as in PyTorch the clamp passes the gradient through unchanged.

    Args:
        input: the predicted means, any shape. target: samples, the input's shape.
        var: the predicted variances: the input's shape, the input's shape without its last dim, or one dim
            of size 1 (homoscedastic); or a float.
        full: add the constant 0.5 log(2 pi) (default False). eps: the clamp (default 1e-6).
        reduction: "mean" (default), "sum" or "none".

    Raises:
        ValueError: a negative variance, a var of incorrect size, or an invalid reduction.
    """
    x, t = _t(input), _t(target)
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = Tensor._wrap(np.full(tuple(x.shape), float(var), dtype=x._data.dtype))
    else:
        var = _t(var)
        if bool((var < 0).any()):
            raise ValueError("var has negative entry/entries")
    var = _var_shape(x, var)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var + (var.detach().clamp(min=eps) - var.detach())  # the value clamped, the gradient unchanged
    loss = 0.5 * (var.log() + (x - t) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)
