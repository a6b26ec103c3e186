"""Adadelta (PyTorch's update: rho, eps, weight decay, maximize) over flat buffers."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012): steps scaled by the ratio of running RMS of past updates and of gradients.

    Each `step()`, for each parameter p with gradient g (+ weight_decay * p):

        v = rho * v + (1 - rho) * g^2
        d = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * d^2
        p = p - lr * d

    Constructor arguments:
        params: an iterable of Tensors or of dicts defining parameter groups.
        lr: scales the update (default 1.0).
        rho: decay of the running averages (default 0.9), in [0, 1].
        eps: added inside the square roots (default 1e-6).
        weight_decay: L2 penalty added to the gradient (default 0).
        foreach, capturable: accepted for PyTorch compatibility and ignored (one CPU code path).
        maximize: ascend instead of descend (default False).
        differentiable: must be False; gradients through the step are not supported.

    Raises:
        ValueError: a negative lr, eps or weight_decay, or rho outside [0, 1].

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0], requires_grad=True)
        >>> optimizer = cr.optim.Adadelta([w])
        >>> (w * 3).sum().backward()
        >>> optimizer.step()                  # sqrt(eps) / sqrt(0.1 * 9 + eps) * 3 = 0.00316...
        >>> round(w.item(), 5)
        0.99684
    """

    _chunked = True  # elementwise: runs chunk by chunk over the flat buffers (optim/_flat.py)

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0,
                 foreach=None, *, capturable: bool = False, maximize: bool = False, differentiable: bool = False):
        check_hparams(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_hparams(epsilon=eps, weight_decay=weight_decay)
        check_unsupported(differentiable)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        return ("square_avg", "acc_delta")

    def _update(self, group, param, grad, state, step, work) -> None:
        rho, eps = group["rho"], group["eps"]
        g = grad_with_decay(param, grad, group["weight_decay"], group["maximize"], work)
        v, u, t, d = state["square_avg"], state["acc_delta"], work[0], work[2]
        v *= rho  # v = rho*v + (1-rho)*g*g
        np.multiply(g, 1 - rho, out=t)
        t *= g
        v += t
        np.add(v, eps, out=t)  # d = sqrt(u + eps) / sqrt(v + eps) * g
        np.sqrt(t, out=t)
        np.add(u, eps, out=d)
        np.sqrt(d, out=d)
        d /= t
        d *= g
        u *= rho  # u = rho*u + (1-rho)*d*d
        np.multiply(d, 1 - rho, out=t)
        t *= d
        u += t
        d *= -group["lr"]
        param += d
