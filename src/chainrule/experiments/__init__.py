"""The lectures' experiments, one file each: `chainrule experiment NAME --out DIR` (`--list` names them).

Each writes PNG plots (with matplotlib) and summary.json (the measured outcome) into DIR, is seeded, and
finishes in under two minutes on two cores (`--quick`: a few seconds, for tests). From Python:

    summary = chainrule.experiments.run("xor", "out/xor", quick=True)
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from ..argtypes import non_negative_int

# name -> (module, one line); the modules are imported only when run
REGISTRY = {
    "xor": ("xor", "a 2-2-1 ReLU net with explicit weights computes XOR; nets trained from random starts"),
    "rings": ("rings", "decision boundary of a 2-32-16-2 MLP on two concentric rings; loss and accuracy"),
    "vanishing-gradients": ("vanishing", "gradient norm per layer, 10 layers, sigmoid/tanh/ReLU x Xavier/He"),
    "initialization": ("initialization", "Xavier vs He for tanh and ReLU nets: activations per layer, loss"),
    "optimizers": ("optimizers", "SGD, momentum 0.5->0.9, Nesterov, RMSprop, Adam on Rosenbrock and MNIST"),
    "lr-schedules": ("lr_schedules", "step, a/(b+t), cosine, warmup, on plateau: lr and loss per step"),
    "shuffle": ("shuffle", "mini-batches in a fixed (class-sorted) order vs reshuffled each epoch"),
    "batch-size": ("batch_size", "full-batch GD vs SGD (batch 1) vs mini-batch: loss per example and second"),
    "universal-approximation": ("universal", "one-hidden-layer ReLU nets, growing width, fit a 1-D function"),
    "losses": ("losses", "sigmoid+MSE vs sigmoid+BCE: the output gradient over the logit, saturation"),
    "bptt": ("bptt", "gradient norm per time step: tanh RNN vs LSTM vs GRU; an unrolled RNN's graph"),
    "gradcheck": ("gradcheck", "gradcheck every built-in op and layer: max relative error per op"),
}


def names() -> list[str]:
    """The experiments' names, in the order of the lectures.

    Examples:
        >>> import chainrule.experiments as experiments
        >>> experiments.names()[:4]
        ['xor', 'rings', 'vanishing-gradients', 'initialization']
    """
    return list(REGISTRY)


def get(name: str):
    """The module of experiment `name` (it has NAME, TITLE and run(Run) -> dict).

    Args:
        name: one of `names()`.

    Raises:
        KeyError: an unknown name (the message lists the known ones).

    Examples:
        >>> import chainrule.experiments as experiments
        >>> experiments.get("xor").TITLE
        'an explicit 2-2-1 ReLU net computes XOR; trained nets from random starts'
    """
    if name not in REGISTRY:
        raise KeyError(f"no experiment {name!r}; known: {', '.join(REGISTRY)}")
    return importlib.import_module(f".{REGISTRY[name][0]}", __name__)


def run(name: str, out, quick: bool = False, seed: int = 0, data_dir=None) -> dict:
    """Run one experiment into folder `out`; returns (and writes to out/summary.json) its summary.

    Args:
        name: one of `names()`.
        out: the folder for the plots and summary.json (created if missing).
        quick: a few seconds' version, for tests (default False).
        seed: the seed of every random draw (default 0).
        data_dir: where the data sets are (default None: $CHAINRULE_DATA, then the cache), for the
            experiments that read MNIST.

    Returns:
        The summary dict: experiment, seed, quick, seconds, result (the measured outcome), plots (file names),
        notes.

    Raises:
        KeyError: an unknown name.

    Examples:
        >>> import chainrule.experiments as experiments
        >>> summary = experiments.run("losses", "out/losses", quick=True)
        >>> summary["experiment"], sorted(summary["result"])[:2]
        ('losses', ['autograd_vs_formula_max_error', 'grad_at_z=-10'])
        >>> import os
        >>> sorted(os.listdir("out/losses"))[-1]
        'summary.json'
    """
    from ._common import Run, blas_threads

    mod = get(name)
    with blas_threads(1):
        r = Run(name, out, quick=quick, seed=seed, data_dir=data_dir)
        return r.finish(mod.run(r))


def cli(argv=None) -> int:
    """Entry point of `chainrule experiment` (returns the exit status).

    Args:
        argv: the arguments after `chainrule experiment` (default None: sys.argv[1:]), e.g. ["xor", "--out",
            "out/xor", "--quick"] or ["--list"].

    Returns:
        0 on success, 2 for a usage error (unknown experiment, unwritable --out).

    Examples:
        >>> import chainrule.experiments as experiments
        >>> experiments.cli(["--list"])
        xor                      a 2-2-1 ReLU net with explicit weights computes XOR; nets trained f...
        rings                    decision boundary of a 2-32-16-2 MLP on two concentric rings; loss...
        vanishing-gradients      gradient norm per layer, 10 layers, sigmoid/tanh/ReLU x Xavier/He
        initialization           Xavier vs He for tanh and ReLU nets: activations per layer, loss
        optimizers               SGD, momentum 0.5->0.9, Nesterov, RMSprop, Adam on Rosenbrock and MNIST
        lr-schedules             step, a/(b+t), cosine, warmup, on plateau: lr and loss per step
        shuffle                  mini-batches in a fixed (class-sorted) order vs reshuffled each epoch
        batch-size               full-batch GD vs SGD (batch 1) vs mini-batch: loss per example and second
        universal-approximation  one-hidden-layer ReLU nets, growing width, fit a 1-D function
        losses                   sigmoid+MSE vs sigmoid+BCE: the output gradient over the logit, saturation
        bptt                     gradient norm per time step: tanh RNN vs LSTM vs GRU; an unrolled RNN's graph
        gradcheck                gradcheck every built-in op and layer: max relative error per op
        0
    """
    p = argparse.ArgumentParser(
        prog="chainrule experiment",
        description="Run one of the lectures' experiments; writes PNG plots and summary.json into --out.",
        epilog="experiments:\n" + "\n".join(f"  {k:<24} {v[1]}" for k, v in REGISTRY.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", nargs="?", help="experiment name, or 'all'")
    p.add_argument("--list", action="store_true", help="list the experiments and exit")
    p.add_argument("--out", default=None, help="output folder (default: experiments/NAME)")
    p.add_argument("--quick", action="store_true", help="small sizes (seconds; what the tests run)")
    p.add_argument("--seed", type=non_negative_int, default=0)
    p.add_argument("--data-dir", default=None, help="folder holding MNIST (else $CHAINRULE_DATA/mnist)")
    args = p.parse_args(argv)
    if args.list or not args.name:
        for k, v in REGISTRY.items():
            print(f"{k:<24} {v[1]}")
        return 0 if args.list else 2
    todo = names() if args.name == "all" else [args.name]
    if args.name != "all" and args.name not in REGISTRY:
        print(f"chainrule experiment: no experiment {args.name!r}; see --list", file=sys.stderr)
        return 2
    every = args.name == "all" and args.out
    outs = {name: f"{args.out}/{name}" if every else args.out or f"experiments/{name}" for name in todo}
    for out in outs.values():  # every folder checked before the first experiment runs
        problem = unwritable(out)
        if problem:
            print(f"chainrule experiment: --out {out}: {problem}", file=sys.stderr)
            return 2
    for name, out in outs.items():
        t = time.perf_counter()
        summary = run(name, out, quick=args.quick, seed=args.seed, data_dir=args.data_dir)
        print(f"{name}: {time.perf_counter() - t:.1f} s -> {out}/summary.json"
              + (f" and {len(summary['plots'])} plots" if summary["plots"] else ""))
        print(_headline(summary))
        for note in summary.get("notes", []):
            print(f"  note: {note}")
    return 0


def unwritable(out) -> str | None:
    """Why folder `out` cannot take an experiment's files (created if missing; a probe written), or None.

    Args:
        out: a folder path.

    Examples:
        >>> import chainrule.experiments as experiments
        >>> print(experiments.unwritable("results"))
        None
        >>> open("a-file", "w").close()
        >>> experiments.unwritable("a-file")
        'is a file, not a folder'
    """
    path = Path(out)
    if path.exists() and not path.is_dir():
        return "is a file, not a folder"
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".chainrule-probe-", dir=path)
    except OSError as e:
        return f"cannot write there: {e.strerror or e}"
    os.close(fd)
    os.unlink(probe)
    return None


def _headline(summary: dict) -> str:
    """The summary's 'result' entry (one line per key), as printed after a run."""
    res = summary.get("result", {})
    return "\n".join(f"  {k}: {json.dumps(v)}" for k, v in res.items())
