"""Short, wide batches: a Linear of at most 128 rows of at least 512 features computes out.T = W @ x.T (a faster
GEMM with the same bits, eager mode too), read transposed when only Linear ops read its output; Adam runs chunk
by chunk. Both must keep eager's numbers exactly."""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.optim import _flat

sys.path.insert(0, os.path.dirname(__file__))
from helpers import assert_same, train


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    """Chunks of 64 floats, so that these small models' Adam updates run chunked; no eager fallback."""
    monkeypatch.setattr(_flat, "CHUNK_BYTES", 256)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="chainrule.compile")
        yield


def wide_mlp():
    return nn.Sequential(nn.Linear(600, 24), nn.ReLU(), nn.Linear(24, 12), nn.ReLU(), nn.Linear(12, 5))


def wide_no_relu():
    return nn.Sequential(nn.Linear(512, 16), nn.Linear(16, 4))


def wide_logistic():
    return nn.Linear(520, 4)  # its output goes to the loss: computed as x @ W.T


class WideSum(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.head = nn.Linear(560, 8), nn.Linear(8, 3)

    def forward(self, x):
        h = self.fc(x).relu()
        return self.head(h) + h.sum(dim=1, keepdim=True)  # a reduction reads the first output too


def plan_text(fn) -> str:
    return fn.explain(file=open(os.devnull, "w"))


@pytest.mark.parametrize("make,xshape,n_out,gemm_t,read_t", [
    (wide_mlp, (16, 600), 5, True, True),
    (wide_mlp, (129, 600), 5, False, False),  # more than 128 rows: x @ W.T
    (wide_no_relu, (9, 512), 4, True, True),
    (wide_logistic, (8, 520), 4, True, False),
    (WideSum, (8, 560), 3, True, False),
])
def test_wide_first_layer_bit_identical(make, xshape, n_out, gemm_t, read_t):
    eager = train(make, xshape, n_out, 150, False)
    compiled = train(make, xshape, n_out, 150, True)
    assert compiled[2].stats == {"records": 1, "replays": 149, "eager": 0}
    assert_same(eager, compiled)
    text = plan_text(compiled[2])
    assert ("out.T = W @ x.T" in text, "read transposed" in text) == (gemm_t, read_t)


def test_wide_adam_runs_chunked_and_sgd_momentum():
    eager = train(wide_mlp, (16, 600), 5, 60, False,
                  opt=lambda ps: cr.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True))
    compiled = train(wide_mlp, (16, 600), 5, 60, True,
                     opt=lambda ps: cr.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True))
    assert_same(eager, compiled)
    model, _, _ = train(wide_mlp, (16, 600), 5, 3, True)
    assert sum(p.numel() for p in model.parameters()) > 64 * 100  # > 100 chunks of 64 floats


def test_transposed_layer_with_a_non_contiguous_batch():
    """The batch given as a transposed view: other operand layouts, the same numbers."""
    def run(compiled):
        cr.manual_seed(0)
        rng = np.random.default_rng(0)
        model, loss_fn = wide_mlp(), nn.CrossEntropyLoss()
        opt = cr.optim.Adam(model.parameters(), lr=1e-2)

        def step(x, y):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss

        f = cr.compile(step) if compiled else step
        out = []
        for _ in range(20):
            x = cr.from_numpy(np.ascontiguousarray(rng.standard_normal((600, 16)).astype(np.float32)).T)
            out.append(f(x, cr.from_numpy(rng.integers(0, 5, 16)))._data.copy())
        return model, out, f

    assert_same(run(False), run(True))
