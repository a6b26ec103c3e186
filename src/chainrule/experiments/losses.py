"""Which loss after a sigmoid: squared error or binary cross-entropy?

For a = sigmoid(z) and target t, backprop gives dL/dz = (a - t) a (1 - a) for L = (a - t)^2 / 2, but just
a - t for L = BCE(a, t): the factor a (1 - a) cancels. When the neuron is confidently wrong (z = -10 for
t = 1) the MSE gradient is ~1e-4 - saturated, it barely learns - while the BCE gradient is ~ -1. Part 1
reads both gradients off chainrule's autograd over a grid of logits (and checks them against the formulas);
part 2 trains a logistic neuron that starts confidently wrong, once with each loss.
"""

from __future__ import annotations

import numpy as np

import chainrule

NAME, TITLE = "losses", "sigmoid+MSE vs sigmoid+BCE: the output-layer gradient over the logit, saturation"
PROBES = [-10.0, -5.0, -2.0, 0.0, 2.0, 5.0]


def output_grads(z: np.ndarray, t: float) -> dict[str, np.ndarray]:
    """dL/dz for each z (float64), through sigmoid then MSE or BCE, by autograd."""
    from ..nn import functional as F

    out = {}
    for name in ("mse", "bce"):
        zt = chainrule.tensor(z, dtype=chainrule.float64, requires_grad=True)
        a = zt.sigmoid()
        target = chainrule.full(z.shape, t, dtype=chainrule.float64)
        loss = 0.5 * ((a - target) ** 2).sum() if name == "mse" else F.binary_cross_entropy(a, target,
                                                                                           reduction="sum")
        loss.backward()
        out[name] = zt.grad._data.copy()
    return out


def train_neuron(loss_name: str, steps: int, rng: np.random.Generator) -> dict:
    """A logistic neuron a = sigmoid(w x + b) started at w = -4 (confidently wrong), trained with one loss."""
    from ..nn import functional as F

    x = np.concatenate([rng.uniform(0.5, 2.0, 50), rng.uniform(-2.0, -0.5, 50)])
    t = np.concatenate([np.ones(50), np.zeros(50)])
    X, T = chainrule.tensor(x), chainrule.tensor(t)
    w = chainrule.tensor(-4.0, dtype=chainrule.float64, requires_grad=True)
    b = chainrule.tensor(0.0, dtype=chainrule.float64, requires_grad=True)
    opt = chainrule.optim.SGD([w, b], lr=0.5)
    losses, accs = [], []
    for _ in range(steps):
        a = (w * X + b).sigmoid()
        loss = 0.5 * ((a - T) ** 2).mean() if loss_name == "mse" else F.binary_cross_entropy(a, T)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
        accs.append(float(((a._data > 0.5) == (t > 0.5)).mean()))
    solved = next((i for i, acc in enumerate(accs) if acc == 1.0), None)
    return {"loss": losses, "accuracy": accs, "steps_to_100%": solved, "final_w": float(w.item())}


def run(r) -> dict:
    z = np.linspace(-10, 10, 401)
    g1, g0 = output_grads(z, 1.0), output_grads(z, 0.0)
    s = 1 / (1 + np.exp(-z))
    formula_error = max(float(np.max(np.abs(g1["mse"] - (s - 1) * s * (1 - s)))),
                        float(np.max(np.abs(g1["bce"] - (s - 1)))))
    probe = {}
    for p in PROBES:
        k = int(np.argmin(np.abs(z - p)))
        probe[str(p)] = {"mse": float(g1["mse"][k]), "bce": float(g1["bce"][k])}
    wrong = z < 0  # for t = 1 the prediction is wrong where z < 0
    saturated = wrong & (np.abs(g1["mse"]) < 0.01)
    steps = r.size(150, 600)
    neuron = {name: train_neuron(name, steps, r.rng(3)) for name in ("mse", "bce")}
    edge = float(z[saturated].max()) if saturated.any() else None
    if r.can_plot:
        _plots(r, z, g1, g0, neuron, edge)
    return {
        "result": {"grad_at_z=-10": probe["-10.0"], "mse_saturated_below_z": edge,
                   "steps_to_100%": {k: v["steps_to_100%"] for k, v in neuron.items()},
                   "autograd_vs_formula_max_error": formula_error},
        "grad_for_target_1": probe,
        "neuron": {k: {"loss": v["loss"], "accuracy": v["accuracy"], "steps_to_100%": v["steps_to_100%"]}
                   for k, v in neuron.items()},
        "config": {"z_grid": [-10, 10, 401], "neuron": "a = sigmoid(w x + b), w = -4, b = 0 at the start, "
                   "SGD lr 0.5, 100 points (x > 0 is class 1)", "steps": steps},
    }


def _plots(r, z, g1, g0, neuron, edge) -> None:
    fig, (a, b) = r.figure(1, 2, size=(11, 4))
    a.plot(z, g1["mse"], label="sigmoid + MSE, t = 1: (a-t) a (1-a)")
    a.plot(z, g1["bce"], label="sigmoid + BCE, t = 1: a - t")
    a.plot(z, g0["mse"], "--", label="sigmoid + MSE, t = 0")
    a.plot(z, g0["bce"], "--", label="sigmoid + BCE, t = 0")
    if edge is not None:
        a.axvspan(z[0], edge, color="#fca5a5", alpha=0.3, label="MSE saturated (wrong, |grad| < 0.01)")
    a.set_xlabel("logit z")
    a.set_ylabel("dL/dz")
    a.set_title("output-layer gradient")
    a.legend(fontsize=7)
    a.grid(alpha=0.3)
    for name, run_ in neuron.items():
        b.plot(run_["accuracy"], label=f"sigmoid + {name.upper()}")
    b.set_xlabel("step")
    b.set_ylabel("accuracy")
    b.set_title("a neuron that starts confidently wrong (w = -4)")
    b.legend(fontsize=8)
    b.grid(alpha=0.3)
    r.save(fig, "output_gradient.png")
