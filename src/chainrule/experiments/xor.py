"""XOR: no line separates it, a 2-2-1 ReLU network does.

h = ReLU(V x + c), y = ReLU(w . h + b) with V = [[1, 1], [1, 1]], c = [0, -1], w = [1, -2], b = 0 gives the
XOR table exactly (0, 1, 1, 0). Then the same shape, and wider 2-4-1 and 2-8-1 nets, trained from random
starts (Adam on the squared error, PyTorch's default init). The 2-2-1 net mostly gets stuck: a hidden ReLU
that is negative on all four points is dead (zero gradient) and the net falls back to predicting the mean,
0.5. The wider nets almost always find a solution, although one exists for the narrow one.
"""

from __future__ import annotations

import numpy as np

import chainrule

NAME, TITLE = "xor", "an explicit 2-2-1 ReLU net computes XOR; trained nets from random starts"
TABLE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
TARGET = np.array([0, 1, 1, 0], dtype=np.float32)


def explicit_net():
    """The lecture's weights as an nn.Sequential(Linear(2, 2), ReLU, Linear(2, 1), ReLU)."""
    from .. import nn

    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1), nn.ReLU())
    with chainrule.no_grad():
        net[0].weight.copy_(chainrule.tensor([[1.0, 1.0], [1.0, 1.0]]))
        net[0].bias.copy_(chainrule.tensor([0.0, -1.0]))
        net[2].weight.copy_(chainrule.tensor([[1.0, -2.0]]))
        net[2].bias.copy_(chainrule.tensor([0.0]))
    return net


def train_net(hidden: int, steps: int, seed: int):
    """A 2-hidden-1 ReLU net (linear output) trained on the four points; returns (net, losses, outputs)."""
    from .. import nn

    chainrule.manual_seed(seed)
    net = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 1))
    opt = chainrule.optim.Adam(net.parameters(), lr=0.05)
    X, t = chainrule.tensor(TABLE), chainrule.tensor(TARGET[:, None])
    losses = []
    for _ in range(steps):
        loss = ((net(X) - t) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    with chainrule.no_grad():
        out = net(X)._data.ravel()
    return net, losses, out


def outcome(outputs: np.ndarray) -> str:
    """'solved', 'stuck: ...' (the same output for all four points: a dead ReLU) or 'not solved'."""
    if np.array_equal((outputs > 0.5).astype(np.float32), TARGET):
        return "solved"
    if np.ptp(outputs) < 0.1:
        return f"stuck (outputs {outputs.mean():.2f} everywhere)"
    return "not solved"


def run(r) -> dict:
    net = explicit_net()
    X = chainrule.tensor(TABLE)
    with chainrule.no_grad():
        hidden = net[1](net[0](X))._data
        out = net(X)._data.ravel()
    exact = bool(np.array_equal(out, TARGET))
    steps, seeds = r.size(250, 600), r.size(3, 20)
    trained = {}
    examples = {}
    for hidden_units in (2, 4, 8):
        solved, finals = [], []
        for k in range(seeds):
            tnet, losses, tout = train_net(hidden_units, steps, r.seed * 100 + k)
            ok = bool(np.array_equal((tout > 0.5).astype(np.float32), TARGET))
            solved.append(ok)
            finals.append(losses[-1])
            if k == 0 and hidden_units != 4:
                examples[hidden_units] = (tnet, losses, tout)
        trained[f"2-{hidden_units}-1"] = {"runs": seeds, "steps": steps, "solved": int(sum(solved)),
                                           "success_rate": sum(solved) / seeds,
                                           "final_loss_median": float(np.median(finals))}
    if r.can_plot:
        _plots(r, net, examples)
    return {
        "result": {"explicit_outputs": out.tolist(), "explicit_exact": exact,
                   "success_rate": {k: v["success_rate"] for k, v in trained.items()}},
        "explicit": {"V": [[1, 1], [1, 1]], "c": [0, -1], "w": [1, -2], "b": 0, "inputs": TABLE.tolist(),
                     "hidden": hidden.tolist(), "outputs": out.tolist(), "targets": TARGET.tolist(),
                     "exact": exact},
        "trained": trained,
    }


def _plots(r, net, examples) -> None:
    from ..viz.plots import decision_boundary

    fig, axes = r.figure(1, 1 + len(examples), size=(4.4 * (1 + len(examples)), 4.2))
    decision_boundary(net, TABLE, TARGET, ax=axes[0], padding=0.6, threshold=0.5,
                      title="explicit V, c, w, b")
    for ax, (h, (tnet, _, tout)) in zip(axes[1:], sorted(examples.items())):
        decision_boundary(tnet, TABLE, TARGET, ax=ax, padding=0.6, threshold=0.5,
                          title=f"trained 2-{h}-1, seed {r.seed * 100}: {outcome(tout)}")
    r.save(fig, "decision_boundary.png")
    fig, ax = r.figure(size=(5.5, 3.6))
    for h, (_, losses, _) in sorted(examples.items()):
        ax.plot(losses, label=f"2-{h}-1")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("mean squared error")
    ax.set_title("training on the XOR table")
    ax.legend()
    ax.grid(alpha=0.3)
    r.save(fig, "loss.png")
