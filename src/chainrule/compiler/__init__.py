"""chainrule.compile: record a training step once, then replay it as plain NumPy calls into buffers.

`chainrule.compile(fn)` returns a `CompiledFunction`; `chainrule.compile(model)` a `CompiledModule` whose calls go
through one. The package is `chainrule.compiler` (as PyTorch's `torch.compiler` beside `torch.compile`): the
function name `chainrule.compile` stays the function. One concept per file: tape (what a recording holds),
recorder and patches (how it is taken), guards, plan (tape -> steps), generic and kernels (the replay of ops),
optstep (the optimizer's update), compiled (the cache of plans), explain (showing a plan).
"""

from __future__ import annotations

from .compiled import CompiledFunction
from .module import CompiledModule

__all__ = ["CompiledFunction", "CompiledModule", "compile"]


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend="inductor", mode=None, options=None,
            disable: bool = False):
    """Compile a function (a training step, a forward) or a module: record it once, replay it after.

    PyTorch's `torch.compile` signature. The first call with a new guard key (argument shapes, dtypes,
    requires_grad, grad mode) runs the function eagerly while recording its ops, its `backward()` and its
    optimizer step; later calls whose guards hold replay the recording with NumPy calls into buffers allocated
    once (no Tensors or graph nodes), giving the same numbers as eager mode. What cannot be replayed
    (reading a tensor's value, in-place edits, hooks, tensors made inside the step other than by ops) makes
    that key run eagerly, with a one-line warning saying why. See docs/compile.md.

    Args:
        model: a function, or an `nn.Module` (its calls are compiled), or None to get a decorator.
        fullgraph: accepted for PyTorch compatibility; ignored (a step that cannot be recorded runs eagerly
            with a warning, whatever this says).
        dynamic: accepted and ignored: every new shape is a new guard key (recorded once, at most 8 kept).
        backend: accepted and ignored (chainrule has one backend: NumPy).
        mode: accepted and ignored ("default", "reduce-overhead", "max-autotune" all mean the same here).
        options: accepted and ignored (a dict of backend options in PyTorch).
        disable: True returns a wrapper that always runs the function eagerly (default False).

    Returns:
        A `CompiledFunction` (call it as the function; `.explain()` prints the plan), a `CompiledModule` for a
        module, or a decorator when model is None.

    Raises:
        TypeError: model is neither callable nor None.

    Examples:
        >>> import chainrule as cr
        >>> model = cr.nn.Linear(3, 2)
        >>> opt = cr.optim.SGD(model.parameters(), lr=0.1)
        >>> @cr.compile
        ... def step(x, y):
        ...     opt.zero_grad()
        ...     loss = cr.nn.functional.mse_loss(model(x), y)
        ...     loss.backward()
        ...     opt.step()
        ...     return loss
        >>> x, y = cr.ones(4, 3), cr.zeros(4, 2)
        >>> losses = [step(x, y) for _ in range(3)]    # recorded at the first call, replayed after
        >>> step.stats["replays"]
        2
    """
    if model is None:
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                  options=options, disable=disable)
    from ..nn.module import Module

    if isinstance(model, Module):
        return CompiledModule(model, disable=disable)
    if not callable(model):
        raise TypeError(f"compile: expected a function or an nn.Module, got {type(model).__name__}")
    return CompiledFunction(model, disable=disable)
