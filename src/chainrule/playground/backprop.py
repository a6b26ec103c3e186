"""View 2: a formula's computational graph with every forward value and every "upstream × local = gradient".

``trace(text, values)`` parses the formula with ``chainrule.viz.formula`` (never eval), builds it from chainrule
ops with ``evaluate``, runs backward through ``chainrule.viz.record_backward`` (the engine's own backward pass,
each step kept) and reads nodes, edges, forward order and backward steps from ``chainrule.viz.to_json``. This
module only names the gates for people, marks when an input's gradient is complete, and lays the graph out.
A variable used twice is one node with two outgoing edges (its gradients add up).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from chainrule.viz import formula as fm
from chainrule.viz import record_backward, to_json

MAX_NODES = 80  # a bigger graph is unreadable on the page
MAX_VARIABLES = 12
MAX_ABS_VALUE = 1e6

# engine op -> (symbol on the page, how it reads in a formula, binding strength)
_OPS = {
    "add": ("+", "{0} + {1}", 1),
    "sub": ("−", "{0} - {1}", 1),
    "mul": ("×", "{0} * {1}", 2),
    "div": ("÷", "{0} / {1}", 2),
    "neg": ("−", "-{0}", 3),
    "pow": ("**", "{0} ** {1}", 4),
    "maximum": ("max", "max({0}, {1})", 5),
    "minimum": ("min", "min({0}, {1})", 5),
}


class BackpropError(ValueError):
    """A request the view cannot draw; ``position`` points into the formula when the formula is at fault."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


def parse(text: Any) -> tuple[Any, list[str]]:
    """(expression, variable names); raises BackpropError with the formula's error position."""
    if not isinstance(text, str):
        raise BackpropError("formula must be text")
    try:
        expr = fm.parse(text)
    except fm.FormulaError as error:
        raise BackpropError(error.reason, error.position) from None
    names = fm.variables(expr)
    if len(names) > MAX_VARIABLES:
        raise BackpropError(f"the formula has {len(names)} variables; at most {MAX_VARIABLES}")
    size, stack = 0, [expr]
    while stack:
        size += 1
        stack.extend(stack.pop().children)
    if size > MAX_NODES:
        raise BackpropError(
            f"the graph would have {size} nodes, more than {MAX_NODES}; try a shorter formula"
        )
    return expr, names


def _values(names: list[str], values: Any) -> dict[str, float]:
    if not isinstance(values, dict):
        raise BackpropError("values must be an object of variable -> number")
    given = {}
    for name in names:
        v = values.get(name)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise BackpropError(f"give {name} a finite number")
        if isinstance(v, int) and abs(v) > MAX_ABS_VALUE:  # before float(): a 400-digit int overflows it
            raise BackpropError(f"{name} must lie in [-{MAX_ABS_VALUE:g}, {MAX_ABS_VALUE:g}]")
        if not math.isfinite(v):
            raise BackpropError(f"give {name} a finite number")
        if abs(v) > MAX_ABS_VALUE:
            raise BackpropError(f"{name} must lie in [-{MAX_ABS_VALUE:g}, {MAX_ABS_VALUE:g}]")
        given[name] = float(v)
    return given


def trace(text: Any, values: Any) -> dict[str, Any]:
    """The graph of ``text`` at ``values``: nodes, edges, forward order and backward steps (see module doc)."""
    expr, names = parse(text)
    given = _values(names, values)
    if not names:
        raise BackpropError("the formula has no variable, so there is nothing to differentiate")
    with np.errstate(all="ignore"):  # log(-1) is NaN on the page, not a warning on the console
        out, leaves = fm.evaluate(expr, given)
        graph = to_json(out, names=leaves, record=record_backward(out, names=leaves), show_saved=False)

    nodes = []
    for n in graph["nodes"]:
        if n["kind"] == "op":
            symbol = _OPS.get(n["op"], (n["op"],))[0]
            label = symbol + "".join(n["args"]) if n["args"] else symbol
        else:
            label = n["name"] or n["label"]
        nodes.append(
            {
                "id": n["id"],
                "kind": "input" if n["kind"] == "input" else n["kind"],
                "label": label,
                "op": n["op"],
                "value": n["value"],
                "grad": n["grad"],
            }
        )
    edges = [
        {key: e[key] for key in ("id", "from", "to", "slot", "upstream", "local", "grad")}
        for e in graph["edges"]
    ]
    _name_subformulas(nodes, edges, graph["forward"], graph["nodes"])

    # An input's gradient is complete once every edge leaving it has been traversed backward.
    pending = {n["id"]: 0 for n in nodes}
    for e in edges:
        pending[e["from"]] += 1
    backward = []
    for step in graph["backward"]:
        complete = []
        for edge_id in step["edges"]:
            source = edges[edge_id]["from"]
            pending[source] -= 1
            if pending[source] == 0 and nodes[source]["kind"] == "input":
                complete.append(source)
        backward.append(
            {"node": step["node"], "grad": step["upstream"], "edges": step["edges"], "complete": complete}
        )

    by_name = {n["label"]: n for n in nodes if n["kind"] == "input"}
    engine_grads = {name: _float(leaves[name].grad) for name in names}
    agrees = all(_same(engine_grads[name], by_name[name]["grad"]) for name in names)
    return {
        "formula": expr.to_text(),
        "variables": names,
        "values": given,
        "nodes": nodes,
        "edges": edges,
        "output": graph["output"],
        "forward": graph["forward"],
        "backward": backward,
        "layout": layout(nodes, edges, graph["output"]),
        "engine": {"grads": engine_grads, "agrees": agrees},
    }


def _name_subformulas(nodes: list[dict], edges: list[dict], forward: list[int], raw: list[dict]) -> None:
    """Give every node ``text``: the part of the formula it computes, rebuilt from its inputs."""
    strength = {}
    for n in nodes:
        if n["kind"] != "op":
            n["text"], strength[n["id"]] = n["label"], 9
    inputs: dict[int, list[tuple[int, int]]] = {}
    for e in edges:
        inputs.setdefault(e["to"], []).append((e["slot"], e["from"]))
    for i in forward:
        n, op = nodes[i], raw[i]["op"]
        _, pattern, power = _OPS.get(op, (op, op + "({0})", 9))
        parts = []
        for k, (_, src) in enumerate(sorted(inputs.get(i, []))):
            tighter = power + (1 if k > 0 and op in ("sub", "div") else 0)
            inner = nodes[src]["text"]
            parts.append(f"({inner})" if strength[src] < tighter and power < 5 else inner)
        if op == "pow" and raw[i]["args"]:
            parts.append(raw[i]["args"][0])
        n["text"] = pattern.format(*parts) if op in _OPS else f"{op}({', '.join(parts)})"
        strength[i] = power


def _float(t: Any) -> float | str | None:
    if t is None:
        return 0.0
    v = float(np.asarray(t.detach().numpy()).item())
    return v if math.isfinite(v) else ("NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b if b is not None else 0.0, rel_tol=1e-9, abs_tol=1e-12)


def layout(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], output: int) -> dict[str, list[float]]:
    """Node -> (column, row) in grid units: inputs on the left, each gate right of its inputs, constants beside
    the gate that uses them, rows at the mean of a gate's inputs, pushed apart where they collide."""
    column = [0] * len(nodes)
    sources: dict[int, list[int]] = {}
    consumers: dict[int, list[int]] = {}
    for edge in edges:  # listed in forward order: a source's column is final before it is read
        column[edge["to"]] = max(column[edge["to"]], column[edge["from"]] + 1)
        sources.setdefault(edge["to"], []).append(edge["from"])
        consumers.setdefault(edge["from"], []).append(edge["to"])
    row = [0.0] * len(nodes)
    variables = [n["id"] for n in nodes if n["kind"] == "input"]
    for rank, i in enumerate(variables):
        row[i] = float(rank)
    for node in nodes:  # nodes are listed inputs first, then in forward order
        i = node["id"]
        if node["kind"] == "op":
            varying = [s for s in sources[i] if nodes[s]["kind"] != "const"]
            row[i] = sum(row[s] for s in varying) / len(varying) if varying else 0.0
            for s in sources[i]:
                if nodes[s]["kind"] == "const":  # a constant sits just below, one column before its gate
                    column[s] = column[i] - 1
                    row[s] = row[i] + 0.75
    by_column: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        by_column.setdefault(column[i], []).append(i)
    for members in by_column.values():
        members.sort(key=lambda i: row[i])
        for a, b in itertools.pairwise(members):
            row[b] = max(row[b], row[a] + 1.0)
    low = min(row, default=0.0)
    return {"column": [float(c) for c in column], "row": [r - low for r in row]}
