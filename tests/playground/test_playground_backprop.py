"""View 2's trace: values and "upstream × local = gradient" per edge from the chainrule engine."""

import math

import pytest

from chainrule.playground import backprop


def by_label(result):
    return {node["label"]: node for node in result["nodes"]}


def test_lecture_example():
    r = backprop.trace("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    nodes = by_label(r)
    assert nodes["×"]["value"] == -12 and r["output"] == nodes["×"]["id"]
    assert nodes["+"]["value"] == 3
    assert (nodes["x"]["grad"], nodes["y"]["grad"], nodes["z"]["grad"]) == (-4, -4, 3)
    assert r["engine"]["agrees"] and r["engine"]["grads"] == {"x": -4, "y": -4, "z": 3}
    # forward: + then ×; backward: × (sends to q and z) then + (sends to x and y)
    assert [r["nodes"][i]["label"] for i in r["forward"]] == ["+", "×"]
    first = r["backward"][0]
    edges = {r["nodes"][r["edges"][e]["from"]]["label"]: r["edges"][e] for e in first["edges"]}
    assert (edges["+"]["upstream"], edges["+"]["local"], edges["+"]["grad"]) == (1, -4, -4)
    assert (edges["z"]["upstream"], edges["z"]["local"], edges["z"]["grad"]) == (1, 3, 3)
    assert first["complete"] == [nodes["z"]["id"]]


def test_fan_out_adds_gradients():
    r = backprop.trace("(x + y) * max(y, z)", {"x": 1, "y": 2, "z": 0})
    nodes = by_label(r)
    y_edges = [e for e in r["edges"] if e["from"] == nodes["y"]["id"]]
    assert len(y_edges) == 2
    assert nodes["y"]["grad"] == sum(e["grad"] for e in y_edges) == 5
    assert (nodes["x"]["grad"], nodes["z"]["grad"]) == (2, 0)
    assert r["engine"]["agrees"]


def test_sigmoid_example_matches_lecture():
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    r = backprop.trace("1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))", values)
    nodes = by_label(r)
    assert nodes["÷"]["value"] == pytest.approx(0.7311, abs=1e-4)
    assert nodes["w0"]["grad"] == pytest.approx(-0.20, abs=0.01)
    assert nodes["x0"]["grad"] == pytest.approx(0.39, abs=0.01)
    assert nodes["w2"]["grad"] == pytest.approx(0.20, abs=0.01)
    assert r["engine"]["agrees"]
    assert len(r["backward"]) == len(r["forward"])


def test_constant_power_is_one_gate_and_nan_is_json_safe():
    r = backprop.trace("x ** 2 + log(x)", {"x": -1})
    labels = [n["label"] for n in r["nodes"]]
    assert "**2" in labels and "2" not in labels
    assert by_label(r)["log"]["value"] == "NaN"


def test_layout_puts_inputs_before_their_gates():
    r = backprop.trace("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    col = r["layout"]["column"]
    for e in r["edges"]:
        assert col[e["from"]] < col[e["to"]]


@pytest.mark.parametrize(
    "text, position",
    [("(x + y", 6), ("x + * y", 4), ("x $ y", 2), ("foo(x)", 0), ("", 0), ("2x", 0)],
)
def test_errors_point_at_the_position(text, position):
    with pytest.raises(backprop.BackpropError) as error:
        backprop.trace(text, {"x": 1, "y": 1})
    assert error.value.position == position


@pytest.mark.parametrize(
    "text, values, reason",
    [
        ("x + y", {"x": 1}, "give y"),
        ("x + y", {"x": 1, "y": "2"}, "give y"),
        ("x", {"x": math.inf}, "give x"),
        ("x", {"x": 1e300}, "must lie"),
        ("x", [1], "values must be"),
        (42, {}, "formula must be text"),
        ("+".join(f"v{i}" for i in range(20)), {f"v{i}": 1 for i in range(20)}, "variables"),
        ("+".join(["x"] * 100), {"x": 1}, "nodes"),
    ],
)
def test_bad_requests(text, values, reason):
    with pytest.raises(backprop.BackpropError, match=reason):
        backprop.trace(text, values)
