"""LR schedulers against PyTorch's (the same lr and momentum sequences), and state_dict round trips."""

import math
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

torch = pytest.importorskip("torch")

S_CASES = {
    "step": (lambda S, o: S.StepLR(o, step_size=7, gamma=0.5), 60),
    "multistep": (lambda S, o: S.MultiStepLR(o, [5, 12, 12, 30], gamma=0.3), 50),
    "exponential": (lambda S, o: S.ExponentialLR(o, 0.95), 80),
    "cosine": (lambda S, o: S.CosineAnnealingLR(o, T_max=20, eta_min=0.001), 100),
    "cosine_nomin": (lambda S, o: S.CosineAnnealingLR(o, T_max=10), 45),
    "linear_warmup": (lambda S, o: S.LinearLR(o, start_factor=0.1, total_iters=10), 30),
    "linear_decay": (lambda S, o: S.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=30), 40),
    "constant": (lambda S, o: S.ConstantLR(o, factor=0.25, total_iters=4), 10),
    "polynomial": (lambda S, o: S.PolynomialLR(o, total_iters=20, power=2.0), 30),
    "lambda": (lambda S, o: S.LambdaLR(o, lambda e: 0.9**e + 0.01 * (e % 3)), 40),
    "lambda_per_group": (lambda S, o: S.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: 0.5**e]), 30),
    "multiplicative": (lambda S, o: S.MultiplicativeLR(o, lambda e: 0.97 if e % 2 else 0.99), 50),
    "sequential": (lambda S, o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=40)], [5]), 60),
    "sequential3": (lambda S, o: S.SequentialLR(
        o, [S.ConstantLR(o, 0.5, total_iters=2), S.ExponentialLR(o, 0.9), S.StepLR(o, 4, 0.5)], [3, 10]), 30),
    "chained": (lambda S, o: S.ChainedScheduler(
        [S.ConstantLR(o, 0.5, total_iters=4), S.ExponentialLR(o, 0.9)]), 20),
    "warm_restarts": (lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.01), 70),
    "onecycle": (lambda S, o: S.OneCycleLR(o, max_lr=1.0, total_steps=100), 99),
    "onecycle_3phase_linear": (lambda S, o: S.OneCycleLR(
        o, max_lr=[0.5, 2.0], epochs=4, steps_per_epoch=10, pct_start=0.25, anneal_strategy="linear",
        three_phase=True, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9), 39),
    "onecycle_no_momentum": (lambda S, o: S.OneCycleLR(o, max_lr=0.3, total_steps=30, cycle_momentum=False),
                             29),
    "cyclic": (lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5), 40),
    "cyclic_tri2": (lambda S, o: S.CyclicLR(o, 0.01, [0.1, 0.2], step_size_up=4, step_size_down=3,
                                            mode="triangular2"), 40),
    "cyclic_exp": (lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="exp_range", gamma=0.95,
                                           base_momentum=0.7, max_momentum=0.95), 40),
    "cyclic_custom": (lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 1 / x,
                                              scale_mode="cycle", cycle_momentum=False), 30),
}


def make_opts(opt="SGD", groups=2):
    pc = [cr.zeros(2, requires_grad=True) for _ in range(groups)]
    pt = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    kw = {"momentum": 0.9} if opt in ("SGD", "RMSprop") else {}
    oc = getattr(optim, opt)([{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(pc)], **kw)
    ot = getattr(torch.optim, opt)([{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(pt)], **kw)
    return oc, ot


def momenta(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]


def assert_same(oc, ot, sc, st):
    lc, lt = [g["lr"] for g in oc.param_groups], [g["lr"] for g in ot.param_groups]
    np.testing.assert_allclose(lc, lt, rtol=1e-7, atol=0)
    np.testing.assert_allclose(sc.get_last_lr(), st.get_last_lr(), rtol=1e-7, atol=0)
    np.testing.assert_allclose(momenta(oc), momenta(ot), rtol=1e-7, atol=0)


@pytest.mark.parametrize("opt", ["SGD", "Adam"])
@pytest.mark.parametrize("name", list(S_CASES))
def test_lr_sequence_matches_torch(name, opt):
    make, steps = S_CASES[name]
    oc, ot = make_opts(opt)
    sc, st = make(optim.lr_scheduler, oc), make(torch.optim.lr_scheduler, ot)
    assert_same(oc, ot, sc, st)
    for _ in range(steps):
        oc.step()
        ot.step()
        sc.step()
        st.step()
        assert_same(oc, ot, sc, st)


def test_onecycle_refuses_to_step_past_total_steps():
    oc, _ = make_opts()
    s = optim.lr_scheduler.OneCycleLR(oc, max_lr=1.0, total_steps=5)
    for _ in range(5):
        oc.step()
        s.step()
    with pytest.raises(ValueError, match="Tried to step 6 times"):
        s.step()


PLATEAU = [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2, "threshold": 0.01, "threshold_mode": "abs"},
    {"patience": 1, "cooldown": 2, "min_lr": [0.02, 0.05], "threshold": 0.1},
    {"mode": "min", "factor": 0.2, "patience": 0, "threshold_mode": "abs", "min_lr": 1e-3, "eps": 1e-4},
]


@pytest.mark.parametrize("kw", PLATEAU, ids=range(len(PLATEAU)))
def test_reduce_on_plateau_matches_torch(kw):
    rng = np.random.default_rng(0)
    metrics = np.cumsum(rng.standard_normal(120) * 0.1) + np.linspace(1, 0, 120)
    oc, ot = make_opts()
    sc = optim.lr_scheduler.ReduceLROnPlateau(oc, **kw)
    st = torch.optim.lr_scheduler.ReduceLROnPlateau(ot, **kw)
    for m in metrics:
        sc.step(float(m))
        st.step(float(m))
        assert_same(oc, ot, sc, st)
        assert sc.num_bad_epochs == st.num_bad_epochs and sc.cooldown_counter == st.cooldown_counter
    assert oc.param_groups[0]["lr"] < 0.1  # it did reduce


ROUND_TRIP = ["step", "multistep", "cosine", "lambda", "sequential", "chained", "warm_restarts", "onecycle",
              "cyclic_tri2", "polynomial", "multiplicative"]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_state_dict_round_trip_through_a_file(name, tmp_path):
    make, steps = S_CASES[name]
    n = steps // 2
    oc, _ = make_opts("Adam")
    sc = make(optim.lr_scheduler, oc)
    ref = []
    for _ in range(steps):
        oc.step()
        sc.step()
        ref.append([g["lr"] for g in oc.param_groups] + momenta(oc))
    oc, _ = make_opts("Adam")
    sc = make(optim.lr_scheduler, oc)
    got = []
    for _ in range(n):
        oc.step()
        sc.step()
        got.append([g["lr"] for g in oc.param_groups] + momenta(oc))
    cr.save({"optimizer": oc.state_dict(), "scheduler": sc.state_dict()}, tmp_path / "ck.safetensors")
    ck = cr.load(tmp_path / "ck.safetensors")
    oc2, _ = make_opts("Adam")
    sc2 = make(optim.lr_scheduler, oc2)
    oc2.load_state_dict(ck["optimizer"])
    sc2.load_state_dict(ck["scheduler"])
    assert getattr(sc2, "last_epoch", None) == getattr(sc, "last_epoch", None)
    for _ in range(steps - n):
        oc2.step()
        sc2.step()
        got.append([g["lr"] for g in oc2.param_groups] + momenta(oc2))
    assert got == ref  # bitwise


def test_reduce_on_plateau_state_round_trip(tmp_path):
    oc, _ = make_opts()
    s = optim.lr_scheduler.ReduceLROnPlateau(oc, patience=1)
    for m in [1.0, 0.5, 0.6, 0.7]:
        s.step(m)
    cr.save(s.state_dict(), tmp_path / "p.safetensors")
    s2 = optim.lr_scheduler.ReduceLROnPlateau(make_opts()[0], patience=5)
    s2.load_state_dict(cr.load(tmp_path / "p.safetensors"))
    assert (s2.best, s2.num_bad_epochs, s2.patience, s2.mode_worse) == (0.5, 0, 1, math.inf)


def test_inverse_time_lr_is_a_over_b_plus_t():
    oc, ot = make_opts()
    s = optim.lr_scheduler.InverseTimeLR(oc, a=[1.0, 3.0], b=10.0)
    # the same schedule in PyTorch, spelled as a LambdaLR relative to each group's initial lr
    st = torch.optim.lr_scheduler.LambdaLR(ot, [lambda t: 1 / (10 + t) / 0.1, lambda t: 3 / (10 + t) / 0.2])
    for t in range(50):
        assert s.get_last_lr() == [1.0 / (10 + t), 3.0 / (10 + t)]
        np.testing.assert_allclose(s.get_last_lr(), st.get_last_lr(), rtol=1e-12)
        oc.step()
        ot.step()
        s.step()
        st.step()
    with pytest.raises(ValueError, match="b must be > 0"):
        optim.lr_scheduler.InverseTimeLR(oc, a=1.0, b=0.0)


def test_closed_form_with_an_epoch_argument_matches_torch():
    oc, ot = make_opts()
    sc = optim.lr_scheduler.MultiStepLR(oc, [3, 6], gamma=0.5)
    st = torch.optim.lr_scheduler.MultiStepLR(ot, [3, 6], gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for e in [4, 7, 2, 10]:
            sc.step(e)
            st.step(e)
            assert_same(oc, ot, sc, st)


def test_warns_when_scheduler_steps_before_optimizer():
    oc, _ = make_opts()
    s = optim.lr_scheduler.StepLR(oc, 2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        s.step()


def test_errors():
    S = optim.lr_scheduler
    oc, _ = make_opts()
    with pytest.raises(TypeError, match="is not an Optimizer"):
        S.StepLR(object(), 3)
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(oc, 3, last_epoch=5)
    with pytest.raises(ValueError, match="one value per param group"):
        S.LambdaLR(oc, [lambda e: 1.0])
    with pytest.raises(ValueError, match="total_steps"):
        S.OneCycleLR(oc, max_lr=1.0)
    with pytest.raises(ValueError, match="milestone"):
        S.SequentialLR(oc, [S.StepLR(oc, 2), S.StepLR(oc, 3)], [])
    adagrad = optim.Adagrad([cr.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="momentum"):
        S.OneCycleLR(adagrad, max_lr=1.0, total_steps=10)


# ---- momentum schedules ---------------------------------------------------------------------------------
def test_step_momentum_low_then_high():
    oc, _ = make_opts("SGD")
    for g in oc.param_groups:
        g["momentum"] = 0.5
    s = optim.lr_scheduler.StepMomentum(oc, {5: 0.9})
    seen = []
    for _ in range(10):
        seen.append(oc.param_groups[0]["momentum"])
        oc.step()
        s.step()
    assert seen == [0.5] * 5 + [0.9] * 5
    assert s.get_last_momentum() == [0.9, 0.9] and s.base_momentums == [0.5, 0.5]


def test_step_momentum_sets_adams_beta1_and_several_milestones():
    p = [cr.zeros(1, requires_grad=True)]
    opt = optim.Adam(p, betas=(0.8, 0.99))
    s = optim.lr_scheduler.StepMomentum(opt, {4: 0.9, 2: 0.85})
    seen = []
    for _ in range(6):
        seen.append(opt.param_groups[0]["betas"])
        s.step()
    assert seen == [(0.8, 0.99)] * 2 + [(0.85, 0.99)] * 2 + [(0.9, 0.99)] * 2


def test_step_momentum_training_matches_torch_sgd_with_the_momentum_switched_by_hand():
    rng = np.random.default_rng(0)
    init = rng.standard_normal(4).astype(np.float32)
    pc, pt = cr.tensor(init.copy(), requires_grad=True), torch.tensor(init.copy(), requires_grad=True)
    oc, ot = optim.SGD([pc], lr=0.1, momentum=0.5), torch.optim.SGD([pt], lr=0.1, momentum=0.5)
    s = optim.lr_scheduler.StepMomentum(oc, {10: 0.9})
    for k in range(20):
        if k == 10:
            ot.param_groups[0]["momentum"] = 0.9
        g = rng.standard_normal(4).astype(np.float32)
        pc.grad, pt.grad = cr.tensor(g), torch.tensor(g)
        oc.step()
        ot.step()
        s.step()
    np.testing.assert_allclose(pc.detach().numpy(), pt.detach().numpy(), rtol=1e-6)


def test_step_momentum_state_round_trip_and_errors(tmp_path):
    opt = optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1, momentum=0.5)
    s = optim.lr_scheduler.StepMomentum(opt, {3: 0.9})
    for _ in range(2):
        s.step()
    cr.save(s.state_dict(), tmp_path / "m.safetensors")
    opt2 = optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1, momentum=0.5)
    s2 = optim.lr_scheduler.StepMomentum(opt2, {3: 0.9})
    s2.load_state_dict(cr.load(tmp_path / "m.safetensors"))
    s.step()
    s2.step()
    assert opt2.param_groups[0]["momentum"] == opt.param_groups[0]["momentum"] == 0.9
    with pytest.raises(TypeError, match="no momentum"):
        optim.lr_scheduler.StepMomentum(optim.Adagrad([cr.zeros(1, requires_grad=True)]), {1: 0.9})
    with pytest.raises(ValueError, match="\\[0, 1\\)"):
        optim.lr_scheduler.StepMomentum(opt, {1: 1.5})
