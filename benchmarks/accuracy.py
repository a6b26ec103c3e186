"""Accuracy parity with PyTorch: `python benchmarks/accuracy.py --recipe seeds [--data-dir DIR] [--epochs N]`.

Runs one recipe in chainrule (its DataLoader, `fit` and `evaluate`) and in PyTorch from the SAME initial weights
(drawn once with NumPy, copied into both), on the same data, in the same batch order (chainrule's
`DataLoader(shuffle=True, seed=s)` permutes with `numpy.random.default_rng(s)`; the PyTorch loop draws the same
permutations). Epochs are interleaved (chainrule, PyTorch, chainrule, ...) so machine load hits both alike.
Prints per-epoch training loss, test accuracy and epoch time side by side, then a summary.

Timings: both libraries use all cores by default (OpenBLAS / PyTorch's intra-op threads). On a machine shared with
other jobs, multi-threaded BLAS slows down many times over; for stable figures pass `--threads 1` (NumPy's BLAS
and PyTorch on one thread each). The thread count changes float rounding, so accuracies differ slightly with it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from itertools import pairwise

import numpy as np

import chainrule as cr
from chainrule import nn
from chainrule.train import evaluate, fit

# The seeds' recipe (issue 4): MNIST, MLP 784-256-128-10, ReLU, He init, Adam 1e-3, batch 128, 8 epochs.
RECIPES = {
    "seeds": {"dataset": "mnist", "sizes": (784, 256, 128, 10), "lr": 1e-3, "batch_size": 128, "epochs": 8},
}


def default_data_dir() -> str:
    """$CHAINRULE_DATA, else the project's shared data folder (../shared/datasets from the repository root)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("CHAINRULE_DATA") or os.path.join(here, "..", "..", "shared", "datasets")


def load_arrays(name: str, data_dir: str):
    """(X, y, Xt, yt): normalised float32 (N, 784) images and int64 labels."""
    fn = getattr(cr.data.datasets, name.replace("-", "_"))
    root = os.path.join(data_dir, name)
    try:
        tr, te = fn(root=root, train=True, flatten=True), fn(root=root, train=False, flatten=True)
    except FileNotFoundError as e:
        sys.exit(f"accuracy.py: {e}")
    arr = [a.numpy() if hasattr(a, "numpy") else np.asarray(a) for a in (tr.data, tr.targets, te.data, te.targets)]
    return tuple(np.ascontiguousarray(a) for a in arr)


def he_init(sizes, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """He (Kaiming) normal weights, std sqrt(2 / fan_in), (out, in) layout as both frameworks store it; zero biases."""
    rng = np.random.default_rng(seed)
    return [((rng.standard_normal((b, a)) * np.sqrt(2.0 / a)).astype(np.float32), np.zeros(b, np.float32))
            for a, b in pairwise(sizes)]


def cr_model(params):
    layers = []
    for i, (w, b) in enumerate(params):
        lin = nn.Linear(w.shape[1], w.shape[0])
        lin.weight._data[...] = w
        lin.bias._data[...] = b
        layers += [lin, nn.ReLU()] if i < len(params) - 1 else [lin]
    return nn.Sequential(*layers)


def torch_model(torch, params):
    layers = []
    for i, (w, b) in enumerate(params):
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin, torch.nn.ReLU()] if i < len(params) - 1 else [lin]
    return torch.nn.Sequential(*layers)


class ChainruleRun:
    """The recipe as a chainrule user writes it: DataLoader, fit (one epoch per call), evaluate."""

    def __init__(self, params, X, y, Xt, yt, r, seed):
        self.model = cr_model(params)
        self.opt = cr.optim.Adam(self.model.parameters(), lr=r["lr"])
        self.loss_fn = nn.CrossEntropyLoss()
        self.loader = cr.data.DataLoader(cr.data.TensorDataset(X, y), batch_size=r["batch_size"], shuffle=True,
                                         seed=seed)
        self.test = cr.data.DataLoader(cr.data.TensorDataset(Xt, yt), batch_size=1000)

    def epoch(self) -> dict:
        h = fit(self.model, self.loss_fn, self.opt, self.loader, 1, progress=False)
        res = evaluate(self.model, self.test, self.loss_fn)
        return {"loss": h.last("loss"), "acc": res["accuracy"], "time": h.last("time")}


class TorchRun:
    """The same recipe in PyTorch, in chainrule's batch order (the same NumPy permutations)."""

    def __init__(self, torch, params, X, y, Xt, yt, r, seed):
        self.torch = torch
        self.model = torch_model(torch, params)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=r["lr"])
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y)
        self.Xt, self.yt = torch.from_numpy(Xt), yt
        self.rng, self.batch = np.random.default_rng(seed), r["batch_size"]

    def epoch(self) -> dict:
        torch, t0 = self.torch, time.perf_counter()
        self.model.train()
        perm = torch.from_numpy(self.rng.permutation(len(self.X)))
        total = 0.0
        for i in range(0, len(perm), self.batch):
            idx = perm[i:i + self.batch]
            xb, yb = self.X[idx], self.y[idx]
            self.opt.zero_grad()
            loss = self.loss_fn(self.model(xb), yb)
            loss.backward()
            self.opt.step()
            total += loss.item() * len(idx)
        dt = time.perf_counter() - t0
        self.model.eval()
        with torch.no_grad():
            acc = float((self.model(self.Xt).argmax(1).numpy() == self.yt).mean())
        return {"loss": total / len(perm), "acc": acc, "time": dt}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipe", choices=sorted(RECIPES), default="seeds")
    ap.add_argument("--data-dir", default=None, help="folder holding mnist/ (default: $CHAINRULE_DATA or "
                                                      "../shared/datasets)")
    ap.add_argument("--epochs", type=int, default=None, help="override the recipe's epoch count")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=["both", "chainrule", "pytorch"], default="both")
    ap.add_argument("--threads", type=int, default=None,
                    help="BLAS/PyTorch threads for both (default: each library's own default)")
    args = ap.parse_args(argv)
    if args.threads:
        from chainrule.utils.threads import blas_threads

        with blas_threads(args.threads):
            return run(args)
    return run(args)


def run(args) -> int:
    r = dict(RECIPES[args.recipe])
    epochs = args.epochs or r["epochs"]
    X, y, Xt, yt = load_arrays(r["dataset"], args.data_dir or default_data_dir())
    params = he_init(r["sizes"], args.seed)
    runs = {}
    if args.only in ("both", "chainrule"):
        runs["chainrule"] = ChainruleRun(params, X, y, Xt, yt, r, args.seed)
    if args.only in ("both", "pytorch"):
        try:
            import torch
        except ImportError:
            print("accuracy.py: PyTorch is not installed; running chainrule only (pip install torch)")
        else:
            if args.threads:
                torch.set_num_threads(args.threads)
            runs["pytorch"] = TorchRun(torch, params, X, y, Xt, yt, r, args.seed)
            print(f"PyTorch {torch.__version__} on {torch.get_num_threads()} threads")
    print(f"BLAS threads: {args.threads or 'library default'}; {os.cpu_count()} CPUs")
    print(f"recipe {args.recipe}: {r['dataset']}, MLP {'-'.join(map(str, r['sizes']))}, ReLU, He normal init "
          f"(shared), Adam lr {r['lr']}, batch {r['batch_size']}, {epochs} epochs, seed {args.seed}; "
          f"{len(X)} train / {len(Xt)} test; chainrule {cr.__version__}, NumPy {np.__version__}")
    head = "epoch" + "".join(f"  | {k:<9} loss    test acc  time" for k in runs)
    print(head, flush=True)
    logs = {k: [] for k in runs}
    for e in range(1, epochs + 1):
        row = f"{e:5d}"
        for k, run in runs.items():
            m = run.epoch()
            logs[k].append(m)
            row += f"  | {'':<9} {m['loss']:.4f}  {m['acc'] * 100:6.2f}%  {m['time']:5.1f}s"
        print(row, flush=True)
    print("summary")
    for k, ms in logs.items():
        t = [m["time"] for m in ms]
        print(f"  {k:<9}  final test accuracy {ms[-1]['acc'] * 100:.2f}%  best {max(m['acc'] for m in ms) * 100:.2f}%"
              f"  epoch time median {np.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f})")
    if len(logs) == 2:
        a, b = (logs[k][-1]["acc"] for k in logs)
        tr = np.median([m["time"] for m in logs["chainrule"]]) / np.median([m["time"] for m in logs["pytorch"]])
        print(f"  chainrule - pytorch: {(a - b) * 100:+.2f} points of accuracy; chainrule/pytorch epoch time {tr:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
