"""NAdam (PyTorch's update: momentum decay, decoupled weight decay, maximize) over flat buffers."""

from __future__ import annotations

import numpy as np

from ._scalar import ScalarState
from .adamax import check_betas
from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class NAdam(ScalarState, Optimizer):
    """NAdam (Dozat, 2016): Adam with Nesterov momentum, the momentum warmed up by momentum_decay.

    Each `step()` t, for each parameter p with gradient g (+ weight_decay * p, or p *= 1 - lr * weight_decay
    when decoupled):

        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)),  M_t = mu_1 * ... * mu_t (state "mu_product")
        m = beta1 * m + (1 - beta1) * g ;  v = beta2 * v + (1 - beta2) * g^2
        d = sqrt(v / (1 - beta2^t)) + eps
        p = p - lr (1 - mu_t) / (1 - M_t) * g / d - lr mu_{t+1} / (1 - M_t mu_{t+1}) * m / d

    Constructor arguments:
        params: an iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate (default 2e-3). betas: default (0.9, 0.999). eps: default 1e-8.
        weight_decay: default 0. momentum_decay: default 4e-3.
        decoupled_weight_decay: decay the weights directly, as AdamW (NAdamW; default False).
        foreach, capturable: accepted for PyTorch compatibility and ignored (one CPU code path).
        maximize: ascend instead of descend (default False).
        differentiable: must be False; gradients through the step are not supported.

    Raises:
        ValueError: a negative lr, eps, weight_decay or momentum_decay, or a beta outside [0, 1).

    Examples:
        >>> import chainrule as cr
        >>> optimizer = cr.optim.NAdam(cr.nn.Linear(2, 1).parameters(), lr=1e-3)
        >>> optimizer.param_groups[0]["momentum_decay"]
        0.004
    """

    _scalar_keys = ("mu_product",)

    def __init__(self, params, lr: float = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False, differentiable: bool = False):
        check_hparams(lr=lr, epsilon=eps)
        check_betas(betas)
        check_hparams(weight_decay=weight_decay, momentum_decay=momentum_decay)
        check_unsupported(differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        return ("exp_avg", "exp_avg_sq")

    def _scalar_init(self, group: dict, key: str) -> float:
        return 1.0

    def _update(self, group, param, grad, state, step, work) -> None:
        lr, (b1, b2), wd, psi = group["lr"], group["betas"], group["weight_decay"], group["momentum_decay"]
        if wd != 0 and group["decoupled_weight_decay"]:
            param *= 1 - lr * wd
            wd = 0
        g = grad_with_decay(param, grad, wd, group["maximize"], work)
        mu = b1 * (1.0 - 0.5 * 0.96 ** (step * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
        prod = float(np.float32(self._scalars["mu_product"]) * np.float32(mu))  # float32 math, as PyTorch's
        self._scalars["mu_product"] = prod
        m, v, t, d = state["exp_avg"], state["exp_avg_sq"], work[0], work[2]
        np.subtract(g, m, out=t)  # m += (1-b1) * (g - m)
        t *= 1 - b1
        m += t
        v *= b2  # v = b2*v + (1-b2)*g*g
        np.multiply(g, 1 - b2, out=t)
        t *= g
        v += t
        np.divide(v, 1 - b2**step, out=d)  # d = sqrt(v / bc2) + eps
        np.sqrt(d, out=d)
        d += group["eps"]
        np.divide(g, d, out=t)
        t *= -lr * (1.0 - mu) / (1.0 - prod)
        param += t
        np.divide(m, d, out=t)
        t *= -lr * mu_next / (1.0 - prod * mu_next)
        param += t
