"""Tensor.register_post_accumulate_grad_hook: once per backward, after the leaf's .grad is complete."""

import numpy as np
import pytest

import chainrule as cr


def _run(lib, tensor):
    """x used twice, w once, u unused; record (name, grad at hook time) per hook call."""
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = tensor([0.5, -1.0, 2.0], requires_grad=True)
    u = tensor([4.0], requires_grad=True)
    seen = []
    for name, t in (("x", x), ("w", w), ("u", u)):
        t.register_post_accumulate_grad_hook(lambda p, name=name: seen.append((name, p.grad.numpy().copy())))
    loss = (x * w).sum() + (x * x).sum() * 0.5
    loss.backward()
    return seen


def test_fires_once_with_the_full_gradient_like_torch():
    torch = pytest.importorskip("torch")
    ours = _run(cr, cr.tensor)
    theirs = _run(torch, torch.tensor)
    assert sorted(n for n, _ in ours) == sorted(n for n, _ in theirs) == ["w", "x"]
    want = dict(theirs)
    for name, g in ours:
        np.testing.assert_allclose(g, want[name])


def test_not_for_grad_nor_excluded_inputs_and_removable():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = cr.tensor([3.0, 4.0], requires_grad=True)
    calls = []
    h = x.register_post_accumulate_grad_hook(lambda p: calls.append("x"))
    y.register_post_accumulate_grad_hook(lambda p: calls.append("y"))
    cr.autograd.grad((x * y).sum(), [x, y])
    assert calls == []
    (x * y).sum().backward(inputs=[y])
    assert calls == ["y"]
    h.remove()
    (x * y).sum().backward()
    assert calls == ["y", "y"]


def test_leaf_root_and_errors():
    x = cr.tensor(2.0, requires_grad=True)
    calls = []
    x.register_post_accumulate_grad_hook(lambda p: calls.append(float(p.grad)))
    x.backward()
    assert calls == [1.0]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda p: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        cr.tensor(1.0).register_post_accumulate_grad_hook(lambda p: None)
