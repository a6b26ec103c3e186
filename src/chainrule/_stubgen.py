"""Write `chainrule/tensor.pyi`: the Tensor class as type checkers see it, generated from the live class.

Tensor's methods are bound at import (chainrule/_methods.py, from the op declarations in ops/_declare.py), so
a type checker reading tensor.py alone sees no `Tensor.sum`. The stub lists every attribute of the bound
class with the signature of the function behind it (`inspect.signature`; the first parameter, `input` in a
declared op, becomes `self`). A .pyi shadows its module, so it also covers tensor.py's module-level names.

    python -m chainrule._stubgen            # rewrite src/chainrule/tensor.pyi
    python -m chainrule._stubgen --check    # exit 1 when the committed stub is stale

Annotations are kept when they name simple types (Tensor, bool, int, float, str, None, NumPy arrays and the
containers of these); anything else, and a missing annotation, becomes `Any`: an unknown return type never
makes a correct program fail to type-check (`x.max(dim=1).values`), while a misspelt method still does.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

STUB = Path(__file__).with_name("tensor.pyi")
_SIMPLE = {"Tensor", "bool", "int", "float", "str", "None", "np.ndarray", "list", "tuple", "dict", "object",
           "Any", "Size", "slice"}
_SKIP = {"__dict__", "__doc__", "__module__", "__slots__", "__weakref__", "__annotations__", "__firstlineno__",
         "__static_attributes__", "__array_priority__"}


def _ann(a) -> str:
    """An annotation as stub text: kept when made of simple names, else Any."""
    if a is inspect.Parameter.empty or a is inspect.Signature.empty:
        return "Any"
    text = a if isinstance(a, str) else getattr(a, "__name__", None)
    if not isinstance(text, str):
        return "Any"
    words = re.findall(r"[A-Za-z_][A-Za-z_0-9.]*", text)
    if words and all(w in _SIMPLE for w in words) and "Size" not in words:
        # Tensor has methods named int, bool, float...: inside the class these names are the methods
        return re.sub(r"(?<![.\w])(bool|int|float|str|list|tuple|dict|object|slice)\b", r"builtins.\1", text)
    return "Any"


def _params(fn, self_name: str | None) -> str:
    """The parameter list of fn, its first parameter renamed self (a method) unless self_name is None."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return "self, *args: Any, **kwargs: Any" if self_name else "*args: Any, **kwargs: Any"
    out, star, slash = [], False, False
    params = list(sig.parameters.values())
    for i, p in enumerate(params):
        name = "self" if (i == 0 and self_name) else p.name
        if p.kind is p.POSITIONAL_ONLY:
            slash = True
        elif slash:
            out.append("/")
            slash = False
        if p.kind is p.KEYWORD_ONLY and not star:
            out.append("*")
            star = True
        if p.kind is p.VAR_POSITIONAL:
            star = True
            out.append(f"*{name}: Any")
        elif p.kind is p.VAR_KEYWORD:
            out.append(f"**{name}: Any")
        elif name == "self":
            out.append("self")
        else:
            default = "" if p.default is p.empty else " = ..."
            out.append(f"{name}: {_ann(p.annotation)}{default}")
    if slash:
        out.append("/")
    if self_name and not params:
        out.insert(0, "self")
    return ", ".join(out)


def _returns(fn) -> str:
    try:
        return _ann(inspect.signature(fn).return_annotation)
    except (TypeError, ValueError):
        return "Any"


def _method_lines(name: str, value) -> list[str]:
    if isinstance(value, property):
        lines = ["    @property", f"    def {name}(self) -> {_returns(value.fget) if value.fget else 'Any'}: ..."]
        if value.fset is not None:
            lines += [f"    @{name}.setter", f"    def {name}(self, value: Any) -> None: ..."]
        return lines
    if isinstance(value, staticmethod):
        fn = value.__func__
        return ["    @staticmethod", f"    def {name}({_params(fn, None)}) -> {_returns(fn)}: ..."]
    if isinstance(value, classmethod):
        fn = value.__func__
        return ["    @classmethod", f"    def {name}({_params(fn, 'cls').replace('self', 'cls', 1)}) -> "
                f"{_returns(fn)}: ..."]
    if callable(value):
        ret = _returns(value)
        if name in ("__eq__", "__ne__"):
            ret = "Any"  # Tensor, not bool: object's signature is overridden on purpose
        elif name == "__init__":
            ret = "None"
        return [f"    def {name}({_params(value, 'self')}) -> {ret}: ..."]
    return [f"    {name}: Any"]


def _class_attrs(cls) -> dict:
    """Every attribute the class defines or gets bound (its own __dict__, not object's)."""
    return {n: v for n, v in vars(cls).items() if n not in _SKIP}


def render() -> str:
    """The stub's text, from the live Tensor class (with every declared method bound)."""
    import chainrule  # noqa: F401  (binds the methods: chainrule/_methods.py)
    import chainrule.nn.functional  # noqa: F401  (ops declared there may bind methods too)
    mod = sys.modules["chainrule.tensor"]  # (chainrule.tensor is the creation function)

    lines = [
        '"""Generated by `python -m chainrule._stubgen` from the live Tensor class: do not edit by hand."""',
        "",
        "import builtins",
        "from typing import Any",
        "",
        "import numpy as np",
        "",
    ]
    for name, value in sorted(vars(mod).items()):
        if name.startswith("__") or inspect.ismodule(value) or name == "Tensor" or type(value).__name__ == "_Feature":
            continue
        if inspect.isclass(value) and value.__module__ == mod.__name__:
            lines += ["", f"class {name}:"] + [ln for n, v in sorted(_class_attrs(value).items())
                                              for ln in _method_lines(n, v)] + [""]
        elif inspect.isfunction(value) and value.__module__ == mod.__name__:
            lines.append(f"def {name}({_params(value, None)}) -> {_returns(value)}: ...")
        elif not callable(value) and not inspect.isclass(value):
            lines.append(f"{name}: Any")
    lines += ["", "", "class Tensor:"]
    for name, value in sorted(_class_attrs(mod.Tensor).items()):
        lines += _method_lines(name, value)
    return "\n".join(lines).replace("\n\n\n\n", "\n\n\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        if not STUB.exists() or STUB.read_text(encoding="utf-8") != text:
            print(f"{STUB} is stale: run `python -m chainrule._stubgen`", file=sys.stderr)
            return 1
        return 0
    STUB.write_text(text, encoding="utf-8")
    print(f"wrote {STUB}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
