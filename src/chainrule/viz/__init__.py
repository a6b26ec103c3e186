"""Seeing backpropagation: computational graphs (DOT, SVG, JSON), module clusters, and matplotlib figures.

    f, leaves = chainrule.viz.formula.evaluate("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    rec = chainrule.viz.record_backward(f)              # backward, keeping every step
    chainrule.viz.draw_graph(f, record=rec)              # values in green, gradients in red

Needs nothing beyond NumPy for DOT and JSON; SVG/PNG need the Graphviz `dot` program; figures need matplotlib
(imported only when a figure is made).
"""

from .cli import cli_graph, formula_graph
from .dot import DotSource, GraphvizNotFound, dot_available
from .export import draw_graph, export_json, save_graph, to_json
from .graph import BackwardRecord, Graph, forward_order, name_intermediates, record_backward
from .modules import ModuleRecorder, record_modules
from .plots import decision_boundary, gradient_flow, plot_history
from .trace import trace

__all__ = [
    "BackwardRecord", "DotSource", "Graph", "GraphvizNotFound", "ModuleRecorder", "cli_graph",
    "decision_boundary", "dot_available", "draw_graph", "export_json", "formula_graph", "forward_order",
    "gradient_flow",
    "name_intermediates", "plot_history", "record_backward", "record_modules", "save_graph", "to_json", "trace",
]
