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


# One colour, line style and marker per schedule: the curves stay apart where they overlap, and in grey print.
STYLES = [{"color": c, "ls": ls, "marker": m, "lw": 1.6, "ms": 5}
          for c, ls, m in zip(("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"),
                              ("-", "--", "-.", ":", (0, (6, 1.5, 1, 1.5)), (0, (1, 1))),
                              ("o", "s", "^", "D", "v", "x"))]


def _plots(r, runs, per_epoch: int) -> None:
    """The learning rates in one panel; below, one small panel per schedule: its loss in colour, the others in
    grey (six noisy curves in one panel cannot be told apart)."""
    from ..viz.plots import _require

    names = list(runs)
    fig = _require()(figsize=(11, 9), layout="constrained")
    mosaic = [["lr"] * 3, names[:3], names[3:6]]
    axes = fig.subplot_mosaic(mosaic, sharex=True)
    a = axes["lr"]
    w = max(1, per_epoch)
    smooth = {}
    for name, style in zip(names, STYLES):
        a.plot(runs[name]["lr"], label=name, markevery=max(1, len(runs[name]["lr"]) // 8), **style)
        c = np.asarray(runs[name]["loss"])
        smooth[name] = (np.arange(len(c) - w + 1) + w - 1, np.convolve(c, np.ones(w) / w, mode="valid"))
    a.set_ylabel("learning rate")
    a.set_title("learning rate per step (top); training loss per schedule, moving average over an epoch "
                "(below)")
    a.legend(fontsize=9, ncols=2)
    a.grid(alpha=0.3)
    for name, style in zip(names, STYLES):
        ax = axes[name]
        for other in names:
            if other != name:
                ax.plot(*smooth[other], color="#c8c8c8", lw=0.9)
        ax.plot(*smooth[name], color=style["color"], ls=style["ls"], lw=1.8)
        ax.set_yscale("log")
        ax.set_title(f"{name}: final training loss {runs[name]['final_train_loss']:.3f}", fontsize=10,
                     color=style["color"])
        ax.grid(alpha=0.3)
    for name in names[3:6]:
        axes[name].set_xlabel("step")
    for name in (names[0], names[3]):
        axes[name].set_ylabel("training loss (grey: the others)")
    r.save(fig, "lr_and_loss.png")
