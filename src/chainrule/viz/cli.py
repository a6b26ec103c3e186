"""`chainrule graph "(x + y) * z" x=-2 y=5 z=-4 --out g.svg`: a formula's graph with values and gradients."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from . import formula as fm
from .dot import GraphvizNotFound
from .export import draw_graph, export_json, save_graph
from .graph import BackwardRecord, name_intermediates, record_backward

USAGE = """chainrule graph FORMULA NAME=VALUE ... [--out FILE ...] [--quiet]

  chainrule graph "(x + y) * z" x=-2 y=5 z=-4 --out g.svg
  chainrule graph "(x + y) * max(y, z)" x=1 y=2 z=0 --out g.dot --out g.json

Writes .svg/.png/.pdf (needs the Graphviz `dot` program), .dot/.gv (DOT text) or .json (docs/graph-json.md)
by the file's suffix, and prints the value, each backward step and the gradients. Inner results are named
q, r, s, ... and the output f, as in the lectures."""


@dataclass
class FormulaGraph:
    """A formula evaluated and differentiated: its output, leaves, names, backward record and drawn graph."""

    output: object
    leaves: dict
    names: dict
    record: BackwardRecord
    graph: object

    @property
    def grads(self) -> dict[str, float]:
        return {k: (float(t.grad.item()) if t.grad is not None else 0.0) for k, t in self.leaves.items()}


def formula_graph(text: str, values: dict, **draw_kwargs) -> FormulaGraph:
    """Evaluate `text` at `values`, run a recorded backward and draw it (inner results q, r, ...; f).

    Args:
        text: the formula, e.g. "(x + y) * z" (see chainrule.viz.formula for the syntax).
        values: {variable: number} for every variable.
        **draw_kwargs: draw_graph's options.

    Returns:
        A FormulaGraph: output, leaves, names, record, graph (and `.grads`, {variable: gradient}).

    Raises:
        chainrule.viz.formula.FormulaError: a formula that does not parse (the message points at the error).

    Examples:
        >>> from chainrule import viz
        >>> fg = viz.formula_graph("(x + y) * z", {"x": -2, "y": 5, "z": -4})
        >>> fg.output.item(), fg.grads
        (-12.0, {'x': -4.0, 'y': -4.0, 'z': 3.0})
        >>> fg.graph.source.startswith("digraph")
        True
    """
    out, leaves = fm.evaluate(text, values)
    names = name_intermediates(out, leaves)
    record = record_backward(out, names=names) if out.requires_grad else None
    graph = draw_graph(out, names=names, record=record, **draw_kwargs)
    return FormulaGraph(out, leaves, names, record, graph)


def _values(pairs: list[str]) -> dict:
    values = {}
    for p in pairs:
        name, eq, v = p.strip().partition("=")
        if not eq or not name.strip():
            raise ValueError(f"expected NAME=VALUE, got {p.strip()!r}")
        try:
            values[name.strip()] = float(v)
        except ValueError:
            raise ValueError(f"{name.strip()}: {v!r} is not a number") from None
    return values


_OPTIONS = ("-h", "--help", "--quiet", "--out")


def _formula_not_option(argv: list[str]) -> list[str]:
    """argv with a formula that starts with '-' ("-x", "-x*y") marked as an argument, so `graph "-x"` needs no
    `--`: argparse reads a token with a space as positional, and the formula parser skips the space."""
    out, skip = [], False
    for i, tok in enumerate(argv):
        if tok == "--":
            return out + argv[i:]
        if skip or not tok.startswith("-") or tok in _OPTIONS or tok.startswith("--out="):
            skip = tok == "--out"
            out.append(tok)
            continue
        out.append(" " + tok)
    return out


def cli_graph(argv=None) -> int:
    """Entry point of `chainrule graph` (returns the exit status).

    Args:
        argv: the arguments after `chainrule graph` (default None: sys.argv[1:]): the formula, NAME=VALUE
            pairs, and `--out FILE` (repeatable) or `--quiet`.

    Returns:
        0 on success, 2 for a formula or value that does not parse.

    Examples:
        >>> from chainrule import viz
        >>> viz.cli_graph(["(x + y) * z", "x=-2", "y=5", "z=-4", "--out", "graph.json"])
        f = (x + y) * z = -12
        backward:
          mul q*z: upstream 1.0 x local [z=-4, q=3] -> grads [-4.0, 3.0]
          add x+y: upstream -4.0 x local [1, 1] -> grads [-4.0, -4.0]
        gradients: df/dx = -4.0, df/dy = -4.0, df/dz = 3.0
        wrote graph.json
        0
    """
    p = argparse.ArgumentParser(prog="chainrule graph", usage=USAGE.split("\n\n")[0],
                                description="Draw a formula's computational graph with values and gradients.",
                                epilog=USAGE.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("formula", help='e.g. "(x + y) * z"')
    p.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a value for every variable, e.g. x=-2")
    p.add_argument("--out", action="append", default=[], metavar="FILE",
                   help="write the graph (.svg .png .pdf .dot .gv .json); may be repeated")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    args = p.parse_args(_formula_not_option(list(sys.argv[1:] if argv is None else argv)))
    args.formula = args.formula.strip()
    try:
        fg = formula_graph(args.formula, _values(args.values))
    except fm.FormulaError as e:
        print(f"chainrule graph: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"chainrule graph: {e}", file=sys.stderr)
        return 2
    if not args.quiet:
        _report(fg, args.formula)
    status = 0
    for path in args.out:
        status = max(status, _write(fg, path, args.quiet))
    return status


def _report(fg: FormulaGraph, text: str) -> None:
    from .trace import fmt_grad, fmt_value

    out_name = fg.names.get(fg.output, "f")
    print(f"{out_name} = {fm.parse(text).to_text()} = {fmt_value(fg.output)}")
    if fg.record is not None:
        print("backward:")
        for line in fg.record.lines:
            print("  " + line)
    grads = ", ".join(f"d{out_name}/d{k} = {fmt_grad(t.grad if t.grad is not None else 0.0)}"
                      for k, t in fg.leaves.items())
    if grads:
        print("gradients: " + grads)


def _write(fg: FormulaGraph, path: str, quiet: bool) -> int:
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext == ".json":
            export_json(fg.output, path, names=fg.names, record=fg.record)
        else:
            save_graph(fg.graph, path)
    except GraphvizNotFound as e:
        dot = os.path.splitext(path)[0] + ".dot"
        save_graph(fg.graph, dot)
        print(f"chainrule graph: {e}\nwrote the DOT text to {dot} instead", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"chainrule graph: cannot write {path}: {e}", file=sys.stderr)
        return 1
    if not quiet:
        print(f"wrote {path}")
    return 0
