"""One Adam step over the MNIST MLP's parameters (784-256-128-10): chainrule flat, per-parameter, PyTorch.

    PYTHONPATH=src python tests/optim/bench_adam_step.py [--reps 500] [--threads N]

Not collected by pytest (no test_ prefix). Reports the median and the minimum of `reps` timed steps, in µs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import chainrule as cr
from chainrule import optim

SHAPES = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]


def timed(step, reps: int, before=None) -> tuple:
    for _ in range(20):
        if before:
            before()
        step()
    ts = []
    for _ in range(reps):
        if before:
            before()
        t0 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t0)
    return np.median(ts) * 1e6, np.min(ts) * 1e6


def chainrule_case(foreach, grads_as_views: bool, reps: int) -> tuple:
    rng = np.random.default_rng(0)
    ps = [cr.tensor(rng.standard_normal(s).astype(np.float32) * 0.05, requires_grad=True) for s in SHAPES]
    gs = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    opt = optim.Adam(ps, lr=1e-3, foreach=foreach)
    if grads_as_views:  # as after zero_grad(set_to_none=False) + backward: the engine adds into the views
        for p, g in zip(ps, gs):
            p.grad = cr.tensor(g)
        opt.zero_grad(set_to_none=False)
        for p, g in zip(ps, gs):
            p._grad._data += g
        return timed(opt.step, reps)

    def fresh_grads():  # as after zero_grad() + backward: new gradient arrays every step
        for p, g in zip(ps, gs):
            p._grad = cr.Tensor._wrap(g.copy())

    return timed(opt.step, reps, fresh_grads)


def torch_case(reps: int, **kw) -> tuple:
    import torch

    torch.manual_seed(0)
    ps = [torch.randn(*s, requires_grad=True) for s in SHAPES]
    for p in ps:
        p.grad = torch.randn_like(p)
    opt = torch.optim.Adam(ps, lr=1e-3, **kw)
    return timed(opt.step, reps)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=500)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    n = sum(int(np.prod(s)) for s in SHAPES)
    print(f"Adam step, {n:,} float32 parameters in {len(SHAPES)} tensors; median/min of {args.reps} steps")
    rows = [
        ("chainrule flat, grads already in the flat buffer", chainrule_case(None, True, args.reps)),
        ("chainrule flat, fresh grad arrays copied in", chainrule_case(None, False, args.reps)),
        ("chainrule per-parameter (foreach=False)", chainrule_case(False, False, args.reps)),
    ]
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        if args.threads:
            torch.set_num_threads(args.threads)
        t = torch.get_num_threads()
        rows += [
            (f"torch {torch.__version__} foreach=False ({t} threads)", torch_case(args.reps, foreach=False)),
            (f"torch default ({t} threads)", torch_case(args.reps)),
            (f"torch foreach=True ({t} threads)", torch_case(args.reps, foreach=True)),
            (f"torch fused=True ({t} threads)", torch_case(args.reps, fused=True)),
        ]
    for name, (med, lo) in rows:
        print(f"  {name:<52} {med:8.0f} µs   (min {lo:.0f})")


if __name__ == "__main__":
    main()
