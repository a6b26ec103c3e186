"""draw_graph and the JSON export: nodes, edges, values, gradients, module clusters, folding, rendering."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

import chainrule
from chainrule import nn, viz
from chainrule.viz import Graph, draw_graph, formula_graph, record_backward, record_modules, to_json
from chainrule.viz.dot import DotSource, GraphvizNotFound

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz `dot` program is absent")


@pytest.fixture
def xyz():
    return formula_graph("(x + y) * z", {"x": -2, "y": 5, "z": -4})


def _label(src: str, node: str) -> str:
    line = next(li for li in src.splitlines() if li.strip().startswith(node + " ["))
    return line


def test_dot_of_the_lecture_example_shows_values_and_gradients(xyz):
    src = xyz.graph.source
    assert src.startswith("digraph chainrule {")
    g = Graph(xyz.output, names=xyz.names, record=xyz.record)
    by_label = {n.label: n for n in g.nodes}
    expect = {"x": ("-2", "-4.0"), "y": ("5", "-4.0"), "z": ("-4", "3.0"), "q": ("3", "-4.0"),
              "f": ("-12", "1.0")}
    for label, (value, grad) in expect.items():
        line = _label(src, f"n{by_label[label].id}")
        assert f">{value}</FONT>" in line and f">grad {grad}</FONT>" in line, line
    assert "<B>q</B> = add" in src and "<B>f</B> = mul" in src
    # edges in data-flow direction, each labelled with the gradient that flows back along it
    ids = {k: by_label[k].id for k in expect}
    assert f'n{ids["q"]} -> n{ids["f"]} [label=<<FONT COLOR="#b91c1c">-4.0</FONT>>];' in src
    assert f'n{ids["z"]} -> n{ids["f"]} [label=<<FONT COLOR="#b91c1c">3.0</FONT>>];' in src
    assert src.count("->") == 4


def test_graph_structure_and_forward_order(xyz):
    g = Graph(xyz.output, names=xyz.names)
    assert [n.kind for n in g.nodes] == ["input", "input", "op", "input", "op"]
    assert [g.nodes[i].op for i in g.forward] == ["add", "mul"]
    assert g.output == 4 and len(g.edges) == 4
    assert {(e.src, e.dst, e.slot) for e in g.edges} == {(0, 2, 0), (1, 2, 1), (2, 4, 0), (3, 4, 1)}


def test_without_record_only_known_gradients_are_shown():
    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    out = h.sum()
    assert "grad" not in draw_graph(out, names={x: "x"}).source  # before backward: values only
    out.backward()
    src = draw_graph(out, names={x: "x", h: "h"}).source
    assert "grad [3.0, 3.0]" in src and "grad [1.0, 1.0]" in src
    assert "[3, 6]" in src  # the value of h
    assert "grad" not in draw_graph(out, show_grads=False).source
    assert "[3, 6]" not in draw_graph(out, show_values=False).source


def test_large_tensors_collapse_to_shape_and_norm():
    x = chainrule.ones(20, 30, requires_grad=True)
    src = draw_graph((x * 2).sum(), max_values=16).source
    assert "(20, 30)" in src and "norm 24.5" in src
    assert "[1, 1, 1" not in src


def _mlp():
    chainrule.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def test_module_clusters_and_parameter_names():
    model = _mlp()
    x, y = chainrule.randn(5, 3), chainrule.tensor([0, 1, 0, 1, 1])
    with record_modules(model) as tags:
        loss = nn.functional.cross_entropy(model(x), y)
    rec = record_backward(loss)
    params = dict(model.named_parameters())
    g = Graph(loss, params=params, modules=tags, record=rec)
    mods = {n.op or n.name: n.module for n in g.nodes if n.kind in ("op", "param")}
    assert mods["relu"] == "1" and mods["cross_entropy"] is None
    assert mods["0.weight"] == "0" and mods["2.bias"] == "2"
    assert [n.op for n in g.nodes if n.module == "0" and n.kind == "op"] == ["linear"]
    src = draw_graph(loss, params=params, modules=tags, record=rec).source
    assert 'subgraph cluster_' in src and 'label="0 (Linear)"' in src and 'label="Sequential"' in src
    assert "<B>weight</B>" in src and src.count("fillcolor=\"#fef3c7\"") == 4  # four parameters
    w = model[0].weight
    assert np.allclose(g.nodes[next(n.id for n in g.nodes if n.name == "0.weight")].grad, w.grad.numpy())


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc, self.act = nn.Linear(d, d), nn.Tanh()

    def forward(self, x):
        return x + self.act(self.fc(x))


class Deep(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.inp = nn.Linear(4, 8)
        self.blocks = nn.Sequential(*[Block(8) for _ in range(n)])
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        return self.out(self.blocks(chainrule.relu(self.inp(x))))


def test_a_network_of_thousands_of_nodes_folds_by_module():
    model = Deep(400)
    with record_modules(model) as tags:
        out = model(chainrule.randn(2, 4)).sum()
    g = Graph(out, params=dict(model.named_parameters()), modules=tags)
    assert len(g.nodes) > 2000
    assert {n.module for n in g.nodes if n.op == "add"} >= {"blocks.0", "blocks.399"}  # each x + f(x)
    assert g.nodes[next(i for i in g.forward if g.nodes[i].op == "relu")].module == ""  # in Deep.forward
    params = dict(model.named_parameters())
    src = draw_graph(out, params=params, modules=tags).source  # folds by itself: more than 300 nodes
    assert src.count("shape=box3d") == 3 and "blocks (Sequential)" in src and "1200 ops, 28,800 params" in src
    assert len(src.splitlines()) < 40
    small = draw_graph(out, modules=tags, fold=2).source
    assert small.count("shape=box3d") == 400  # the 400 blocks (depth 2); inp and out (depth 1) stay open
    assert draw_graph(out, modules=tags, fold={"blocks"}).source.count("shape=box3d") == 1


def test_saved_tensors_on_request():
    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    out = (x.exp() * x).sum()
    assert "saved:" not in draw_graph(out).source
    assert "saved: output (2,)" in draw_graph(out, names={x: "x"}, show_saved=True).source
    out.backward()
    assert "freed by backward" in draw_graph(out, show_saved=True).source


def test_fallback_object_without_the_graphviz_package(monkeypatch, xyz):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    g = draw_graph(xyz.output, names=xyz.names, record=xyz.record)
    assert isinstance(g, DotSource) and g.source == xyz.graph.source and str(g) == g.source
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert g._repr_svg_() is None
    with pytest.raises(GraphvizNotFound, match="apt-get install graphviz"):
        g.pipe("svg")


@needs_dot
def test_render_svg_with_dot(tmp_path, monkeypatch, xyz):
    target = xyz.graph.render(outfile=str(tmp_path / "g.svg"))
    assert pathlib.Path(target).read_text().lstrip().startswith(("<?xml", "<svg"))
    monkeypatch.setitem(sys.modules, "graphviz", None)
    g = draw_graph(xyz.output, names=xyz.names, record=xyz.record)
    path = g.render(str(tmp_path / "h"), format="png")
    assert path.endswith("h.png") and pathlib.Path(path).read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "h").read_text() == g.source
    assert "<svg" in g._repr_svg_() and viz.save_graph(g, tmp_path / "k.svg").endswith("k.svg")


def test_json_export_schema(xyz, tmp_path):
    d = to_json(xyz.output, names=xyz.names, record=xyz.record)
    assert d["schema"] == "chainrule.graph" and d["version"] == 1
    assert set(d) == {"schema", "version", "output", "nodes", "edges", "forward", "backward", "modules"}
    node_keys = {"id", "kind", "label", "op", "name", "shape", "dtype", "value", "value_summary", "grad",
                 "grad_summary", "args", "module", "saved"}
    assert all(set(n) == node_keys for n in d["nodes"])
    by = {n["label"]: n for n in d["nodes"]}
    assert (by["f"]["value"], by["f"]["grad"], by["f"]["op"]) == (-12.0, 1.0, "mul")
    assert (by["x"]["grad"], by["y"]["grad"], by["z"]["grad"], by["q"]["grad"]) == (-4.0, -4.0, 3.0, -4.0)
    assert d["output"] == by["f"]["id"] and d["forward"] == [by["q"]["id"], by["f"]["id"]]
    edge = next(e for e in d["edges"] if e["from"] == by["z"]["id"])
    assert (edge["to"], edge["slot"], edge["upstream"], edge["local"], edge["local_text"], edge["grad"]) == \
        (by["f"]["id"], 1, 1.0, 3.0, "q=3", 3.0)
    assert [b["node"] for b in d["backward"]] == [by["f"]["id"], by["q"]["id"]]
    assert [b["text"] for b in d["backward"]] == xyz.record.lines
    assert d["backward"][1]["upstream"] == -4.0 and len(d["backward"][0]["edges"]) == 2
    path = viz.export_json(xyz.output, tmp_path / "g.json", names=xyz.names, record=xyz.record)
    assert json.loads(pathlib.Path(path).read_text()) == json.loads(json.dumps(d))


def test_json_large_values_nan_and_modules():
    model = _mlp()
    with record_modules(model) as tags:
        out = (model(chainrule.randn(40, 3)) * chainrule.tensor(float("nan"))).sum()
    d = to_json(out, params=dict(model.named_parameters()), modules=tags, record=record_backward(out),
                max_values=8)
    json.dumps(d, allow_nan=False)  # NaN is written as the string "NaN"
    lin = next(n for n in d["nodes"] if n["op"] == "linear")
    assert lin["value"] is None and set(lin["value_summary"]) == {"norm", "mean", "min", "max"}
    assert lin["module"] in ("0", "2") and lin["shape"] in ([40, 4], [40, 2])
    assert d["nodes"][d["output"]]["value"] == "NaN"
    assert {m["path"]: m["type"] for m in d["modules"]} == {"": "Sequential", "0": "Linear", "1": "ReLU",
                                                             "2": "Linear"}


def test_import_chainrule_without_optional_extras():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('matplotlib', 'graphviz'):\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import chainrule, chainrule.viz, chainrule.experiments\n"
        "from chainrule.viz import formula_graph\n"
        "g = formula_graph('(x + y) * z', {'x': -2, 'y': 5, 'z': -4}).graph\n"
        "assert type(g).__name__ == 'DotSource' and 'grad -4.0' in g.source\n"
        "try:\n"
        "    chainrule.viz.plot_history({'loss': [1, 0.5]})\n"
        "except ImportError as e:\n"
        "    assert 'chainrule[plot]' in str(e)\n"
        "else:\n"
        "    raise SystemExit('plot_history worked without matplotlib')\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(chainrule.__file__).parents[1])}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"
