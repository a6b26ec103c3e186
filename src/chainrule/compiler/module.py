"""CompiledModule: what `chainrule.compile(model)` returns, PyTorch's OptimizedModule.

A Module holding the original as `_orig_mod` (so parameters(), train()/eval() and state_dict() - whose keys
then start with `_orig_mod.`, as PyTorch's do - reach it), whose calls go through a CompiledFunction of the
original's `__call__`. A forward whose output requires grad is replayed behind one graph node whose backward
replays the recorded backward (node.py), so the caller's backward() works as in eager mode.
"""

from __future__ import annotations

from ..nn.module import Module
from .compiled import CompiledFunction


class CompiledModule(Module):
    """`model` with its calls compiled; attributes not found here are looked up on the original module.

    Args:
        model: the Module to compile (kept as `_orig_mod`; its parameters are shared, not copied).
        disable: always run the module eagerly (default False).

    Examples:
        >>> import chainrule as cr
        >>> model = cr.nn.Linear(3, 2)
        >>> compiled = cr.compile(model)
        >>> type(compiled).__name__, compiled.in_features           # attributes come from the model
        ('CompiledModule', 3)
        >>> x = cr.ones(4, 3)
        >>> bool((compiled(x) == model(x)).all())
        True
        >>> compiled.forward(x).shape                              # replayed (calling it is the same)
        chainrule.Size([4, 2])
        >>> _ = compiled.explain()
        chainrule.compile plan of Module.__call__: 1 recorded, 1 replayed, 0 eager calls
        ...
    """

    def __init__(self, model: Module, disable: bool = False):
        super().__init__()
        self._orig_mod = model
        object.__setattr__(self, "_compiled", CompiledFunction(model.__call__, disable=disable))

    def forward(self, *args, **kwargs):
        """The model's call, recorded once per guard key and replayed after (see the class example)."""
        return self._compiled(*args, **kwargs)

    def __getattr__(self, name: str):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)

    def explain(self, file=None) -> str:
        """The plan of the last compiled call (see CompiledFunction.explain)."""
        return self._compiled.explain(file)
