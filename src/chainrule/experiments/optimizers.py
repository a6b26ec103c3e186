"""Optimizers in a narrow valley: SGD, momentum (0.5 then 0.9), Nesterov, RMSprop and Adam.

On the Rosenbrock function f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 the valley floor is flat and its walls steep:
plain SGD must keep its step small for the walls and then crawls along the floor; momentum builds up speed
along the floor (started at 0.5 while the gradients are large, then 0.9 - the lecture's recipe); Nesterov
looks ahead; RMSprop and Adam rescale each coordinate. Then the same optimizers on an MNIST subset (784-128-10
ReLU MLP).
"""

from __future__ import annotations

import numpy as np

import chainrule

from ._common import accuracy, mlp, mnist_subset, train_step

NAME, TITLE = "optimizers", "SGD, momentum 0.5->0.9, Nesterov, RMSprop, Adam on Rosenbrock and on MNIST"
START = (-1.5, 2.0)


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def make(name: str, params, lr_scale: float = 1.0, momentum_switch: int = 200):
    """(optimizer, momentum scheduler or None) for one of the five; lrs for Rosenbrock (scaled for MNIST)."""
    O = chainrule.optim
    if name == "sgd":
        return O.SGD(params, lr=1e-3 * lr_scale), None
    if name == "momentum":
        opt = O.SGD(params, lr=1e-3 * lr_scale, momentum=0.5)
        return opt, O.lr_scheduler.StepMomentum(opt, {momentum_switch: 0.9})
    if name == "nesterov":
        return O.SGD(params, lr=1e-3 * lr_scale, momentum=0.9, nesterov=True), None
    if name == "rmsprop":
        return O.RMSprop(params, lr=3e-3), None
    return O.Adam(params, lr=3e-2), None


NAMES = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
LABELS = {"sgd": "SGD", "momentum": "momentum 0.5→0.9", "nesterov": "Nesterov 0.9", "rmsprop": "RMSprop",
          "adam": "Adam"}


def run_rosenbrock(steps: int) -> dict:
    out = {}
    for name in NAMES:
        p = chainrule.tensor(list(START), dtype=chainrule.float64, requires_grad=True)
        opt, sched = make(name, [p])
        path, values = [list(START)], []
        for _ in range(steps):
            loss = rosenbrock(p)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            values.append(float(loss.item()))
            path.append(p._data.tolist())
        final = float(rosenbrock(p.detach()).item())
        below = next((i for i, v in enumerate(values) if v < 1e-3), None)
        out[name] = {"path": path, "values": values, "final_value": final,
                     "final_distance_to_minimum": float(np.hypot(*(p._data - 1.0))), "steps_to_1e-3": below}
    return out


def run_mnist(r) -> dict:
    data, why = mnist_subset(r, r.size(1500, 10000), r.size(500, 2000))
    if data is None:
        r.notes.append(why)
        return {"skipped": why}
    Xtr, ytr, Xte, yte = data
    epochs, batch = r.size(1, 3), 64
    scale = {"sgd": 100.0, "momentum": 10.0, "nesterov": 10.0}  # SGD lr 0.1; momentum ones 0.01 (x 1/(1-0.9))
    out = {}
    for name in NAMES:
        chainrule.manual_seed(r.seed)
        model = mlp([784, 128, 10], "relu", init="he")
        opt, sched = make(name, model.parameters(), scale.get(name, 1.0), momentum_switch=100)
        if name in ("rmsprop", "adam"):
            for g in opt.param_groups:
                g["lr"] = 1e-3
        rng = r.rng(3)
        losses = []
        for _ in range(epochs):
            idx = rng.permutation(len(Xtr))
            for k in range(0, len(idx), batch):
                b = idx[k:k + batch]
                losses.append(train_step(model, opt, Xtr[b], ytr[b]))
                if sched is not None:
                    sched.step()
        out[name] = {"losses": losses, "final_loss": float(np.mean(losses[-20:])),
                     "test_accuracy": accuracy(model, Xte, yte)}
    return {"n_train": len(Xtr), "n_test": len(Xte), "epochs": epochs, "batch_size": batch, "runs": out}


def run(r) -> dict:
    rosen = run_rosenbrock(r.size(600, 2000))
    mnist = run_mnist(r)
    if r.can_plot:
        _plot_rosenbrock(r, rosen)
        if "runs" in mnist:
            _plot_mnist(r, mnist)
    result = {"rosenbrock_final_value": {k: v["final_value"] for k, v in rosen.items()},
              "rosenbrock_steps_to_1e-3": {k: v["steps_to_1e-3"] for k, v in rosen.items()}}
    if "runs" in mnist:
        result["mnist_test_accuracy"] = {k: v["test_accuracy"] for k, v in mnist["runs"].items()}
    return {"result": result, "rosenbrock": {"start": START, "runs": rosen}, "mnist": mnist,
            "config": {"sgd": "lr 1e-3", "momentum": "lr 1e-3, 0.5 then 0.9 from step 200", "nesterov":
                       "lr 1e-3, 0.9", "rmsprop": "lr 3e-3", "adam": "lr 3e-2 (MNIST: SGD 0.1, momentum and "
                       "Nesterov 0.01, RMSprop and Adam 1e-3)"}}


def _plot_rosenbrock(r, rosen) -> None:
    fig, (a, b) = r.figure(1, 2, size=(12, 4.6))
    xs, ys = np.meshgrid(np.linspace(-2, 2, 400), np.linspace(-1, 3, 400))
    zs = (1 - xs) ** 2 + 100 * (ys - xs**2) ** 2
    from matplotlib.colors import LogNorm

    a.contourf(xs, ys, zs, levels=np.logspace(-1, 3.5, 14), cmap="Greys_r", norm=LogNorm(), alpha=0.35,
               extend="both")
    a.contour(xs, ys, zs, levels=np.logspace(-1, 3.5, 14), colors="grey", linewidths=0.4)
    for name, run_ in rosen.items():
        path = np.array(run_["path"])
        a.plot(path[:, 0], path[:, 1], lw=1.2, label=LABELS[name])
        b.plot(np.maximum(run_["values"], 1e-16), label=LABELS[name])
    a.plot(*START, "ko", ms=4)
    a.plot(1, 1, "r*", ms=10)
    a.set_xlim(-2, 2)
    a.set_ylim(-1, 3)
    a.set_title("trajectories on the Rosenbrock valley")
    a.legend(fontsize=8)
    b.set_yscale("log")
    b.set_xlabel("step")
    b.set_ylabel("f(x, y)")
    b.grid(alpha=0.3)
    b.legend(fontsize=8)
    r.save(fig, "rosenbrock.png")


def _plot_mnist(r, mnist) -> None:
    fig, ax = r.figure(size=(6.5, 4))
    for name, run_ in mnist["runs"].items():
        c = np.asarray(run_["losses"])
        w = max(1, len(c) // 30)
        smooth = np.convolve(c, np.ones(w) / w, mode="valid")
        ax.plot(np.arange(len(smooth)) + w - 1, smooth,
                label=f"{LABELS[name]} (test acc {run_['test_accuracy']:.3f})")
    ax.set_xlabel("step (batch of 64)")
    ax.set_ylabel("training loss (moving average)")
    ax.set_yscale("log")
    ax.set_title(f"MNIST subset ({mnist['n_train']} images), 784-128-10")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    r.save(fig, "mnist_loss.png")
