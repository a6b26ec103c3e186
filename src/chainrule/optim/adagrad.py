"""Adagrad (PyTorch's update: lr_decay, weight decay, initial accumulator, maximize) over flat buffers."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): each coordinate's step shrinks with the sum of its squared gradients.

    Each `step()` t, for each parameter p with gradient g (+ weight_decay * p):

        s = s + g^2
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

    The accumulator s exists from construction (as in PyTorch), starting at `initial_accumulator_value`.

    Args:
        params: an iterable of Tensors to optimise (e.g. `model.parameters()`), or of dicts defining parameter
            groups (each a dict with "params" and any of the options below, overriding the defaults).
        lr: learning rate (default 1e-2).
        lr_decay: learning-rate decay per step (default 0).
        weight_decay: L2 penalty added to the gradient (default 0).
        initial_accumulator_value: the starting value of s (default 0).
        eps: added to the denominator (default 1e-10).
        maximize: ascend instead of descend (default False).
        foreach: accepted for PyTorch compatibility and ignored (chainrule has one CPU code path).
        differentiable: must be False; gradients through the step are not supported.
        fused: accepted and ignored.

    Raises:
        ValueError: a negative lr, lr_decay, weight_decay, initial_accumulator_value or eps.

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0], requires_grad=True)
        >>> optimizer = cr.optim.Adagrad([w], lr=0.5)
        >>> (w * 3).sum().backward()
        >>> optimizer.step()                  # g / sqrt(g^2) = 1: the first step is lr
        >>> w
        tensor([0.5000], requires_grad=True)
    """

    _chunked = True  # elementwise: runs chunk by chunk over the flat buffers (optim/_flat.py)
    _eager = True

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *,
                 maximize: bool = False, differentiable: bool = False, fused=None):
        check_hparams(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                      initial_accumulator_value=initial_accumulator_value, epsilon=eps)
        check_unsupported(differentiable)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}  # PyTorch's keys
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        return ("sum",)

    def _fill(self, group: dict, key: str) -> float:
        return group["initial_accumulator_value"]

    def _update(self, group, param, grad, state, step, work) -> None:
        g = grad_with_decay(param, grad, group["weight_decay"], group["maximize"], work)
        s, t = state["sum"], work[0]
        np.multiply(g, g, out=t)
        s += t
        np.sqrt(s, out=t)
        t += group["eps"]
        np.divide(g, t, out=t)
        t *= -(group["lr"] / (1 + (step - 1) * group["lr_decay"]))
        param += t
