"""Shuffling: mini-batches in a fixed order vs reshuffled every epoch.

Data often arrive sorted (by class, by time). Fed in that fixed order, every batch holds one class, each step
pulls the net towards that class, and the epoch ends with the model biased to the last class seen: the
gradient of a batch is a biased estimate of the full gradient. Three runs of the same 2-32-32-3 net on three
Gaussian blobs with the same steps: sorted fixed order, one random order kept fixed, and a new random order
each epoch.
"""

from __future__ import annotations

import numpy as np

import chainrule

from ._common import accuracy, arrays, ce_loss, mlp, standardize, train_step

NAME, TITLE = "shuffle", "mini-batches in a fixed (class-sorted) order vs reshuffled each epoch"
ORDERS = ["sorted (fixed)", "shuffled once (fixed)", "reshuffled each epoch"]


def run(r) -> dict:
    n, epochs, batch = r.size(1200, 3000), r.size(4, 30), 50
    X, y = arrays(chainrule.data.datasets.blobs(n=n, centers=np.array([[0.0, 0.0], [3.0, 0.0], [1.5, 2.5]]),
                                                std=1.0, seed=r.seed))
    X = standardize(X)
    Xte, yte = X[: n // 5], y[: n // 5]
    X, y = X[n // 5:], y[n // 5:]
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]  # the data as they came: sorted by class
    runs = {}
    for mode in ORDERS:
        chainrule.manual_seed(r.seed)
        model = mlp([2, 32, 32, 3], "relu", init="he")
        opt = chainrule.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        rng = r.rng(2)
        fixed = rng.permutation(len(X))
        step_loss, epoch_loss, epoch_acc = [], [], []
        for _ in range(epochs):
            if mode.startswith("sorted"):
                idx = np.arange(len(X))
            else:
                idx = fixed if "once" in mode else rng.permutation(len(X))
            for k in range(0, len(idx), batch):
                b = idx[k:k + batch]
                step_loss.append(train_step(model, opt, X[b], y[b]))
            epoch_loss.append(ce_loss(model, X, y))
            epoch_acc.append(accuracy(model, Xte, yte))
        runs[mode] = {"step_loss": step_loss, "epoch_train_loss": epoch_loss,
                      "epoch_test_accuracy": epoch_acc, "final_train_loss": epoch_loss[-1],
                      "final_test_accuracy": epoch_acc[-1]}
    if r.can_plot:
        _plots(r, runs, (len(X) + batch - 1) // batch)
    return {
        "result": {"final_train_loss": {k: v["final_train_loss"] for k, v in runs.items()},
                   "final_test_accuracy": {k: v["final_test_accuracy"] for k, v in runs.items()}},
        "runs": runs,
        "config": {"n_train": len(X), "epochs": epochs, "batch_size": batch, "model": "2-32-32-3 ReLU",
                   "optimizer": "SGD lr 0.05 momentum 0.9",
                   "data": "3 Gaussian blobs, training set sorted by class"},
    }


def _plots(r, runs, per_epoch: int) -> None:
    fig, (a, b) = r.figure(1, 2, size=(11, 3.8))
    for mode, run_ in runs.items():
        a.plot(run_["step_loss"], lw=0.8, label=mode)
        b.plot(np.arange(1, len(run_["epoch_train_loss"]) + 1), run_["epoch_train_loss"], marker="o", ms=3,
               label=mode)
    a.set_yscale("log")
    a.set_xlabel(f"step ({per_epoch} per epoch)")
    a.set_ylabel("batch loss")
    a.set_title("loss of each mini-batch")
    b.set_yscale("log")
    b.set_xlabel("epoch")
    b.set_ylabel("loss on the whole training set")
    b.set_title("after each epoch")
    for ax in (a, b):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    r.save(fig, "loss.png")
