"""RMSprop (PyTorch's update: centered, momentum, weight decay, maximize) over flat buffers."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): divide the gradient by a running root-mean-square of recent gradients.

    Each `step()`, for each parameter p with gradient g (+ weight_decay * p):

        v = alpha * v + (1 - alpha) * g^2
        avg = sqrt(v - gbar^2) + eps if centered else sqrt(v) + eps    (gbar: running mean of g)
        p = p - lr * g / avg            (or, with momentum: b = momentum * b + g / avg; p = p - lr * b)

    Args:
        params: an iterable of Tensors to optimise (e.g. `model.parameters()`), or of dicts defining parameter
            groups (each a dict with "params" and any of the options below, overriding the defaults).
        lr: learning rate (default 1e-2).
        alpha: smoothing constant of the squared-gradient average (default 0.99).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty added to the gradient (default 0).
        momentum: momentum factor (default 0).
        centered: normalise by the estimated variance instead of the second moment (default False).
        capturable: accepted and ignored.
        maximize: ascend instead of descend (default False).
        foreach: accepted for PyTorch compatibility and ignored (chainrule has one CPU code path).
        differentiable: must be False; gradients through the step are not supported.

    Raises:
        ValueError: a negative lr, eps, momentum, weight_decay or alpha.

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0], requires_grad=True)
        >>> optimizer = cr.optim.RMSprop([w], lr=0.01)
        >>> (w * 3).sum().backward()
        >>> optimizer.step()                  # the first step is lr / sqrt(1 - alpha) = 0.1
        >>> round(w.item(), 4)
        0.9
    """

    _chunked = True  # elementwise: runs chunk by chunk over the flat buffers (optim/_flat.py)

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False):
        check_hparams(lr=lr, epsilon=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        check_unsupported(differentiable)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}  # PyTorch's group keys and order (repr, state_dict)
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        keys = ("square_avg",)
        if group["momentum"] > 0:
            keys += ("momentum_buffer",)
        if group["centered"]:
            keys += ("grad_avg",)
        return keys

    def _update(self, group, param, grad, state, step, work) -> None:
        lr, alpha, eps, mu = group["lr"], group["alpha"], group["eps"], group["momentum"]
        g = grad_with_decay(param, grad, group["weight_decay"], group["maximize"], work)
        v, t = state["square_avg"], work[0]
        v *= alpha  # v = a*v + (1-a)*g*g
        np.multiply(g, 1 - alpha, out=t)
        t *= g
        v += t
        if group["centered"]:
            ga = state["grad_avg"]
            np.subtract(g, ga, out=t)  # gbar += (1-a) * (g - gbar)
            t *= 1 - alpha
            ga += t
            np.multiply(ga, ga, out=t)
            np.subtract(v, t, out=t)
            np.sqrt(t, out=t)
        else:
            np.sqrt(v, out=t)
        t += eps
        np.divide(g, t, out=t)
        if mu > 0:
            buf = state["momentum_buffer"]
            buf *= mu
            buf += t
            np.multiply(buf, -lr, out=t)
        else:
            t *= -lr
        param += t
