"""Module hooks: removable handles, and full backward hooks built from two identity nodes around a call.

A call of a module with backward hooks runs as  inputs -> [_HookInputs] -> forward -> [_HookOutputs] -> outputs.
Both nodes pass gradients through unchanged. Backward reaches _HookOutputs first, which records the gradients
w.r.t. the outputs; then _HookInputs, one node for all inputs, receives every gradient w.r.t. the inputs at once
and calls hook(module, grad_input, grad_output) exactly once per backward of that call.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..autograd.function import Function
from ..autograd.grad_mode import state as _grad_state
from ..tensor import Tensor

_ids = itertools.count()


class RemovableHandle:
    """What register_*_hook returns: `.remove()` unregisters the hook (also usable as a context manager).

    Made by the register_*_hook methods, not by users.

    Args:
        hooks: the module's ordered dict of hooks the handle removes its hook from.
        extra: a second dict keyed by the same id (the with_kwargs flags), or None.

    Attributes:
        id: the hook's key in its module's ordered dict of hooks.

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.Identity()
        >>> with layer.register_forward_hook(lambda m, args, out: out + 1):  # removed at the end of the block
        ...     layer(cr.zeros(2))
        tensor([1., 1.])
        >>> layer(cr.zeros(2))
        tensor([0., 0.])
        >>> handle = layer.register_forward_hook(lambda m, args, out: out + 1)
        >>> handle.remove()
        >>> layer(cr.zeros(2))
        tensor([0., 0.])
    """

    def __init__(self, hooks: dict, extra: dict | None = None):
        self._hooks = hooks
        self._extra = extra
        self.id = next(_ids)

    def remove(self) -> None:
        """Unregister the hook (removing it twice does nothing)."""
        self._hooks.pop(self.id, None)
        if self._extra is not None:
            self._extra.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def add_hook(hooks: dict, hook, prepend: bool = False, extra: dict | None = None) -> RemovableHandle:
    """Insert hook into an ordered dict of hooks (at the front with prepend) and return its handle."""
    handle = RemovableHandle(hooks, extra)
    hooks[handle.id] = hook
    if prepend:
        for k in [k for k in hooks if k != handle.id]:
            hooks[k] = hooks.pop(k)
    return handle


class _CallState:
    """What one call of a hooked module remembers until its backward: the module and its gradients."""

    __slots__ = ("grad_output", "input_pos", "module", "n_inputs", "output_pos")

    def __init__(self, module):
        self.module = module
        self.n_inputs = 0
        self.input_pos = ()  # per tensor input: does it need grad (those go through _HookInputs)
        self.output_pos = ()  # per tensor output: does it need grad
        self.grad_output = None

    def run_hooks(self, grad_input: tuple) -> tuple:
        """Call every full backward hook once; a hook's non-None return replaces grad_input."""
        m = self.module
        for hook in list(m._backward_hooks.values()):
            res = hook(m, grad_input, self.grad_output)
            if res is None:
                continue
            res = (res,) if isinstance(res, Tensor) else tuple(res)
            if len(res) != len(grad_input):
                raise RuntimeError(
                    f"backward hook of {type(m).__name__} returned {len(res)} gradients, but the module has "
                    f"{len(grad_input)} tensor inputs; return a tuple with one entry (or None) per input"
                )
            grad_input = res
        return grad_input


class _HookIdentity(Function):
    """An identity node on a module's inputs or outputs; its backward is where the backward hooks run."""

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        ctx.set_materialize_grads(False)
        return tensors


class _HookOutputs(_HookIdentity):
    @staticmethod
    def backward(ctx, *grads):
        # identity: dL/d(output) passes through; remember it (backward pre-hooks may replace it)
        st = ctx.state
        m = st.module
        rg = iter(grads)
        full = tuple(next(rg) if needs else None for needs in st.output_pos)
        for hook in list(m._backward_pre_hooks.values()):
            res = hook(m, full)
            if res is not None:
                full = (res,) if isinstance(res, Tensor) else tuple(res)
        st.grad_output = full
        if st.n_inputs == 0:  # no input needs a gradient: no _HookInputs node will run, so fire here
            st.run_hooks((None,) * len(st.input_pos))
        return (None, *_zeros_for_none(ctx, [g for g, needs in zip(full, st.output_pos) if needs]))


class _HookInputs(_HookIdentity):
    @staticmethod
    def backward(ctx, *grads):
        # identity: dL/d(input) passes through, after the hooks have seen (and maybe replaced) it
        st = ctx.state
        rg = iter(grads)
        full = tuple(next(rg) if needs else None for needs in st.input_pos)
        full = st.run_hooks(full)
        return (None, *_zeros_for_none(ctx, [g for g, needs in zip(full, st.input_pos) if needs]))


def _zeros_for_none(ctx, grads: list) -> list:
    """Zeros instead of None for a tensor that got no gradient, so every node behind it still runs."""
    return [Tensor._wrap(np.zeros(ctx._out_shapes[i], ctx._out_dtypes[i])) if g is None else g
            for i, g in enumerate(grads)]


def wrap_inputs(module, args: tuple):
    """Route the tensor inputs that need grad through one _HookInputs node; returns (state, new args)."""
    state = _CallState(module)
    tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    state.input_pos = tuple(args[i]._rg for i in tensor_pos)
    chosen = [i for i in tensor_pos if args[i]._rg]
    state.n_inputs = len(chosen)
    if not chosen or not _grad_state.enabled:
        return state, args
    outs = _HookInputs.apply(state, *(args[i] for i in chosen))
    new = list(args)
    for i, o in zip(chosen, outs):
        new[i] = o
    return state, tuple(new)


def wrap_outputs(state: _CallState, out):
    """Route the tensor outputs that need grad through one _HookOutputs node."""
    if not _grad_state.enabled:
        return out
    single = isinstance(out, Tensor)
    items = [out] if single else list(out) if isinstance(out, (tuple, list)) else None
    if items is None:
        return out
    chosen = [i for i, o in enumerate(items) if isinstance(o, Tensor) and o._rg]
    state.output_pos = tuple(o._rg for o in items if isinstance(o, Tensor))
    if not chosen:
        return out
    wrapped = _HookOutputs.apply(state, *(items[i] for i in chosen))
    for i, o in zip(chosen, wrapped):
        items[i] = o
    if single:
        return items[0]
    return type(out)(items)


def call(module, args: tuple, kwargs: dict):
    """Module.__call__ when hooks are registered: pre-hooks, forward, forward hooks, backward-hook wrapping."""
    for key, hook in list(module._forward_pre_hooks.items()):
        if key in module._forward_pre_hooks_with_kwargs:
            res = hook(module, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError("a forward pre-hook with kwargs must return None or (args, kwargs)")
                args, kwargs = res
        else:
            res = hook(module, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
    state = None
    if (module._backward_hooks or module._backward_pre_hooks) and _grad_state.enabled:
        state, args = wrap_inputs(module, args)
    out = module.forward(*args, **kwargs)
    for key, hook in list(module._forward_hooks.items()):
        if key in module._forward_hooks_with_kwargs:
            res = hook(module, args, kwargs, out)
        else:
            res = hook(module, args, out)
        if res is not None:
            out = res
    if state is not None:
        out = wrap_outputs(state, out)
    return out
