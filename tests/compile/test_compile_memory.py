"""Peak memory of a compiled step: neither the recording nor a replay holds more than the eager step does.

The recording runs the step eagerly; it must not keep every tensor it sees alive (ids are forgotten when tensors
die instead). A replay drops each op's value after its last reader, as eager mode drops a tensor nobody holds.
"""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np

import chainrule as cr
from chainrule import nn
from chainrule.models import small_cnn


def _side(compiled: bool):
    cr.manual_seed(0)
    model = small_cnn(channels=(8, 16))
    opt = cr.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return (cr.compile(step) if compiled else step), model


def _peaks(compiled: bool, steps: int = 3) -> tuple[list, list]:
    """Per step: the peak traced memory above the step's start (MiB), and the loss."""
    step, _ = _side(compiled)
    rng = np.random.default_rng(0)
    batches = [(cr.from_numpy(rng.standard_normal((32, 1, 28, 28)).astype(np.float32)),
                cr.from_numpy(rng.integers(0, 10, 32))) for _ in range(steps)]
    peaks, losses = [], []
    gc.collect()
    tracemalloc.start()
    try:
        for x, y in batches:
            start = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            losses.append(step(x, y)._data.copy())
            peaks.append((tracemalloc.get_traced_memory()[1] - start) / 2**20)
    finally:
        tracemalloc.stop()
    return peaks, losses


def test_compiled_cnn_step_peak_memory_at_most_eager():
    eager, le = _peaks(False)
    comp, lc = _peaks(True)
    for a, b in zip(le, lc):
        np.testing.assert_array_equal(a, b)
    assert comp[0] <= eager[0] * 1.02, (comp, eager)  # the recording step
    assert max(comp[1:]) <= min(eager[1:]), (comp, eager)  # the replays


def test_replay_releases_values_after_their_last_reader():
    """A value read again two ops later (a skip connection) is released only after that reader: eager's numbers."""
    cr.manual_seed(0)
    model = nn.ModuleList([nn.Linear(6, 6), nn.Linear(6, 3)])

    def step(x):
        model.zero_grad()
        h = cr.tanh(model[0](x))
        z = cr.sigmoid(h) * 2 + h  # h read again two ops later
        loss = model[1](z).sum()
        loss.backward()
        return loss

    f = cr.compile(step)
    x = cr.randn(4, 6)
    outs = [f(x)._data.copy() for _ in range(3)]
    grads = [p.grad._data.copy() for p in model.parameters()]
    ref = step(x)
    np.testing.assert_array_equal(outs[-1], ref._data)
    for g, p in zip(grads, model.parameters()):
        np.testing.assert_array_equal(g, p.grad._data)
    assert f.stats["replays"] == 2
