"""MkDocs hook: tables generated from the code at build time, put where a page holds their marker.

- `<!-- chainrule:pytorch-names -->`: PyTorch's public names, per namespace, provided by chainrule or not. The
  names come from the installed torch when there is one, else from docs/_data/torch_names.json (written by
  docs/_data/make_torch_names.py from torch 2.13).
- `<!-- chainrule:op-table -->`: every declared op (src/chainrule/ops/_declare.py): its functions, Tensor
  methods, aliases and operators, whether a gradient flows, and how many test cases its declaration carries.
- `<!-- chainrule:gradient-formulas -->`: every built-in op's derivative, read from the comment its backward opens
  with in src/chainrule/ops/ (the one place the formula is written).
- `<!-- chainrule:api chainrule -->` and `<!-- chainrule:api Tensor -->`: the top-level functions and the Tensor
  methods, with their signatures and docstrings read by `inspect`. Most of them are made by factories or bound
  onto Tensor at import time (src/chainrule/_methods.py), which static analysis (mkdocstrings) cannot follow.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import json
import re
import textwrap
import tokenize
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "_data" / "torch_names.json"
PYTORCH_MARK = "<!-- chainrule:pytorch-names -->"
GRADIENT_MARK = "<!-- chainrule:gradient-formulas -->"
CHAINRULE_OF = {  # the torch namespace -> chainrule's
    "torch": "chainrule",
    "torch.Tensor": "chainrule.Tensor",
    "torch.nn": "chainrule.nn",
    "torch.nn.functional": "chainrule.nn.functional",
    "torch.nn.init": "chainrule.nn.init",
    "torch.optim": "chainrule.optim",
    "torch.optim.lr_scheduler": "chainrule.optim.lr_scheduler",
    "torch.autograd": "chainrule.autograd",
    "torch.utils.data": "chainrule.utils.data",
}


def torch_names() -> tuple[str, dict[str, list[str]], str]:
    """(torch version, namespace -> public names, where they came from)."""
    try:
        import torch
    except ImportError:
        data = json.loads(DATA.read_text())
        return data["torch_version"], data["namespaces"], "the list kept in docs/_data/torch_names.json"
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("make_torch_names", DATA.with_name("make_torch_names.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_torch_names", module)
    spec.loader.exec_module(module)
    data = module.collect(torch)
    return data["torch_version"], data["namespaces"], "the torch installed at build time"


def _resolve(dotted: str):
    module, _, _attr = dotted.partition(".Tensor")
    obj = importlib.import_module(module)
    return obj.Tensor if dotted.endswith(".Tensor") else obj


def compare() -> tuple[str, str, list[tuple[str, str, list[str], list[str]]]]:
    """(torch version, source, [(torch namespace, chainrule namespace, provided, missing)])."""
    version, namespaces, source = torch_names()
    rows = []
    for torch_ns, names in namespaces.items():
        ours = _resolve(CHAINRULE_OF[torch_ns])
        provided = [n for n in names if hasattr(ours, n)]
        missing = [n for n in names if not hasattr(ours, n)]
        rows.append((torch_ns, CHAINRULE_OF[torch_ns], provided, missing))
    return version, source, rows


def pytorch_table() -> str:
    version, source, rows = compare()
    out = [(f"PyTorch {version}'s public names (from {source}; submodules left out), looked up in chainrule when "
           "this page was built."), "",
           "| PyTorch namespace | chainrule namespace | provided | not provided | share |",
           "| --- | --- | ---: | ---: | ---: |"]
    for torch_ns, ours, provided, missing in rows:
        total = len(provided) + len(missing)
        out.append(f"| `{torch_ns}` | `{ours}` | {len(provided)} | {len(missing)} | "
                   f"{100 * len(provided) / max(total, 1):.0f}% |")
    for torch_ns, ours, provided, missing in rows:
        out += ["", f"### `{torch_ns}`", ""]
        for title, names in ((f"Provided ({len(provided)})", provided), (f"Not provided ({len(missing)})", missing)):
            out.append(f'??? note "{title}"')
            out.append("    " + (", ".join(f"`{n}`" for n in names) or "(none)"))
            out.append("")
    return "\n".join(out)


OP_MARK = "<!-- chainrule:op-table -->"


def op_table() -> str:
    """One row per declared op, read from the registry of declarations when the site is built."""
    from chainrule.ops._declare import FUNCTIONAL, REGISTRY, TORCH, all_cases

    all_cases()  # imports every family (nn.functional's ops declare themselves on import)
    decls = sorted(REGISTRY.values(), key=lambda d: d.name)
    n_cases = sum(len(d.cases) for d in decls)
    n_diff = sum(d.is_differentiable for d in decls)
    n_examples = sum(bool(d.example) for d in decls)
    out = [(f"{len(decls)} ops declared, {n_diff} of them differentiable, with {n_cases} test cases between them "
            "(each case is checked against PyTorch in float32 and float64, gradchecked in float64 when the op is "
            "differentiable, and drawn by the gradcheck experiment); read from the declarations when this page "
            f"was built. {n_examples} of them have an example (`chainrule/ops/_examples/`), shown in the entry "
            "that each op's name links to, run in CI and compared with PyTorch's output."), "",
           "| op | functions | `Tensor` methods | operators | gradient | cases | file |",
           "| --- | --- | --- | --- | :---: | ---: | --- |"]
    for d in decls:
        names = (d.name, *d.aliases)
        funcs = [f"`chainrule.{n}`" for n in names if TORCH in d.namespaces]
        funcs += [f"`F.{n}`" for n in names if FUNCTIONAL in d.namespaces]
        methods = ", ".join(f"`.{m}`" for m in d.methods) or "–"
        ops = ", ".join(f"`{o}`" for o in d.operators).replace("|", "\\|") or "–"
        file = d.module.removeprefix("chainrule.").replace(".", "/") + ".py"
        out.append(f"| [`{d.name}`]({_entry(d)}) | {', '.join(funcs) or '–'} | {methods} | {ops} | "
                   f"{'yes' if d.is_differentiable else 'no'} | {len(d.cases)} | `{file}` |")
    return "\n".join(out)


def _entry(d) -> str:
    """The link to the reference entry that shows the op's docstring and example."""
    from chainrule.ops._declare import FUNCTIONAL, TORCH

    if TORCH in d.namespaces:
        return f"chainrule.md#chainrule.{d.name}"
    if FUNCTIONAL in d.namespaces:
        return f"functional.md#chainrule.nn.functional.{d.name}"
    public = [m for m in d.methods if not m.startswith("_")]
    return f"tensor.md#chainrule.Tensor.{public[0]}" if public else f"tensor.md#chainrule.Tensor.op-{d.name.strip('_')}"


def _comments(source: str) -> dict[int, str]:
    """line number -> the text of the comment on that line."""
    found = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            found[tok.start[0]] = tok.string.lstrip("#").strip()
    return found


def gradient_formulas() -> list[tuple[str, str, str]]:
    """[(file, op class, derivative comment)] for every class in chainrule/ops with a backward method."""
    import chainrule.ops

    rows = []
    for path in sorted(Path(chainrule.ops.__file__).parent.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        comments = _comments(source)
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.ClassDef):
                continue
            backward = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "backward"), None)
            if backward is None:
                continue
            lines = [comments[i] for i in range(backward.lineno, backward.end_lineno + 1) if i in comments]
            formula = " ; ".join(c for c in lines if c)[:400]
            rows.append((path.name, node.name, formula or "(no derivative comment)"))
    return rows


def gradient_table() -> str:
    rows = gradient_formulas()
    out = [(f"{len(rows)} op classes, read from `src/chainrule/ops/` when this page was built. `g` (or `G`) is the "
           "upstream gradient dL/d(output); the engine sums each result back to its input's shape."), "",
           "| file | op | derivative (the backward's comment) |", "| --- | --- | --- |"]
    for file, name, formula in rows:
        out.append(f"| `{file}` | `{name}` | `{formula.replace('|', '∣').replace('`', '')}` |")
    return "\n".join(out)


def _signature(obj, drop_first: bool = False) -> str:
    """The call signature; `drop_first` leaves out the tensor itself (`self`, or `input` for a bound op)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    if drop_first and sig.parameters:
        sig = sig.replace(parameters=list(sig.parameters.values())[1:])
    return str(sig)


def _doc(obj, examples: bool = True) -> str:
    """The docstring as Markdown: `code spans` kept, everything else escaped (it is prose with formulas); its
    "Examples:" section (the declared ops' examples, appended by ops/_declare.py) as a Python console block, or
    left out (`examples=False`: an alias or a method form, whose note links to the op's entry)."""
    doc = inspect.getdoc(obj)
    if not doc:
        return "*(no docstring)*"
    doc, example = _split_examples(doc)
    example = example if examples else ""
    parts = re.split(r"(`[^`\n]+`)", doc)
    for i in range(0, len(parts), 2):  # the text between code spans
        parts[i] = re.sub(r"([\\*_\[\]|<>#])", r"\\\1", parts[i])
    text = "".join(parts).replace("\n", "  \n")
    return text + (f"\n\n**Examples**\n\n```pycon\n{example}\n```" if example else "")


def _split_examples(doc: str) -> tuple[str, str]:
    """(the docstring without its "Examples:" section, the section's lines dedented); the section runs to the
    next unindented line (another section) or the end."""
    lines = doc.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() in ("Examples:", "Example:")
                  and not line.startswith(" ")), None)
    if start is None:
        return doc, ""
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i].startswith(" ")),
               len(lines))
    body = textwrap.dedent("\n".join(lines[start + 1:end])).strip("\n")
    body = re.sub(r"^<BLANKLINE>$", "", body, flags=re.M)  # doctest's marker for an empty output line
    rest = "\n".join(lines[:start] + lines[end:]).rstrip()
    return rest, body


def _declared() -> dict[int, object]:
    """id(function or method function) -> its declaration, for the notes on aliases and methods."""
    from chainrule.ops._declare import REGISTRY, all_cases

    all_cases()
    return {id(f): d for d in REGISTRY.values() for f in (d.fn, d.method_fn) if f is not None}


def _shared_note(decl, shown_as: str) -> str:
    """Which op's example an alias (`chainrule.absolute`) or a method (`Tensor.exp`) shows: they share it."""
    from chainrule.ops._declare import TORCH

    if TORCH not in decl.namespaces or shown_as == f"chainrule.{decl.name}":
        return ""
    link = f"[`chainrule.{decl.name}`](chainrule.md#chainrule.{decl.name})"
    if shown_as.startswith("chainrule."):
        return f"*An alias of {link}, whose entry shows the example.*\n\n"
    method = shown_as.removeprefix("Tensor.")
    return (f"*The method form of {link}: `x.{method}(...)` is `chainrule.{decl.name}(x, ...)`; that entry "
            "shows the example.*\n\n")


def _family(obj) -> str:
    module = getattr(obj, "__module__", "") or ""
    return module.removeprefix("chainrule.").split(".")[-1] if module.startswith("chainrule") else "other"


_EXAMPLES_NOTE = ("Each op's example ran in CI and printed what it shows (tests/docs/test_op_examples.py, which also "
                  "runs it on PyTorch and compares); the examples assume `import chainrule` and "
                  "`import chainrule.nn.functional as F`.")


def api_chainrule() -> str:
    """chainrule's top-level functions grouped by the module that defines them; dtypes and classes listed."""
    import chainrule

    groups: dict[str, list[tuple[str, object]]] = {}
    dtypes, classes = [], []
    for name in sorted(n for n in dir(chainrule) if not n.startswith("_")):
        obj = getattr(chainrule, name)
        if inspect.ismodule(obj):
            continue
        if isinstance(obj, type):
            (dtypes if obj.__module__ == "numpy" else classes).append(name)
            continue
        if callable(obj) and not _family(obj).startswith("_"):  # not the ops' private helpers that leak out
            groups.setdefault(_family(obj), []).append((name, obj))
    out = [f"{sum(map(len, groups.values()))} functions, read from the installed package when this page was built.",
           "", _EXAMPLES_NOTE, "", "**dtypes**: " + ", ".join(f"`chainrule.{n}`" for n in dtypes) + ".", "",
           "**classes and context managers**: " + ", ".join(f"`chainrule.{n}`" for n in classes)
           + " (`Tensor` has [its own page](tensor.md); `no_grad` and its kin are in "
           "[chainrule.autograd](autograd.md)).", ""]
    declared = _declared()
    for family in sorted(groups):
        out += [f"## {family}", ""]
        for name, obj in groups[family]:
            note = _shared_note(declared[id(obj)], f"chainrule.{name}") if id(obj) in declared else ""
            out += [f"### `chainrule.{name}` {{ #chainrule.{name} }}", "", "```python",
                    f"chainrule.{name}{_signature(obj)}", "```", "", note + _doc(obj, not note), ""]
    return "\n".join(out)


def api_tensor() -> str:
    """Every public attribute of chainrule.Tensor: properties, then methods, with signatures and docstrings."""
    from chainrule import Tensor

    names = sorted(n for n in dir(Tensor) if not n.startswith("_"))
    props = [n for n in names if isinstance(inspect.getattr_static(Tensor, n), property)]
    methods = [n for n in names if n not in props and callable(getattr(Tensor, n))]
    out = [(f"{len(props)} properties and {len(methods)} methods, read from the installed package when this page was "
           "built. Operators (`+ - * / ** @`, comparisons, indexing) call the functions of the same name on the "
           "[chainrule page](chainrule.md)."), "", "## Properties", ""]
    for name in props:
        out += [f"### `Tensor.{name}` {{ #chainrule.Tensor.{name} }}", "", _doc(getattr(Tensor, name)), ""]
    out += ["## Methods", "", _EXAMPLES_NOTE, ""]
    declared = _declared()
    for name in methods:
        fn = getattr(Tensor, name)
        sig = _signature(fn, drop_first=True)
        note = _shared_note(declared[id(fn)], f"Tensor.{name}") if id(fn) in declared else ""
        out += [f"### `Tensor.{name}` {{ #chainrule.Tensor.{name} }}", "", "```python", f"Tensor.{name}{sig}", "```", "",
                note + _doc(fn, not note), ""]
    return "\n".join(out + _operators())


def _operators() -> list[str]:
    """The declared ops reached by Python syntax only (`x[idx]`, `6 & x`, `~x`), with their examples."""
    from chainrule.ops._declare import FUNCTIONAL, REGISTRY, TORCH

    ops = [d for d in REGISTRY.values() if not {TORCH, FUNCTIONAL} & set(d.namespaces)
           and all(m.startswith("_") for m in d.methods)]
    out = ["## Operators", "", "The ops that Python syntax reaches without a public name: indexing and the "
           "reflected bitwise operators (a number on the left).", ""]
    for d in sorted(ops, key=lambda d: d.name):
        syntax = ", ".join(f"`{o}`" for o in d.operators) or ", ".join(f"`Tensor.{m}`" for m in d.methods)
        doc = _doc(d.fn) if (d.fn.__doc__ or "").split("Examples:")[0].strip() else (
            "The reflected operator: Python calls it for `number OP tensor`." + _doc(d.fn))
        out += [f"### {syntax} {{ #chainrule.Tensor.op-{d.name.strip('_')} }}", "", doc, ""]
    return out


MEMBERS = re.compile(r"<!-- chainrule:members ([\w.]+)( inherited)? -->")


def members(module_name: str, inherited: bool = False) -> str:
    """One mkdocstrings directive per public name of a module as it is at run time (modules without `__all__`
    re-export their names by import, which mkdocstrings alone does not list): classes first, then functions.
    A name made by a factory (a closure) is rendered from `inspect` instead. `inherited` also lists the methods a
    class inherits (for classes whose base is private, such as the classic neurons)."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None) or [  # without __all__: chainrule's own names, not its imports
        n for n in dir(module) if not n.startswith("_")
        and (getattr(getattr(module, n), "__module__", None) or "").startswith("chainrule")]
    classes, functions = [], []
    for name in sorted(names):
        obj = getattr(module, name)
        if inspect.ismodule(obj) or not (isinstance(obj, type) or callable(obj)):
            continue
        (classes if isinstance(obj, type) else functions).append((name, obj))
    from chainrule.ops._declare import REGISTRY

    declared = {id(d.fn) for d in REGISTRY.values()}
    out = []
    for name, obj in classes + functions:
        # a closure, or a declared op exported by the registry (nn.functional's names): static analysis cannot
        # follow `globals().update(names_in(...))`, so these are read with inspect
        if "<locals>" in getattr(obj, "__qualname__", "") or not _has_source(obj) or (
                id(obj) in declared and obj.__module__ != module_name):
            out += [f"## `{module_name}.{name}` {{ #{module_name}.{name} }}", "", "```python",
                    f"{module_name}.{name}{_signature(obj)}", "```", "", _doc(obj), ""]
        else:
            out += [f"::: {module_name}.{name}"]
            out += ["    options:", "      inherited_members: true", ""] if inherited else [""]
    return "\n".join(out)


def _has_source(obj) -> bool:
    """Whether static analysis finds obj's definition (a class made by `type(...)` in a loop has none)."""
    try:
        inspect.getsource(obj)
    except (OSError, TypeError):
        return False
    return True


API_MARKS = {"<!-- chainrule:api chainrule -->": api_chainrule, "<!-- chainrule:api Tensor -->": api_tensor}
_CACHE: dict[str, str] = {}


def on_page_markdown(markdown: str, page, config, files):
    for mark, make in ((PYTORCH_MARK, pytorch_table), (GRADIENT_MARK, gradient_table), (OP_MARK, op_table),
                       *API_MARKS.items()):
        if mark in markdown:
            if mark not in _CACHE:
                _CACHE[mark] = make()
            markdown = markdown.replace(mark, _CACHE[mark])
    for match in MEMBERS.finditer(markdown):
        if match[0] not in _CACHE:
            _CACHE[match[0]] = members(match[1], inherited=bool(match[2]))
        markdown = markdown.replace(match[0], _CACHE[match[0]])
    return markdown
