"""What every experiment shares: output folder, seeding, figures, small MLPs, MNIST subsets, a train step."""

from __future__ import annotations

import itertools
import json
import math
import time
from pathlib import Path

import numpy as np

from ..utils.threads import blas_threads  # noqa: F401 - the experiments pin BLAS to one thread


class Run:
    """One experiment run: output folder, quick or full size, seed, data folder; collects plots and notes."""

    def __init__(self, name: str, out, quick: bool = False, seed: int = 0, data_dir=None):
        self.name, self.quick, self.seed, self.data_dir = name, bool(quick), int(seed), data_dir
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.plots: list[str] = []
        self.notes: list[str] = []
        self.t0, self.cpu0 = time.perf_counter(), time.process_time()
        try:
            import matplotlib  # noqa: F401

            self.can_plot = True
        except ImportError:
            self.can_plot = False
            self.notes.append("plots skipped: matplotlib is not installed (pip install 'chainrule[plot]')")
        seed_all(self.seed)

    def size(self, quick, full):
        """`quick` in --quick runs, else `full`."""
        return quick if self.quick else full

    def rng(self, offset: int = 0) -> np.random.Generator:
        return np.random.default_rng(self.seed * 1000 + offset)

    def figure(self, nrows: int = 1, ncols: int = 1, size=None, **kwargs):
        from ..viz.plots import figure

        return figure(nrows, ncols, size, **kwargs)

    def save(self, fig, filename: str) -> None:
        path = self.out / filename
        fig.savefig(path, dpi=100, bbox_inches="tight")
        self.plots.append(filename)

    def finish(self, summary: dict) -> dict:
        """Write summary.json (the measured outcome plus name, seed, size, seconds, plots, notes)."""
        full = {"experiment": self.name, "seed": self.seed, "quick": self.quick,
                "seconds": round(time.perf_counter() - self.t0, 2),
                "cpu_seconds": round(time.process_time() - self.cpu0, 2), **summary,
                "plots": list(self.plots), "notes": list(self.notes)}
        full = _clean(full)
        with open(self.out / "summary.json", "w", encoding="utf-8") as f:
            json.dump(full, f, indent=2, allow_nan=False)
            f.write("\n")
        return full


def _clean(obj):
    """JSON-safe: NumPy scalars to Python, NaN/inf to strings."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        if math.isfinite(v):
            return v
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def seed_all(seed: int) -> None:
    import chainrule

    chainrule.manual_seed(seed)


def mlp(sizes: list[int], activation: str = "relu", init: str | None = None, dtype=None):
    """nn.Sequential of Linear layers with `activation` between them; init 'xavier' / 'he' / None (PyTorch's).

    Xavier (Glorot, gain 1): U(±sqrt(6/(fan_in+fan_out))); He (Kaiming): N(0, 2/fan_in).
    Biases start at 0 when an init is named.
    """
    from .. import nn

    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
    layers = []
    for k, (a, b) in enumerate(itertools.pairwise(sizes)):
        lin = nn.Linear(a, b, dtype=dtype)
        if init == "xavier":
            nn.init.xavier_uniform_(lin.weight)
            nn.init.zeros_(lin.bias)
        elif init == "he":
            nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
            nn.init.zeros_(lin.bias)
        layers.append(lin)
        if k < len(sizes) - 2:
            layers.append(acts[activation]())
    return nn.Sequential(*layers)


def linears(model) -> list:
    from .. import nn

    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def standardize(X: np.ndarray) -> np.ndarray:
    return ((X - X.mean(0)) / (X.std(0) + 1e-8)).astype(np.float32)


def arrays(pair) -> tuple[np.ndarray, np.ndarray]:
    X, y = pair
    return tuple(np.asarray(a._data if hasattr(a, "_data") else a) for a in (X, y))


def split(X, y, frac: float, rng: np.random.Generator):
    idx = rng.permutation(len(X))
    k = int(len(X) * frac)
    return X[idx[k:]], y[idx[k:]], X[idx[:k]], y[idx[:k]]


def accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    import chainrule

    with chainrule.no_grad():
        out = model(chainrule.tensor(X))._data
    pred = out.argmax(1) if out.ndim == 2 and out.shape[1] > 1 else (out.reshape(-1) > 0.5).astype(int)
    return float((pred == y).mean())


def ce_loss(model, X: np.ndarray, y: np.ndarray) -> float:
    import chainrule

    from ..nn import functional as F

    with chainrule.no_grad():
        return float(F.cross_entropy(model(chainrule.tensor(X)), chainrule.tensor(y)).item())


def train_step(model, opt, X: np.ndarray, y: np.ndarray) -> float:
    """One step of cross-entropy on a batch; returns the batch loss."""
    import chainrule

    from ..nn import functional as F

    loss = F.cross_entropy(model(chainrule.tensor(X)), chainrule.tensor(y))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return float(loss.item())


def mnist_subset(run: Run, n_train: int, n_test: int):
    """((Xtr, ytr, Xte, yte), None) from --data-dir, $CHAINRULE_DATA or shared/datasets; else (None, why)."""
    from ..data.datasets import mnist

    roots = [run.data_dir] if run.data_dir else [None]
    here = Path(__file__).resolve()
    for parent in list(here.parents)[:6]:
        cand = parent.parent / "shared" / "datasets"
        if cand.is_dir():
            roots.append(str(cand / "mnist"))
            break
    errors = []
    for root in roots:
        try:
            tr = mnist(root=root, train=True, flatten=True)
            te = mnist(root=root, train=False, flatten=True)
        except (FileNotFoundError, OSError) as e:
            errors.append(str(e).splitlines()[0])
            continue
        rng = run.rng(7)
        i = rng.choice(len(tr.data), n_train, replace=False)
        j = rng.choice(len(te.data), n_test, replace=False)
        return (tr.data._data[i], tr.targets._data[i], te.data._data[j], te.targets._data[j]), None
    return None, ("MNIST not found (pass --data-dir DIR or set CHAINRULE_DATA to a folder holding mnist/): "
                  + "; ".join(errors))
