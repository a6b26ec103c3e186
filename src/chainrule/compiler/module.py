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
    """`model` with its calls compiled; attributes not found here are looked up on the original module."""

    def __init__(self, model: Module, disable: bool = False):
        super().__init__()
        self._orig_mod = model
        object.__setattr__(self, "_compiled", CompiledFunction(model.__call__, disable=disable))

    def forward(self, *args, **kwargs):
        return self._compiled(*args, **kwargs)

    def __getattr__(self, name: str):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)

    def explain(self, file=None) -> str:
        """The plan of the last compiled call (see CompiledFunction.explain)."""
        return self._compiled.explain(file)
