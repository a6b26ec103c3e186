"""Workload 7: one training epoch of the small MNIST CNN, chainrule vs PyTorch, interleaved A/B.

chainrule.models.small_cnn() against its torch.nn twin (benchmarks/cnn_train.torch_cnn: same layers, same
state-dict keys), trained the way cnn_train.py trains it: Adam, batches of 64 drawn from one NumPy permutation per
epoch (the last partial batch dropped: BatchNorm wants more than one sample), the same batches for both.

Reported per contender: median and min-max epoch time (the ratio to PyTorch comes from harness.fmt_row), and in
`extra` the test accuracy after the run, the forward and backward time of one batch of 64 (median of 10) and their
ratio `bwd_over_fwd`; chainrule's peak traced memory over 20 training steps. The forward/backward timings run
first, on separate models, and double as the warm-up (interleave's own warm-up would cost a whole extra epoch).

Sizes: a full MNIST epoch is ~60 s per framework on a 2-core machine, so
  * quick: the first 2,000 training images (31 steps);
  * otherwise the whole training set, capped by `limit` or the CHAINRULE_CNN_IMAGES environment variable;
  * at most 2 epochs per contender (min(repeats, 2)): run.py asks 3 repeats of every workload by default, and
    3 + 3 CNN epochs would take 6 minutes. Each repeat continues training the same model, as for the MLP epochs.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from harness import interleave, peak_memory_mb
from workloads import torch

import chainrule as cr
import chainrule.nn.functional as F
from chainrule.models import small_cnn

BATCH = 64
LR = 3e-3  # cnn_train.py's default learning rate (without its one-cycle schedule)
QUICK_IMAGES = 2000
LIMIT_ENV = "CHAINRULE_CNN_IMAGES"
MAX_EPOCHS = 2


@dataclass
class Side:
    """What the timing loops need from one framework: the model, its loss on a batch, a training step, logits."""

    model: object
    loss: Callable  # (x, y) NumPy batch -> scalar loss tensor, graph recorded
    step: Callable  # (x, y) NumPy batch -> None: forward, backward, optimizer step
    logits: Callable  # x NumPy -> NumPy logits, in eval mode without a graph


def chainrule_side(seed: int = 0) -> Side:
    cr.manual_seed(seed)
    model = small_cnn()
    opt = cr.optim.Adam(model.parameters(), lr=LR)

    def loss(x, y):
        return F.cross_entropy(model(cr.from_numpy(x)), cr.from_numpy(y))

    def step(x, y):
        opt.zero_grad()
        loss(x, y).backward()
        opt.step()

    def logits(x):
        with cr.no_grad():
            return model(cr.from_numpy(x)).numpy()

    return Side(model, loss, step, logits)


def chainrule_compiled_side(seed: int = 0) -> Side:
    """chainrule's side with its training step under chainrule.compile (recorded at the first step)."""
    side = chainrule_side(seed)
    return Side(side.model, side.loss, cr.compile(side.step), side.logits)


def torch_side(seed: int = 0) -> Side:
    from cnn_train import torch_cnn

    torch.manual_seed(seed)
    model = torch_cnn(torch)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()

    def loss(x, y):
        return loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y))

    def step(x, y):
        opt.zero_grad()
        loss(x, y).backward()
        opt.step()

    def logits(x):
        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()

    return Side(model, loss, step, logits)


def epoch_runner(side: Side, x: np.ndarray, y: np.ndarray, seed: int = 0) -> Callable:
    """A closure running one training epoch per call; every side given the same seed sees the same batches."""
    rng = np.random.default_rng(seed)
    steps = len(x) // BATCH

    def run():
        side.model.train()
        order = rng.permutation(len(x))
        for s in range(steps):
            idx = np.sort(order[s * BATCH:(s + 1) * BATCH])
            side.step(x[idx], y[idx])

    return run


def accuracy(side: Side, x: np.ndarray, y: np.ndarray, batch: int = 1000) -> float:
    side.model.eval()
    correct = sum(int((side.logits(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum())
                  for i in range(0, len(x), batch))
    side.model.train()
    return correct / len(x)


def forward_backward_ms(side: Side, x: np.ndarray, y: np.ndarray, runs: int = 10) -> dict:
    """Median forward (model + loss) and backward time of one training-mode batch, after one warm-up run.

    The backward covers loss.backward() only (no optimizer step), so bwd_over_fwd is the autograd ratio.
    """
    side.model.train()
    fwd, bwd = [], []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        loss = side.loss(x, y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        side.model.zero_grad()
        fwd.append(t1 - t0)
        bwd.append(t2 - t1)
    f, b = statistics.median(fwd[1:]), statistics.median(bwd[1:])
    return {"fwd_ms": f * 1e3, "bwd_ms": b * 1e3, "bwd_over_fwd": b / f}


def training_images(X: np.ndarray, y: np.ndarray, quick: bool, limit: int | None) -> tuple:
    """(N, 1, 28, 28) images and labels: the first QUICK_IMAGES if quick, else up to limit or $CHAINRULE_CNN_IMAGES."""
    if limit is None:
        limit = QUICK_IMAGES if quick else int(os.environ.get(LIMIT_ENV) or 0) or None
    images = np.ascontiguousarray(X[:limit].reshape(-1, 1, 28, 28))
    return images, y[:limit]


def cnn_workload(X, y, Xt, yt, quick: bool = False, repeats: int = 1, limit: int | None = None,
                 seed: int = 0) -> dict:
    """Workload 7: {contender: Result} for one CNN epoch (see the module docstring for sizes and extras)."""
    x, y = training_images(X, y, quick, limit)
    xt = np.ascontiguousarray(Xt.reshape(-1, 1, 28, 28))
    makers = {"chainrule": chainrule_side, "chainrule-compiled": chainrule_compiled_side}
    if torch is not None:
        makers["pytorch"] = torch_side
    extras = {"chainrule-compiled": {}}
    for name, make in makers.items():  # a fresh model each, so the trained ones' BatchNorm statistics stay as trained
        if name != "chainrule-compiled":  # (its loss and backward are eager's: the step is what is compiled)
            extras[name] = forward_backward_ms(make(seed + 1), x[:BATCH], y[:BATCH])
    sides = {name: make(seed) for name, make in makers.items()}
    res = interleave({name: epoch_runner(side, x, y, seed) for name, side in sides.items()},
                     min(repeats, MAX_EPOCHS), warmup=0)
    for name, side in sides.items():
        res[name].extra.update(extras[name])
        res[name].extra.update(test_acc=accuracy(side, xt, yt), steps=len(x) // BATCH, images=len(x))
    n = 20 * BATCH
    res["chainrule"].peak_mb = peak_memory_mb(epoch_runner(chainrule_side(seed), x[:n], y[:n], seed))
    res["chainrule-compiled"].peak_mb = peak_memory_mb(epoch_runner(chainrule_compiled_side(seed), x[:n], y[:n],
                                                                    seed))
    return res
