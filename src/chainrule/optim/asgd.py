"""ASGD (PyTorch's averaged SGD: decay lambd, eta and mu schedules, the running average "ax") over flat buffers."""

from __future__ import annotations

import numpy as np

from ._scalar import ScalarState
from .optimizer import Optimizer, check_hparams, check_unsupported
from .sgd import grad_with_decay


class ASGD(ScalarState, Optimizer):
    """Averaged SGD (Polyak and Juditsky, 1992): SGD with a decaying step, and a running average of the iterates.

    Each `step()` t, for each parameter p with gradient g (+ weight_decay * p):

        p = p * (1 - lambd * eta) - eta * g
        ax = ax + mu * (p - ax)             (ax = p while mu is 1)
        eta = lr / (1 + lambd * lr * t)^alpha ;  mu = 1 / max(1, t - t0)

    The average lives in `optimizer.state[p]["ax"]`; eta and mu are 0-d float32 tensors there, as in PyTorch.

    Constructor arguments:
        params: an iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate (default 1e-2). lambd: decay term (default 1e-4). alpha: the eta power (default 0.75).
        t0: the step at which averaging starts (default 1e6). weight_decay: default 0.
        foreach, capturable: accepted for PyTorch compatibility and ignored (one CPU code path).
        maximize: ascend instead of descend (default False).
        differentiable: must be False; gradients through the step are not supported.

    Raises:
        ValueError: a negative lr or weight_decay.

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0], requires_grad=True)
        >>> optimizer = cr.optim.ASGD([w], lr=0.1)
        >>> (w * 3).sum().backward()
        >>> optimizer.step()
        >>> round(w.item(), 5)
        0.69999
    """

    _scalar_keys = ("eta", "mu")

    def __init__(self, params, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75, t0: float = 1e6,
                 weight_decay: float = 0, foreach=None, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False):
        check_hparams(lr=lr, weight_decay=weight_decay)
        check_unsupported(differentiable)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _state_keys(self, group: dict) -> tuple:
        return ("ax",)

    def _scalar_init(self, group: dict, key: str) -> float:
        return float(np.float32(group["lr"])) if key == "eta" else 1.0

    def _update(self, group, param, grad, state, step, work) -> None:
        lr, lambd = group["lr"], group["lambd"]
        g = grad_with_decay(param, grad, group["weight_decay"], group["maximize"], work)
        eta, mu = self._scalars["eta"], self._scalars["mu"]
        param *= 1 - lambd * eta  # decay, then the SGD step
        t = np.multiply(g, -eta, out=work[0])
        param += t
        ax = state["ax"]
        if mu != 1:
            np.subtract(param, ax, out=t)
            t *= mu
            ax += t
        else:
            np.copyto(ax, param)
        self._scalars["eta"] = float(np.float32(lr / ((1 + lambd * lr * step) ** group["alpha"])))
        self._scalars["mu"] = float(np.float32(1 / max(1, step - group["t0"])))
