"""draw_graph (DOT / SVG) and to_json / export_json: the two ways out of a Graph.

The JSON schema ("chainrule.graph", version 1) is documented in docs/graph-json.md.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np

from .dot import DotSource, DotWriter, graphviz_source, run_dot
from .graph import Graph

SCHEMA, VERSION = "chainrule.graph", 1


def _graph(output, params=None, names=None, modules=None, record=None) -> Graph:
    return output if isinstance(output, Graph) else Graph(output, names=names, params=params, modules=modules,
                                                          record=record)


def draw_graph(output, params=None, show_values=True, show_grads=True, *, names=None, modules=None,
               record=None, show_saved=False, max_values=16, fold=None, max_nodes=300, rankdir="LR"):
    """The computational graph of `output` as a Graphviz graph (`graphviz.Source`, or a DotSource without it).

    One node per op and per leaf, edges in data-flow direction; each node shows its op, shape, value (up to
    `max_values` elements, else norm and mean) and gradient (leaves' `.grad`, retained gradients, or every
    node's when `record=record_backward(output)`). `params=dict(model.named_parameters())` names parameters;
    `modules=` a `record_modules` recorder groups nodes into one cluster per Module; `fold` folds modules into
    one box each (True: the model's children, an int: that depth, a set of paths; default: only when the graph
    has more than `max_nodes` nodes). `.source` is the DOT text; `.render(outfile="g.svg")` needs `dot`.
    Given a `chainrule.compile` function, it draws that function's last recorded plan (fused kernels shaded).

    Args:
        output: the tensor whose graph is drawn (usually the loss), a `Graph`, or a compiled function.
        params: {name: parameter}, e.g. `dict(model.named_parameters())`, to label parameters (default None).
        show_values: print each node's value (default True).
        show_grads: print gradients where known (default True).
        names: {tensor: name} or {name: tensor} for the leaves and inner results (default None).
        modules: a `record_modules` recorder: one cluster per Module (default None).
        record: a `record_backward` result: every edge's gradient (default None).
        show_saved: list what each op saved for backward (default False).
        max_values: the most elements printed per tensor (default 16; above it: norm and mean).
        fold: fold modules into one box each (see above; default None).
        max_nodes: fold automatically above this many nodes (default 300).
        rankdir: Graphviz's layout direction (default "LR": left to right).

    Returns:
        A `graphviz.Source` (with the `graph` extra) or a `DotSource`: `.source` is the DOT text.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(-2.0, requires_grad=True)
        >>> y = cr.tensor(5.0, requires_grad=True)
        >>> z = cr.tensor(-4.0, requires_grad=True)
        >>> f = (x + y) * z
        >>> record = viz.record_backward(f)
        >>> graph = viz.draw_graph(f, names={"x": x, "y": y, "z": z}, record=record)
        >>> graph.source.splitlines()[0]
        'digraph chainrule {'
        >>> viz.save_graph(graph, "graph.dot")
        'graph.dot'
    """
    if hasattr(output, "graph_dot"):  # a chainrule.compile function: its recorded plan
        src = output.graph_dot()
        try:
            return graphviz_source(src)
        except ImportError:
            return DotSource(src)
    g = _graph(output, params, names, modules, record)
    src = DotWriter(g, show_values, show_grads, show_saved, max_values, fold, max_nodes, rankdir).source()
    try:
        return graphviz_source(src)
    except ImportError:
        return DotSource(src)


def _number(v: float):
    """A float for JSON: finite as is; NaN and infinities as the strings "NaN", "Infinity", "-Infinity"."""
    v = float(v)
    if math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


def _array(a, max_values: int):
    """A number, or nested lists, for tensors up to max_values elements; None above (see _summary)."""
    if a is None:
        return None
    if isinstance(a, (list, tuple)):
        return [_array(x, max_values) for x in a]
    arr = np.asarray(a, dtype=np.float64) if np.asarray(a).dtype.kind in "fcbiu" else None
    if arr is None or arr.size > max_values:
        return None
    if arr.ndim == 0:
        return _number(arr)
    return np.vectorize(_number, otypes=[object])(arr).tolist()


def _summary(a):
    if a is None or isinstance(a, (list, tuple)):
        return None
    arr = np.asarray(a)
    if arr.dtype.kind not in "fcbiu" or arr.size == 0:
        return None
    f = arr.astype(np.float64).ravel()
    return {"norm": _number(np.linalg.norm(f)), "mean": _number(f.mean()), "min": _number(f.min()),
            "max": _number(f.max())}


def to_json(output, params=None, names=None, modules=None, record=None, max_values: int = 64,
            show_saved: bool = True) -> dict:
    """The graph as a JSON-ready dict: nodes, edges, values, gradients, forward order, backward steps.

    Values and gradients are given in full up to `max_values` elements (else null, with a summary: norm, mean,
    min, max). See docs/graph-json.md for the schema.

    Args:
        output: the tensor whose graph is exported, or a `Graph`.
        params: {name: parameter} to label parameters (default None).
        names: {tensor: name} or {name: tensor} (default None).
        modules: a `record_modules` recorder (default None).
        record: a `record_backward` result, for the backward steps and every edge's gradient (default None).
        max_values: the most elements given in full per tensor (default 64).
        show_saved: list what each op saved (default True).

    Returns:
        A dict: schema, version, output (the output node's id), nodes, edges, forward, backward, modules.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(3.0, requires_grad=True)
        >>> f = x * x
        >>> data = viz.to_json(f, names={"x": x, "f": f}, record=viz.record_backward(f))
        >>> [(n["label"], n["value"], n["grad"]) for n in data["nodes"]]
        [('x', 3.0, 6.0), ('f', 9.0, 1.0)]
        >>> data["backward"][0]["text"]
        'mul x*x: upstream 1.0 x local [x=3, x=3] -> grads [3.0, 3.0]'
    """
    g = _graph(output, params, names, modules, record)
    nodes = []
    for n in g.nodes:
        t = n.tensor
        value = None
        if t is not None:
            value = [o._data for _, o in sorted(n.outputs.items())] if len(n.outputs) > 1 else t._data
        nodes.append({
            "id": n.id, "kind": n.kind, "label": n.label, "op": n.op, "name": n.name,
            "shape": list(n.shape) if n.shape is not None else None,
            "dtype": str(t._data.dtype) if t is not None else None,
            "value": _array(value, max_values), "value_summary": _summary(value),
            "grad": _array(n.grad, max_values), "grad_summary": _summary(n.grad),
            "args": n.args, "module": n.module,
            "saved": g.saved_of(n) if show_saved and n.kind == "op" else [],
        })
    edges = [{"id": e.id, "from": e.src, "to": e.dst, "slot": e.slot, "output_index": e.out,
              "upstream": _array(e.upstream, max_values), "local": _array(e.local, max_values),
              "local_text": e.local_text, "grad": _array(e.grad, max_values),
              "grad_summary": _summary(e.grad)}
             for e in g.edges]
    backward = []
    if g.record is not None:
        into: dict = {}
        for e in g.edges:
            into.setdefault(e.dst, []).append(e.id)
        for step in g.record.steps:
            nid = g._ids.get(("fn", id(step.node)))
            if nid is None:
                continue
            backward.append({"node": nid, "op": step.op, "text": step.line,
                             "upstream": _array(step.upstream, max_values), "edges": into.get(nid, [])})
    modules = []
    if g.modules is not None:
        for path, typ in g.modules.types.items():
            modules.append({"path": path, "type": typ, "parent": path.rpartition(".")[0] if path else None,
                            "label": g.modules.display(path)})
    return {"schema": SCHEMA, "version": VERSION, "output": g.output, "nodes": nodes, "edges": edges,
            "forward": list(g.forward), "backward": backward, "modules": modules}


def export_json(output, path, **kwargs) -> str:
    """Write `to_json(output, **kwargs)` to `path` (UTF-8, indented); returns the path.

    Args:
        output: the tensor (or Graph) to export.
        path: the .json file to write.
        **kwargs: to_json's options (names, params, modules, record, max_values, show_saved).

    Examples:
        >>> import json
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
        >>> viz.export_json((x * 2).sum(), "graph.json")
        'graph.json'
        >>> len(json.load(open("graph.json"))["nodes"])
        3
    """
    data = to_json(output, **kwargs)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, allow_nan=False)
        f.write("\n")
    return os.fspath(path)


def save_graph(graph, path) -> str:
    """Write a draw_graph result by the file's suffix: .dot/.gv as DOT text, .svg/.png/.pdf through `dot`.

    Args:
        graph: what draw_graph returned (anything with `.source`).
        path: the file to write; its suffix picks the format.

    Returns:
        The path.

    Raises:
        GraphvizNotFound: .svg/.png/.pdf without the `dot` program.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(2.0, requires_grad=True)
        >>> viz.save_graph(viz.draw_graph(x * x), "square.gv")
        'square.gv'
        >>> viz.save_graph(viz.draw_graph(x * x), "square.svg")       # needs: dot
        'square.svg'
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    if ext in ("dot", "gv", ""):
        with open(path, "w", encoding="utf-8") as f:
            f.write(graph.source)
        return path
    data = run_dot(graph.source, ext)
    with open(path, "wb") as f:
        f.write(data)
    return path
