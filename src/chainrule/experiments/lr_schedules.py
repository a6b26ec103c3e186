"""Learning-rate schedules: constant, step, inverse time a/(b+t), cosine, warmup + cosine, reduce-on-plateau.

The same 2-64-64-2 ReLU net on two spirals, SGD with momentum 0.9 from lr 0.1; every schedule but the plateau
one is stepped per batch, the plateau one per epoch on the held-out loss (halving after 2 epochs without
improvement). Recorded: the learning rate and the loss at every step.
"""

from __future__ import annotations

import numpy as np

import chainrule

from ._common import accuracy, arrays, ce_loss, mlp, split, standardize, train_step

NAME, TITLE = "lr-schedules", "step, a/(b+t), cosine, warmup, reduce-on-plateau: lr and loss per step"
SCHEDULES = ["constant", "step", "inverse-time", "cosine", "warmup-cosine", "reduce-on-plateau"]
LR = 0.1


def scheduler(name: str, opt, total: int):
    """The scheduler for `name` over `total` steps (None for constant)."""
    S = chainrule.optim.lr_scheduler
    if name == "step":
        return S.StepLR(opt, step_size=max(1, total // 4), gamma=0.5)
    if name == "inverse-time":
        b = max(1.0, total / 10)
        return S.InverseTimeLR(opt, a=LR * b, b=b)
    if name == "cosine":
        return S.CosineAnnealingLR(opt, T_max=total)
    if name == "warmup-cosine":
        warm = max(1, total // 10)
        return S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.01, total_iters=warm),
                                    S.CosineAnnealingLR(opt, T_max=total - warm)], milestones=[warm])
    if name == "reduce-on-plateau":
        return S.ReduceLROnPlateau(opt, factor=0.5, patience=2)
    return None


def run(r) -> dict:
    n, epochs, batch = r.size(600, 2000), r.size(6, 40), 64
    X, y = arrays(chainrule.data.datasets.spirals(n=n, noise=0.05, seed=r.seed))
    Xtr, ytr, Xte, yte = split(standardize(X), y, 0.2, r.rng(1))
    per_epoch = (len(Xtr) + batch - 1) // batch
    total = epochs * per_epoch
    runs = {}
    for name in SCHEDULES:
        chainrule.manual_seed(r.seed)
        model = mlp([2, 64, 64, 2], "relu", init="he")
        opt = chainrule.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
        sched = scheduler(name, opt, total)
        rng = r.rng(2)
        lrs, losses, val = [], [], []
        for _ in range(epochs):
            idx = rng.permutation(len(Xtr))
            for k in range(0, len(idx), batch):
                lrs.append(opt.param_groups[0]["lr"])
                losses.append(train_step(model, opt, Xtr[idx[k:k + batch]], ytr[idx[k:k + batch]]))
                if sched is not None and name != "reduce-on-plateau":
                    sched.step()
            val.append(ce_loss(model, Xte, yte))
            if name == "reduce-on-plateau":
                sched.step(val[-1])
        runs[name] = {"lr": lrs, "loss": losses, "val_loss": val,
                      "final_train_loss": ce_loss(model, Xtr, ytr),
                      "test_accuracy": accuracy(model, Xte, yte)}
    if r.can_plot:
        _plots(r, runs, per_epoch)
    return {
        "result": {"final_train_loss": {k: v["final_train_loss"] for k, v in runs.items()},
                   "test_accuracy": {k: v["test_accuracy"] for k, v in runs.items()},
                   "last_lr": {k: v["lr"][-1] for k, v in runs.items()}},
        "runs": runs,
        "config": {"n": n, "epochs": epochs, "steps": total, "batch_size": batch, "base_lr": LR,
                   "model": "2-64-64-2 ReLU, He init", "optimizer": "SGD momentum 0.9",
                   "step": "x0.5 every quarter", "inverse-time": "lr = a / (b + t), b = steps/10, a = 0.1 b",
                   "warmup-cosine": "linear from 0.001 over 10% of the steps, then cosine",
                   "reduce-on-plateau": "x0.5 after 2 epochs without a lower held-out loss"},
    }


def _plots(r, runs, per_epoch: int) -> None:
    fig, (a, b) = r.figure(2, 1, size=(7.5, 6.5), sharex=True)
    for name, run_ in runs.items():
        a.plot(run_["lr"], label=name)
        c = np.asarray(run_["loss"])
        w = max(1, per_epoch // 2)
        smooth = np.convolve(c, np.ones(w) / w, mode="valid")
        b.plot(np.arange(len(smooth)) + w - 1, smooth, label=f"{name} ({run_['final_train_loss']:.3f})")
    a.set_ylabel("learning rate")
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    b.set_yscale("log")
    b.set_xlabel("step")
    b.set_ylabel("training loss (moving average)")
    b.legend(fontsize=8, title="final training loss", title_fontsize=8)
    b.grid(alpha=0.3)
    r.save(fig, "lr_and_loss.png")
