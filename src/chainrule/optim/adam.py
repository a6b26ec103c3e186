"""Adam and AdamW (PyTorch's update, amsgrad and maximize included), one pass per array over flat buffers."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class Adam(Optimizer):
    """m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g^2; p -= lr/(1-b1^t) * m / (sqrt(v/(1-b2^t)) + eps)."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False, fused=None,
                 decoupled_weight_decay: bool = False):
        check_hparams(lr=lr, epsilon=eps, weight_decay=weight_decay)
        check_unsupported(differentiable)
        for i, b in enumerate(betas):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {b}")
        defaults = {"lr": lr, "betas": (float(betas[0]), float(betas[1])), "eps": eps,
                    "weight_decay": weight_decay, "amsgrad": amsgrad, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}  # PyTorch's keys and order (repr, state_dict)
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        return ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if group["amsgrad"] else ("exp_avg", "exp_avg_sq")

    def _update(self, group, param, grad, state, step, work) -> None:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if wd != 0 and group["decoupled_weight_decay"]:
            param *= 1 - lr * wd
            g = grad_with_decay(param, grad, 0, group["maximize"], work)
        else:
            g = grad_with_decay(param, grad, wd, group["maximize"], work)
        m, v, t = state["exp_avg"], state["exp_avg_sq"], work[0]
        np.subtract(g, m, out=t)  # m += (1-b1) * (g - m)
        t *= 1 - b1
        m += t
        v *= b2  # v = b2*v + (1-b2)*g*g
        np.multiply(g, 1 - b2, out=t)
        t *= g
        v += t
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        # p -= lr/bc1 * m / (sqrt(v)/c + eps) with c = sqrt(bc2), as (lr*c/bc1) * m / (sqrt(v) + eps*c)
        c = (1 - b2**step) ** 0.5
        np.sqrt(v, out=t)
        t += eps * c
        np.divide(m, t, out=t)
        t *= -(lr * c / (1 - b1**step))
        param += t


class AdamW(Adam):
    """Adam with decoupled weight decay: p *= 1 - lr*wd before the Adam step (default wd 1e-2)."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: dict) -> None:
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
