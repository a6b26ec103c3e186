"""Adamax (PyTorch's update: the infinity-norm variant of Adam) over flat buffers."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


def check_betas(betas) -> None:
    for i, b in enumerate(betas):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")


class Adamax(Optimizer):
    """Adamax (Kingma and Ba, 2015, section 7.1): Adam with the infinity norm in place of the second moment.

    Each `step()` t, for each parameter p with gradient g (+ weight_decay * p):

        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1^t) * m / u

    Constructor arguments:
        params: an iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate (default 2e-3).
        betas: (beta1, beta2), default (0.9, 0.999), each in [0, 1).
        eps: added to |g| (default 1e-8).
        weight_decay: L2 penalty added to the gradient (default 0).
        foreach, capturable: accepted for PyTorch compatibility and ignored (one CPU code path).
        maximize: ascend instead of descend (default False).
        differentiable: must be False; gradients through the step are not supported.

    Raises:
        ValueError: a negative lr, eps or weight_decay, or a beta outside [0, 1).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0], requires_grad=True)
        >>> optimizer = cr.optim.Adamax([w], lr=0.1)
        >>> (w * 3).sum().backward()
        >>> optimizer.step()                  # the first step is lr * sign(g)
        >>> round(w.item(), 4)
        0.9
    """

    _chunked = True  # elementwise: runs chunk by chunk over the flat buffers (optim/_flat.py)

    def __init__(self, params, lr: float = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False):
        check_hparams(lr=lr, epsilon=eps)
        check_betas(betas)
        check_hparams(weight_decay=weight_decay)
        check_unsupported(differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        return ("exp_avg", "exp_inf")

    def _update(self, group, param, grad, state, step, work) -> None:
        b1, b2 = group["betas"]
        g = grad_with_decay(param, grad, group["weight_decay"], group["maximize"], work)
        m, u, t = state["exp_avg"], state["exp_inf"], work[0]
        np.subtract(g, m, out=t)  # m += (1-b1) * (g - m)
        t *= 1 - b1
        m += t
        u *= b2  # u = max(b2*u, |g| + eps)
        np.abs(g, out=t)
        t += group["eps"]
        np.maximum(u, t, out=u)
        np.divide(m, u, out=t)
        t *= -(group["lr"] / (1 - b1**step))
        param += t
