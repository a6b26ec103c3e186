"""Adam and AdamW (PyTorch's update, amsgrad and maximize included), one pass per array over flat buffers."""

from __future__ import annotations

import numpy as np

from ._subnormal import flush_subnormal
from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015): per-coordinate steps from running averages of the gradient and its square.

    Each `step()` t = 1, 2, ..., for each parameter p with gradient g (+ weight_decay * p, unless decoupled):

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

    Args:
        params: an iterable of Tensors to optimise (e.g. `model.parameters()`), or of dicts defining parameter
            groups (each a dict with "params" and any of the options below, overriding the defaults).
        lr: learning rate (default 1e-3).
        betas: (beta1, beta2), the decay rates of the two averages (default (0.9, 0.999)), each in [0, 1).
        eps: added to the denominator for stability (default 1e-8).
        weight_decay: L2 penalty added to the gradient (default 0); see AdamW for the decoupled form.
        amsgrad: use the maximum of all v so far (AMSGrad, default False).
        maximize: ascend instead of descend (default False).
        foreach: accepted for PyTorch compatibility and ignored (chainrule has one CPU code path).
        capturable: accepted and ignored (CUDA graphs do not exist here).
        differentiable: must be False; gradients through the step are not supported.
        fused: accepted and ignored, as `foreach`.
        decoupled_weight_decay: decay the weights directly (p *= 1 - lr * weight_decay) instead of adding to the
            gradient: AdamW (default False).

    Raises:
        ValueError: a negative lr, eps or weight_decay, or a beta outside [0, 1).
        NotImplementedError: differentiable=True.

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = cr.optim.Adam([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> optimizer.step()                  # the first step moves each coordinate by about lr
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    _chunked = True  # elementwise: runs chunk by chunk over the flat buffers (optim/_flat.py)

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
        flush_subnormal(m, t, work[2])  # stuck subnormals would slow every later step (_subnormal)
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
    """AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay.

    The weights decay directly, p = p * (1 - lr * weight_decay), before the Adam step, instead of the decay
    being added to the gradient (where Adam's scaling would weaken it).

    Args:
        params: an iterable of Tensors to optimise (e.g. `model.parameters()`), or of dicts defining parameter
            groups (each a dict with "params" and any of the options below, overriding the defaults).
        lr: learning rate (default 1e-3).
        betas: (beta1, beta2), default (0.9, 0.999).
        eps: added to the denominator (default 1e-8).
        weight_decay: decoupled weight decay (default 1e-2).
        amsgrad: AMSGrad's maximum of the second moments (default False).
        maximize: ascend instead of descend (default False).
        foreach: accepted for PyTorch compatibility and ignored (chainrule has one CPU code path).
        capturable: accepted and ignored.
        differentiable: must be False; gradients through the step are not supported.
        fused: accepted and ignored.

    Raises:
        ValueError: a negative lr, eps or weight_decay, or a beta outside [0, 1).

    Examples:
        >>> import chainrule as cr
        >>> model = cr.nn.Linear(4, 2)
        >>> optimizer = cr.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
        >>> optimizer.param_groups[0]["weight_decay"]
        0.01
    """

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
