"""Pictures that teach: a value used twice draws both edges, PNGs are readable, traces name what they show."""

from __future__ import annotations

import re
import struct

import pytest

import chainrule as cr
from chainrule.viz import draw_graph, record_backward, save_graph
from chainrule.viz.cli import cli_graph, formula_graph
from chainrule.viz.dot import dot_available

needs_dot = pytest.mark.skipif(
    not dot_available(), reason="needs Graphviz's `dot` program (apt-get install graphviz)"
)


def test_x_times_x_draws_both_edges_each_with_its_gradient():
    fg = formula_graph("x * x", {"x": 3.0})
    edges = [line for line in fg.graph.source.splitlines() if "->" in line]
    assert len(edges) == 2 and all(">3.0<" in e for e in edges), edges  # 3.0 + 3.0 = x.grad 6.0
    assert fg.grads == {"x": 6.0}


def test_a_value_used_three_times_draws_three_edges():
    x = cr.tensor(2.0, requires_grad=True)
    f = x * x * x
    src = draw_graph(f, names={"x": x}, record=record_backward(f, names={"x": x})).source
    assert len(re.findall(r"n0 -> n\d", src)) == 3


@needs_dot
def test_x_times_x_svg_has_two_edges(tmp_path):
    fg = formula_graph("x * x", {"x": 3.0})
    path = tmp_path / "g.svg"
    save_graph(fg.graph, path)
    assert path.read_text().count('class="edge"') == 2


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@needs_dot
def test_graph_png_is_rendered_at_a_readable_resolution(tmp_path):
    """(x + y) * z: about 430x200 px at Graphviz's 96 dpi; at 192 dpi twice that, labels legible."""
    out = tmp_path / "g.png"
    assert cli_graph(["(x + y) * z", "x=-2", "y=5", "z=-4", "--out", str(out), "--quiet"]) == 0
    width, height = _png_size(out)
    assert width >= 800 and height >= 350, (width, height)
    svg = tmp_path / "g.svg"
    assert cli_graph(["(x + y) * z", "x=-2", "y=5", "z=-4", "--out", str(svg), "--quiet"]) == 0
    w_pt = float(re.search(r'<svg width="([\d.]+)pt"', svg.read_text()).group(1))
    assert w_pt < 500 and "scale(1 1)" in svg.read_text()  # the SVG is not scaled (nor clipped) by the dpi


@needs_dot
def test_graphviz_source_renders_png_at_the_same_resolution(tmp_path):
    pytest.importorskip("graphviz")
    fg = formula_graph("(x + y) * z", {"x": -2.0, "y": 5.0, "z": -4.0})
    out = fg.graph.render(outfile=str(tmp_path / "g.png"))
    assert _png_size(tmp_path / "g.png")[0] >= 800 and out.endswith("g.png")


def test_backward_trace_names_unnamed_values_like_the_cli():
    x = cr.tensor(2.0, requires_grad=True)
    y = cr.tensor(3.0, requires_grad=True)
    f = (x + y) * x
    lines = record_backward(f).lines
    assert "()" not in "\n".join(lines)
    assert lines[0].startswith("mul q*x:") and lines[1].startswith("add x+y:")


def test_backward_trace_keeps_given_names_and_shapes_of_arrays():
    w = cr.ones(3, requires_grad=True)
    b = cr.tensor(1.0, requires_grad=True)
    f = (w * 2).sum() + b
    lines = record_backward(f, names={"w": w}).lines
    assert any("w*2" in line for line in lines) and all("()" not in line for line in lines), lines


def test_graph_takes_a_formula_starting_with_minus_without_double_dash(capsys):
    assert cli_graph(["-x", "x=3"]) == 0
    out = capsys.readouterr().out
    assert "f = -x = -3" in out and "df/dx = -1.0" in out
    assert cli_graph(["-x * y", "x=3", "y=2", "--quiet"]) == 0
    assert cli_graph(["--quiet", "-(x + y)", "x=1", "y=2"]) == 0
    assert cli_graph(["--quiet", "--", "-x", "x=3"]) == 0  # the old spelling still works
    assert cli_graph(["-x", "x=3", "-q"]) == 2
    assert "expected NAME=VALUE, got '-q'" in capsys.readouterr().err
