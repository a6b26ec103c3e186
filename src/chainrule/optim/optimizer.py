"""Optimizer: param groups, per-parameter state, zero_grad, step, state_dict (PyTorch's API) on flat buffers.

A subclass says which state arrays a group needs (`_state_keys`) and writes `_update`, the update of a run of
parameters given as 1-D arrays: the param, its gradient, each state and the step count. The base class calls
`_update` once per run of consecutive parameters that have a gradient and the same step count - in the common
case one call for the whole model (see `_flat.py`), with `foreach=False` one call per parameter.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from itertools import chain

import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from . import _flat
from ._flat import Relayout


class Optimizer:
    """Base class of optimizers: `Optimizer(params, defaults)`, params Tensors or dicts (param groups).

    A subclass either writes its own step() (PyTorch's way), or defines the elementwise update that this
    step() runs over each flat buffer: `_update(group, param, grad, state, step, work)`, arrays in place.

    Args:
        params: an iterable of Tensors (`model.parameters()`), or of dicts, each a parameter group: {"params":
            [...], and options overriding the defaults}.
        defaults: the options (lr, momentum, ...) of groups that do not set them.

    Attributes:
        param_groups: the list of groups: dicts with "params" and every option.
        state: per-parameter state (momentum buffers, step counts), keyed by the parameter tensor.

    Raises:
        TypeError: params is a single Tensor (pass `[tensor]`).
        ValueError: params is empty; a parameter appears in two groups.

    Examples:
        >>> import chainrule as cr
        >>> class PlainSGD(cr.optim.Optimizer):
        ...     def __init__(self, params, lr=0.1):
        ...         super().__init__(params, {"lr": lr})
        ...     @cr.no_grad()
        ...     def step(self, closure=None):
        ...         for group in self.param_groups:
        ...             for p in group["params"]:
        ...                 if p.grad is not None:
        ...                     p.sub_(group["lr"] * p.grad)       # p = p - lr * dL/dp
        >>> w = cr.tensor([1.0, -1.0], requires_grad=True)
        >>> b = cr.tensor([0.5], requires_grad=True)
        >>> optimizer = PlainSGD([w], lr=0.5)
        >>> optimizer.add_param_group({"params": [b], "lr": 0.1})
        >>> ((w ** 2).sum() + b.sum()).backward()
        >>> optimizer.step()
        >>> w, b
        (tensor([0., 0.], requires_grad=True), tensor([0.4000], requires_grad=True))
        >>> optimizer.zero_grad()
        >>> w.grad is None
        True
    """

    _has_step = True  # state[p] holds a "step" count (SGD's does not)
    _eager = False  # state is created for every parameter at construction (Adagrad)
    _chunked = False  # _update is elementwise and keeps no other state: run it chunk by chunk (_flat.py)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.step is Optimizer.step and not hasattr(cls, "_update"):
            raise TypeError(
                f"{cls.__name__}: an Optimizer subclass defines step() or "
                "_update(group, param, grad, state, step, work), the update this base class's step() runs"
            )

    def __init__(self, params, defaults: dict):
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got a "
                "Tensor: pass [tensor] or model.parameters()"
            )
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        self._layouts: list = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        """PyTorch's text: the class name, then each group's options sorted by name (a blank line between groups)."""
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {k}: {group[k]}\n" for k in sorted(group) if k != "params")
        return text + ")"

    # ---- param groups -----------------------------------------------------------------------------------
    def add_param_group(self, param_group: dict) -> None:
        """Adds a group of parameters with its own options (missing options take the optimizer's defaults).

        Use it to train new layers (a fine-tuning head, a grown network) or to give some parameters their own
        learning rate.

        Args:
            param_group: a dict with "params" (a Tensor or an iterable of Tensors) and any options of this optimizer.

        Raises:
            ValueError: a parameter that already belongs to a group (or appears twice), or a non-leaf tensor.
            TypeError: param_group is not a dict, "params" is a set, or it holds something other than Tensors.

        Examples:
            >>> import chainrule as cr
            >>> body, head = cr.nn.Linear(4, 4), cr.nn.Linear(4, 2)
            >>> optimizer = cr.optim.SGD(body.parameters(), lr=0.1)
            >>> optimizer.add_param_group({"params": head.parameters(), "lr": 0.01})
            >>> [group["lr"] for group in optimizer.param_groups]
            [0.1, 0.01]

        Examples:
            >>> import chainrule as cr
            >>> body, head = cr.nn.Linear(4, 4), cr.nn.Linear(4, 2)
            >>> optimizer = cr.optim.SGD(body.parameters(), lr=0.1)
            >>> optimizer.add_param_group({"params": head.parameters(), "lr": 0.01})
            >>> [g["lr"] for g in optimizer.param_groups]
            [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError("optimizer parameters need to be in an ordered collection (a list), not a set")
        params = list(params)
        if params and all(isinstance(p, tuple) and len(p) == 2 for p in params):
            param_group["param_names"] = [name for name, _ in params]
            params = [p for _, p in params]
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if p.grad_fn is not None:
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in params}) != len(params):
            raise ValueError("optimizer got the same parameter twice in one parameter group")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        param_group["params"] = params
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.param_groups.append(param_group)
        buckets = self._layout(len(self.param_groups) - 1, param_group)
        if self._eager:
            keys = self._state_keys(param_group)
            for b in buckets:
                self._ensure_buffers(param_group, b, keys)
                for i in range(len(b.params)):
                    self._adopt(param_group, b, i)

    def _layout(self, gi: int, group: dict) -> list:
        """The buckets of group gi, rebuilt when the group's parameters (or its foreach option) changed."""
        key = (tuple(map(id, group["params"])), group.get("foreach"))
        while len(self._layouts) <= gi:
            self._layouts.append(None)
        lay = self._layouts[gi]
        if lay is None or lay[0] != key:
            lay = self._layouts[gi] = (key, _flat.build(group["params"], group.get("foreach")))
        return lay[1]

    # ---- what subclasses provide ------------------------------------------------------------------------
    def _state_keys(self, group: dict) -> tuple:
        """Names of the per-parameter state arrays this group needs (in PyTorch's order)."""
        return ()

    def _fill(self, group: dict, key: str) -> float:
        """Initial value of a state array."""
        return 0.0

    def _step_of(self, st: dict) -> float:
        """The step count stored in a loaded per-parameter state."""
        step = st.get("step", 0)
        return float(step.item() if isinstance(step, Tensor) else np.asarray(step).item())

    # ---- gradients and steps ----------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Resets the gradients of all the optimizer's parameters, before the next backward (they accumulate).

        Args:
            set_to_none: set `.grad` to None (default True, cheaper); False writes zeros into the gradients.

        Examples:
            >>> import chainrule as cr
            >>> w = cr.ones(2, requires_grad=True)
            >>> optimizer = cr.optim.SGD([w], lr=0.1)
            >>> (w * 3).sum().backward()
            >>> optimizer.zero_grad()
            >>> w.grad is None
            True
        """
        for gi, group in enumerate(self.param_groups):
            if set_to_none:
                for p in group["params"]:
                    p._grad = None
                continue
            for b in self._layout(gi, group):
                if b.gviews is None:
                    for p in b.params:
                        g = p._grad
                        if g is not None and g.grad_fn is None and g._data.flags.writeable:
                            g._data.fill(0)
                            g._bump()
                        elif g is not None:
                            p._grad = Tensor._wrap(np.zeros_like(p._data))
                    continue
                used = False
                for i, p in enumerate(b.params):
                    g = p._grad
                    if g is not None:
                        used = True
                        if g._data is not b.gviews[i]:
                            p._grad = Tensor._wrap(b.gviews[i])
                if used:
                    b.grad.fill(0)

    def step(self, closure=None):
        """Updates every parameter that has a gradient (parameters without one are skipped).

        Args:
            closure: a function that clears the gradients, recomputes the loss, calls backward and returns the
                loss (default None); it is called once, before the update, and its loss returned.

        Returns:
            The closure's loss, or None without a closure.

        Examples:
            >>> import chainrule as cr
            >>> w = cr.tensor([1.0], requires_grad=True)
            >>> optimizer = cr.optim.SGD([w], lr=0.5)
            >>> def closure():
            ...     optimizer.zero_grad()
            ...     loss = (w ** 2).sum()
            ...     loss.backward()
            ...     return loss
            >>> optimizer.step(closure)
            tensor(1., grad_fn=<SumBackward0>)
            >>> w
            tensor([0.], requires_grad=True)
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._opt_called = True
        with no_grad():
            for gi, group in enumerate(self.param_groups):
                keys = self._state_keys(group)
                try:
                    plan = [(b, self._scan(group, b, keys)) for b in self._layout(gi, group)]
                except Relayout:  # a parameter changed dtype or shape: rebuild, then scan again
                    self._layouts[gi] = None
                    plan = [(b, self._scan(group, b, keys)) for b in self._layout(gi, group)]
                for b, runs in plan:
                    self._run(group, b, keys, runs)
        return loss

    def _ensure_buffers(self, group: dict, b, keys: tuple) -> None:
        for k in keys:
            if k not in b.bufs:
                b.add_buffer(k, self._fill(group, k))

    def _scan(self, group: dict, b, keys: tuple) -> list:
        """Re-home moved params, gather grads, adopt foreign state; return runs (i0, i1, step) to update."""
        self._ensure_buffers(group, b, keys)
        state, params, pviews, gviews, recs = self.state, b.params, b.pviews, b.gviews, b.recs
        runs, start, cur = [], -1, 0.0
        for i, p in enumerate(params):
            if p._data is not pviews[i]:
                b.rehome(i)
            g = p._grad
            if g is None:
                if start >= 0:
                    runs.append((start, i, cur))
                    start = -1
                continue
            if gviews is not None and g._data is not gviews[i]:
                np.copyto(gviews[i], g._data)
            s = 0.0
            if keys:
                rec = recs[i]
                if rec is None or state.get(p) is not rec:
                    self._adopt(group, b, i)
                s = b.steps.item(i)
            if start >= 0 and s == cur:
                continue
            if start >= 0:
                runs.append((start, i, cur))
            start, cur = i, s
        if start >= 0:
            runs.append((start, len(params), cur))
        return runs

    def _run(self, group: dict, b, keys: tuple, runs: list) -> None:
        offs, params = b.offs, b.params
        for i0, i1, s in runs:
            o0, o1 = offs[i0], offs[i1]
            if keys:
                b.steps[i0:i1] += 1
                s += 1
            for param, grad, bufs, work in b.pieces(o0, o1, keys, self._chunked):
                self._update(group, param, grad, bufs, s, work)
            for j in range(i0, i1):
                params[j]._bump()

    def _adopt(self, group: dict, b, i: int) -> None:
        """Make state[p] this bucket's record (views of the flat state); copy in any state it held before."""
        p = b.params[i]
        st = self.state.get(p)
        for k, views in b.bviews.items():
            v = st.get(k) if st else None
            if v is None:
                views[i].fill(self._fill(group, k))
            else:
                arr = v._data if isinstance(v, Tensor) else np.asarray(v)
                if arr.shape != views[i].shape:
                    raise ValueError(
                        f"{type(self).__name__}: state {k!r} of a parameter has shape {arr.shape}, but the "
                        f"parameter has shape {views[i].shape}"
                    )
                np.copyto(views[i], arr)
        b.steps[i] = self._step_of(st) if st else 0.0
        rec = {"step": Tensor._wrap(b.steps[i : i + 1].reshape(()))} if self._has_step else {}
        for k, views in b.bviews.items():
            rec[k] = Tensor._wrap(views[i])
        self.state[p] = b.recs[i] = rec

    # ---- state dicts ------------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """The optimizer's state, in PyTorch's layout, to save with `chainrule.save` and restore later.

        Returns:
            `{"state": {i: {name: Tensor}}, "param_groups": [{options..., "params": [i, ...]}]}`, the
            parameters numbered in group order.

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.Adam(cr.nn.Linear(2, 1).parameters())
            >>> sorted(optimizer.state_dict()), optimizer.state_dict()["param_groups"][0]["params"]
            (['param_groups', 'state'], [0, 1])
        """
        index: dict = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {}
        for k, v in self.state.items():
            if not isinstance(k, Tensor):
                state[k] = v
            elif id(k) in index:
                state[index[id(k)]] = dict(v)
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Loads a `state_dict()` of the same optimizer class with the same group sizes; the values are copied.

        Args:
            state_dict: as returned by `state_dict()` (or PyTorch's, for the same optimizer).

        Raises:
            ValueError: the number of groups or the number of parameters in a group differs.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Linear(2, 1)
            >>> optimizer = cr.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            >>> model(cr.ones(1, 2)).sum().backward()
            >>> optimizer.step()
            >>> state = optimizer.state_dict()
            >>> restored = cr.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            >>> restored.load_state_dict(state)
            >>> restored.state[model.bias]["momentum_buffer"]
            tensor([1.])
        """
        saved = copy.deepcopy(state_dict["param_groups"])
        groups = self.param_groups
        if len(saved) != len(groups):
            raise ValueError(
                f"loaded state dict has {len(saved)} parameter groups, the optimizer has {len(groups)}"
            )
        for i, (g, sg) in enumerate(zip(groups, saved)):
            if len(g["params"]) != len(sg["params"]):
                raise ValueError(
                    f"loaded state dict's parameter group {i} has {len(sg['params'])} parameters, the "
                    f"optimizer's has {len(g['params'])}"
                )
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved),
                          chain.from_iterable(g["params"] for g in groups)))
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            key = int(k) if isinstance(k, str) and k.isdigit() else k
            if key in id_map:
                p = id_map[key]
                state[p] = {name: _cast(p, name, val) for name, val in v.items()}
            else:
                state[k] = v
        for g, sg in zip(groups, saved):
            sg["params"] = g["params"]
            if "param_names" in g and "param_names" not in sg:
                sg["param_names"] = g["param_names"]
        self.param_groups = saved
        self.state = state


def _cast(param: Tensor, name: str, value):
    """A loaded state value as a fresh Tensor in the parameter's float dtype ("step" keeps its own)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    arr = value._data if isinstance(value, Tensor) else np.asarray(value)
    if name != "step" and param._data.dtype.kind == "f" and arr.dtype.kind in "fiu":
        arr = arr.astype(param._data.dtype)
    return Tensor._wrap(np.array(arr, copy=True))


def check_hparams(**kw) -> None:
    """Raise PyTorch's ValueError for a negative lr / eps / weight_decay / momentum ..."""
    for name, value in kw.items():
        if value < 0.0:
            what = "learning rate" if name == "lr" else f"{name} value"
            raise ValueError(f"Invalid {what}: {value}")


def check_unsupported(differentiable: bool) -> None:
    if differentiable:
        raise NotImplementedError("differentiable=True (gradients through the step) is not supported")
