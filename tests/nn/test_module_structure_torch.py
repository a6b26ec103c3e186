"""Module structure operations, generated and replayed in chainrule and PyTorch: the same names, order and reprs.

Each case builds the same small network in both libraries and applies a random sequence of edits (reassign a
child or parameter, delete, add_module, register_module, share a child under a second name, set a child to None,
move a name from parameter to module), then compares everything a program reads back: named_children,
named_modules (with and without duplicates), modules(), named_parameters, state_dict keys, apply order, repr, and
the transfer-learning idiom `nn.Sequential(*list(net.children())[:-1])`.
"""

from __future__ import annotations

import random

import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

CHILD_NAMES = ["conv1", "bn", "fc", "head", "extra"]


def _layer(lib, kind: int):
    return [
        lambda: lib.Conv2d(1, 2, 3),
        lambda: lib.BatchNorm1d(4),
        lambda: lib.Linear(4, 3),
        lambda: lib.ReLU(),
        lambda: lib.Sequential(lib.Linear(3, 3), lib.Tanh()),
    ][kind]()


def _build(lib, mod_base):
    class Net(mod_base):
        def __init__(self):
            super().__init__()
            self.conv1 = _layer(lib, 0)
            self.scale = lib.Parameter(lib_ones(lib))
            self.bn = _layer(lib, 1)
            self.fc = _layer(lib, 2)
            self.head = _layer(lib, 4)

    return Net()


def lib_ones(lib):
    return (cr if lib is cr.nn else torch).ones(2)


def _script(seed: int) -> list[tuple]:
    """A random edit sequence; every step is replayable in both libraries."""
    rng = random.Random(seed)
    steps = []
    for _ in range(rng.randint(1, 7)):
        op = rng.choice(
            [
                "reassign",
                "reassign",
                "delete",
                "add",
                "register",
                "share",
                "none",
                "param",
                "param_to_module",
                "module_to_param",
            ]
        )
        steps.append((op, rng.choice(CHILD_NAMES), rng.randrange(5), rng.choice(CHILD_NAMES)))
    return steps


def _replay(lib, net, steps) -> list[str]:
    """Apply the steps; an edit that raises is recorded by its exception type (both must raise alike)."""
    log = []
    ones = lib_ones(lib)
    for op, name, kind, other in steps:
        try:
            if op == "reassign":
                setattr(net, name, _layer(lib, kind))
            elif op == "delete":
                delattr(net, name)
            elif op == "add":
                net.add_module(name, _layer(lib, kind))
            elif op == "register":
                net.register_module(name, _layer(lib, kind))
            elif op == "share":
                setattr(net, other, getattr(net, name))
            elif op == "none":
                setattr(net, name, None)
            elif op == "param":
                net.scale = lib.Parameter(ones * kind)
            elif op == "param_to_module":
                net.scale = _layer(lib, kind)
            elif op == "module_to_param":
                setattr(net, name, lib.Parameter(ones))
            log.append("ok")
        except Exception as e:  # noqa: BLE001 - the comparison is the exception's kind
            log.append(type(e).__name__)
    return log


def _observe(net, lib) -> dict:
    applied = []
    net.apply(lambda m: applied.append(type(m).__name__))
    head_off = lib.Sequential(*list(net.children())[:-1])
    return {
        "children": [(n, type(m).__name__) for n, m in net.named_children()],
        "modules": [(n, type(m).__name__) for n, m in net.named_modules()],
        "modules_dup": [(n, type(m).__name__) for n, m in net.named_modules(remove_duplicate=False)],
        "modules()": [type(m).__name__ for m in net.modules()],
        "params": [(n, tuple(p.shape)) for n, p in net.named_parameters()],
        "state": list(net.state_dict().keys()),
        "apply": applied,
        "slice": [type(m).__name__ for m in list(net.children())[1:3]],
        "head_off": repr(head_off),
        "repr": repr(net),
    }


@pytest.mark.parametrize("seed", range(80))
def test_structure_edits_match_torch(seed):
    steps = _script(seed)
    net_c, net_t = _build(cr.nn, cr.nn.Module), _build(torch.nn, torch.nn.Module)
    assert _replay(cr.nn, net_c, steps) == _replay(torch.nn, net_t, steps), steps
    obs_c, obs_t = _observe(net_c, cr.nn), _observe(net_t, torch.nn)
    for key in obs_t:
        assert obs_c[key] == obs_t[key], (key, steps)


def test_reassigned_child_keeps_its_place_and_head_slicing_drops_the_head():
    """The issue's example: reassigning conv1 must not move it behind fc (the transfer-learning idiom)."""
    for lib in (cr.nn, torch.nn):
        net = _build(lib, lib.Module)
        net.conv1 = lib.Conv2d(1, 4, 3)
        assert [n for n, _ in net.named_children()] == ["conv1", "bn", "fc", "head"]
        body = lib.Sequential(*list(net.children())[:-1])
        assert [type(m).__name__ for m in body] == ["Conv2d", "BatchNorm1d", "Linear"]
        assert list(net.state_dict())[:3] == ["scale", "conv1.weight", "conv1.bias"]


def test_shared_submodules_and_memo():
    for lib in (cr.nn, torch.nn):
        lin = lib.Linear(2, 2)
        seq = lib.Sequential(lin, lib.ReLU(), lin)
        assert [n for n, _ in seq.named_modules()] == ["", "0", "1"]
        assert [n for n, _ in seq.named_modules(remove_duplicate=False)] == ["", "0", "1", "2"]
        assert len(list(seq.modules())) == 3 and len(list(seq.children())) == 2
        assert [n for n, _ in seq.named_modules(memo={lin})] == ["", "1"]
        assert len(list(seq.parameters())) == 2
