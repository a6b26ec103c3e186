"""The ops' imports run one way (docs/ARCHITECTURE.md, STYLE.md): no cycle among chainrule/ops' modules, the
lazy (function-level) imports included. `ops/reduce` <-> `ops/extrema` was one (expand_back moved to _util)."""

from __future__ import annotations

import ast
from pathlib import Path

import chainrule

SRC = Path(chainrule.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The chainrule modules a file imports anywhere in it (top level or inside functions)."""
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("chainrule"):
                out.add(target)
                out.update(f"{target}.{a.name}" for a in node.names)  # `from . import x` names a module
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("chainrule"))
    return out


def _graph(under: str) -> dict[str, set[str]]:
    files = {_module_name(p): p for p in (SRC / under).rglob("*.py")}
    return {m: {t for t in _imports(p) if t in files and t != m} for m, p in files.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (Tarjan, iterative enough here)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_among_the_ops():
    graph = _graph("ops")
    graph.pop("chainrule.ops", None)  # the package's __init__ imports every family: it is the top, not a cycle
    for deps in graph.values():
        deps.discard("chainrule.ops")
    assert _cycles(graph) == []


def test_the_tensor_does_not_import_the_engine():
    """tensor <-> autograd.engine was a cycle (Tensor.backward imported the engine): backward is bound in
    chainrule/_methods.py now."""
    graph = {m: deps for m, deps in _graph("").items()}
    assert "chainrule.autograd.engine" not in graph["chainrule.tensor"]
    assert "chainrule.tensor" in graph["chainrule.autograd.engine"]


def test_the_engine_does_not_import_the_trace():
    """autograd.engine <-> autograd.trace was a cycle (backward(trace=...) imported the printer): the trace is
    chainrule.viz.trace now, and reaches the engine through its public hook, backward(..., on_step=)."""
    graph = _graph("")
    assert "chainrule.autograd.trace" not in graph
    autograd = [m for m in graph if m.startswith("chainrule.autograd")]
    assert not [(m, d) for m in autograd for d in graph[m] if d.startswith("chainrule.viz")]
    assert "chainrule.autograd.engine" in graph["chainrule.viz.trace"]
