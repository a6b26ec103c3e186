"""compile(model): PyTorch's OptimizedModule; a training forward is replayed behind one graph node."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn


@pytest.fixture(autouse=True)
def _no_fallback():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="chainrule.compile")
        yield


def _model():
    cr.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))


def _train(compiled: bool, steps: int = 15):
    model = _model()
    opt = cr.optim.Adam(model.parameters(), lr=1e-2)
    m = cr.compile(model) if compiled else model
    rng = np.random.default_rng(0)
    losses = []
    for _ in range(steps):
        x = cr.from_numpy(rng.standard_normal((4, 6)).astype(np.float32))
        y = cr.from_numpy(rng.integers(0, 3, 4))
        opt.zero_grad()
        loss = nn.functional.cross_entropy(m(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return model, m, losses


def test_training_through_a_compiled_module_matches_eager():
    (me, _, le), (mc, m, lc) = _train(False), _train(True)
    assert le == lc
    for p, q in zip(me.parameters(), mc.parameters()):
        np.testing.assert_array_equal(p._data, q._data)
    assert m._compiled.stats == {"records": 1, "replays": 14, "eager": 0}
    assert type(m(cr.ones(4, 6)).grad_fn).__name__ == "CompiledBackward"


def test_two_forwards_before_one_backward_and_autograd_grad():
    model = _model()
    m = cr.compile(model)
    x = cr.randn(4, 6, requires_grad=True)
    m(x).sum().backward()  # recorded
    out = []
    for net in (model, m):
        for p in model.parameters():
            p.grad = None
        x.grad = None
        a, b = net(x), net(x * 2)  # the second call of the compiled one runs eagerly (buffers in use)
        (a.sum() + 3 * b.sum()).backward()
        gx = cr.autograd.grad(net(x).pow(2).sum(), [x, model[0].weight])
        out.append([x.grad._data.copy()] + [p.grad._data.copy() for p in model.parameters()]
                   + [g._data.copy() for g in gx])
    for u, v in zip(*out):
        np.testing.assert_array_equal(u, v)
    assert m._compiled.stats["replays"] >= 2


def test_second_backward_through_a_replay_raises():
    m = cr.compile(_model())
    x = cr.randn(4, 6)
    m(x).sum().backward()
    out = m(x).sum()
    out.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()


def test_compiled_module_delegates_and_prefixes_state_dict():
    model = _model()
    m = cr.compile(model)
    assert isinstance(m, nn.Module) and m._orig_mod is model
    assert list(m.state_dict()) == ["_orig_mod." + k for k in model.state_dict()]
    assert [id(p) for p in m.parameters()] == [id(p) for p in model.parameters()]
    m.eval()
    assert not model.training
    assert getattr(m, "0") is model[0]  # attributes reach the original (indexing does not, as in PyTorch)
    with cr.no_grad():
        a = m(cr.ones(2, 6))
        b = m(cr.ones(2, 6))
        np.testing.assert_array_equal(a._data, model(cr.ones(2, 6))._data)
    assert a.grad_fn is None and np.array_equal(a._data, b._data)


def test_torch_compile_signature_and_decorator_forms():
    calls = []

    @cr.compile(fullgraph=True, dynamic=False, backend="eager", mode="max-autotune", options={"a": 1})
    def f(x):
        calls.append(1)
        return (x * 2).sum()

    for _ in range(3):
        assert f(cr.ones(3)).item() == 6.0
    assert len(calls) == 1  # recorded once (the Python ran once), replayed twice
    g = cr.compile(lambda x: x * 2, disable=True)
    g(cr.ones(1))
    assert g.stats == {"records": 0, "replays": 0, "eager": 0}
    with pytest.raises(TypeError, match="function or an nn.Module"):
        cr.compile(3)
    import chainrule.compiler

    assert cr.compile is chainrule.compiler.compile
