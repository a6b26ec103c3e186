"""Showing a plan: `explain()` text (ops, buffers and their bytes, what fused) and DOT text for draw_graph."""

from __future__ import annotations

import sys

from .tape import OpRecord, Ref


def explain(compiled, file=None) -> str:
    """The text of the last plan of `compiled` (printed to file, default stdout, and returned)."""
    stats = compiled.stats
    lines = [(f"chainrule.compile plan of {getattr(compiled.fn, '__qualname__', 'fn')}: "
              f"{stats['records']} recorded, {stats['replays']} replayed, {stats['eager']} eager calls")]
    for why in dict.fromkeys(compiled.reasons.values()):
        lines.append(f"  eager: {why}")
    rep = compiled.last
    if rep is None:
        lines.append("  (no plan yet)")
    else:
        plan = rep.plan
        lines.append(f"steps ({len(plan.lines)}):")
        lines += [f"  {phase:9s} {text}" for phase, text in plan.lines]
        if plan.released:
            lines.append(f"  (and {plan.released} values dropped after their last reader, as eager mode drops them)")
        total = sum(a.nbytes for _, a in plan.buffers)
        lines.append(f"buffers ({len(plan.buffers)}, {total} bytes, allocated once):")
        lines += [f"  {name:28s} {tuple(a.shape)!s:14s} {a.dtype.name:8s} {a.nbytes:>10d} B"
                  for name, a in plan.buffers]
        lines.append("fused:" if plan.fused else "fused: nothing")
        lines += [f"  {f}" for f in plan.fused]
    text = "\n".join(lines)
    print(text, file=file or sys.stdout)
    return text


def plan_dot(compiled) -> str:
    """DOT text of the last plan: one box per recorded op (fused kernels shaded), arguments and parameters
    as ellipses, calls (optimizer, backward) as notes in tape order."""
    rep = compiled.last
    out = ["digraph plan {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    if rep is None:
        out.append('  empty [label="no plan yet", shape=plaintext];')
        return "\n".join(out + ["}"])
    plan = rep.plan
    tape = plan.tape
    names = {}
    for k, e in enumerate(tape.entries):
        if isinstance(e, OpRecord):
            fused = k in plan.kernels
            style = ', style=filled, fillcolor="#cfe8ff"' if fused else ""
            label = f"{e.cls.__name__}\\n{tuple(e.shape)}"
            out.append(f'  op{k} [shape=box, label="[{k}] {label}"{style}];')
            for a in e.args:
                if isinstance(a, Ref):
                    out.append(f"  {_node(a, names, tape, out)} -> op{k};")
        else:
            label = getattr(e, "name", "backward")
            out.append(f'  ev{k} [shape=note, label="[{k}] {label}"];')
    return "\n".join(out + ["}"])


def _node(r: Ref, names: dict, tape, out: list) -> str:
    if r.kind in ("op", "det"):
        return f"op{r.index}"
    if r.kind == "call":
        return f"ev{r.index}"
    name = f"{r.kind}{r.index}"
    if name not in names:
        if r.kind == "arg":
            label = f"argument {r.index}"
        else:
            t = tape.externals[r.index]
            label = f"{'parameter' if t._rg else 'constant'} {tuple(t._data.shape)}"
        names[name] = label
        out.append(f'  {name} [shape=ellipse, label="{label}"];')
    return name
