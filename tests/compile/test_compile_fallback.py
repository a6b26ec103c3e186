"""What a replay cannot reproduce runs eagerly, with one warning that says why, and gives eager's numbers."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn


def _setup():
    cr.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = cr.optim.SGD(model.parameters(), lr=0.1)
    return model, opt


def _run(body, n=4):
    """Run step(x) built by body(model, opt) eagerly and compiled; return both weights and the compiled fn."""
    out = []
    for compiled in (False, True):
        model, opt = _setup()
        step = body(model, opt)
        f = cr.compile(step) if compiled else step
        for i in range(n):
            f(cr.full((2, 3), float(i) - 1.5))
        out.append((model.weight._data.copy(), f))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    return out[1][1]


def _expect_fallback(body, words: str):
    with pytest.warns(UserWarning, match="chainrule.compile: .* runs eagerly: .*" + words) as w:
        f = _run(body)
    assert len([x for x in w if "chainrule.compile" in str(x.message)]) == 1  # once, not per call
    assert "\n" not in str(w[0].message)
    assert f.stats == {"records": 1, "replays": 0, "eager": 3}
    return f


def test_data_dependent_branch_falls_back():
    def body(model, opt):
        def step(x):
            opt.zero_grad()
            loss = model(x).sum()
            if loss > 0:  # Tensor.__bool__: depends on the value
                loss = loss * 2
            loss.backward()
            opt.step()
        return step

    _expect_fallback(body, "bool")


def test_item_inside_the_step_falls_back():
    seen = []

    def body(model, opt):
        def step(x):
            opt.zero_grad()
            loss = model(x).sum()
            seen.append(loss.item())
            loss.backward()
            opt.step()
        return step

    _expect_fallback(body, "item")
    assert len(seen) == 8  # every call ran the Python that reads the value


def test_printing_inside_the_step_falls_back(capsys):
    def body(model, opt):
        def step(x):
            opt.zero_grad()
            loss = model(x).sum()
            print(loss)
            loss.backward()
            opt.step()
        return step

    _expect_fallback(body, "repr|str|format")
    assert capsys.readouterr().out.count("tensor(") == 8


def test_tensor_hook_falls_back():
    def body(model, opt):
        def step(x):
            opt.zero_grad()
            h = model(x)
            h.register_hook(lambda g: g * 2)
            h.sum().backward()
            opt.step()
        return step

    _expect_fallback(body, "hook")


def test_module_hook_falls_back():
    def body(model, opt):
        model.register_forward_hook(lambda m, i, o: o * 3)

        def step(x):
            opt.zero_grad()
            model(x).sum().backward()
            opt.step()
        return step

    _expect_fallback(body, "hooks")


def test_random_tensor_made_inside_the_step_falls_back():
    def body(model, opt):
        def step(x):
            opt.zero_grad()
            (model(x) * cr.randn(2, 2)).sum().backward()
            opt.step()
        return step

    _expect_fallback(body, "made inside the step")


def test_in_place_edit_falls_back():
    def body(model, opt):
        def step(x):
            opt.zero_grad()
            h = model(x)
            h.mul_(2)
            h.sum().backward()
            opt.step()
        return step

    _expect_fallback(body, "in-place op mul_")


def test_manual_update_of_parameters_falls_back():
    def body(model, opt):
        def step(x):
            model.zero_grad()
            model(x).sum().backward()
            with cr.no_grad():
                for p in model.parameters():
                    p -= 0.1 * p.grad
        return step

    _expect_fallback(body, "in-place|made inside")


def test_backward_with_create_graph_falls_back():
    def body(model, opt):
        def step(x):
            opt.zero_grad()
            model(x).sum().backward(create_graph=True)
            opt.step()
        return step

    _expect_fallback(body, "create_graph")


def test_several_returned_tensors_needing_a_graph_stay_eager():
    """Two results the caller may differentiate: a replay would have to build their graph (not done)."""
    model, _ = _setup()
    f = cr.compile(lambda x: (model(x), model(x * 2)))
    with pytest.warns(UserWarning, match="require grad"):
        for _ in range(3):
            a, b = f(cr.ones(2, 3))
            (a.sum() + b.sum()).backward()
    assert a.grad_fn is not None and f.stats == {"records": 1, "replays": 0, "eager": 2}


def test_targets_outside_the_recorded_path_run_eagerly():
    """Class targets decide cross-entropy's path; a batch with ignore_index takes eager's other path."""
    cr.manual_seed(0)
    model = nn.Linear(3, 4)
    f = cr.compile(lambda x, y: nn.functional.cross_entropy(model(x), y).detach())
    x = cr.randn(5, 3)
    with cr.no_grad():
        f(x, cr.tensor([0, 1, 2, 3, 0]))
        f(x, cr.tensor([0, 1, 2, 3, 0]))
        y = cr.tensor([0, -100, 2, 3, 0])
        got = f(x, y)
        want = nn.functional.cross_entropy(model(x), y)
        assert got.item() == want.item()
        with pytest.raises(IndexError, match="class index 7"):
            f(x, cr.tensor([0, 7, 2, 3, 0]))
    assert f.stats == {"records": 1, "replays": 1, "eager": 2}
