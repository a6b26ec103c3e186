"""Two concentric rings: no line separates them; a 2-32-16-2 ReLU MLP learns a round boundary.

As the lecture's NumPy program (and TensorFlow's Neural Network Playground): standardised inputs, He init,
softmax cross-entropy, mini-batch SGD with momentum; loss and accuracy per epoch on a training and a held-out
split.
"""

from __future__ import annotations

import chainrule

from ._common import accuracy, arrays, ce_loss, mlp, split, standardize, train_step

NAME, TITLE = "rings", "decision boundary of a 2-32-16-2 MLP on two concentric rings"


def run(r) -> dict:
    n, epochs, batch = r.size(600, 2000), r.size(12, 40), 64
    X, y = arrays(chainrule.data.datasets.rings(n=n, r_in=1.0, r_out=2.0, noise=0.1, seed=r.seed))
    X = standardize(X)
    Xtr, ytr, Xte, yte = split(X, y, 0.2, r.rng(1))
    chainrule.manual_seed(r.seed)
    model = mlp([2, 32, 16, 2], "relu", init="he")
    opt = chainrule.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    hist = {"epoch": [], "train_loss": [], "train_accuracy": [], "test_loss": [], "test_accuracy": []}
    rng = r.rng(2)
    for epoch in range(1, epochs + 1):
        idx = rng.permutation(len(Xtr))
        for k in range(0, len(idx), batch):
            b = idx[k:k + batch]
            train_step(model, opt, Xtr[b], ytr[b])
        hist["epoch"].append(epoch)
        hist["train_loss"].append(ce_loss(model, Xtr, ytr))
        hist["train_accuracy"].append(accuracy(model, Xtr, ytr))
        hist["test_loss"].append(ce_loss(model, Xte, yte))
        hist["test_accuracy"].append(accuracy(model, Xte, yte))
    if r.can_plot:
        _plots(r, model, Xtr, ytr, hist)
    return {
        "result": {"test_accuracy": hist["test_accuracy"][-1], "train_accuracy": hist["train_accuracy"][-1],
                   "final_test_loss": hist["test_loss"][-1]},
        "config": {"n": n, "epochs": epochs, "batch_size": batch, "optimizer": "SGD lr 0.05 momentum 0.9",
                   "layers": [2, 32, 16, 2], "init": "he"},
        "history": hist,
    }


def _plots(r, model, X, y, hist) -> None:
    from ..viz.plots import decision_boundary

    title = f"2-32-16-2 MLP, test accuracy {hist['test_accuracy'][-1]:.3f}"
    fig = decision_boundary(model, X, y, title=title)
    r.save(fig, "decision_boundary.png")
    fig, (a, b) = r.figure(1, 2, size=(9.5, 3.6))
    for key in ("train_loss", "test_loss"):
        a.plot(hist["epoch"], hist[key], label=key.replace("_", " "))
    for key in ("train_accuracy", "test_accuracy"):
        b.plot(hist["epoch"], hist[key], label=key.replace("_", " "))
    a.set_yscale("log")
    for ax, lab in ((a, "cross-entropy"), (b, "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(lab)
        ax.grid(alpha=0.3)
        ax.legend()
    r.save(fig, "curves.png")
