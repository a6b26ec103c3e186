"""Print the backward pass step by step: upstream gradient x local gradient -> gradient to each input."""

from __future__ import annotations

import sys

import numpy as np


def _fmt(a) -> str:
    arr = np.asarray(getattr(a, "_data", a))
    if arr.size == 1:
        return f"{arr.item():.4g}"
    return f"<{tuple(arr.shape)} |{np.linalg.norm(arr.ravel()):.3g}|>"


def printer(trace, file=None):
    """A callback for the engine that prints one line per node, in the order the engine runs them."""
    names = trace if isinstance(trace, dict) else {}
    out = file or sys.stdout

    def on_step(node, upstream, grads):
        label = type(node).__name__.lower()
        ins = [names.get(id(t), "") if hasattr(t, "_data") else repr(t) for t in node.inputs]
        local = []
        for g in grads:
            if g is None:
                local.append("-")
                continue
            u = np.asarray(getattr(upstream, "_data", upstream))
            ga = np.asarray(getattr(g, "_data", g))
            local.append(_fmt(ga / u) if u.size == 1 and ga.size == 1 and u.item() != 0 else "…")
        print(f"{label} {','.join(ins)}: upstream {_fmt(upstream)} x local [{', '.join(local)}] -> grads "
              f"[{', '.join('-' if g is None else _fmt(g) for g in grads)}]", file=out)

    return on_step


def trace(output, names=None, file=None) -> None:
    """Run output.backward() printing each step (see `printer`)."""
    output.backward(trace=names if names else True) if file is None else _run(output, names, file)


def _run(output, names, file):
    from .engine import _root_grad, run_backward

    run_backward([(output, _root_grad(output, None, "trace"))], on_step=printer(names or True, file))
