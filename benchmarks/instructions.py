"""Instructions per unit of work, counted by callgrind: deterministic on a busy machine, where timings are not.

    python benchmarks/instructions.py [--src src] [--only op-chain-1000,nograd-op,mlp-step-b128]

Each workload runs under `valgrind --tool=callgrind` at two repeat counts; the difference of the two totals,
divided by the difference of the counts, is the cost of one unit with the interpreter's start-up and the imports
cancelled. `--src` is the source tree put on PYTHONPATH, so two checkouts compare with the same script
(`--src ../base/src`). Needs valgrind; takes about a minute per workload. The workloads:

- op-chain-1000: the 1,000-op chain of `run.py` (mul, add, tanh, sigmoid on 64 floats), forward + backward;
- nograd-op: one `t * t` on 64 floats under no_grad (instructions per op);
- mlp-step-b128: one training step of the 784-256-128-10 MLP with Adam and cross-entropy at batch 128 (batch
  from a DataLoader, zero_grad, forward, backward, step). Its matrix products dominate it.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

# units per run: (small, large); the difference is what is measured
COUNTS = {"op-chain-1000": (1, 4), "nograd-op": (2000, 12000), "mlp-step-b128": (2, 6)}


def _workload(name: str, n: int) -> None:
    """Run `n` units of a workload after one unit of warm-up (caches filled in both runs alike)."""
    import numpy as np

    import chainrule as cr

    if name == "op-chain-1000":
        x0 = np.random.default_rng(0).standard_normal(64).astype(np.float32)

        def unit():
            x = cr.tensor(x0, requires_grad=True)
            y = x
            for _ in range(250):
                y = (y * 0.9 + 0.1).tanh().sigmoid()
            y.sum().backward()

        units = [unit] * (n + 1)
    elif name == "nograd-op":
        t = cr.from_numpy(np.random.default_rng(0).standard_normal(64).astype(np.float32))

        def ops(k):
            with cr.no_grad():
                for _ in range(k):
                    t * t

        units = [lambda: ops(100), lambda: ops(n)]  # warm-up, then the n measured ops
    elif name == "mlp-step-b128":
        from chainrule import nn

        cr.manual_seed(0)
        rng = np.random.default_rng(0)
        X = rng.standard_normal((128 * 8, 784)).astype(np.float32)
        y = rng.integers(0, 10, 128 * 8)
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
        opt = cr.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        loader = cr.utils.data.DataLoader(cr.utils.data.TensorDataset(cr.from_numpy(X), cr.from_numpy(y)),
                                          batch_size=128, shuffle=True, seed=0)
        batches = iter(())

        def unit():
            nonlocal batches
            try:
                xb, yb = next(batches)
            except StopIteration:
                batches = iter(loader)
                xb, yb = next(batches)
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()

        units = [unit] * (n + 1)
    else:
        raise SystemExit(f"unknown workload {name!r}; choose from {', '.join(COUNTS)}")
    for u in units:
        u()


def _count(name: str, n: int, src: str) -> int:
    """Total instructions of one callgrind run of `n` units."""
    env = dict(os.environ, PYTHONPATH=os.path.abspath(src), PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                        os.path.abspath(__file__), "--worker", name, str(n)],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as f:
            text = f.read()
    m = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    return int(m.group(1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default=os.path.join(os.path.dirname(__file__), "..", "src"),
                    help="the source tree to measure (put on PYTHONPATH); default: this checkout's src")
    ap.add_argument("--only", default=",".join(COUNTS), help="comma-separated workload names")
    ap.add_argument("--worker", nargs=2, metavar=("NAME", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _workload(args.worker[0], int(args.worker[1]))
        return 0
    for name in args.only.split(","):
        lo, hi = COUNTS[name]
        a, b = _count(name, lo, args.src), _count(name, hi, args.src)
        per = (b - a) / (hi - lo)
        unit = "op" if name == "nograd-op" else "unit"
        print(f"{name:<16} {per:>14,.0f} instructions per {unit}   ({lo}: {a:,}  {hi}: {b:,})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
