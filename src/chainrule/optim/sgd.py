"""SGD with momentum, dampening, Nesterov, weight decay and maximize (PyTorch's update, over flat buffers)."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_hparams, check_unsupported


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay (PyTorch's update).

    Each `step()`, for each parameter p with gradient g:

        g = g + weight_decay * p
        b = momentum * b + (1 - dampening) * g          (b = g at the first step)
        g = g + momentum * b if nesterov else b           (when momentum != 0)
        p = p - lr * g

    Args:
        params: an iterable of Tensors to optimise (e.g. `model.parameters()`), or of dicts defining parameter
            groups (each a dict with "params" and any of the options below, overriding the defaults).
        lr: learning rate (default 1e-3).
        momentum: momentum factor (default 0: plain SGD); 0.9 is the usual choice.
        dampening: dampening of the momentum (default 0).
        weight_decay: L2 penalty added to the gradient (default 0).
        nesterov: Nesterov momentum: evaluate the step at the look-ahead point (default False; needs
            momentum > 0 and dampening = 0).
        maximize: ascend instead of descend (default False).
        foreach: accepted for PyTorch compatibility and ignored (chainrule has one CPU code path).
        differentiable: must be False; gradients through the step are not supported.
        fused: accepted and ignored, as `foreach`.

    Raises:
        ValueError: a negative lr, momentum or weight_decay; nesterov without momentum or with dampening.
        NotImplementedError: differentiable=True.

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = cr.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w ** 2).sum().backward()         # dL/dw = 2 w
        >>> optimizer.step()
        >>> w
        tensor([ 0.8000, -1.6000], requires_grad=True)
        >>> optimizer.zero_grad()
    """

    _chunked = True  # elementwise: runs chunk by chunk over the flat buffers (optim/_flat.py)
    _has_step = False

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False, foreach=None,
                 differentiable: bool = False, fused=None):
        check_hparams(lr=lr, momentum=momentum, weight_decay=weight_decay)
        check_unsupported(differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}  # PyTorch's group keys (repr, state_dict)
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        return ("momentum_buffer",) if group["momentum"] != 0 else ()

    def _step_of(self, st: dict) -> float:
        # The internal count only says whether the momentum buffer exists (PyTorch stores None before).
        return 1.0 if st.get("momentum_buffer") is not None else 0.0

    def _update(self, group, param, grad, state, step, work) -> None:
        lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
        d = grad_with_decay(param, grad, wd, group["maximize"], work)
        if mu != 0:
            buf = state["momentum_buffer"]
            if step == 1:
                np.copyto(buf, d)
            else:
                buf *= mu
                damp = 1 - group["dampening"]
                if damp == 1:
                    buf += d
                else:
                    t = np.multiply(d, damp, out=work[0])
                    buf += t
            if group["nesterov"]:
                t = np.multiply(buf, mu, out=work[0])
                t += d
                d = t
            else:
                d = buf
        t = np.multiply(d, -lr, out=work[0])
        param += t


def grad_with_decay(param, grad, wd: float, maximize: bool, work):
    """The gradient the update uses: (-g if maximize else g) + wd * p, in work[1] when it differs from g."""
    if wd != 0:
        d = np.multiply(param, wd, out=work[1])
        if maximize:
            np.subtract(d, grad, out=d)
        else:
            d += grad
        return d
    if maximize:
        return np.negative(grad, out=work[1])
    return grad
