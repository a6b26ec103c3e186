"""Matplotlib figures for notebooks and experiments: training curves, decision boundaries, gradient flow.

Each returns a `matplotlib.figure.Figure` made without pyplot (no global state, no window; a notebook shows it
when it is a cell's value; `fig.savefig(path)` writes it). matplotlib is imported on first use.
"""

from __future__ import annotations

import numpy as np


def _require():
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("chainrule.viz figures need matplotlib: pip install 'chainrule[plot]'") from None
    return Figure


def figure(nrows: int = 1, ncols: int = 1, size: tuple | None = None, **kwargs):
    """(Figure, axes) without pyplot: one Axes for 1x1, else an array (squeezed as plt.subplots does)."""
    Figure = _require()
    fig = Figure(figsize=size or (4.8 * ncols, 3.6 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def save(fig, path) -> str:
    """Write a figure (PNG by the suffix; 110 dpi) and return the path."""
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return str(path)


def plot_history(history, keys=None):
    """Loss curves (train and val_) on the left, other metrics on the right, learning rate if recorded.

    Args:
        history: a `chainrule.train.History` (what fit returns) or a dict {name: [value per epoch]}.
        keys: the names to draw (default None: all but "time" and "epoch").

    Returns:
        The matplotlib Figure.

    Raises:
        ImportError: matplotlib is not installed (`pip install "chainrule[plot]"`).

    Examples:
        >>> from chainrule import viz
        >>> history = {"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.7, 0.6], "accuracy": [0.6, 0.8, 0.9]}
        >>> fig = viz.plot_history(history)          # needs: matplotlib
        >>> len(fig.axes)
        2
        >>> fig.savefig("history.png")
    """
    h = history.history if hasattr(history, "history") else dict(history)
    longest = max((len(v) for v in h.values()), default=0)
    epochs = list(getattr(history, "epochs", []) or range(1, 1 + longest))
    keys = [k for k in (keys or h) if k in h and k not in ("time", "epoch")]
    losses = [k for k in keys if "loss" in k]
    lr = [k for k in keys if k == "lr"]
    metrics = [k for k in keys if k not in losses and k not in lr]
    panels = [p for p in (losses, metrics, lr) if p]
    fig, axes = figure(1, max(1, len(panels)), size=(4.6 * max(1, len(panels)), 3.4))
    axes = np.atleast_1d(axes)
    for ax, group in zip(axes, panels):
        for k in group:
            vals = [np.nan if v is None else float(v) for v in h[k]]
            ax.plot(epochs[: len(vals)], vals, marker="o" if len(vals) < 30 else None, ms=3, label=k)
        ax.set_xlabel("epoch")
        ax.set_ylabel("learning rate" if group is lr else "loss" if group is losses else "metric")
        ax.grid(alpha=0.3)
        ax.legend()
    if not panels:
        axes[0].text(0.5, 0.5, "nothing recorded yet", ha="center", va="center")
    return fig


def _predict_grid(model, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
    import chainrule

    grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)
    was = getattr(model, "training", None)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with chainrule.no_grad():
            out = model(chainrule.tensor(grid))
    finally:
        if was and hasattr(model, "train"):
            model.train()
    return np.asarray(out._data if hasattr(out, "_data") else out)


def decision_boundary(model, X, y, ax=None, resolution: int = 200, padding: float = 0.5, threshold=None,
                      title: str | None = None, legend: bool = True):
    """The model's decision regions over the 2-D inputs X (n, 2), with the points coloured by label y.

    Several outputs: the arg-max class, shaded by its softmax probability. One output: regions above/below
    `threshold` (default 0.5 if outputs lie in [0, 1], else 0 for logits), and the contour at it.
    `legend`: a key naming each class's colour (the points' true class; the shade: the class predicted there).

    Args:
        model: a Module (or a function of a Tensor) mapping (n, 2) inputs to logits or probabilities.
        X: the inputs, (n, 2).
        y: the labels, (n,).
        ax: the matplotlib axes to draw on (default None: a new figure).
        resolution: grid points per axis (default 200).
        padding: the margin around the points (default 0.5).
        threshold: for one output, where the classes split (default None: see above).
        title: the axes' title (default None).
        legend: draw the class key (default True).

    Returns:
        The matplotlib Figure.

    Raises:
        ImportError: matplotlib is not installed.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> model = cr.nn.Linear(2, 2)
        >>> X = cr.tensor([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
        >>> y = cr.tensor([0, 1, 0, 1])
        >>> fig = viz.decision_boundary(model, X, y, resolution=20)     # needs: matplotlib
        >>> fig.savefig("boundary.png")
    """
    X = np.asarray(getattr(X, "_data", X), dtype=np.float64)
    y = np.asarray(getattr(y, "_data", y)).ravel()
    if ax is None:
        fig, ax = figure(size=(4.6, 4.2))
    else:
        fig = ax.figure
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out = _predict_grid(model, xx, yy)
    out = out.reshape(len(xx.ravel()), -1)
    if out.shape[1] > 1:
        z = out - out.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        cls = p.argmax(axis=1).reshape(xx.shape)
        ax.contourf(xx, yy, cls, levels=np.arange(out.shape[1] + 1) - 0.5, cmap="coolwarm", alpha=0.35)
        ax.contour(xx, yy, cls, levels=np.arange(out.shape[1]) + 0.5, colors="k", linewidths=0.8)
    else:
        v = out[:, 0].reshape(xx.shape)
        if threshold is None:
            threshold = 0.5 if v.min() >= -1e-6 else 0.0
        ax.contourf(xx, yy, (v > threshold).astype(float), levels=[-0.5, 0.5, 1.5], cmap="coolwarm",
                    alpha=0.35)
        if v.min() < threshold < v.max():
            ax.contour(xx, yy, v, levels=[threshold], colors="k", linewidths=0.8)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=60 if len(X) <= 50 else 12, edgecolors="k",
               linewidths=0.4)
    if legend:
        _class_key(ax, y)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def _class_key(ax, y) -> None:
    """A legend: one coloured dot per class, in the colours the points and the regions use."""
    from matplotlib import colormaps
    from matplotlib.lines import Line2D

    classes = np.unique(y)
    lo, hi = float(classes.min()), float(classes.max())
    cmap = colormaps["coolwarm"]
    handles = [Line2D([], [], ls="", marker="o", ms=8, markeredgecolor="k", markeredgewidth=0.4,
                      markerfacecolor=cmap((float(k) - lo) / (hi - lo) if hi > lo else 0.5),
                      label=f"class {k:g}") for k in classes]
    ax.legend(handles=handles, title="point: true class\nshade: predicted", fontsize=8, title_fontsize=8,
              loc="upper right", framealpha=0.9)


def layer_grad_norms(model) -> tuple[list[str], list[float]]:
    """(names, gradient norms) of the model's weights (parameters of 2-D and up, else all), in order."""
    params = [(n, p) for n, p in model.named_parameters() if p._grad is not None]
    weights = [(n, p) for n, p in params if p.ndim >= 2] or params
    return [n for n, _ in weights], [float(np.linalg.norm(p._grad._data.ravel())) for _, p in weights]


def gradient_flow(model, ax=None, log: bool = True):
    """Per-layer gradient norms (after a backward) as bars, first layer on the left: vanishing shows.

    Args:
        model: a Module whose parameters have gradients.
        ax: the matplotlib axes (default None: a new figure).
        log: a logarithmic y axis (default True).

    Returns:
        The matplotlib Figure.

    Raises:
        RuntimeError: no parameter has a gradient (call loss.backward() first).
        ImportError: matplotlib is not installed.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> model = cr.nn.Sequential(cr.nn.Linear(4, 8), cr.nn.Sigmoid(), cr.nn.Linear(8, 8), cr.nn.Sigmoid(),
        ...                          cr.nn.Linear(8, 1))
        >>> model(cr.randn(16, 4)).pow(2).mean().backward()
        >>> fig = viz.gradient_flow(model)               # needs: matplotlib
        >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
        ['0', '2', '4']
    """
    names, norms = layer_grad_norms(model)
    if not names:
        raise RuntimeError("gradient_flow: no parameter has a gradient; call loss.backward() first")
    if ax is None:
        fig, ax = figure(size=(max(4.6, 0.5 * len(names) + 2), 3.6))
    else:
        fig = ax.figure
    ax.bar(range(len(norms)), norms, color="#2563eb")
    ax.set_xticks(range(len(names)), [n.removesuffix(".weight") for n in names], rotation=45, ha="right",
                  fontsize=8)
    if log and min(norms) > 0:
        ax.set_yscale("log")
    ax.set_ylabel("gradient norm ‖∂L/∂W‖")
    ax.set_title("gradient flow (input side on the left)")
    ax.grid(alpha=0.3, axis="y")
    return fig
