"""Vanishing gradients: per-layer gradient norms of a 10-layer MLP, sigmoid / tanh / ReLU x Xavier / He init.

Backpropagation multiplies by W^T and by f'(z) once per layer. sigmoid' <= 1/4, so with Xavier's weights the
gradient shrinks about 4x per layer and the first layer of ten learns ~10^5 times slower than the last; ReLU's
derivative is 1 where it is active and He's init keeps the variance, so the norms stay level. The summary
gives ||dL/dW_1|| / ||dL/dW_10|| for each combination, at initialisation and during training.
"""

from __future__ import annotations

import numpy as np

import chainrule

from ._common import linears, mlp

NAME, TITLE = "vanishing-gradients", "gradient norm per layer, 10-layer MLP, sigmoid/tanh/ReLU x Xavier/He"
CONFIGS = [(a, i) for a in ("sigmoid", "tanh", "relu") for i in ("xavier", "he")]
DIM, WIDTH, LAYERS = 32, 64, 10


def make_data(n: int, rng: np.random.Generator):
    """32-D Gaussian inputs; class 1 outside the median radius in the first two coordinates (not linear)."""
    X = rng.standard_normal((n, DIM)).astype(np.float32)
    r2 = (X[:, :2] ** 2).sum(1)
    return X, (r2 > np.median(r2)).astype(np.int64)


def grad_norms(model) -> list[float]:
    return [float(np.linalg.norm(m.weight._grad._data)) for m in linears(model)]


def run(r) -> dict:
    from ..nn import functional as F

    X, y = make_data(r.size(1024, 4096), r.rng(1))
    steps, every, batch = r.size(40, 400), r.size(10, 20), 128
    sizes = [DIM] + [WIDTH] * (LAYERS - 1) + [2]
    at_init, during, ratio_init, ratio_train, final_loss = {}, {}, {}, {}, {}
    for act, init in CONFIGS:
        key = f"{act}+{init}"
        chainrule.manual_seed(r.seed)
        model = mlp(sizes, act, init)
        opt = chainrule.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        rng = r.rng(2)
        records, losses = [], []
        for step in range(steps + 1):
            b = rng.choice(len(X), batch, replace=False)
            loss = F.cross_entropy(model(chainrule.tensor(X[b])), chainrule.tensor(y[b]))
            opt.zero_grad()
            loss.backward()
            if step % every == 0:
                records.append((step, grad_norms(model)))
            losses.append(float(loss.item()))
            if step < steps:
                opt.step()
        at_init[key] = records[0][1]
        during[key] = {"steps": [s for s, _ in records], "norms": [n for _, n in records]}
        ratio_init[key] = at_init[key][0] / at_init[key][-1]
        later = [n[0] / n[-1] for _, n in records[1:]]
        ratio_train[key] = float(np.median(later)) if later else None
        final_loss[key] = float(np.mean(losses[-10:]))
    if r.can_plot:
        _plots(r, at_init, during)
    return {
        "result": {"ratio_first_to_last_at_init": ratio_init, "ratio_first_to_last_training": ratio_train},
        "grad_norms_at_init": at_init,
        "grad_norms_during_training": during,
        "final_loss": final_loss,
        "config": {"layers": sizes, "steps": steps, "batch_size": batch,
                   "optimizer": "SGD lr 0.05 momentum 0.9",
                   "data": "32-D Gaussian, class = outside the median radius in 2 coordinates"},
    }


def _plots(r, at_init, during) -> None:
    fig, ax = r.figure(size=(6.5, 4.2))
    layers = np.arange(1, LAYERS + 1)
    for key, norms in at_init.items():
        ax.plot(layers, norms, marker="o", ms=3, label=key, ls="-" if key.endswith("he") else "--")
    ax.set_yscale("log")
    ax.set_xticks(layers)
    ax.set_xlabel("layer (1 = input side)")
    ax.set_ylabel("||dL/dW|| at initialisation")
    ax.set_title("gradient norm per layer, 10-layer MLP")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    r.save(fig, "grad_norms_init.png")
    fig, axes = r.figure(2, 3, size=(13, 7), sharey=True)
    for ax, (key, rec) in zip(np.ravel(axes), during.items()):
        norms = np.array(rec["norms"])
        im = ax.imshow(np.log10(norms.T + 1e-30), aspect="auto", origin="lower", cmap="viridis",
                       extent=(rec["steps"][0], rec["steps"][-1], 0.5, LAYERS + 0.5), vmin=-8, vmax=1)
        ax.set_title(key, fontsize=10)
        ax.set_xlabel("training step")
        ax.set_yticks([1, LAYERS // 2, LAYERS], ["1 input", str(LAYERS // 2), f"{LAYERS} output"])
    for ax in np.atleast_2d(axes)[:, 0]:
        ax.set_ylabel("layer (bottom: input side)")
    fig.suptitle("gradient norm per layer while training: dark at the bottom = vanished near the input")
    fig.colorbar(im, ax=axes, label="log10 ||dL/dW|| (brighter: larger gradient)")
    r.save(fig, "grad_norms_training.png")
