"""Backpropagation through time: how far back does the gradient reach in a tanh RNN, an LSTM and a GRU?

The task needs memory: the target at the last step is the sign of the first input's first feature; everything
in between is noise. The loss sits at step T, so dL/dx_t measures how much the gradient that reaches step t is
still worth: a plain tanh RNN multiplies it by W_hh^T diag(1 - h^2) once per step and it shrinks geometrically
(vanishing gradients, Bengio et al. 1994); an LSTM carries it along the cell state c through the forget gate
(dc_{t-1} = dc_t * f), a GRU through its update gate (dh_{t-1} = dh_t * z + ...), and both keep it alive when
those gates stay open (forget / update biases start at +1 here, Jozefowicz et al. 2015).

The summary gives ||dL/dx_0|| / ||dL/dx_{T-1}|| per model at initialisation and after training, and each
model's accuracy on the task; `unrolled_rnn.dot` (and .svg with Graphviz) is the graph of three unrolled steps
of h_t = tanh(x_t W_xh + h_{t-1} W_hh + b) with every value and gradient.
"""

from __future__ import annotations

import numpy as np

import chainrule

NAME, TITLE = "bptt", "gradient norm per time step: tanh RNN vs LSTM vs GRU on a memory task"
KINDS = ("rnn", "lstm", "gru")
IN, HID = 4, 32


class _Model(chainrule.nn.Module):
    def __init__(self, kind: str):
        super().__init__()
        nn = chainrule.nn
        self.kind = kind
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](IN, HID, batch_first=True)
        self.head = nn.Linear(HID, 2)
        H = HID
        with chainrule.no_grad():
            if kind == "lstm":  # gates i, f, g, o: the forget gate's bias
                self.rnn.bias_ih_l0[H:2 * H] = 1.0
                self.rnn.bias_hh_l0[H:2 * H] = 0.0
            if kind == "gru":  # gates r, z, n: the update gate's bias
                self.rnn.bias_ih_l0[H:2 * H] = 1.0
                self.rnn.bias_hh_l0[H:2 * H] = 0.0

    def forward(self, x):
        return self.head(self.rnn(x)[0][:, -1])


def make_batch(rng: np.random.Generator, n: int, T: int):
    x = rng.standard_normal((n, T, IN)).astype(np.float32)
    return x, (x[:, 0, 0] > 0).astype(np.int64)


def grad_per_step(model, x: np.ndarray, y: np.ndarray) -> list[float]:
    """||dL/dx_t|| for t = 0..T-1 (averaged over the batch), the loss on the last step's prediction."""
    from ..nn import functional as F

    xt = chainrule.tensor(x, requires_grad=True)
    F.cross_entropy(model(xt), chainrule.tensor(y)).backward()
    model.zero_grad()
    return [float(v) for v in np.linalg.norm(xt.grad.numpy(), axis=2).mean(axis=0)]


def run(r) -> dict:
    from ..nn import functional as F

    T = r.size(20, 30)
    steps, batch = r.size(20, 1000), 64
    rng = r.rng(1)
    xe, ye = make_batch(r.rng(2), 512, T)
    at_init, trained, ratio_init, ratio_trained, accuracy, losses = {}, {}, {}, {}, {}, {}
    for kind in KINDS:
        chainrule.manual_seed(r.seed)
        model = _Model(kind)
        at_init[kind] = grad_per_step(model, xe[:128], ye[:128])
        opt = chainrule.optim.Adam(model.parameters(), lr=3e-3)
        curve = []
        for _ in range(steps):
            x, y = make_batch(rng, batch, T)
            loss = F.cross_entropy(model(chainrule.tensor(x)), chainrule.tensor(y))
            opt.zero_grad()
            loss.backward()
            chainrule.nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # BPTT's usual guard against blow-ups
            opt.step()
            curve.append(float(loss))
        trained[kind] = grad_per_step(model, xe[:128], ye[:128])
        with chainrule.no_grad():
            pred = model(chainrule.tensor(xe)).argmax(1).numpy()
        accuracy[kind] = float((pred == ye).mean())
        ratio_init[kind] = at_init[kind][0] / at_init[kind][-1]
        ratio_trained[kind] = trained[kind][0] / trained[kind][-1]
        losses[kind] = curve
    graph = _unrolled_graph(r)
    if r.can_plot:
        _plots(r, at_init, trained, losses, T)
    return {
        "result": {"ratio_first_to_last_at_init": ratio_init, "ratio_first_to_last_trained": ratio_trained,
                   "accuracy": accuracy},
        "grad_norm_per_step_at_init": at_init,
        "grad_norm_per_step_trained": trained,
        "unrolled_graph": graph,
        "config": {"T": T, "steps": steps, "batch_size": batch, "hidden": HID, "input": IN,
                   "optimizer": "Adam lr 3e-3, clip_grad_norm_ 1.0",
                   "task": "predict the sign of x_0[0] at the last step (chance: 0.5)",
                   "init": "PyTorch's defaults; LSTM forget-gate and GRU update-gate biases +1"},
    }


def unrolled_rnn_graph(seed: int = 0):
    """The graph of three steps of h_t = tanh(x_t W_xh + h_{t-1} W_hh + b), L = sum(h_3), with every value and
    gradient (a `draw_graph` result: `.source` is DOT)."""
    from ..viz import draw_graph, record_backward

    rng = np.random.default_rng(seed * 1000 + 3)
    p = {name: chainrule.tensor(rng.uniform(-0.8, 0.8, shape).astype(np.float32), requires_grad=True)
         for name, shape in (("W_xh", (2, 2)), ("W_hh", (2, 2)), ("b", (2,)))}
    xs = [chainrule.tensor(rng.uniform(-1, 1, (1, 2)).astype(np.float32)) for _ in range(3)]
    h = chainrule.zeros(1, 2)
    names = {**p, "h0": h}
    for t, x in enumerate(xs, 1):
        names[f"x{t}"] = x
        h = chainrule.tanh(x @ p["W_xh"] + h @ p["W_hh"] + p["b"])
        names[f"h{t}"] = h
    loss = h.sum()
    names["L"] = loss
    rec = record_backward(loss, names=names)
    return draw_graph(loss, params=p, record=rec, names=names)


def _unrolled_graph(r) -> list[str]:
    from ..viz import dot_available, save_graph

    g = unrolled_rnn_graph(r.seed)
    files = [save_graph(g, r.out / "unrolled_rnn.dot")]
    if dot_available():
        files.append(save_graph(g, r.out / "unrolled_rnn.svg"))
    return [str(f).rsplit("/", 1)[-1] for f in files]


def _plots(r, at_init, trained, losses, T) -> None:
    fig, axes = r.figure(1, 3, size=(14, 3.8))
    steps = np.arange(T)
    for ax, data, title in ((axes[0], at_init, "at initialisation"), (axes[1], trained, "after training")):
        for kind, norms in data.items():
            ax.plot(steps, norms, label=kind)
        ax.set_yscale("log")
        ax.set_xlabel("time step t (the loss is at the last step)")
        ax.set_ylabel("||dL/dx_t||")
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
    for kind, curve in losses.items():
        axes[2].plot(np.convolve(curve, np.ones(10) / 10, mode="valid"), label=kind)
    axes[2].axhline(np.log(2), color="grey", ls=":", label="chance (ln 2)")
    axes[2].set_xlabel("step")
    axes[2].set_ylabel("training loss")
    axes[2].set_title("remember x_0 for T steps")
    axes[2].grid(alpha=0.3)
    axes[2].legend()
    r.save(fig, "grad_per_step.png")
