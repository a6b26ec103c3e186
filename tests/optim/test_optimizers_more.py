"""Adadelta, Adamax, NAdam, RAdam and ASGD against PyTorch: same weights and gradients, step by step, drawn
hyper-parameters, flat and per-parameter buffers, float32 and float64, state_dict round trips."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

torch = pytest.importorskip("torch")

SHAPES = [(5, 3), (3,), (4, 5), ()]


def draw(name, rng):
    """Hyper-parameters for one optimizer, drawn over its options."""
    wd = float(rng.choice([0.0, 0.0, 0.05]))
    common = {"weight_decay": wd, "maximize": bool(rng.random() < 0.3)}
    b = (float(rng.uniform(0.5, 0.95)), float(rng.choice([0.99, 0.999, 0.9])))
    if name == "Adadelta":
        return {**common, "lr": float(rng.uniform(0.1, 2)), "rho": float(rng.uniform(0.5, 0.99)),
                "eps": float(rng.choice([1e-6, 1e-4]))}
    if name == "Adamax":
        return {**common, "lr": float(rng.uniform(1e-3, 0.05)), "betas": b, "eps": float(rng.choice([1e-8, 1e-5]))}
    if name == "NAdam":
        return {**common, "lr": float(rng.uniform(1e-3, 0.05)), "betas": b,
                "momentum_decay": float(rng.choice([4e-3, 1e-2, 0.0])),
                "decoupled_weight_decay": bool(rng.random() < 0.5)}
    if name == "RAdam":
        return {**common, "lr": float(rng.uniform(1e-3, 0.05)), "betas": b,
                "decoupled_weight_decay": bool(rng.random() < 0.5)}
    if name == "ASGD":
        return {**common, "lr": float(rng.uniform(1e-3, 0.1)), "lambd": float(rng.choice([1e-4, 1e-2])),
                "alpha": float(rng.uniform(0.5, 1)), "t0": float(rng.choice([1e6, 5.0]))}
    raise ValueError(name)


NAMES = ["Adadelta", "Adamax", "NAdam", "RAdam", "ASGD"]
CASES = [(n, s) for n in NAMES for s in range(4)]


def run_pair(name, kw, dtype, steps, foreach=None, holes=False, seed=0):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    pc = [cr.tensor(a.copy(), requires_grad=True) for a in init]
    pt = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    oc = getattr(optim, name)(pc, foreach=foreach, **kw)
    ot = getattr(torch.optim, name)(pt, foreach=False, **kw)
    for _ in range(steps):
        for c, t, s in zip(pc, pt, SHAPES):
            g = None if holes and rng.random() < 0.3 else rng.standard_normal(s).astype(dtype)
            c.grad = None if g is None else cr.tensor(g)
            t.grad = None if g is None else torch.tensor(g)
        oc.step()
        ot.step()
    return pc, pt, oc, ot


def assert_same(pc, pt, oc, ot, dtype):
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-12}
    for c, t in zip(pc, pt):
        np.testing.assert_allclose(c.detach().numpy(), t.detach().numpy(), **tol)
    sc, st = oc.state_dict(), ot.state_dict()
    assert sorted(sc["state"]) == sorted(st["state"])
    for i, s in st["state"].items():
        assert list(sc["state"][i]) == list(s), "state keys and their order"
        for k, v in s.items():
            a = sc["state"][i][k]
            assert tuple(a.shape) == tuple(v.shape) and str(a.dtype).split(".")[-1] == str(v.dtype).split(".")[-1], k
            np.testing.assert_allclose(a.numpy(), v.numpy(), **tol, err_msg=k)
    for gc, gt in zip(sc["param_groups"], st["param_groups"]):
        assert set(gc) == set(gt)
        assert all(gc[k] == gt[k] for k in gt if k != "foreach"), "group options"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_matches_torch_step_by_step(case, dtype):
    name, seed = case
    kw = draw(name, np.random.default_rng(seed))
    foreach = None if seed % 2 == 0 else False
    pc, pt, oc, ot = run_pair(name, kw, dtype, 25, foreach=foreach, holes=seed == 3, seed=seed)
    assert_same(pc, pt, oc, ot, dtype)


@pytest.mark.parametrize("name", NAMES)
def test_defaults_and_repr_are_pytorchs(name):
    pc, pt, oc, ot = run_pair(name, {}, np.float32, 30)
    assert_same(pc, pt, oc, ot, np.float32)
    assert repr(oc) == repr(ot).replace("foreach: False", "foreach: None")


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_round_trip_from_torch_and_back(name):
    """Load PyTorch's state after 10 steps, continue 15 steps in both; then our state_dict loads into torch."""
    kw = draw(name, np.random.default_rng(7))
    rng = np.random.default_rng(1)
    init = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(25)]
    pc = [cr.tensor(a.copy(), requires_grad=True) for a in init]
    pt = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    oc, ot = getattr(optim, name)(pc, **kw), getattr(torch.optim, name)(pt, **kw)
    for gs in grads[:10]:
        for t, g in zip(pt, gs):
            t.grad = torch.tensor(g)
        ot.step()
    for c, t in zip(pc, pt):
        c.data = cr.tensor(t.detach().numpy().copy())
    sd = ot.state_dict()
    oc.load_state_dict({"state": {i: {k: cr.tensor(v.numpy().copy()) for k, v in s.items()}
                                  for i, s in sd["state"].items()}, "param_groups": sd["param_groups"]})
    for gs in grads[10:]:
        for c, t, g in zip(pc, pt, gs):
            c.grad, t.grad = cr.tensor(g), torch.tensor(g)
        oc.step()
        ot.step()
    assert_same(pc, pt, oc, ot, np.float32)
    back = getattr(torch.optim, name)([torch.tensor(a) for a in init], **kw)
    mine = oc.state_dict()
    back.load_state_dict({"state": {i: {k: torch.tensor(v.numpy()) for k, v in s.items()}
                                    for i, s in mine["state"].items()}, "param_groups": mine["param_groups"]})
    assert_same(pc, pt, oc, back, np.float32)


def test_param_groups_with_their_own_options():
    rng = np.random.default_rng(3)
    init = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    pc = [cr.tensor(a.copy(), requires_grad=True) for a in init]
    pt = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    groups = lambda ps: [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.05, "momentum_decay": 0.01}]
    oc, ot = optim.NAdam(groups(pc), lr=0.01), torch.optim.NAdam(groups(pt), lr=0.01)
    for _ in range(20):
        for c, t, s in zip(pc, pt, SHAPES):
            g = rng.standard_normal(s).astype(np.float32)
            c.grad, t.grad = cr.tensor(g), torch.tensor(g)
        oc.step()
        ot.step()
    assert_same(pc, pt, oc, ot, np.float32)


def test_invalid_arguments_raise_like_torch():
    p = [cr.randn(2, requires_grad=True)]
    for name, kw in [("Adadelta", {"rho": 1.5}), ("Adadelta", {"lr": -1}), ("Adamax", {"betas": (0.9, 1.0)}),
                     ("NAdam", {"momentum_decay": -1}), ("RAdam", {"eps": -1}), ("ASGD", {"weight_decay": -1})]:
        with pytest.raises(ValueError) as mine:
            getattr(optim, name)(p, **kw)
        with pytest.raises(ValueError) as theirs:
            getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kw)
        assert str(mine.value) == str(theirs.value)
