"""`chainrule graph FORMULA NAME=VALUE ... --out FILE`: the formula's value, trace, gradients and drawing."""

import json
import shutil

import pytest

from chainrule.cli import main
from chainrule.viz import cli_graph

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz `dot` program is absent")


def test_prints_value_trace_and_gradients(capsys, tmp_path):
    dot, js = tmp_path / "g.dot", tmp_path / "g.json"
    assert cli_graph(["(x + y) * z", "x=-2", "y=5", "z=-4", "--out", str(dot), "--out", str(js)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == [
        "f = (x + y) * z = -12",
        "backward:",
        "  mul q*z: upstream 1.0 x local [z=-4, q=3] -> grads [-4.0, 3.0]",
        "  add x+y: upstream -4.0 x local [1, 1] -> grads [-4.0, -4.0]",
        "gradients: df/dx = -4.0, df/dy = -4.0, df/dz = 3.0",
    ]
    src = dot.read_text()
    for text in (">-12</FONT>", ">grad -4.0</FONT>", ">grad 3.0</FONT>", ">grad 1.0</FONT>"):
        assert text in src
    data = json.loads(js.read_text())
    assert data["schema"] == "chainrule.graph" and len(data["backward"]) == 2


@needs_dot
def test_svg_through_the_chainrule_command(tmp_path, capsys):
    svg = tmp_path / "g.svg"
    assert main(["graph", "(x + y) * z", "x=-2", "y=5", "z=-4", "--out", str(svg), "--quiet"]) == 0
    text = svg.read_text()
    assert "<svg" in text and "-12" in text and "grad 3.0" in text
    assert capsys.readouterr().out == ""


def test_svg_without_dot_writes_the_dot_text_instead(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert cli_graph(["x * y", "x=2", "y=3", "--out", str(tmp_path / "g.svg"), "--quiet"]) == 1
    assert (tmp_path / "g.dot").read_text().startswith("digraph")
    assert "apt-get install graphviz" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["(x + y", "x=1", "y=2"], "missing ')'"),
    (["x * y", "x=1"], "no value for variable 'y'"),
    (["x * 2", "x=abc"], "'abc' is not a number"),
    (["x * 2", "x"], "expected NAME=VALUE"),
])
def test_errors_exit_2_with_a_message(argv, message, capsys):
    assert cli_graph(argv) == 2
    assert message in capsys.readouterr().err


def test_functions_and_constants(capsys):
    assert cli_graph(["(x + y) * max(y, z) + x^2", "x=1", "y=2", "z=0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("f = (x + y) * max(y, z) + x ** 2 = 7\n")
    assert "gradients: df/dx = 4.0, df/dy = 5.0, df/dz = 0.0" in out
