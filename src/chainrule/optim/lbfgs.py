"""L-BFGS (PyTorch's algorithm: two-loop recursion, history, tolerances, optional strong-Wolfe line search)."""

from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from ._line_search import strong_wolfe
from .optimizer import Optimizer, check_hparams

_LISTS = ("old_dirs", "old_stps", "ro", "al")


class LBFGS(Optimizer):
    """Limited-memory BFGS (PyTorch's port of minFunc): quasi-Newton steps from the last history_size updates.

    `step(closure)` runs up to max_iter iterations, each calling the closure (which recomputes the loss and its
    gradients) at least once. All parameters form one flat vector; there is only one parameter group.

    Args:
        params: an iterable of Tensors (one group only).
        lr: learning rate (default 1).
        max_iter: the most iterations per step() (default 20).
        max_eval: the most closure evaluations per step() (default max_iter * 5 // 4).
        tolerance_grad: stop when max |gradient| <= this (default 1e-7).
        tolerance_change: stop when the step or the loss changes by less (default 1e-9).
        history_size: the number of updates kept (default 100).
        line_search_fn: None (a fixed step lr) or "strong_wolfe".

    Raises:
        ValueError: a negative lr, or parameter groups with their own options.
        RuntimeError: a line_search_fn other than None and "strong_wolfe" (at step()).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([3.0, -1.0], requires_grad=True)
        >>> optimizer = cr.optim.LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     optimizer.zero_grad()
        ...     loss = ((w - 1) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> _ = optimizer.step(closure)
        >>> w
        tensor([1., 1.], requires_grad=True)
    """

    def __init__(self, params, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None):
        check_hparams(lr=lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
                    "tolerance_change": tolerance_change, "history_size": history_size,
                    "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # ---- the parameters as one flat vector (complex ones as (re, im) pairs) ---------------------------------
    def _flat(self, a: np.ndarray) -> np.ndarray:
        a = a.reshape(-1)
        return a.view(np.finfo(a.dtype).dtype) if a.dtype.kind == "c" else a

    def _gather_flat_grad(self) -> np.ndarray:
        views = [np.zeros(self._flat(p._data).size, self._flat(p._data).dtype) if p._grad is None
                 else self._flat(np.ascontiguousarray(p._grad._data)) for p in self._params]
        return np.concatenate(views)

    def _add_grad(self, step_size, update: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            flat = self._flat(p._data)
            flat += update[offset : offset + flat.size] * flat.dtype.type(step_size)
            offset += flat.size
            p._bump()

    def _clone_param(self) -> list:
        return [p._data.copy() for p in self._params]

    def _set_param(self, params_data: list) -> None:
        for p, data in zip(self._params, params_data):
            np.copyto(p._data, data)
            p._bump()

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        with enable_grad():
            loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    def step(self, closure):
        """One L-BFGS step: up to max_iter iterations, calling closure() for the loss and gradients.

        Args:
            closure: clears the gradients, computes the loss, calls backward() and returns the loss.

        Returns:
            The loss of the first closure call.
        """
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:  # optimal already
            return orig_loss
        st = {k: _array(v) for k, v in state.items()}
        d, t, old_dirs, old_stps, ro = st.get("d"), st.get("t"), st.get("old_dirs"), st.get("old_stps"), st.get("ro")
        h_diag, prev_flat_grad, prev_loss, al = st.get("H_diag"), st.get("prev_flat_grad"), st.get("prev_loss"), \
            st.get("al")
        n_iter = 0
        with no_grad():
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:  # the first direction: steepest descent
                    d = -flat_grad
                    old_dirs, old_stps, ro, h_diag = [], [], [], 1
                else:  # the L-BFGS two-loop recursion
                    y = flat_grad - prev_flat_grad
                    s = d * t
                    ys = y.dot(s)  # y*s
                    if ys > 1e-10:  # update the memory
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(1.0 / ys)
                        h_diag = ys / y.dot(y)  # (y*y)
                    num_old = len(old_dirs)
                    if al is None:
                        al = [None] * history_size
                        state["al"] = al  # PyTorch's key order: "al" appears when first made
                    q = -flat_grad
                    for i in range(num_old - 1, -1, -1):
                        al[i] = old_stps[i].dot(q) * ro[i]
                        q += old_dirs[i] * q.dtype.type(-al[i])
                    d = r = q * h_diag
                    for i in range(num_old):
                        be_i = old_dirs[i].dot(r) * ro[i]
                        r += old_stps[i] * r.dtype.type(al[i] - be_i)
                prev_flat_grad = flat_grad.copy()
                prev_loss = loss
                t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
                gtd = flat_grad.dot(d)  # directional derivative
                if gtd > -tolerance_change:
                    break
                ls_func_evals = 0
                if line_search_fn is not None:
                    if line_search_fn != "strong_wolfe":
                        raise RuntimeError("only 'strong_wolfe' is supported")
                    x_init = self._clone_param()
                    loss, flat_grad, t, ls_func_evals = strong_wolfe(
                        lambda x, t_, d_: self._directional_evaluate(closure, x, t_, d_), x_init, t, d, loss,
                        flat_grad, gtd, max_ls=max_eval - current_evals)
                    self._add_grad(t, d)
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                else:
                    self._add_grad(t, d)  # a fixed step
                    opt_cond = False
                    if n_iter != max_iter:  # re-evaluate (not in the last iteration)
                        with enable_grad():
                            loss = float(closure())
                        flat_grad = self._gather_flat_grad()
                        opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                        ls_func_evals = 1
                current_evals += ls_func_evals
                state["func_evals"] += ls_func_evals
                if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                    break
                if np.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                    break
        for k, v in (("d", d), ("t", t), ("old_dirs", old_dirs), ("old_stps", old_stps), ("ro", ro),
                     ("H_diag", h_diag), ("prev_flat_grad", prev_flat_grad), ("prev_loss", prev_loss)):
            state[k] = _tensor(v)
        if al is not None:
            state["al"] = _tensor(al)
        return orig_loss

    def load_state_dict(self, state_dict: dict) -> None:
        """Loads a state_dict() of an LBFGS (ours or PyTorch's, its tensors converted); values are copied."""
        saved = dict(state_dict["state"])
        super().load_state_dict({"state": {}, "param_groups": state_dict["param_groups"]})
        self._params = self.param_groups[0]["params"]
        for k, v in saved.items():
            key = int(k) if isinstance(k, str) and k.isdigit() else k
            if key == 0:
                self.state[self._params[0]] = {n: _tensor(_array(x, copy=True)) for n, x in v.items()}


def _array(v, copy: bool = False):
    """A state value as NumPy (Tensors -> arrays, 0-d -> scalars of their dtype; lists element by element)."""
    if isinstance(v, list):
        return [_array(x, copy) for x in v]
    if isinstance(v, Tensor):
        a = v._data
        return a[()] if a.ndim == 0 else (a.copy() if copy else a)
    return v


def _tensor(v):
    """The state as PyTorch keeps it: arrays and NumPy scalars as Tensors, Python numbers as they are."""
    if isinstance(v, list):
        return [_tensor(x) for x in v]
    if isinstance(v, (np.ndarray, np.generic)):
        return Tensor._wrap(np.asarray(v))
    return v
