"""Module hooks: forward pre/post hooks and full backward hooks fire once, with the real tensors, and go away."""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import load_torch

import chainrule as cr
from chainrule import nn


class TwoInputs(nn.Module):
    """out1 = lin(a) * b * scale, out2 = a.sum(): two tensor inputs, a keyword, two outputs."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)
        with cr.no_grad():
            self.lin.weight.fill_(1.0)
            self.lin.bias.zero_()

    def forward(self, a, b, scale=1.0):
        return self.lin(a) * b * scale, a.sum()


def _inputs(requires_b=True):
    a = cr.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3), requires_grad=True)
    b = cr.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=requires_b)
    return a, b


def _np(gs):
    return [None if g is None else g.numpy() for g in gs]


def test_full_backward_hook_fires_once_with_grads_of_all_inputs_and_outputs():
    m, calls = TwoInputs(), []
    m.register_full_backward_hook(lambda mod, gi, go: calls.append((mod, gi, go)))
    a, b = _inputs()
    o1, o2 = m(a, b, scale=2.0)
    (o1.sum() * 3 + o2).backward()
    assert len(calls) == 1
    mod, gi, go = calls[0]
    assert mod is m and all(isinstance(g, cr.Tensor) for g in gi + go)
    np.testing.assert_allclose(go[0].numpy(), np.full((2, 2), 3.0))  # dL/d out1
    assert go[1].item() == 1.0  # dL/d out2
    # dL/da = 3 * 2 * (b @ W) + 1 ; dL/db = 3 * 2 * lin(a): the module's real input gradients
    np.testing.assert_allclose(gi[0].numpy(), [[19.0] * 3, [43.0] * 3])
    np.testing.assert_allclose(gi[1].numpy(), [[18.0, 18.0], [72.0, 72.0]])
    np.testing.assert_allclose(a.grad.numpy(), gi[0].numpy())  # and the hook saw what the leaves got


def test_backward_hook_matches_torch_on_a_real_layer():
    torch = load_torch()
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    seen = {}
    for lib, mod in ((cr, nn), (torch, torch.nn)):
        lin = mod.Linear(3, 2)
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3) / 10))
            lin.bias.copy_(lib.tensor([0.5, -0.5]))
        lin.register_full_backward_hook(lambda m, gi, go, lib=lib: seen.update({lib: (gi, go)}))
        xt = lib.tensor(x, requires_grad=True)
        (lin(xt) ** 2).sum().backward()
    for a, b in zip(seen[cr][0] + seen[cr][1], seen[torch][0] + seen[torch][1]):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-5)


def test_backward_hook_unused_output_and_input_without_grad():
    m, calls = TwoInputs(), []
    m.register_full_backward_hook(lambda mod, gi, go: calls.append((_np(gi), _np(go))))
    a, b = _inputs(requires_b=False)
    o1, _ = m(a, b)  # out2 unused
    o1.sum().backward()
    assert len(calls) == 1
    gi, go = calls[0]
    np.testing.assert_allclose(gi[0], [[3.0] * 3, [7.0] * 3])
    assert gi[1] is None and go[1] is None
    # no input needs grad: the hook still fires once (with None input gradients), from the output side
    calls.clear()
    o1, _ = m(a.detach(), b)
    o1.sum().backward()
    assert len(calls) == 1 and calls[0][0] == [None, None]
    np.testing.assert_allclose(calls[0][1][0], np.ones((2, 2)))


def test_module_called_twice_fires_once_per_call_with_that_calls_grads():
    m, calls = TwoInputs(), []
    m.register_full_backward_hook(lambda mod, gi, go: calls.append(go[0].numpy()[0, 0]))
    a, b = _inputs()
    o1, _ = m(a, b)
    o3, _ = m(a, b)
    (o1.sum() + 2 * o3.sum()).backward()
    assert sorted(calls) == [1.0, 2.0]


def test_hook_return_replaces_grad_input_and_removal_stops_it():
    lin = nn.Linear(3, 2)
    handle = lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0 + 5,))
    x = cr.randn(4, 3, requires_grad=True)
    lin(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((4, 3), 5.0))
    handle.remove()
    x.grad = None
    lin(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.tile(lin.weight.detach().numpy().sum(0), (4, 1)), rtol=1e-6)
    assert not lin._backward_hooks  # back on the hook-free fast path
    handle.remove()  # removing twice is harmless


def test_hook_removed_between_forward_and_backward_does_not_fire():
    lin, calls = nn.Linear(2, 2), []
    h = lin.register_full_backward_hook(lambda *a: calls.append(1))
    out = lin(cr.randn(3, 2, requires_grad=True))
    h.remove()
    out.sum().backward()
    assert calls == []


def test_backward_hooks_in_a_sequential_fire_in_reverse_order():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    order = []
    for i, layer in enumerate(model):
        layer.register_full_backward_hook(lambda m, gi, go, i=i: order.append(i))
    model(cr.randn(5, 3)).sum().backward()
    assert order == [2, 1, 0]  # the first layer's input needs no grad: it still fires, from its output side


def test_forward_hooks_see_real_tensors_and_can_replace_output():
    lin = nn.Linear(3, 2)
    log = []
    h1 = lin.register_forward_pre_hook(lambda m, args: log.append(("pre", args[0].shape)))
    h2 = lin.register_forward_hook(lambda m, args, out: out * 0 + 7)
    x = cr.randn(4, 3, requires_grad=True)
    out = lin(x)
    assert log == [("pre", (4, 3))]
    np.testing.assert_allclose(out.detach().numpy(), 7.0)
    h1.remove()
    h2.remove()
    out = lin(x)
    assert len(log) == 1 and not np.allclose(out.detach().numpy(), 7.0)


def test_forward_pre_hook_replaces_input_and_hooks_with_kwargs():
    lin = nn.Linear(2, 2)
    lin.register_forward_pre_hook(lambda m, args: args[0] * 0)  # one value (not a tuple) is accepted
    np.testing.assert_allclose(lin(cr.ones(1, 2)).detach().numpy(), lin.bias.detach().numpy()[None])
    m, seen = TwoInputs(), {}
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 10.0}), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: seen.update(kwargs), with_kwargs=True)
    a, b = _inputs()
    o1, _ = m(a, b, scale=1.0)
    assert seen == {"scale": 10.0}
    np.testing.assert_allclose(o1.detach().numpy()[0, 0], 10.0 * 3.0 * 1.0)


def test_hook_order_prepend_and_handle_context_manager():
    lin, order = nn.Linear(2, 2), []
    lin.register_forward_hook(lambda *a: order.append("a"))
    lin.register_forward_hook(lambda *a: order.append("b"), prepend=True)
    with lin.register_forward_hook(lambda *a: order.append("c")):
        lin(cr.randn(1, 2))
    lin(cr.randn(1, 2))
    assert order == ["b", "a", "c", "b", "a"]


def test_backward_hook_under_no_grad_does_nothing():
    lin, calls = nn.Linear(2, 2), []
    lin.register_full_backward_hook(lambda *a: calls.append(1))
    with cr.no_grad():
        out = lin(cr.randn(3, 2))
    assert out.grad_fn is None and calls == []


def test_bad_hook_return_is_a_clear_error():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="returned 2 gradients, but the module has 1 tensor inputs"):
        lin(cr.randn(3, 2, requires_grad=True)).sum().backward()
