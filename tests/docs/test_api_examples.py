"""Every public function, class and method of the reference's namespaces shows a runnable `>>>` example.

test_docstring_examples.py runs the examples; this test says which names still lack one. Covered here:
chainrule's own names that are not declared ops (the declared ops, their Tensor methods and nn.functional are
tests/core's op registry's concern; chainrule.nn has its own namespace), chainrule.Tensor's non-op methods and
properties, and the packages listed in NAMESPACES.

A name is covered when its docstring has a `>>>` line. A method or property is also covered when its class's
docstring example uses it (its name appears in a `>>>` line), or when it overrides a covered method of a
public chainrule base class (same contract, e.g. `StepLR.get_lr` and `LRScheduler.get_lr`).
"""

from __future__ import annotations

import importlib
import inspect
import re

from test_docstring_examples import DIST_MODULES, MODULES, _tests

import chainrule
from chainrule.ops._declare import REGISTRY

NAMESPACES = (
    "chainrule.autograd", "chainrule.optim", "chainrule.optim.lr_scheduler", "chainrule.optim.swa_utils",
    "chainrule.utils.data", "chainrule.utils.threads", "chainrule.data.datasets", "chainrule.train",
    "chainrule.classic", "chainrule.viz", "chainrule.experiments", "chainrule.distributed",
    "chainrule.compiler",
    "chainrule.cuda", "chainrule.accelerator", "chainrule.serialization", "chainrule.random",
    "chainrule.backends.mps", "chainrule.backends.cudnn", "chainrule.models", "chainrule.models.charlm",
)
LAZY = ("compile", "save", "load")  # chainrule's names loaded on first use (chainrule.__getattr__)

# name -> why it has no example of its own
ALLOW = {
}


def _declared():
    ids, names, methods = set(), set(), set()
    for d in REGISTRY.values():
        ids |= {id(d.fn)} | ({id(d.method_fn)} if d.method_fn else set())
        names |= {d.name, *d.aliases}
        methods |= set(d.methods)
    return ids, names, methods


def _examples(obj) -> list[str]:
    doc = inspect.cleandoc(obj.__doc__ or "")  # its own docstring (inspect.getdoc would inherit a base's)
    return [line.strip()[4:] for line in doc.splitlines() if line.strip().startswith((">>> ", "... "))]


def _own_members(cls) -> dict:
    """The public methods and properties defined in cls's body (not inherited)."""
    out = {}
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if inspect.isfunction(value) or isinstance(value, property):
            out[name] = value
    return out


def _uses(lines: list[str], name: str) -> bool:
    return any(re.search(rf"\b{re.escape(name)}\b", line) for line in lines)


def _public(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")
                 and (getattr(getattr(module, n), "__module__", None) or "").startswith("chainrule")]
    return list(names)


def api() -> dict[str, tuple]:
    """qualified name -> (object, its class or None, its name in the class); each object once."""
    decl_ids, decl_names, decl_methods = _declared()
    out, seen = {}, set()

    def add(prefix: str, name: str, obj) -> None:
        if inspect.ismodule(obj) or id(obj) in decl_ids or id(obj) in seen:
            return
        if isinstance(obj, type):
            if not (obj.__module__ or "").startswith("chainrule"):
                return  # numpy's dtype classes (chainrule.float32 is numpy.float32)
            seen.add(id(obj))
            out[f"{prefix}.{name}"] = (obj, None, None)
            for attr, value in _own_members(obj).items():
                if obj is chainrule.Tensor and attr in decl_methods:
                    continue  # a declared op's method
                out[f"{prefix}.{name}.{attr}"] = (value, obj, attr)
        elif callable(obj) and (getattr(obj, "__module__", None) or "").startswith("chainrule"):
            seen.add(id(obj))
            out[f"{prefix}.{name}"] = (obj, None, None)

    for name in sorted(dir(chainrule)):
        if not name.startswith("_") and name not in decl_names:
            add("chainrule", name, getattr(chainrule, name))
    for name in LAZY:
        add("chainrule", name, getattr(chainrule, name))
    for module_name in NAMESPACES:
        module = importlib.import_module(module_name)
        for name in _public(module):
            add(module_name, name, getattr(module, name))
    return out


def _covered(obj, cls, attr) -> bool:
    if _examples(obj):
        return True
    if cls is None:
        return False
    if _uses(_examples(cls), attr):
        return True
    for base in cls.__mro__[1:]:  # an override of a covered method of a public chainrule base
        public = (base.__module__ or "").startswith("chainrule") and not base.__name__.startswith("_")
        if attr in vars(base) and public:
            value = vars(base)[attr]
            value = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
            if _covered(value, base, attr):
                return True
    return False


API = api()


def test_the_walk_finds_the_api():
    assert "chainrule.Tensor.backward" in API and "chainrule.autograd.gradcheck" in API
    assert "chainrule.optim.Optimizer.zero_grad" in API and "chainrule.viz.draw_graph" in API
    assert "chainrule.Tensor.exp" not in API  # a declared op: tests/core's registry covers it


def test_every_public_name_has_an_example():
    missing = [q for q, (obj, cls, attr) in API.items() if q not in ALLOW and not _covered(obj, cls, attr)]
    assert not missing, f"{len(missing)} public names without a `>>>` example:\n" + "\n".join(missing)


def test_every_example_is_run():
    """Each `>>>` example counted above is one that test_docstring_examples runs (doctest skips docstrings it
    cannot find from a module: those of methods made by factories must be listed in their module's
    `__test__`)."""
    run = {t.docstring for name in MODULES + DIST_MODULES for t in _tests(name)}
    unrun = [q for q, (obj, _, _) in API.items() if _examples(obj) and obj.__doc__ not in run]
    assert not unrun, f"examples that doctest does not find: {unrun}"


def test_the_allow_list_is_current():
    stale = [q for q in ALLOW if q not in API or _covered(*API[q])]
    assert not stale, f"allowed without an example but not in the API or now covered: {stale}"
    assert all(reason.strip() for reason in ALLOW.values())
