"""MkDocs hook: every picture of the course, made by chainrule itself at build time (never a pasted image).

Graph drawings come from `chainrule.viz` (SVG through Graphviz's `dot`), experiment figures from
`chainrule.experiments` (their `--quick` sizes, so the build stays short), the other plots from matplotlib, and the
playground screenshots from headless Chromium. The files are written to a temporary folder once per process and
added to the site as `generated/NAME` (the English and the Chinese build share them). What needs an optional tool
(`dot`, Chromium with Playwright) is replaced by a small SVG that says what was missing, and the build log says
so; everything else that fails stops the build. `CHAINRULE_DOCS_FIGURES=0` makes every figure a placeholder, for a
quick `mkdocs serve` while writing.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.figures")
_OUT: Path | None = None
MADE: dict[str, str] = {}  # figure name -> "made" or the reason it is a placeholder


class Missing(Exception):
    """An optional tool is not there: the figure becomes a placeholder."""


def _fig(nrows=1, ncols=1, size=(4.8, 3.6)):
    from chainrule.viz.plots import figure

    return figure(nrows, ncols, size=size)


def _save(fig, path: Path) -> None:
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})


def _svg_of(graph) -> bytes:
    from chainrule import viz

    if not viz.dot_available():
        raise Missing("Graphviz `dot` was not found")
    return graph.pipe(format="svg")


# -- graphs (course/graphs.md, course/vectorised.md) ---------------------------------------------------------------

def graph_add_mul(path: Path) -> None:
    from chainrule import viz

    path.write_bytes(_svg_of(viz.formula_graph("(x + y) * z", {"x": -2, "y": 5, "z": -4}).graph))


def graph_max(path: Path) -> None:
    from chainrule import viz

    path.write_bytes(_svg_of(viz.formula_graph("(x + y) * max(y, z)", {"x": 1, "y": 2, "z": 0}).graph))


def graph_neuron(path: Path) -> None:
    from chainrule import viz

    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    path.write_bytes(_svg_of(viz.formula_graph("sigmoid(w0 * x0 + w1 * x1 + w2)", values).graph))


def graph_unrolled_rnn(path: Path) -> None:
    from chainrule.experiments.bptt import unrolled_rnn_graph

    path.write_bytes(_svg_of(unrolled_rnn_graph()))


def graph_mlp(path: Path) -> None:
    import chainrule
    from chainrule import nn, viz

    chainrule.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    x, y = chainrule.randn(16, 4), chainrule.tensor([0, 1, 2, 0] * 4)
    with viz.record_modules(model) as modules:
        loss = nn.functional.cross_entropy(model(x), y)
    record = viz.record_backward(loss)
    graph = viz.draw_graph(loss, params=dict(model.named_parameters()), modules=modules, record=record,
                           max_values=4)
    path.write_bytes(_svg_of(graph))


# -- the classic neurons (course/perceptron.md) ---------------------------------------------------------------------

def classic_rules(path: Path) -> None:
    import numpy as np

    from chainrule.classic import Adaline, Perceptron

    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal((-0.6, -0.6), 0.4, (40, 2)), rng.normal((1.0, 1.0), 0.4, (40, 2))])
    y = np.repeat([-1, 1], 40)
    p = Perceptron(shuffle=True, seed=0).fit(X, y)
    a = Adaline(lr=0.01, epochs=30, shuffle=True, seed=0).fit(X, y)
    fig, (left, mid, right) = _fig(1, 3, size=(13, 3.6))
    left.plot(range(1, len(p.mistakes_) + 1), p.mistakes_, marker="o")
    left.set(xlabel="epoch", ylabel="mistakes", title="perceptron: mistakes per epoch")
    mid.plot(range(1, len(a.cost_) + 1), a.cost_, marker="o", ms=3)
    mid.set(xlabel="epoch", ylabel="E = MSE / 2", title="ADALINE (LMS): cost per epoch")
    xs = np.linspace(-3, 3.5, 2)
    right.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", linewidths=0.4, s=20)
    for model, style, name in ((p, "-", "perceptron"), (a, "--", "ADALINE")):
        w, b = model.w_, model.b_
        right.plot(xs, (model.threshold - b - w[0] * xs) / w[1], style, color="k", label=name)
    right.set(xlim=(-3, 3.5), ylim=(-3, 3.5), title="the two boundaries w·x + b = θ")
    right.legend()
    for ax in (left, mid, right):
        ax.grid(alpha=0.3)
    _save(fig, path)


def xor_feature_map(path: Path) -> None:
    import numpy as np

    from chainrule.classic import Adaline, feature_map_xor

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    t = np.array([0, 1, 1, 0])
    a = Adaline(lr=0.1, epochs=500, mode="batch", labels=(0, 1)).fit(feature_map_xor(X), t)
    xx, yy = np.meshgrid(np.linspace(-0.5, 1.5, 200), np.linspace(-0.5, 1.5, 200))
    z = a.decision_function(feature_map_xor(np.stack([xx.ravel(), yy.ravel()], 1))).reshape(xx.shape)
    fig, ax = _fig(size=(4.2, 3.8))
    ax.contourf(xx, yy, (z >= a.threshold).astype(float), levels=[-0.5, 0.5, 1.5], cmap="coolwarm", alpha=0.35)
    ax.contour(xx, yy, z, levels=[a.threshold], colors="k", linewidths=0.8)
    ax.scatter(X[:, 0], X[:, 1], c=t, cmap="coolwarm", s=80, edgecolors="k")
    ax.set(title="ADALINE on φ(x) = [x1, x2, x1·x2]", xlabel="x1", ylabel="x2")
    ax.set_aspect("equal")
    _save(fig, path)


# -- the experiments (their quick sizes) ----------------------------------------------------------------------------

_EXPERIMENTS: dict[str, Path] = {}


def _experiment(name: str, plot: str):
    def make(path: Path) -> None:
        from chainrule import experiments

        if name not in _EXPERIMENTS:
            out = Path(tempfile.mkdtemp(prefix=f"chainrule-docs-{name}-"))
            with contextlib.redirect_stdout(io.StringIO()):  # the gradcheck table: not for the build log
                experiments.run(name, out, quick=True, seed=0)
            _EXPERIMENTS[name] = out
        shutil.copyfile(_EXPERIMENTS[name] / plot, path)

    make.__name__ = f"experiment {name}/{plot}"
    return make


# -- data sets (course/mnist.md, course/cnn.md) ---------------------------------------------------------------------

def _digits(n: int = 16):
    """(images (n, 28, 28) floats in [0, 1], labels, source) from MNIST if it is found, else drawn by hand."""
    import numpy as np

    from chainrule.data import datasets

    try:
        train = datasets.mnist(train=True, normalize=False)
        return train.data[:n].numpy().reshape(n, 28, 28), train.targets[:n].tolist(), "MNIST"
    except Exception:  # noqa: BLE001 (no MNIST here: the page says what the picture shows)
        img = np.zeros((n, 28, 28))
        for k in range(n):
            r = 6 + k % 6
            yy, xx = np.mgrid[:28, :28]
            img[k] = (np.abs(np.hypot(yy - 14, xx - 14) - r) < 1.5).astype(float)
        return img, list(range(n)), "synthetic rings (MNIST not found)"


def mnist_samples(path: Path) -> None:
    x, labels, source = _digits(16)
    fig, axes = _fig(2, 8, size=(9, 2.6))
    for ax, img, label in zip(axes.ravel(), x, labels):
        ax.imshow(img, cmap="gray_r")
        ax.set_title(str(label), fontsize=9)
        ax.axis("off")
    fig.suptitle(f"the first 16 training images ({source})", fontsize=10)
    _save(fig, path)


def cnn_feature_maps(path: Path) -> None:
    import numpy as np

    import chainrule
    import chainrule.nn.functional as F

    x, _, source = _digits(1)
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
    kernels = chainrule.tensor(np.stack([sobel, sobel.T])[:, None])  # (2 out, 1 in, 3, 3)
    image = chainrule.tensor(x[:1, None].astype(np.float32))  # (1, 1, 28, 28)
    maps = F.conv2d(image, kernels, padding=1)
    pooled = F.max_pool2d(F.relu(maps), 2)
    fig, axes = _fig(1, 4, size=(10, 2.8))
    panels = [(x[0], f"input ({source})"), (maps[0, 0].numpy(), "conv: vertical edges"),
              (maps[0, 1].numpy(), "conv: horizontal edges"), (pooled[0, 0].numpy(), "ReLU + 2×2 max-pool")]
    for i, (ax, (img, title)) in enumerate(zip(axes, panels)):
        ax.imshow(img, cmap="RdBu_r" if i in (1, 2) else "gray_r")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    _save(fig, path)


# -- the playground (course/playground.md): headless Chromium -------------------------------------------------------

def _playground_shots(out: Path) -> None:
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise Missing("Chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright

        from chainrule.playground.server import ServerThread
    except ImportError as error:
        raise Missing(f"{error.name} is not installed") from None
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with ServerThread() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(server.url)
            page.wait_for_selector("#network .neuron canvas")
            page.click("#play")
            page.wait_for_function(
                "() => Number(document.querySelector('#test-loss').dataset.value) < 0.05", timeout=60_000)
            page.wait_for_timeout(1000)
            page.click("#play")
            page.screenshot(path=str(out / "playground-train.png"))
        finally:
            browser.close()


def playground_train(path: Path) -> None:
    try:
        _playground_shots(path.parent)
    except Missing:
        raise
    except Exception as error:  # noqa: BLE001 (a browser that fails to start or time out: an optional picture)
        raise Missing(f"the Chromium screenshot failed: {type(error).__name__}: {str(error)[:120]}") from None


FIGURES = {
    "graph-add-mul.svg": graph_add_mul,
    "graph-max.svg": graph_max,
    "graph-neuron.svg": graph_neuron,
    "graph-mlp.svg": graph_mlp,
    "classic-rules.png": classic_rules,
    "xor-feature-map.png": xor_feature_map,
    "xor-boundary.png": _experiment("xor", "decision_boundary.png"),
    "rings-boundary.png": _experiment("rings", "decision_boundary.png"),
    "universal.png": _experiment("universal-approximation", "fits.png"),
    "losses-gradient.png": _experiment("losses", "output_gradient.png"),
    "rosenbrock.png": _experiment("optimizers", "rosenbrock.png"),
    "batch-size.png": _experiment("batch-size", "loss.png"),
    "shuffle.png": _experiment("shuffle", "loss.png"),
    "vanishing.png": _experiment("vanishing-gradients", "grad_norms_init.png"),
    "initialization.png": _experiment("initialization", "activation_stats.png"),
    "lr-schedules.png": _experiment("lr-schedules", "lr_and_loss.png"),
    "gradcheck.png": _experiment("gradcheck", "gradcheck.png"),
    "bptt.png": _experiment("bptt", "grad_per_step.png"),
    "graph-unrolled-rnn.svg": graph_unrolled_rnn,
    "mnist-samples.png": mnist_samples,
    "cnn-feature-maps.png": cnn_feature_maps,
    "playground-train.png": playground_train,
}


def _placeholder(path: Path, reason: str) -> None:
    text = f"{path.name}: not drawn at build time ({reason})"
    path.with_suffix(".svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="60"><rect width="640" height="60" '
        f'fill="#f3f4f6"/><text x="12" y="35" font-family="sans-serif" font-size="14">{text}</text></svg>')
    if path.suffix != ".svg":
        path.with_suffix(".svg").rename(path)  # browsers sniff SVG content whatever the name says


def build(out: Path) -> dict[str, str]:
    """Make every figure into `out`; returns name -> "made" or the placeholder's reason."""
    import matplotlib

    matplotlib.use("Agg")
    status = {}
    start = time.perf_counter()
    skip = os.environ.get("CHAINRULE_DOCS_FIGURES") == "0"
    for name, make in FIGURES.items():
        path = out / name
        if skip:
            _placeholder(path, "CHAINRULE_DOCS_FIGURES=0")
            status[name] = "skipped"
            continue
        if path.exists():  # made as a side effect of another figure (the playground shots)
            status[name] = "made"
            continue
        try:
            make(path)
            status[name] = "made"
        except Missing as why:
            _placeholder(path, str(why))
            status[name] = str(why)
            log.info("figure %s is a placeholder: %s", name, why)
    log.info("figures: %d made in %.1f s", sum(v == "made" for v in status.values()), time.perf_counter() - start)
    return status


def on_files(files, config):
    """Add generated/NAME for every figure (made once per process: the Chinese build reuses them)."""
    global _OUT
    if _OUT is None:
        _OUT = Path(tempfile.mkdtemp(prefix="chainrule-docs-"))
        (_OUT / "generated").mkdir()
        os.environ.setdefault("MPLBACKEND", "Agg")
        MADE.update(build(_OUT / "generated"))
    for name in FIGURES:
        files.append(File(f"generated/{name}", str(_OUT), config["site_dir"], config["use_directory_urls"]))
    return files
