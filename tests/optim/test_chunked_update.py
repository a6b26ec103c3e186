"""The chunked update (optim/_flat.py): an elementwise optimizer runs over cache-sized chunks of the flat
buffers; every parameter and state must equal the whole-buffer update's bit for bit."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim
from chainrule.optim import _flat

SHAPES = [(40, 30), (30,), (7, 40), (7,), (3, 3, 5)]

CASES = [
    (optim.Adam, {}),
    (optim.Adam, {"amsgrad": True, "weight_decay": 0.1}),
    (optim.Adam, {"maximize": True}),
    (optim.AdamW, {"weight_decay": 0.05}),
    (optim.SGD, {"lr": 0.1}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    (optim.RMSprop, {"centered": True, "momentum": 0.5}),
    (optim.Adagrad, {"lr_decay": 0.01}),
    (optim.Adamax, {"weight_decay": 0.1}),
    (optim.RAdam, {}),
    (optim.Adadelta, {"weight_decay": 0.1}),
]


def run(cls, kw, chunk_bytes, monkeypatch, dtype=np.float32, steps=6, drop=None):
    """Train seeded parameters for `steps` steps with CHUNK_BYTES set; return their values and states."""
    monkeypatch.setattr(_flat, "CHUNK_BYTES", chunk_bytes)
    rng = np.random.default_rng(0)
    ps = [cr.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in SHAPES]
    opt = cls(ps, **kw)
    for i in range(steps):
        for j, p in enumerate(ps):
            p.grad = None if drop is not None and j == drop and i % 2 else cr.tensor(
                (rng.standard_normal(p.shape) + 1j * rng.standard_normal(p.shape)).astype(dtype)
                if np.dtype(dtype).kind == "c" else rng.standard_normal(p.shape).astype(dtype))
        opt.step()
    states = [{k: v.numpy().copy() for k, v in opt.state[p].items()} for p in ps]
    return [p.detach().numpy().copy() for p in ps], states


def same(a, b):
    for (pa, sa), (pb, sb) in zip(zip(*a), zip(*b)):
        np.testing.assert_array_equal(pa, pb)
        assert sa.keys() == sb.keys()
        for k in sa:
            np.testing.assert_array_equal(sa[k], sb[k])


@pytest.mark.parametrize("cls,kw", CASES, ids=lambda c: getattr(c, "__name__", str(c)))
def test_chunked_update_is_bit_identical(cls, kw, monkeypatch):
    whole = run(cls, kw, 1 << 30, monkeypatch)
    for chunk in (64, 100, 1000):  # chunks of 16, 25 (a ragged last chunk) and 250 floats
        same(run(cls, kw, chunk, monkeypatch), whole)


def test_chunked_with_missing_grads_float64_and_complex(monkeypatch):
    for dtype in (np.float32, np.float64, np.complex64):
        whole = run(optim.Adam, {}, 1 << 30, monkeypatch, dtype=dtype, drop=2)
        same(run(optim.Adam, {}, 64, monkeypatch, dtype=dtype, drop=2), whole)


def test_chunks_are_made_once_and_sized(monkeypatch):
    monkeypatch.setattr(_flat, "CHUNK_BYTES", 400)  # 100 float32s
    ps = [cr.zeros(1000, requires_grad=True), cr.zeros(50, requires_grad=True)]
    opt = optim.Adam(ps)
    calls = []
    orig = optim.Adam._update

    def spy(self, group, param, grad, state, step, work):
        calls.append((param.size, work[0].size, state["exp_avg"].size))
        return orig(self, group, param, grad, state, step, work)

    monkeypatch.setattr(optim.Adam, "_update", spy)
    for _ in range(2):
        for p in ps:
            p.grad = cr.ones(p.shape)
        opt.step()
    assert calls == ([(100, 100, 100)] * 10 + [(50, 50, 50)]) * 2
    b = opt._layouts[0][1][0]
    assert len(b._pieces) == 1 and b._chunk_work[0].size == 100


def test_not_chunked_optimizers_update_once(monkeypatch):
    monkeypatch.setattr(_flat, "CHUNK_BYTES", 64)
    ps = [cr.zeros(1000, requires_grad=True)]
    opt = optim.NAdam(ps)  # its update keeps a running scalar (mu_product): one call per run
    calls = []
    orig = optim.NAdam._update
    monkeypatch.setattr(optim.NAdam, "_update", lambda self, g, p, *a: calls.append(p.size) or orig(self, g, p, *a))
    ps[0].grad = cr.ones(1000)
    opt.step()
    assert calls == [1000]
