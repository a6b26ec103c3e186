"""Adagrad (PyTorch's update: lr_decay, weight decay, initial accumulator, maximize) over flat buffers."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class Adagrad(Optimizer):
    """s += g^2; p -= lr / (1 + (t-1)*lr_decay) * g / (sqrt(s) + eps). State exists from construction."""

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
