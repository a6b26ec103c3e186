"""optim.swa_utils against PyTorch: AveragedModel (SWA, EMA by avg_fn and multi_avg_fn, use_buffers), SWALR
(cos / linear, anneal_epochs, per-group swa_lr, state dicts) and update_bn."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import swa_utils

torch = pytest.importorskip("torch")
tswa = torch.optim.swa_utils


def twin_models(seed=0):
    """The same small model (Linear, BatchNorm1d, ReLU, Linear) in chainrule and torch."""
    cr.manual_seed(seed)
    mc = cr.nn.Sequential(cr.nn.Linear(4, 6), cr.nn.BatchNorm1d(6), cr.nn.ReLU(), cr.nn.Linear(6, 2))
    mt = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.ReLU(), torch.nn.Linear(6, 2))
    mt.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mc.state_dict().items()})
    return mc, mt


def train_both(mc, mt, oc, ot, x, y):
    for m, o, lib in ((mc, oc, cr), (mt, ot, torch)):
        o.zero_grad()
        lib.nn.functional.mse_loss(m(lib.tensor(x)), lib.tensor(y)).backward()
        o.step()


def assert_models(ac, at, rtol=1e-5, atol=1e-6):
    sc, st = ac.state_dict(), at.state_dict()
    assert list(sc) == list(st)
    for k in st:
        assert str(sc[k].dtype).split(".")[-1] == str(st[k].dtype).split(".")[-1], k
        np.testing.assert_allclose(sc[k].numpy(), st[k].numpy(), rtol=rtol, atol=atol, err_msg=k)


AVERAGERS = {
    "swa": ({}, {}),
    "ema_multi": ({"multi_avg_fn": swa_utils.get_ema_multi_avg_fn(0.9)},
                  {"multi_avg_fn": tswa.get_ema_multi_avg_fn(0.9)}),
    "ema_avg_fn_buffers": ({"avg_fn": swa_utils.get_ema_avg_fn(0.8), "use_buffers": True},
                           {"avg_fn": tswa.get_ema_avg_fn(0.8), "use_buffers": True}),
    "swa_multi": ({"multi_avg_fn": swa_utils.get_swa_multi_avg_fn()},  # (torch fails on int buffers here)
                  {"multi_avg_fn": tswa.get_swa_multi_avg_fn()}),
    "ema_multi_buffers": ({"multi_avg_fn": swa_utils.get_ema_multi_avg_fn(0.7), "use_buffers": True},
                          {"multi_avg_fn": tswa.get_ema_multi_avg_fn(0.7), "use_buffers": True}),
    "swa_avg_fn": ({"avg_fn": swa_utils.get_swa_avg_fn()}, {"avg_fn": tswa.get_swa_avg_fn()}),
}


@pytest.mark.parametrize("kind", list(AVERAGERS))
def test_averaged_model_matches_torch(kind):
    kc, kt = AVERAGERS[kind]
    mc, mt = twin_models()
    ac, at = swa_utils.AveragedModel(mc, **kc), tswa.AveragedModel(mt, **kt)
    oc, ot = cr.optim.SGD(mc.parameters(), lr=0.1, momentum=0.5), torch.optim.SGD(mt.parameters(), lr=0.1,
                                                                                   momentum=0.5)
    rng = np.random.default_rng(0)
    for _ in range(8):
        x, y = rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 2)).astype(np.float32)
        train_both(mc, mt, oc, ot, x, y)
        ac.update_parameters(mc)
        at.update_parameters(mt)
        assert_models(ac, at)
    assert int(ac.n_averaged) == 8 and ac.n_averaged.dtype == cr.int64
    x = rng.standard_normal((5, 4)).astype(np.float32)
    ac.eval()
    at.eval()
    np.testing.assert_allclose(ac(cr.tensor(x)).detach().numpy(), at(torch.tensor(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-6)


def test_averaged_model_errors_and_copy():
    mc, _ = twin_models()
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(mc, avg_fn=swa_utils.get_swa_avg_fn(), multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    for make in (swa_utils.get_ema_avg_fn, swa_utils.get_ema_multi_avg_fn):
        with pytest.raises(ValueError, match="Invalid decay value 1.5"):
            make(1.5)
    a = swa_utils.AveragedModel(mc)
    assert a.module[0].weight is not mc[0].weight  # a deep copy
    assert "n_averaged" in dict(a.named_buffers())


@pytest.mark.parametrize("strategy,anneal_epochs", [("cos", 10), ("linear", 3), ("cos", 0), ("linear", 1)])
def test_swalr_matches_torch(strategy, anneal_epochs):
    pc = [cr.zeros(2, requires_grad=True), cr.zeros(1, requires_grad=True)]
    pt = [torch.zeros(2, requires_grad=True), torch.zeros(1, requires_grad=True)]
    oc = cr.optim.SGD([{"params": pc[:1]}, {"params": pc[1:], "lr": 0.3}], lr=0.5)
    ot = torch.optim.SGD([{"params": pt[:1]}, {"params": pt[1:], "lr": 0.3}], lr=0.5)
    sc = swa_utils.SWALR(oc, swa_lr=[0.05, 0.01], anneal_epochs=anneal_epochs, anneal_strategy=strategy)
    st = tswa.SWALR(ot, swa_lr=[0.05, 0.01], anneal_epochs=anneal_epochs, anneal_strategy=strategy)
    for epoch in range(14):
        oc.step()
        ot.step()
        sc.step()
        st.step()
        np.testing.assert_allclose(sc.get_last_lr(), st.get_last_lr(), rtol=1e-12, err_msg=f"epoch {epoch}")
        if epoch == 5:  # a state dict round trip midway
            saved = sc.state_dict()
            sc = swa_utils.SWALR(oc, swa_lr=[0.05, 0.01], anneal_epochs=anneal_epochs, anneal_strategy=strategy)
            sc.load_state_dict(saved)
    assert [g["swa_lr"] for g in oc.param_groups] == [0.05, 0.01]


def test_swalr_errors():
    opt = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        swa_utils.SWALR(opt, 0.05, anneal_strategy="exp")
    with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0"):
        swa_utils.SWALR(opt, 0.05, anneal_epochs=-1)
    with pytest.raises(ValueError, match="swa_lr"):
        swa_utils.SWALR(opt, [0.05, 0.01])


def test_update_bn_matches_torch():
    mc, mt = twin_models(3)
    mc.eval()
    mt.eval()
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((8, 4)).astype(np.float32) * (i + 1) for i in range(4)]
    swa_utils.update_bn([cr.tensor(b) if i % 2 else (cr.tensor(b), 0) for i, b in enumerate(batches)], mc)
    tswa.update_bn([torch.tensor(b) if i % 2 else (torch.tensor(b), 0) for i, b in enumerate(batches)], mt)
    assert not mc.training and mc[1].momentum == 0.1
    assert_models(mc, mt)
    swa_utils.update_bn([], cr.nn.Linear(2, 2))  # no BatchNorm: nothing to do
