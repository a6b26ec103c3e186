"""The workloads of the performance issue, each as contenders (chainrule, PyTorch, hand-written NumPy)."""

from __future__ import annotations

import os
import time

import numpy as np

import chainrule as cr
from chainrule import nn as cnn

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None

SIZES = (784, 256, 128, 10)


def mnist_arrays(quick: bool):
    """Training and test arrays (normalised float32 (N, 784), int64 labels); synthetic when no data is found."""
    root = os.environ.get("CHAINRULE_DATA") or os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                                              "datasets")
    try:
        tr = cr.data.datasets.mnist(root=os.path.join(root, "mnist"), train=True, flatten=True)
        te = cr.data.datasets.mnist(root=os.path.join(root, "mnist"), train=False, flatten=True)
        X, y, Xt, yt = tr.data, tr.targets, te.data, te.targets
        X, y, Xt, yt = (a.numpy() if hasattr(a, "numpy") else np.asarray(a) for a in (X, y, Xt, yt))
    except FileNotFoundError:
        rng = np.random.default_rng(0)  # timings only: random images and labels, nothing to learn
        X = rng.standard_normal((60000, 784)).astype(np.float32)
        y = rng.integers(0, 10, 60000)
        Xt = rng.standard_normal((10000, 784)).astype(np.float32)
        yt = rng.integers(0, 10, 10000)
    if quick:
        X, y = X[:6000], y[:6000]
    return np.ascontiguousarray(X), y.astype(np.int64), np.ascontiguousarray(Xt), yt.astype(np.int64)


# ---- chainrule --------------------------------------------------------------------------------------------
def cr_mlp(seed=0):
    cr.manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(cnn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(cnn.ReLU())
    return cnn.Sequential(*layers)


def cr_epoch(X, y, batch, seed=0, compiled=False):
    """One chainrule training epoch through its DataLoader (the step under chainrule.compile if `compiled`)."""
    model = cr_mlp(seed)
    opt = cr.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = cnn.CrossEntropyLoss()
    loader = cr.utils.data.DataLoader(cr.utils.data.TensorDataset(cr.from_numpy(X), cr.from_numpy(y)),
                                      batch_size=batch, shuffle=True, seed=seed)

    def step(xb, yb):
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()

    if compiled:
        step = cr.compile(step)

    def run():
        for xb, yb in loader:
            step(xb, yb)

    return model, run


def cr_compiled_epoch(X, y, batch, seed=0):
    return cr_epoch(X, y, batch, seed, compiled=True)


def cr_accuracy(model, Xt, yt) -> float:
    with cr.no_grad():
        return float((model(cr.from_numpy(Xt)).numpy().argmax(1) == yt).mean())


# ---- PyTorch ----------------------------------------------------------------------------------------------
def torch_epoch(X, y, batch, seed=0):
    torch.manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt_, yt_ = torch.from_numpy(X), torch.from_numpy(y)
    g = torch.Generator().manual_seed(seed)

    def run():
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(Xt_[idx]), yt_[idx])
            loss.backward()
            opt.step()

    return model, run


def torch_accuracy(model, Xt, yt) -> float:
    with torch.no_grad():
        return float((model(torch.from_numpy(Xt)).numpy().argmax(1) == yt).mean())


# ---- hand-written NumPy, as a tutorial writes it -----------------------------------------------------------
class NumpyMLP:
    """Forward, manual backward and Adam, written out by hand (the reference for 'the price of generality')."""

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.params = []
        for a, b in zip(SIZES[:-1], SIZES[1:]):
            bound = 1 / np.sqrt(a)
            self.params += [rng.uniform(-bound, bound, (a, b)).astype(np.float32),
                            rng.uniform(-bound, bound, b).astype(np.float32)]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def forward(self, x):
        W1, b1, W2, b2, W3, b3 = self.params
        h1 = np.maximum(x @ W1 + b1, 0)
        h2 = np.maximum(h1 @ W2 + b2, 0)
        return h1, h2, h2 @ W3 + b3

    def step(self, x, y, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        W1, _, W2, _, W3, _ = self.params
        h1, h2, z = self.forward(x)
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(y)), y] -= 1
        d3 = p / len(y)
        g3, gb3 = h2.T @ d3, d3.sum(0)
        d2 = (d3 @ W3.T) * (h2 > 0)
        g2, gb2 = h1.T @ d2, d2.sum(0)
        d1 = (d2 @ W2.T) * (h1 > 0)
        g1, gb1 = x.T @ d1, d1.sum(0)
        self.t += 1
        c1, c2 = 1 - b1**self.t, 1 - b2**self.t
        for p_, g, m, v in zip(self.params, (g1, gb1, g2, gb2, g3, gb3), self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p_ -= lr * (m / c1) / (np.sqrt(v / c2) + eps)


def numpy_epoch(X, y, batch, seed=0):
    net = NumpyMLP(seed)
    rng = np.random.default_rng(seed)

    def run():
        perm = rng.permutation(len(X))
        for i in range(0, len(X), batch):
            idx = perm[i:i + batch]
            net.step(X[idx], y[idx])

    return net, run


def numpy_accuracy(net, Xt, yt) -> float:
    return float((net.forward(Xt)[2].argmax(1) == yt).mean())


# ---- lower bound: the step's GEMMs and one flat Adam --------------------------------------------------------
def gemm_and_flat_adam(batch):
    """Closures timing the 3 forward + 5 backward GEMMs of one step, and one Adam update over a flat buffer."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 784)).astype(np.float32)
    Ws = [rng.standard_normal((a, b)).astype(np.float32) for a, b in zip(SIZES[:-1], SIZES[1:])]
    hs = [x, rng.standard_normal((batch, 256)).astype(np.float32), rng.standard_normal((batch, 128)).astype(np.float32)]
    ds = [rng.standard_normal((batch, b)).astype(np.float32) for b in SIZES[1:]]

    def gemms():
        for h, W in zip(hs, Ws):
            h @ W
        for k in range(3):
            hs[k].T @ ds[k]
        ds[2] @ Ws[2].T
        ds[1] @ Ws[1].T

    n = sum(a * b + b for a, b in zip(SIZES[:-1], SIZES[1:]))
    p, g, m, v = (rng.standard_normal(n).astype(np.float32) for _ in range(4))
    v = np.abs(v)
    tmp = np.empty_like(p)

    def adam():
        np.multiply(m, 0.9, out=m)
        m.__iadd__(0.1 * g)
        np.multiply(v, 0.999, out=v)
        np.multiply(g, g, out=tmp)
        np.multiply(tmp, 0.001, out=tmp)
        np.add(v, tmp, out=v)
        np.sqrt(v, out=tmp)
        np.add(tmp, 1e-8, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, 1e-3, out=tmp)
        np.subtract(p, tmp, out=p)

    return gemms, adam


def timed(fn, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n
