"""Optimizers, schedulers, data objects and state dicts print and compare as PyTorch's; deepcopy works.

Generated side by side with PyTorch: optimizers under many configurations (repr), optimizer and module
state_dicts after identical steps (repr, keys, equality semantics), and the default object reprs of schedulers,
DataLoaders and datasets (PyTorch's `<torch.... object at 0x...>` form with chainrule's module path).
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

CONFIGS = {
    "SGD": [
        dict(lr=0.1),
        dict(lr=0.1, momentum=0.9, nesterov=True),
        dict(lr=0.5, weight_decay=1e-4, dampening=0.1),
        dict(lr=0.1, maximize=True, foreach=False),
    ],
    "Adam": [dict(), dict(lr=0.01, betas=(0.8, 0.9)), dict(amsgrad=True, weight_decay=0.1), dict(eps=1e-6)],
    "AdamW": [dict(), dict(lr=0.02, weight_decay=0.5, amsgrad=True)],
    "RMSprop": [dict(), dict(momentum=0.9, centered=True), dict(alpha=0.9, weight_decay=0.01)],
    "Adagrad": [dict(), dict(lr_decay=0.1, initial_accumulator_value=0.5)],
}
CASES = [(name, i) for name, cfgs in CONFIGS.items() for i in range(len(cfgs))]


def _models(norm: str = "BatchNorm1d"):
    """The same small model in both libraries (torch's initial weights copied into chainrule's)."""
    torch.manual_seed(0)
    mt = torch.nn.Sequential(
        torch.nn.Linear(3, 4), getattr(torch.nn, norm)(4), torch.nn.ReLU(), torch.nn.Linear(4, 2)
    )
    mc = cr.nn.Sequential(cr.nn.Linear(3, 4), getattr(cr.nn, norm)(4), cr.nn.ReLU(), cr.nn.Linear(4, 2))
    mc.load_state_dict({k: cr.tensor(v.numpy().copy()) for k, v in mt.state_dict().items()})
    return mc, mt


def _norm(text: str) -> str:
    return text.replace("torch.", "chainrule.")


@pytest.mark.parametrize(("name", "i"), CASES)
def test_optimizer_repr_and_state_dict_match_torch(name, i):
    cfg = CONFIGS[name][i]
    mc, mt = _models(
        "LayerNorm"
    )  # batch norm's gradients into layer 0 nearly cancel: printed digits would differ
    groups = lambda m: [{"params": list(m[0].parameters())}, {"params": list(m[3].parameters()), "lr": 0.05}]  # noqa: E731
    oc, ot = getattr(cr.optim, name)(groups(mc), **cfg), getattr(torch.optim, name)(groups(mt), **cfg)
    assert repr(oc) == repr(ot)
    x = np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3)
    for _ in range(2):
        for m, o, lib in ((mc, oc, cr), (mt, ot, torch)):
            o.zero_grad()
            m(lib.tensor(x)).square().mean().backward()
            o.step()
    sc, st = oc.state_dict(), ot.state_dict()
    assert list(sc) == list(st) and sc["param_groups"] == st["param_groups"]
    digits = lambda s: re.sub(r"\d", "0", _norm(s))  # noqa: E731 - float32 sums may differ in the last digit
    assert digits(repr(sc)) == digits(repr(st))
    for k, state in st["state"].items():
        for key, v in state.items():
            np.testing.assert_allclose(sc["state"][k][key].numpy(), v.numpy(), rtol=1e-3, atol=1e-6)
    assert _norm(repr(mc.state_dict())) == _norm(repr(mt.state_dict()))
    bc, bt = _models()
    bc(cr.tensor(x)), bt(torch.tensor(x))  # batch norm's buffers after a training step print alike too
    assert _norm(str(bc.state_dict())) == _norm(str(bt.state_dict()))


def test_state_dict_values_compare_elementwise_as_torch():
    mc, mt = _models()
    for sd in (mc.state_dict(), mt.state_dict()):
        w = sd["0.weight"]
        assert (w == w).all() and hash(w) == id(w) and w in {w}  # == is elementwise; hash is identity
        with pytest.raises(RuntimeError, match="ambiguous"):
            bool(w == w)
    assert list(mc.state_dict()) == list(mt.state_dict())


SCHEDULERS = [
    ("StepLR", dict(step_size=2)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("LambdaLR", dict(lr_lambda=abs)),
    ("CosineAnnealingLR", dict(T_max=5)),
    ("ReduceLROnPlateau", dict()),
    ("MultiStepLR", dict(milestones=[1])),
]


@pytest.mark.parametrize(("name", "kw"), SCHEDULERS)
def test_scheduler_reprs_have_torchs_form(name, kw):
    oc = cr.optim.SGD([cr.nn.Parameter(cr.ones(1))], lr=0.1)
    ot = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    sc, st = getattr(cr.optim.lr_scheduler, name)(oc, **kw), getattr(torch.optim.lr_scheduler, name)(ot, **kw)
    pattern = r"<(\w+(?:\.\w+)*)\.(\w+) object at 0x[0-9a-f]+>"
    (mod_c, cls_c), (mod_t, cls_t) = (
        re.fullmatch(pattern, repr(sc)).groups(),
        re.fullmatch(pattern, repr(st)).groups(),
    )
    assert cls_c == cls_t and _norm(mod_t) == mod_c
    assert sc == sc and sc != getattr(cr.optim.lr_scheduler, name)(oc, **kw)  # identity, as torch's


def test_data_object_reprs_have_torchs_form():
    x, y = np.zeros((6, 2), np.float32), np.arange(6)
    dc = cr.utils.data.TensorDataset(cr.tensor(x), cr.tensor(y))
    dt = torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
    pairs = [
        (dc, dt),
        (cr.utils.data.DataLoader(dc, batch_size=2), torch.utils.data.DataLoader(dt, batch_size=2)),
        (cr.utils.data.Subset(dc, [0, 1]), torch.utils.data.Subset(dt, [0, 1])),
        (cr.utils.data.RandomSampler(dc), torch.utils.data.RandomSampler(dt)),
    ]
    for c, t in pairs:
        want = re.sub(r"0x[0-9a-f]+", "0x", _norm(repr(t)))
        assert re.sub(r"0x[0-9a-f]+", "0x", repr(c)) == want
        assert c == c and hash(c) == hash(c)


def test_deepcopy_of_modules_and_optimizers_as_torch():
    for lib, (m, _) in ((cr, _models()), (torch, _models()[::-1])):
        m = m if lib is cr else _models()[1]
        opt = lib.optim.Adam(m.parameters(), lr=0.1)
        m(lib.ones(4, 3)).sum().backward()
        opt.step()
        m2, opt2 = copy.deepcopy(m), copy.deepcopy(opt)
        assert all(isinstance(p, lib.nn.Parameter) for p in m2.parameters())
        assert all(isinstance(p, lib.nn.Parameter) for p in opt2.param_groups[0]["params"])
        assert all(p is not q for p, q in zip(m.parameters(), m2.parameters()))
        for p, q in zip(m.parameters(), m2.parameters()):
            assert (p == q).all() and p.grad is not None and q.grad is None  # a copied Parameter has no grad
        assert repr(m2) == repr(m) and repr(opt2) == repr(opt)
        before = [p.detach().clone() for p in m.parameters()]
        opt2.step()  # the copy updates its own parameters only
        assert all((b == p).all() for b, p in zip(before, m.parameters()))
        p = next(iter(m.parameters()))
        q = copy.deepcopy(p)
        assert isinstance(q, lib.nn.Parameter) and q.requires_grad and repr(q) == repr(p)
        with pytest.raises(RuntimeError, match="graph leaves"):
            copy.deepcopy(p * 2)
        t = lib.ones(2, requires_grad=True)
        (t * 2).sum().backward()
        t2 = copy.deepcopy(t)  # a plain leaf keeps a copy of its grad
        assert t2.requires_grad and (t2.grad == t.grad).all() and t2.grad is not t.grad


def test_parameter_and_module_equality_and_hash_are_identity_as_torch():
    for lib in (cr, torch):
        a, b = lib.nn.Linear(2, 2), lib.nn.Linear(2, 2)
        assert a == a and a != b and len({a, b, a}) == 2
        p = a.weight
        assert hash(p) == id(p) and len({p, b.weight, p}) == 2
        assert lib.ones(2).device == lib.device("cpu") and str(lib.ones(2).device) == "cpu"
