"""Initialisation: Xavier vs He for tanh and ReLU networks (8 hidden layers of 128).

Xavier (Var W = 2 / (fan_in + fan_out)) keeps the variance of a tanh net's activations; with ReLU, which
zeroes half its inputs, each layer halves the variance and the signal fades. He (Var W = 2 / fan_in) makes up
for that factor 2 and keeps ReLU activations level; with tanh its larger weights saturate more units in the
first layers. Measured: mean, std and saturated (|tanh| > 0.99) or dead (ReLU = 0) fraction of each layer's
activations at initialisation, and the training loss of each net.
"""

from __future__ import annotations

import numpy as np

import chainrule

from ._common import mlp

NAME, TITLE = "initialization", "Xavier vs He for tanh and ReLU nets: activation statistics per layer, loss"
CONFIGS = [("tanh", "xavier"), ("tanh", "he"), ("relu", "xavier"), ("relu", "he")]
DIM, WIDTH, HIDDEN = 32, 128, 8


def make_data(n: int, rng: np.random.Generator):
    """32-D Gaussian inputs, 4 classes from the signs of two random projections (a non-linear-enough task)."""
    X = rng.standard_normal((n, DIM)).astype(np.float32)
    P = rng.standard_normal((DIM, 2))
    z = X @ P
    y = ((z[:, 0] > 0).astype(int) * 2 + (z[:, 1] * z[:, 0] > 0).astype(int)).astype(np.int64)
    return X, y


def activations(model, X: np.ndarray) -> list[np.ndarray]:
    """The output of every activation module, first hidden layer first."""
    from .. import nn

    acts, h = [], chainrule.tensor(X)
    with chainrule.no_grad():
        for m in model:
            h = m(h)
            if isinstance(m, (nn.Tanh, nn.ReLU)):
                acts.append(h._data.copy())
    return acts


def run(r) -> dict:
    from ..nn import functional as F

    X, y = make_data(r.size(1024, 4096), r.rng(1))
    steps, batch = r.size(40, 500), 128
    sizes = [DIM] + [WIDTH] * HIDDEN + [4]
    stats, losses, hist_data = {}, {}, {}
    for act, init in CONFIGS:
        key = f"{act}+{init}"
        chainrule.manual_seed(r.seed)
        model = mlp(sizes, act, init)
        acts = activations(model, X[:512])
        hist_data[key] = acts
        bad = [float((np.abs(a) > 0.99).mean()) if act == "tanh" else float((a <= 0).mean()) for a in acts]
        stats[key] = {"mean": [float(a.mean()) for a in acts], "std": [float(a.std()) for a in acts],
                      "saturated_or_dead": bad}
        opt = chainrule.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        rng = r.rng(2)
        curve = []
        for _ in range(steps):
            b = rng.choice(len(X), batch, replace=False)
            loss = F.cross_entropy(model(chainrule.tensor(X[b])), chainrule.tensor(y[b]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            curve.append(float(loss.item()))
        losses[key] = curve
    final = {k: float(np.mean(v[-max(1, len(v) // 10):])) for k, v in losses.items()}
    if r.can_plot:
        _plots(r, stats, hist_data, losses)
    return {
        "result": {"last_layer_std": {k: v["std"][-1] for k, v in stats.items()},
                   "first_layer_std": {k: v["std"][0] for k, v in stats.items()}, "final_loss": final},
        "activation_stats": stats,
        "loss_curves": losses,
        "config": {"layers": sizes, "steps": steps, "batch_size": batch,
                   "optimizer": "SGD lr 0.01 momentum 0.9"},
    }


def _plots(r, stats, hist_data, losses) -> None:
    layers = np.arange(1, HIDDEN + 1)
    fig, (a, b) = r.figure(1, 2, size=(10, 3.8))
    for key, s in stats.items():
        style = "-" if key.endswith("he") else "--"
        a.plot(layers, s["std"], style, marker="o", ms=3, label=key)
        b.plot(layers, s["saturated_or_dead"], style, marker="o", ms=3, label=key)
    a.set_yscale("log")
    a.set_ylabel("std of activations")
    b.set_ylabel("fraction |tanh| > 0.99 or ReLU = 0")
    for ax in (a, b):
        ax.set_xlabel("hidden layer")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    r.save(fig, "activation_stats.png")
    show = [0, 2, 4, HIDDEN - 1]
    fig, axes = r.figure(len(hist_data), len(show), size=(3 * len(show), 2.1 * len(hist_data)))
    for row, (key, acts) in zip(axes, hist_data.items()):
        for ax, k in zip(row, show):
            a_ = acts[k].ravel()
            lim = 1.0 if key.startswith("tanh") else max(1e-6, float(np.percentile(a_, 99)))
            ax.hist(a_, bins=50, range=(-lim if key.startswith("tanh") else 0, lim), color="#2563eb")
            ax.set_title(f"{key}, layer {k + 1}: std {a_.std():.2g}", fontsize=8)
            ax.set_yticks([])
    r.save(fig, "activation_histograms.png")
    fig, ax = r.figure(size=(6, 3.8))
    for key, c in losses.items():
        w = max(1, len(c) // 25)
        smooth = np.convolve(c, np.ones(w) / w, mode="valid")
        ax.plot(np.arange(len(smooth)) + w - 1, smooth, "-" if key.endswith("he") else "--", label=key)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (moving average)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    r.save(fig, "loss.png")
