"""The flat-buffer design: one contiguous array per group and state, views for params/grads/state, and the
cases that break the flat layout (p.data replaced, dtype changes, missing grads, state reset, loading)."""

from collections import defaultdict

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim
from chainrule.optim.optimizer import Optimizer

SHAPES = [(4, 3), (3,), (2, 4)]


def params(seed=0, dtype=np.float32, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [cr.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]


def grads(ps, seed=1):
    rng = np.random.default_rng(seed)
    for p in ps:
        p.grad = cr.tensor(rng.standard_normal(p.shape).astype(p.dtype))


def bucket(opt, group=0, i=0):
    return opt._layouts[group][1][i]


def count_updates(monkeypatch, cls):
    calls = []
    orig = cls._update

    def spy(self, group, param, *a):
        calls.append(param.size)
        return orig(self, group, param, *a)

    monkeypatch.setattr(cls, "_update", spy)
    return calls


def test_params_are_rehomed_into_one_flat_buffer_with_values_kept():
    ps = params()
    before = [p.detach().numpy().copy() for p in ps]
    opt = optim.Adam(ps)
    flat = bucket(opt).flat
    assert flat.size == sum(p.numel() for p in ps) and flat.flags.c_contiguous
    for p, b in zip(ps, before):
        assert np.shares_memory(p._data, flat)
        np.testing.assert_array_equal(p.detach().numpy(), b)


def test_one_vectorised_update_for_the_whole_group(monkeypatch):
    calls = count_updates(monkeypatch, optim.Adam)
    ps = params()
    opt = optim.Adam(ps)
    grads(ps)
    opt.step()
    assert calls == [sum(p.numel() for p in ps)]


def test_foreach_false_updates_each_param_in_its_own_array(monkeypatch):
    calls = count_updates(monkeypatch, optim.Adam)
    ps = params()
    arrays = [p._data for p in ps]
    opt = optim.Adam(ps, foreach=False)
    grads(ps)
    opt.step()
    assert calls == [p.numel() for p in ps]
    assert all(p._data is a for p, a in zip(ps, arrays))


def test_state_entries_are_views_of_the_flat_state():
    ps = params()
    opt = optim.Adam(ps, amsgrad=True)
    grads(ps)
    opt.step()
    b = bucket(opt)
    for p in ps:
        st = opt.state[p]
        for k in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
            assert st[k].shape == p.shape and np.shares_memory(st[k]._data, b.bufs[k])
        assert np.shares_memory(st["step"]._data, b.steps)
    ref = opt.state[ps[1]]["exp_avg"].numpy().copy()
    grads(ps, seed=2)
    opt.step()
    assert not np.array_equal(ref, opt.state[ps[1]]["exp_avg"].numpy())  # the view follows the updates


def test_zero_grad_to_zeros_makes_grads_views_and_backward_accumulates_in_place():
    ps = params()
    opt = optim.SGD(ps, lr=0.1)
    grads(ps)
    opt.zero_grad(set_to_none=False)
    b = bucket(opt)
    assert all(p._grad._data is v for p, v in zip(ps, b.gviews))
    assert not b.grad.any()
    loss = sum(((p * p).sum() for p in ps), cr.tensor(0.0))
    loss.backward()
    assert all(p._grad._data is v for p, v in zip(ps, b.gviews))  # no copy: the engine added into the views
    before = [p.detach().numpy().copy() for p in ps]
    opt.step()
    for p, x in zip(ps, before):
        np.testing.assert_allclose(p.detach().numpy(), x - 0.1 * 2 * x, rtol=1e-6)


def test_zero_grad_default_sets_none_and_keeps_none_grads_none():
    ps = params()
    opt = optim.Adam(ps)
    grads(ps)
    opt.zero_grad()
    assert all(p.grad is None for p in ps)
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is None for p in ps)


def test_replacing_p_data_rehomes_the_parameter():
    ps = params()
    opt = optim.SGD(ps, lr=0.5)
    ps[1].data = cr.tensor([1.0, 2.0, 3.0])
    grads(ps)
    g = ps[1].grad.numpy().copy()
    opt.step()
    np.testing.assert_allclose(ps[1].detach().numpy(), np.array([1.0, 2.0, 3.0]) - 0.5 * g, rtol=1e-6)
    assert np.shares_memory(ps[1]._data, bucket(opt).flat)


def test_a_dtype_change_rebuilds_the_layout_and_keeps_state():
    ps = params()
    opt = optim.Adam(ps, lr=0.1)
    grads(ps)
    opt.step()
    m = opt.state[ps[0]]["exp_avg"].numpy().astype(np.float64)
    ps[0].data = cr.tensor(ps[0].detach().numpy().astype(np.float64))  # as model.double() on one param
    grads(ps, seed=3)
    ps[0].grad = cr.tensor(ps[0].grad.numpy().astype(np.float64))
    opt.step()
    assert ps[0].dtype == cr.float64 and opt.state[ps[0]]["exp_avg"].dtype == cr.float64
    assert len(opt._layouts[0][1]) == 2
    g = ps[0].grad.numpy()
    np.testing.assert_allclose(opt.state[ps[0]]["exp_avg"].numpy(), 0.9 * m + 0.1 * g, rtol=1e-6)


def test_mixed_dtypes_get_one_bucket_each(monkeypatch):
    calls = count_updates(monkeypatch, optim.SGD)
    ps = params() + params(dtype=np.float64, shapes=[(2, 2), (5,)])
    opt = optim.SGD(ps, lr=0.1, momentum=0.9)
    grads(ps)
    opt.step()
    assert sorted(calls) == [9, 23]
    assert opt.state[ps[3]]["momentum_buffer"].dtype == cr.float64


def test_params_without_grad_split_the_run_and_get_no_state(monkeypatch):
    calls = count_updates(monkeypatch, optim.Adam)
    ps = params(shapes=[(2,), (3,), (4,), (5,)])
    opt = optim.Adam(ps)
    grads(ps)
    ps[1].grad = None
    before = ps[1].detach().numpy().copy()
    opt.step()
    assert calls == [2, 9]  # [p0] and [p2, p3]: one call per contiguous run
    assert ps[1] not in opt.state and len(opt.state_dict()["state"]) == 3
    np.testing.assert_array_equal(ps[1].detach().numpy(), before)
    grads(ps)
    calls.clear()
    opt.step()
    assert calls == [2, 3, 9]  # p1 is one step behind the others: its own run (its own bias correction)
    assert [opt.state[p]["step"].item() for p in ps] == [2.0, 1.0, 2.0, 2.0]


def test_resetting_the_state_dict_starts_fresh():
    ps, qs = params(), params()
    a, b = optim.Adam(ps, lr=0.1), optim.Adam(qs, lr=0.1)
    grads(ps)
    a.step()
    for p, q in zip(ps, qs):
        q.data = cr.tensor(p.detach().numpy().copy())
    a.state = defaultdict(dict)  # a common idiom to reset an optimizer
    grads(ps, seed=5)
    grads(qs, seed=5)
    a.step()
    b.step()
    for p, q in zip(ps, qs):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert a.state[ps[0]]["step"].item() == 1.0


def test_load_state_dict_is_scattered_back_into_the_flat_state():
    ps = params()
    a = optim.Adam(ps, lr=0.1)
    grads(ps)
    a.step()
    sd = a.state_dict()
    qs = [cr.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    b = optim.Adam(qs, lr=0.5)
    b.load_state_dict(sd)
    assert b.param_groups[0]["lr"] == 0.1 and b.param_groups[0]["params"][0] is qs[0]
    grads(ps, seed=4)
    grads(qs, seed=4)
    a.step()
    b.step()
    bb = bucket(b)
    for p, q in zip(ps, qs):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
        assert np.shares_memory(b.state[q]["exp_avg"]._data, bb.bufs["exp_avg"])
        assert b.state[q]["step"].item() == 2.0


def test_loaded_state_is_a_copy():
    ps = params()
    a = optim.SGD(ps, lr=0.1, momentum=0.9)
    grads(ps)
    a.step()
    sd = a.state_dict()
    b = optim.SGD(params(), lr=0.1, momentum=0.9)
    b.load_state_dict(sd)
    assert not np.shares_memory(b.state[b.param_groups[0]["params"][0]]["momentum_buffer"]._data,
                                sd["state"][0]["momentum_buffer"]._data)


def test_step_bumps_the_version_counter_so_stale_graphs_fail():
    p = cr.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    y = (p * p).sum()  # saves p for backward
    p.grad = cr.ones(2)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation|version"):
        y.backward()


def test_momentum_turned_on_later_starts_its_buffer_from_the_gradient():
    torch = pytest.importorskip("torch")
    ps = params()
    ts = [torch.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    a, b = optim.SGD(ps, lr=0.1), torch.optim.SGD(ts, lr=0.1)
    for k in range(6):
        if k == 3:
            a.param_groups[0]["momentum"] = b.param_groups[0]["momentum"] = 0.9
        grads(ps, seed=k)
        for p, t in zip(ps, ts):
            t.grad = torch.tensor(p.grad.numpy())
        a.step()
        b.step()
    for p, t in zip(ps, ts):
        np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=1e-6)


def test_custom_optimizer_subclass_gets_flat_buffers():
    class SignSGD(Optimizer):
        def __init__(self, params, lr=0.01):
            super().__init__(params, {"lr": lr, "foreach": None})

        def _update(self, group, param, grad, state, step, work):
            param -= group["lr"] * np.sign(grad)

    ps = params()
    opt = SignSGD(ps, lr=0.5)
    before = [p.detach().numpy().copy() for p in ps]
    grads(ps)
    opt.step()
    for p, x in zip(ps, before):
        np.testing.assert_allclose(p.detach().numpy(), x - 0.5 * np.sign(p.grad.numpy()))


def test_pytorch_style_subclass_with_its_own_step_and_one_with_neither():
    class PlainSGD(Optimizer):  # written as for torch.optim: its own step(), no _update
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            with cr.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        p -= group["lr"] * p.grad

    ps = params()
    grads(ps)
    before = [p.detach().numpy().copy() for p in ps]
    PlainSGD(ps).step()
    for p, x in zip(ps, before):
        np.testing.assert_allclose(p.detach().numpy(), x - 0.1 * p.grad.numpy(), rtol=1e-6)
    with pytest.raises(TypeError, match=r"Nothing: an Optimizer subclass defines step\(\) or _update"):
        class Nothing(Optimizer):
            pass


def test_nn_module_load_state_dict_keeps_the_flat_layout():
    nn = pytest.importorskip("chainrule.nn")
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    sd = {k: cr.zeros(*v.shape) for k, v in model.state_dict().items()}
    model.load_state_dict(sd)
    assert np.shares_memory(model.weight._data, bucket(opt).flat)
    model.weight.grad = cr.ones(2, 3)
    opt.step()
    np.testing.assert_allclose(model.weight.detach().numpy(), -0.1 * np.ones((2, 3)), rtol=1e-6)
