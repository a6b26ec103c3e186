"""Every public class, method and function of chainrule.nn (classes, nn.init, nn.utils, nn.parallel) has a `>>>` example.

test_docstring_examples.py runs the examples; this test makes sure they exist, so the reference never shows a
layer without one. A method counts as covered when its own docstring has an example, or when its name appears
in a `>>>` / `...` line of its class's docstring (the class example calls it).
"""

from __future__ import annotations

import inspect
import re

import pytest

from chainrule import nn  # nn.init, nn.utils and nn.utils.rnn are imported by chainrule.nn

# Methods every module has whose example is the class example itself, with the reason.
EXEMPT_METHODS = {
    "forward": "runs when the module is called, which every class example does (`module(input)`)",
    "extra_repr": "the text of repr(module), which the examples print; hidden from the reference pages",
}
# Public names with no example of their own, with the reason.
ALLOWED: dict[str, str] = {}


def _example_lines(doc: str | None) -> str:
    lines = (line.strip() for line in (doc or "").splitlines())
    return "\n".join(line for line in lines if line.startswith((">>>", "...")))


def _public_classes():
    out = {}
    for module in (nn, nn.utils, nn.utils.rnn, nn.parallel):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and not name.startswith("_") and obj.__module__.startswith(nn.__name__):
                out[f"{module.__name__}.{name}"] = obj
    return out


CLASSES = _public_classes()


def _own_methods(cls) -> dict:
    """Public methods (functions, properties, static and class methods) defined by cls or by one of its
    private bases in chainrule (e.g. `_BatchNorm.reset_running_stats`, shown as a method of BatchNorm1d)."""
    out = {}
    for base in reversed(cls.__mro__):
        private_base = base.__name__.startswith("_") and base.__module__.startswith("chainrule")
        if base is not cls and not private_base:
            continue
        for name, value in vars(base).items():
            if name.startswith("_") or name in EXEMPT_METHODS:
                continue
            func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
            if inspect.isfunction(func) or isinstance(func, property):
                out[name] = (base, func)
    return out


def _method_cases():
    cases = []
    for qualname, cls in CLASSES.items():
        for name, (base, func) in _own_methods(cls).items():
            cases.append((f"{qualname}.{name}", cls, base, name, func))
    return cases


METHODS = _method_cases()


def _functions():
    out = {}
    for module in (nn.init, nn.utils, nn.utils.rnn):
        for name, obj in vars(module).items():
            if (not name.startswith("_") and inspect.isfunction(obj)
                    and obj.__module__.startswith(module.__name__)):
                out[f"{module.__name__}.{name}"] = obj
    return out


FUNCTIONS = _functions()


def test_the_walk_finds_the_api():
    assert len(CLASSES) >= 120 and len(METHODS) >= 60 and len(FUNCTIONS) >= 25, (
        len(CLASSES), len(METHODS), len(FUNCTIONS))
    assert "chainrule.nn.Module.state_dict" in {m[0] for m in METHODS}
    assert "chainrule.nn.utils.rnn.pack_padded_sequence" in FUNCTIONS


def test_allow_list_is_current():
    names = set(CLASSES) | {m[0] for m in METHODS} | set(FUNCTIONS)
    assert set(ALLOWED) <= names, sorted(set(ALLOWED) - names)


@pytest.mark.parametrize("qualname", sorted(CLASSES))
def test_class_has_an_example(qualname):
    cls = CLASSES[qualname]
    if qualname in ALLOWED:
        pytest.skip(ALLOWED[qualname])
    assert ">>>" in (vars(cls).get("__doc__") or ""), f"{qualname}: its docstring has no `>>>` example"


def test_methods_have_examples():
    missing = []
    for qualname, cls, base, name, func in METHODS:
        if qualname in ALLOWED:
            continue
        own = func.fget.__doc__ if isinstance(func, property) else func.__doc__
        if ">>>" in (own or ""):
            continue
        called = _example_lines(vars(cls).get("__doc__")) + "\n" + _example_lines(vars(base).get("__doc__"))
        if not re.search(rf"\b{name}\b", called):
            missing.append(qualname)
    assert not missing, f"{len(missing)} methods without an example: {missing}"


def test_functions_have_examples():
    missing = [q for q, f in FUNCTIONS.items() if q not in ALLOWED and ">>>" not in (f.__doc__ or "")]
    assert not missing, f"{len(missing)} functions without an example: {missing}"
