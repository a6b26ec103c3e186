"""Batch size: full-batch gradient descent, SGD (one example per step) and mini-batch SGD.

With the same number of examples seen, full-batch GD takes one careful step per epoch while SGD takes N noisy
ones; per second, a step on a batch of 32 costs about as much as a step on one example (the Python overhead
per op dominates), so mini-batches give most of SGD's progress per example at a fraction of its time. The
training loss is measured on the whole training set at checkpoints (not counted in the time).
"""

from __future__ import annotations

import time

import numpy as np

import chainrule

from ._common import arrays, ce_loss, mlp, standardize, train_step

NAME, TITLE = "batch-size", "full-batch GD vs SGD (batch 1) vs mini-batch: loss per example and per second"


def methods(n: int) -> dict:
    """name -> (batch size, learning rate)."""
    return {"full-batch GD": (n, 0.5), "SGD (batch 1)": (1, 0.01), "mini-batch (32)": (32, 0.1)}


def run(r) -> dict:
    n, epochs = r.size(400, 1500), r.size(3, 20)
    X, y = arrays(chainrule.data.datasets.moons(n=n, noise=0.15, seed=r.seed))
    X = standardize(X)
    runs = {}
    for name, (batch, lr) in methods(n).items():
        chainrule.manual_seed(r.seed)
        model = mlp([2, 32, 32, 2], "relu", init="he")
        opt = chainrule.optim.SGD(model.parameters(), lr=lr)
        rng = r.rng(2)
        seen, elapsed = 0, 0.0
        every = max(batch, n // 10)
        curve = {"examples": [0], "seconds": [0.0], "loss": [ce_loss(model, X, y)]}
        next_check = every
        for _ in range(epochs):
            idx = rng.permutation(n)
            for k in range(0, n, batch):
                b = idx[k:k + batch]
                t = time.perf_counter()
                train_step(model, opt, X[b], y[b])
                elapsed += time.perf_counter() - t
                seen += len(b)
                if seen >= next_check:
                    curve["examples"].append(seen)
                    curve["seconds"].append(elapsed)
                    curve["loss"].append(ce_loss(model, X, y))
                    next_check += every
        runs[name] = {"batch_size": batch, "lr": lr, "steps": seen // batch, "seconds": elapsed,
                      "final_loss": curve["loss"][-1], "curve": curve}
    t_common = min(v["seconds"] for v in runs.values())
    at_time = {k: float(np.interp(t_common, v["curve"]["seconds"], v["curve"]["loss"]))
               for k, v in runs.items()}
    if r.can_plot:
        _plots(r, runs)
    return {
        "result": {"final_loss": {k: v["final_loss"] for k, v in runs.items()},
                   "train_seconds": {k: v["seconds"] for k, v in runs.items()},
                   "loss_at_equal_time": {"seconds": t_common, **at_time}},
        "runs": runs,
        "config": {"n": n, "epochs": epochs, "model": "2-32-32-2 ReLU, He init", "optimizer": "plain SGD",
                   "data": "two moons, noise 0.15"},
    }


def _plots(r, runs) -> None:
    fig, (a, b) = r.figure(1, 2, size=(11, 3.8))
    for name, run_ in runs.items():
        c = run_["curve"]
        a.plot(c["examples"], c["loss"], marker="o", ms=2, label=f"{name}, lr {run_['lr']:g}")
        b.plot(c["seconds"], c["loss"], marker="o", ms=2, label=name)
    a.set_xlabel("examples seen")
    b.set_xlabel("training time (s)")
    b.set_xscale("symlog", linthresh=0.01)
    for ax in (a, b):
        ax.set_yscale("log")
        ax.set_ylabel("loss on the training set")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    r.save(fig, "loss.png")
