"""RAdam (PyTorch's update: the rectified adaptive step, decoupled weight decay, maximize) over flat buffers."""

from __future__ import annotations

import numpy as np

from .adamax import check_betas
from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class RAdam(Optimizer):
    """RAdam (Liu et al., 2020): Adam whose adaptive step is switched on, rectified, once its variance is tractable.

    Each `step()` t, for each parameter p with gradient g (+ weight_decay * p, or p *= 1 - lr * weight_decay
    when decoupled):

        m = beta1 * m + (1 - beta1) * g ;  v = beta2 * v + (1 - beta2) * g^2
        rho_inf = 2 / (1 - beta2) - 1 ;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        if rho_t > 5: p = p - lr * m / (1 - beta1^t) * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps)
                      with r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
        else:         p = p - lr * m / (1 - beta1^t)

    Constructor arguments:
        params: an iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate (default 1e-3). betas: default (0.9, 0.999). eps: default 1e-8.
        weight_decay: default 0. decoupled_weight_decay: decay the weights directly, as AdamW (default False).
        foreach, capturable: accepted for PyTorch compatibility and ignored (one CPU code path).
        maximize: ascend instead of descend (default False).
        differentiable: must be False; gradients through the step are not supported.

    Raises:
        ValueError: a negative lr, eps or weight_decay, or a beta outside [0, 1).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0], requires_grad=True)
        >>> optimizer = cr.optim.RAdam([w], lr=0.1)
        >>> (w * 3).sum().backward()
        >>> optimizer.step()                  # the first steps are momentum SGD: lr * m / (1 - beta1)
        >>> round(w.item(), 4)
        0.7
    """

    _chunked = True  # elementwise: runs chunk by chunk over the flat buffers (optim/_flat.py)

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False):
        check_hparams(lr=lr, epsilon=eps)
        check_betas(betas)
        check_hparams(weight_decay=weight_decay)
        check_unsupported(differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        return ("exp_avg", "exp_avg_sq")

    def _update(self, group, param, grad, state, step, work) -> None:
        lr, (b1, b2), wd = group["lr"], group["betas"], group["weight_decay"]
        if wd != 0 and group["decoupled_weight_decay"]:
            param *= 1 - lr * wd
            wd = 0
        g = grad_with_decay(param, grad, wd, group["maximize"], work)
        m, v, t = state["exp_avg"], state["exp_avg_sq"], work[0]
        np.subtract(g, m, out=t)  # m += (1-b1) * (g - m)
        t *= 1 - b1
        m += t
        v *= b2  # v = b2*v + (1-b2)*g*g
        np.multiply(g, 1 - b2, out=t)
        t *= g
        v += t
        bc1, bc2 = 1 - b1**step, 1 - b2**step
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * step * (b2**step) / bc2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            np.sqrt(v, out=t)
            t += group["eps"]
            np.divide(m, t, out=t)
            t *= -(lr * rect * bc2**0.5 / bc1)
        else:
            np.multiply(m, -(lr / bc1), out=t)
        param += t
