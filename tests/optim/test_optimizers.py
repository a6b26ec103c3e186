"""Optimizers against PyTorch: same weights, same gradients, 100 steps, every option combination."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

torch = pytest.importorskip("torch")

SHAPES = [(5, 3), (3,), (4, 5), ()]
CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "maximize": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.1, "nesterov": True, "maximize": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.05, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True}),
    ("Adam", {"lr": 0.02, "betas": (0.5, 0.9), "eps": 1e-6, "weight_decay": 0.05, "amsgrad": True,
              "maximize": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "maximize": True, "betas": (0.8, 0.99)}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.001, "centered": True}),
    ("RMSprop", {"lr": 0.001, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.001, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.001, "centered": True, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.05, "lr_decay": 0.01}),
    ("Adagrad", {"lr": 0.05, "initial_accumulator_value": 0.1, "eps": 1e-6}),
    ("Adagrad", {"lr": 0.05, "weight_decay": 0.1, "maximize": True, "lr_decay": 0.001}),
]


def ids(case):
    name, kw = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in kw.items()) + ")"


def make(seed=0, shapes=SHAPES, steps=100, holes=False):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(steps)]
    if holes:  # some parameters get no gradient at some steps (PyTorch skips them)
        for k, gs in enumerate(grads):
            for i in range(len(gs)):
                if rng.random() < 0.3:
                    gs[i] = None
    return init, grads


def pair(name, kw, init, foreach=None):
    pc = [cr.tensor(a.copy(), requires_grad=True) for a in init]
    pt = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    oc = getattr(optim, name)(pc, foreach=foreach, **kw)
    return pc, pt, oc, getattr(torch.optim, name)(pt, foreach=False, **kw)


def set_grads(pc, pt, gs):
    for c, t, g in zip(pc, pt, gs):
        c.grad = None if g is None else cr.tensor(g)
        t.grad = None if g is None else torch.tensor(g)


def assert_params(pc, pt, rtol=2e-5, atol=2e-6):
    for c, t in zip(pc, pt):
        np.testing.assert_allclose(c.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def assert_state(oc, ot, rtol=2e-5, atol=2e-6):
    sc, st = oc.state_dict(), ot.state_dict()
    assert sorted(sc["state"]) == sorted(st["state"])
    for i in st["state"]:
        assert list(sc["state"][i]) == list(st["state"][i]), "state keys (and their order) differ"
        for k, v in st["state"][i].items():
            if v is None:
                assert sc["state"][i][k] is None
                continue
            a = sc["state"][i][k].numpy()
            assert a.dtype == cr.float32 and a.shape == tuple(v.shape)
            np.testing.assert_allclose(a, v.numpy(), rtol=rtol, atol=atol, err_msg=k)
    for gc, gt in zip(sc["param_groups"], st["param_groups"]):
        assert gc["params"] == gt["params"]
        for k, v in gc.items():
            if k in gt and k != "foreach":
                assert gt[k] == v, k


@pytest.mark.parametrize("foreach", [None, False], ids=["flat", "per_param"])
@pytest.mark.parametrize("case", CASES, ids=ids)
def test_matches_torch_100_steps(case, foreach):
    name, kw = case
    init, grads = make()
    pc, pt, oc, ot = pair(name, kw, init, foreach)
    for k, gs in enumerate(grads):
        set_grads(pc, pt, gs)
        oc.step()
        ot.step()
        if k % 25 == 0:
            assert_params(pc, pt)
    assert_params(pc, pt)
    assert_state(oc, ot)


@pytest.mark.parametrize("case", [c for c in CASES if c[1].get("momentum") or c[0] != "SGD"][::2], ids=ids)
def test_missing_grads_are_skipped_like_torch(case):
    name, kw = case
    init, grads = make(seed=1, steps=60, holes=True)
    grads[0][1] = None  # parameter 1 has no state until later
    pc, pt, oc, ot = pair(name, kw, init)
    for gs in grads:
        set_grads(pc, pt, gs)
        oc.step()
        ot.step()
    assert_params(pc, pt)
    assert_state(oc, ot)


def test_state_only_for_stepped_params_before_first_step():
    init, _ = make()
    _pc, _pt, oc, ot = pair("Adam", {}, init)
    assert oc.state_dict()["state"] == {} and len(ot.state_dict()["state"]) == 0
    _pc, _pt, oc, ot = pair("Adagrad", {}, init)  # Adagrad creates its state at construction
    assert_state(oc, ot)


@pytest.mark.parametrize("name,kw", [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}), ("Adam", {"lr": 0.01}), ("AdamW", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.003, "centered": True}), ("Adagrad", {"lr": 0.1})])
def test_training_a_small_model_matches_torch(name, kw):
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((32, 6)).astype(np.float32), rng.standard_normal((32, 2)).astype(np.float32)
    init = [rng.standard_normal(s).astype(np.float32) * 0.5 for s in [(6, 16), (16,), (16, 2), (2,)]]
    pc, pt, oc, ot = pair(name, kw, init)

    def loss(lib, ps):
        h = (lib.tensor(x) @ ps[0] + ps[1]).relu()
        return ((h @ ps[2] + ps[3] - lib.tensor(y)) ** 2).mean()

    for _ in range(100):
        for lib, ps, o in ((cr, pc, oc), (torch, pt, ot)):
            o.zero_grad()
            loss(lib, ps).backward()
            o.step()
    assert_params(pc, pt, rtol=1e-4, atol=1e-5)
    assert abs(loss(cr, pc).item() - loss(torch, pt).item()) < 1e-4


def test_param_groups_with_own_options_and_add_param_group():
    init, grads = make(steps=30)
    kw = {"lr": 0.01, "betas": (0.8, 0.9)}
    pc = [cr.tensor(a.copy(), requires_grad=True) for a in init]
    pt = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    oc = optim.Adam([{"params": pc[:2]}, {"params": pc[2:3], "lr": 0.1, "amsgrad": True}], **kw)
    ot = torch.optim.Adam([{"params": pt[:2]}, {"params": pt[2:3], "lr": 0.1, "amsgrad": True}], **kw)
    for k, gs in enumerate(grads):
        if k == 10:
            oc.add_param_group({"params": pc[3], "weight_decay": 0.5})
            ot.add_param_group({"params": pt[3], "weight_decay": 0.5})
        set_grads(pc, pt, gs)
        oc.step()
        ot.step()
    assert_params(pc, pt)
    assert_state(oc, ot)
    assert oc.param_groups[2]["weight_decay"] == 0.5 and oc.param_groups[2]["lr"] == 0.01


@pytest.mark.parametrize("name,kw", [
    ("Adam", {"lr": 0.01, "amsgrad": True}), ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("RMSprop", {"centered": True, "momentum": 0.5}), ("Adagrad", {})])
def test_load_torch_state_dict_and_continue(name, kw):
    init, grads = make(steps=40)
    pc, pt, oc, ot = pair(name, kw, init)
    for gs in grads[:20]:
        set_grads(pc, pt, gs)
        ot.step()
    for c, t in zip(pc, pt):
        c.data = cr.tensor(t.detach().numpy().copy())
    sd = ot.state_dict()
    state = {i: {k: None if v is None else cr.tensor(v.numpy().copy()) for k, v in s.items()}
             for i, s in sd["state"].items()}
    oc.load_state_dict({"state": state, "param_groups": sd["param_groups"]})
    for gs in grads[20:]:
        set_grads(pc, pt, gs)
        oc.step()
        ot.step()
    assert_params(pc, pt)
    assert_state(oc, ot)


def test_closure_is_called_with_grad_enabled_and_its_loss_returned():
    p = cr.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with cr.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6], rtol=1e-6)


def test_state_dict_layout_is_pytorchs():
    init, grads = make(steps=3)
    pc, pt, oc, ot = pair("Adam", {"amsgrad": True}, init)
    for gs in grads:
        set_grads(pc, pt, gs)
        oc.step()
        ot.step()
    sd = oc.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert list(sd["state"]) == [0, 1, 2, 3]
    assert list(sd["state"][0]) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    step = sd["state"][0]["step"]
    assert isinstance(step, cr.Tensor) and step.shape == () and step.dtype == cr.float32
    assert step.item() == 3.0
    assert sd["param_groups"][0]["params"] == [0, 1, 2, 3]
    assert "Adam (" in repr(oc) and "amsgrad: True" in repr(oc)


def test_invalid_arguments_raise_like_torch():
    p = [cr.randn(2, requires_grad=True)]
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.SGD(p, lr=-1)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD(p, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="beta parameter at index 1"):
        optim.Adam(p, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.Adam(p[0])
    with pytest.raises(ValueError, match="non-leaf"):
        optim.Adam([p[0] * 2])
    with pytest.raises(ValueError, match="twice"):
        optim.Adam([p[0], p[0]])
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.Adam([{"params": p}, {"params": p}])
    with pytest.raises(NotImplementedError, match="differentiable"):
        optim.Adam(p, differentiable=True)
    opt = optim.Adam(p)
    with pytest.raises(ValueError, match="parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})


def test_nn_model_parameters():
    nn = pytest.importorskip("chainrule.nn")
    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    with torch.no_grad():
        for (k, v), tv in zip(model.state_dict().items(), tmodel.state_dict().values()):
            tv.copy_(torch.tensor(v.numpy()))
    oc, ot = optim.Adam(model.parameters(), lr=0.01), torch.optim.Adam(tmodel.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)).astype(np.float32), rng.integers(0, 3, 16)
    for _ in range(50):
        for m, o, lib in ((model, oc, cr), (tmodel, ot, torch)):
            o.zero_grad()
            lib.nn.functional.cross_entropy(m(lib.tensor(x)), lib.tensor(y)).backward()
            o.step()
    for (k, v), tv in zip(model.state_dict().items(), tmodel.state_dict().values()):
        np.testing.assert_allclose(v.numpy(), tv.numpy(), rtol=1e-4, atol=1e-5, err_msg=k)


@pytest.mark.parametrize("foreach", [None, False])
@pytest.mark.parametrize("name, kw", [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01}),
    ("AdamW", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1}),
])
def test_complex_parameters_step_as_pytorch(name, kw, foreach):
    """Complex parameters are updated as (re, im) pairs, PyTorch's view_as_real rule; a real one rides along."""
    rng = np.random.default_rng(5)
    z = (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))).astype(np.complex64)
    r = rng.standard_normal(4).astype(np.float32)
    pc = [cr.tensor(z, requires_grad=True), cr.tensor(r, requires_grad=True)]
    pt = [torch.tensor(z, requires_grad=True), torch.tensor(r, requires_grad=True)]
    oc = getattr(optim, name)(pc, foreach=foreach, **kw)
    ot = getattr(torch.optim, name)(pt, foreach=foreach, **kw)
    for step in range(4):
        gz = (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))).astype(np.complex64)
        gr = rng.standard_normal(4).astype(np.float32)
        for p, g in zip(pc, (gz, gr)):
            p.grad = cr.tensor(g)
        for p, g in zip(pt, (gz, gr)):
            p.grad = torch.tensor(g)
        oc.step()
        ot.step()
        for a, b in zip(pc, pt):
            assert a.dtype == b.detach().numpy().dtype
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6,
                                       err_msg=f"{name} step {step}")


def test_schedules_without_a_formula_are_refused_at_construction():
    """get_lr / get_momentum are abstract: a subclass that defines neither fails when built, not at step()."""
    opt = optim.SGD([cr.zeros(2, requires_grad=True)], lr=0.1, momentum=0.5)

    class NoSchedule(optim.lr_scheduler.LRScheduler):
        pass

    class NoMomentum(optim.lr_scheduler.MomentumScheduler):
        pass

    for cls in (NoSchedule, NoMomentum):
        with pytest.raises(TypeError, match="abstract"):
            cls(opt)
    plateau = optim.lr_scheduler.ReduceLROnPlateau(opt)
    assert plateau.get_lr() == [0.1]
