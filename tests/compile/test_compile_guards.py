"""Guards: a call replays only the plan recorded for what it is; anything else records anew."""

from __future__ import annotations

import io
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


def _step_for(model, opt):
    loss_fn = nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _batch(n, seed=0):
    rng = np.random.default_rng(seed)
    return cr.from_numpy(rng.standard_normal((n, 4)).astype(np.float32)), cr.from_numpy(rng.integers(0, 3, n))


def _pair():
    out = []
    for _ in range(2):
        cr.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3))
        opt = cr.optim.Adam(model.parameters(), lr=1e-2)
        out.append((model, opt))
    return out


def _same(a, b):
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p._data, q._data)


def test_new_shape_records_a_new_plan_and_old_plans_stay():
    (me, oe), (mc, oc) = _pair()
    eager, f = _step_for(me, oe), cr.compile(_step_for(mc, oc))
    for n in (5, 5, 7, 7, 5, 3, 7):
        x, y = _batch(n, n)
        assert eager(x, y).item() == f(x, y).item()
    assert f.stats == {"records": 3, "replays": 4, "eager": 0}
    _same(me, mc)


def test_hyperparameters_are_read_at_replay():
    (me, oe), (mc, oc) = _pair()
    eager, f = _step_for(me, oe), cr.compile(_step_for(mc, oc))
    x, y = _batch(5)
    for i in range(6):
        for o in (oe, oc):
            o.param_groups[0]["lr"] = 0.01 / (i + 1)
            o.param_groups[0]["betas"] = (0.9 - 0.1 * (i % 2), 0.999)
        eager(x, y)
        f(x, y)
    assert f.stats["replays"] == 5
    _same(me, mc)


def test_eval_mode_and_module_attributes_are_guarded():
    results = []
    for compiled in (False, True):
        cr.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 6), nn.Dropout(0.5), nn.Linear(6, 3))
        f = cr.compile(lambda x: model(x).detach()) if compiled else (lambda x: model(x).detach())
        x, _ = _batch(5)
        outs = []
        with cr.no_grad():
            for mode in ("train", "train", "eval", "eval", "train"):
                getattr(model, mode)()
                outs.append(f(x)._data.copy())
            model[1].p = 0.2  # a module attribute the recording baked in
            model.train()
            outs.append(f(x)._data.copy())
        results.append(outs)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
    assert f.stats == {"records": 3, "replays": 3, "eager": 0}  # train, eval, then p=0.2


def test_replaced_or_frozen_parameters_record_anew():
    (me, oe), (mc, oc) = _pair()
    eager, f = _step_for(me, oe), cr.compile(_step_for(mc, oc))
    x, y = _batch(5)
    for i in range(5):
        if i == 2:
            for m in (me, mc):
                m[0].bias.requires_grad_(False)
        eager(x, y)
        f(x, y)
    assert f.stats == {"records": 2, "replays": 3, "eager": 0}
    _same(me, mc)


def test_grad_mode_is_part_of_the_key():
    model = nn.Linear(4, 3)
    f = cr.compile(lambda x: model(x).detach())
    x, _ = _batch(2)
    with cr.no_grad():
        a = f(x)
    b = f(x)
    with cr.no_grad():
        c = f(x)
    assert f.stats == {"records": 2, "replays": 1, "eager": 0}
    np.testing.assert_array_equal(a._data, b._data)
    np.testing.assert_array_equal(a._data, c._data)


def test_python_scalars_are_guarded_by_value():
    model = nn.Linear(4, 3)
    f = cr.compile(lambda x, s: (model(x) * s).detach())
    x, _ = _batch(2)
    with cr.no_grad():
        outs = [f(x, s)._data for s in (1.0, 2.0, 2.0, 1.0)]
        want = [(model(x) * s)._data for s in (1.0, 2.0, 2.0, 1.0)]
    for a, b in zip(outs, want):
        np.testing.assert_array_equal(a, b)
    assert f.stats == {"records": 2, "replays": 2, "eager": 0}


def test_cache_is_small():
    model = nn.Linear(4, 3)
    f = cr.compile(lambda x: model(x).detach())
    with cr.no_grad():
        for n in range(1, 12):
            f(cr.ones(n, 4))
    assert len(f.cache) == f.cache_size == 8


def test_results_do_not_alias_the_plans_buffers():
    (_, _), (mc, oc) = _pair()
    f = cr.compile(_step_for(mc, oc))
    x, y = _batch(5)
    losses = [f(x, y) for _ in range(4)]
    values = [loss.item() for loss in losses]
    assert len(set(values)) == 4  # each replay's loss is its own
    assert all(loss.grad_fn is None and not loss.requires_grad for loss in losses[1:])


def test_explain_names_ops_buffers_and_fusions():
    (_, _), (mc, oc) = _pair()
    f = cr.compile(_step_for(mc, oc))
    x, y = _batch(5)
    f(x, y)
    f(x, y)
    buf = io.StringIO()
    text = f.explain(file=buf)
    assert buf.getvalue().strip() == text
    for words in ("linear + relu (in place)", "cross_entropy", "backward of", "Adam.step", "bytes",
                  "fused:", "linear1.out", "(5, 6)"):
        assert words in text, words
    src = cr.viz.draw_graph(f).source
    assert src.startswith("digraph plan") and "Linear" in src and "CrossEntropy" in src


def test_numpy_arguments_wrapped_inside_the_step():
    """from_numpy(arg) inside the step reads the argument (keyed by shape and dtype), not a baked-in constant."""
    (me, oe), (mc, oc) = _pair()
    loss_fn = nn.CrossEntropyLoss()

    def make(model, opt):
        def step(x, y):
            opt.zero_grad()
            loss = loss_fn(model(cr.from_numpy(x)), cr.from_numpy(y))
            loss.backward()
            opt.step()
            return loss
        return step

    eager, f = make(me, oe), cr.compile(make(mc, oc))
    for i in range(5):
        x, y = _batch(6, i)
        assert eager(x.numpy(), y.numpy()).item() == f(x.numpy(), y.numpy()).item()
    assert f.stats == {"records": 1, "replays": 4, "eager": 0}
    _same(me, mc)


def test_a_returned_view_of_a_buffer_is_copied():
    model = nn.Linear(4, 3)
    f = cr.compile(lambda x: model(x).detach().reshape(-1))
    with cr.no_grad():
        outs = [f(cr.full((2, 4), float(i))) for i in range(4)]
        for i, o in enumerate(outs):
            np.testing.assert_array_equal(o._data, model(cr.full((2, 4), float(i)))._data.reshape(-1))
    assert f.stats["replays"] == 3
