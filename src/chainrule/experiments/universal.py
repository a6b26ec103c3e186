"""Universal approximation: one hidden layer of ReLUs, made wider, fits a 1-D function ever more closely.

A net x -> w2 . ReLU(w1 x + b1) + b2 with n hidden units is piecewise linear with at most n + 1 pieces, so its
best error on a curved target falls as n grows. Each width is trained the same way (Adam with a cosine
schedule on 256 points of f(x) = sin(3x) + 0.3 x^2 in [-2, 2], first-layer kinks spread over the interval,
best of three starts); the error is measured on 2,000 points.
"""

from __future__ import annotations

import numpy as np

import chainrule

NAME, TITLE = "universal-approximation", "one-hidden-layer ReLU nets of growing width fit a 1-D function"


def target(x: np.ndarray) -> np.ndarray:
    return np.sin(3 * x) + 0.3 * x**2


def fit(width: int, x: np.ndarray, t: np.ndarray, steps: int, seed: int):
    from .. import nn

    chainrule.manual_seed(seed)
    net = nn.Sequential(nn.Linear(1, width), nn.ReLU(), nn.Linear(width, 1))
    rng = np.random.default_rng(seed)
    w = rng.choice([-1.0, 1.0], width).astype(np.float32)
    kinks = rng.uniform(-2, 2, width).astype(np.float32)  # where each unit bends: spread over the domain
    with chainrule.no_grad():
        net[0].weight.copy_(chainrule.tensor(w[:, None]))
        net[0].bias.copy_(chainrule.tensor(-w * kinks))
    opt = chainrule.optim.Adam(net.parameters(), lr=0.02)
    sched = chainrule.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    X, T = chainrule.tensor(x[:, None]), chainrule.tensor(t[:, None])
    for _ in range(steps):
        loss = ((net(X) - T) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return net


def run(r) -> dict:
    widths = r.size([1, 4, 16, 64], [1, 2, 4, 8, 16, 32, 64, 128])
    steps, restarts = r.size(400, 2000), r.size(2, 3)
    x = np.linspace(-2, 2, 256, dtype=np.float32)
    xt = np.linspace(-2, 2, 2000, dtype=np.float32)
    t, tt = target(x).astype(np.float32), target(xt)
    errors, fits = {}, {}
    for w in widths:
        best = None
        for k in range(restarts):  # descent can stall in a poor minimum: keep the best of a few starts
            net = fit(w, x, t, steps, r.seed * 100 + k)
            with chainrule.no_grad():
                pred = net(chainrule.tensor(xt[:, None]))._data.ravel()
            mse = float(np.mean((pred - tt) ** 2))
            if best is None or mse < best[0]:
                best = (mse, pred)
        mse, pred = best
        errors[w] = {"mse": mse, "max_abs": float(np.max(np.abs(pred - tt)))}
        fits[w] = pred
    if r.can_plot:
        _plots(r, xt, tt, x, t, fits, errors)
    return {
        "result": {"mse_by_width": {str(w): e["mse"] for w, e in errors.items()},
                   "max_error_by_width": {str(w): e["max_abs"] for w, e in errors.items()}},
        "errors": {str(w): e for w, e in errors.items()},
        "config": {"target": "sin(3x) + 0.3 x^2 on [-2, 2]", "train_points": 256, "test_points": 2000,
                   "steps": steps, "restarts": restarts, "optimizer": "Adam lr 0.02, cosine to 0",
                   "widths": widths,
                   "init": "hidden unit i bends at a uniform point of [-2, 2] (w = +-1, b = -w * kink)"},
    }


def _plots(r, xt, tt, x, t, fits, errors) -> None:
    fig, (a, b) = r.figure(1, 2, size=(11, 4))
    a.plot(xt, tt, "k", lw=2.5, alpha=0.35, label="target")
    shown = list(fits)[:: max(1, len(fits) // 4)][:4]
    for w in shown:
        a.plot(xt, fits[w], lw=1.2, label=f"width {w}")
    a.set_title("fits")
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    ws = list(errors)
    b.loglog(ws, [errors[w]["mse"] for w in ws], marker="o", label="mean squared error")
    b.loglog(ws, [errors[w]["max_abs"] for w in ws], marker="s", label="max |error|")
    b.set_xlabel("hidden units")
    b.set_title("error vs width")
    b.legend(fontsize=8)
    b.grid(alpha=0.3, which="both")
    r.save(fig, "fits.png")
