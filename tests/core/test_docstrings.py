"""Every public name has a docstring (the reference pages are generated from them; issue 19)."""

from __future__ import annotations

import inspect
import types

import chainrule
import chainrule.autograd
import chainrule.nn.functional as F
import chainrule.viz


def _lacking() -> list[str]:
    out = []
    for n in dir(chainrule):
        o = getattr(chainrule, n)
        if n.startswith("_") or isinstance(o, types.ModuleType) or (isinstance(o, type) and o.__module__ == "numpy"):
            continue  # submodules and the dtypes (NumPy's scalar types)
        if callable(o) and not inspect.getdoc(o):
            out.append(f"chainrule.{n}")
    for n, v in vars(chainrule.Tensor).items():
        if not n.startswith("_") and not inspect.getdoc(v if isinstance(v, property) else getattr(chainrule.Tensor, n)):
            out.append(f"Tensor.{n}")
    out += [f"nn.functional.{n}" for n in F.__all__ if not inspect.getdoc(getattr(F, n))]
    for mod in (chainrule.autograd, chainrule.viz):
        for n in dir(mod):
            o = getattr(mod, n)
            if n.startswith("_") or isinstance(o, types.ModuleType) or not callable(o):
                continue
            if (getattr(o, "__module__", "") or "").startswith("chainrule") and not inspect.getdoc(o):
                out.append(f"{mod.__name__}.{n}")
    return out


def test_every_public_name_has_a_docstring():
    assert _lacking() == []
