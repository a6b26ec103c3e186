"""The engine's invariants (docs/ARCHITECTURE.md), asserted over every op in the registry.

1. A built-in op's backward receives an ndarray of its output's dtype and shape (never a NumPy scalar), or a
   Tensor under create_graph; ops tell the two apart by type.
2. No `.grad` array is shared with memory the user holds or with another tensor's gradient.
3. Every Tensor holds an ndarray (`t._data`), 0-d results included.
"""

from __future__ import annotations

import numpy as np
import pytest
from op_registry import OPS, Lib, make_inputs

import chainrule as cr
import chainrule.nn.functional as F
from chainrule.autograd.function import FREED, Op

CR = Lib(cr, cr.nn.functional)
DIFF = [c for c in OPS if c.grad]


def _op_classes() -> list:
    seen, stack = [], [Op]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


@pytest.fixture
def checked_backwards(monkeypatch):
    """Wrap every op's backward with a check of the gradient it receives; returns the list of calls seen."""
    calls = []

    def wrap(orig):
        def backward(ctx, g):
            calls.append((type(ctx).__name__, type(g)))
            if type(g) is cr.Tensor:  # create_graph
                assert type(g._data) is np.ndarray, f"{type(ctx).__name__}: a Tensor holding {type(g._data)}"
            else:
                assert type(g) is np.ndarray, f"{type(ctx).__name__}.backward got {type(g).__name__}"
            assert g.dtype == ctx._odt, (
                f"{type(ctx).__name__}.backward got {g.dtype}, its output is {ctx._odt}"
            )
            assert tuple(g.shape) == ctx._osh, f"{type(ctx).__name__}.backward got shape {g.shape}"
            return orig(ctx, g)

        return staticmethod(backward)

    for cls in _op_classes():
        if "backward" in cls.__dict__:
            monkeypatch.setattr(cls, "backward", wrap(cls.__dict__["backward"].__func__))
    return calls


def _loss(case, xs, seed=0):
    """sum(out * cotangent) * 2.0: the last step hands the sum a 0-d gradient (once a NumPy scalar)."""
    outs = case.fn(CR, *xs)
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    rng = np.random.default_rng(seed)
    total = None
    for o in outs:
        if isinstance(o, cr.Tensor) and o._data.dtype.kind == "f" and o.requires_grad:
            term = (o * cr.tensor(rng.standard_normal(o.shape).astype(o._data.dtype))).sum()
            total = term if total is None else total + term
    return total * 2.0


def _graph_arrays(root) -> list:
    """Every array a node reachable from root holds: saved, inputs, ctx attributes."""
    out, seen, stack = [], set(), [root.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        values = list(vars(node).values())
        if node.saved is not FREED:
            values += list(node.saved)
        values += list(node.inputs)
        for v in values:
            for a in v if isinstance(v, (tuple, list)) else (v,):
                if isinstance(a, cr.Tensor):
                    a = a._data
                if isinstance(a, np.ndarray):
                    out.append(a)
        for e in node.next:
            if e is not None and type(e) is not cr.Tensor:
                stack.append(e[0] if type(e) is tuple else e)
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", DIFF, ids=lambda c: c.name)
def test_backward_gets_arrays_of_its_dtype_and_grads_alias_nothing(case, dtype, checked_backwards):
    xs = [cr.tensor(a.astype(dtype), requires_grad=True) for a in make_inputs(case)]
    loss = _loss(case, xs)
    loss.backward(retain_graph=True)
    assert checked_backwards, "no op backward ran"
    grads = [x.grad for x in xs]
    assert all(g is None or type(g._data) is np.ndarray and g.dtype == x.dtype for g, x in zip(grads, xs))
    held = _graph_arrays(loss) + [x._data for x in xs]
    for i, g in enumerate(grads):
        if g is None:
            continue
        for a in held:
            assert not np.shares_memory(g._data, a), f"x{i}.grad shares memory with an array of the graph"
        for j, h in enumerate(grads[:i]):
            assert h is None or not np.shares_memory(g._data, h._data), (
                f"x{i}.grad and x{j}.grad share memory"
            )
    first = [None if g is None else g._data.copy() for g in grads]
    loss.backward()  # accumulates: exactly twice the first gradient if nothing was aliased
    for i, (x, g1) in enumerate(zip(xs, first)):
        if g1 is not None:
            np.testing.assert_allclose(x.grad._data, 2 * g1, rtol=1e-6, err_msg=f"x{i}")


@pytest.mark.parametrize("case", [c for c in DIFF if c.gradgrad], ids=lambda c: c.name)
def test_backward_gets_tensors_under_create_graph(case, checked_backwards):
    xs = [cr.tensor(a, requires_grad=True) for a in make_inputs(case)]
    try:
        gs = cr.autograd.grad(_loss(case, xs), xs, create_graph=True, allow_unused=True)
    except RuntimeError as e:
        assert "create_graph" in str(e)  # an op that says it has no double backward
        return
    assert {t for _, t in checked_backwards} == {cr.Tensor}
    assert all(g is None or type(g._data) is np.ndarray for g in gs)


def test_a_loss_times_a_scalar_backpropagates():
    """The 0-d gradient of `loss * 2.0` reached cross-entropy as a NumPy scalar, taken for a Tensor."""
    torch = pytest.importorskip("torch")
    logits = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    target = np.array([0, 1, 2, 0])
    for build in (
        lambda m, f, x, t: f.cross_entropy(x, t) * 2.0,
        lambda m, f, x, t: 0.5 * f.cross_entropy(x, t, reduction="sum"),
        lambda m, f, x, t: f.nll_loss(f.log_softmax(x, 1), t) / 3.0,
        lambda m, f, x, t: f.mse_loss(x, x.detach() * 0) * 2.0,
    ):
        x = cr.tensor(logits, requires_grad=True)
        build(cr, F, x, cr.tensor(target)).backward()
        tx = torch.tensor(logits, requires_grad=True)
        build(torch, torch.nn.functional, tx, torch.tensor(target)).backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-7)


# ---- aliasing ----------------------------------------------------------------------------------------------
def test_a_user_function_returning_a_tensor_it_keeps_is_not_corrupted():
    const = cr.ones(3)

    class Keep(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return const

    w = cr.zeros(3, requires_grad=True)
    y = Keep.apply(w).sum()
    for _ in range(3):
        y.backward(retain_graph=True)
    np.testing.assert_array_equal(w.grad.numpy(), [3, 3, 3])  # PyTorch: 3 (it was 4)
    w.grad.zero_()
    np.testing.assert_array_equal(const.numpy(), [1, 1, 1])


@pytest.mark.parametrize(
    "build",
    [lambda x: x + 0, lambda x: x.reshape(3), lambda x: x, lambda x: x * 1],
    ids=["add", "reshape", "leaf", "mul"],
)
def test_the_gradient_argument_is_not_adopted(build):
    x = cr.zeros(3, requires_grad=True)
    v = cr.ones(3)
    build(x).backward(gradient=v)
    x.grad += 1
    x.grad.zero_()
    np.testing.assert_array_equal(v.numpy(), [1, 1, 1])


def test_gradient_argument_is_cast_to_the_outputs_dtype():
    x = cr.ones(3, requires_grad=True)
    (x * 2).backward(gradient=cr.ones(3, dtype=cr.float64))
    assert x.grad.dtype == cr.float32
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of \[1\]"):
        (x * 2).backward(gradient=cr.ones(1))


def test_leaves_fed_the_same_array_get_separate_grads():
    a, b = cr.ones(3, requires_grad=True), cr.ones(3, requires_grad=True)
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    c = cr.ones(2, 3, requires_grad=True)
    d = cr.ones(1, 3, requires_grad=True)
    (c + d).sum().backward()  # d's gradient is summed over the broadcast dim
    np.testing.assert_array_equal(d.grad.numpy(), [[2, 2, 2]])


def test_a_hook_that_keeps_the_gradient_sees_it_unchanged():
    w = cr.zeros(3, requires_grad=True)
    stash = []
    w.register_hook(stash.append)
    (w * 2).sum().backward()
    (w * 2).sum().backward()
    np.testing.assert_array_equal(stash[0].numpy(), [2, 2, 2])  # PyTorch: [2, 2, 2], w.grad [4, 4, 4]
    np.testing.assert_array_equal(w.grad.numpy(), [4, 4, 4])


def test_hooks_may_not_change_dtype_or_size():
    w = cr.zeros(3, requires_grad=True)
    w.register_hook(lambda g: g.double())
    with pytest.raises(RuntimeError, match="has changed the type of value"):
        (w * 2).sum().backward()
    w = cr.zeros(3, requires_grad=True)
    h = w * 2
    h.register_hook(lambda g: cr.ones(2))
    with pytest.raises(RuntimeError, match="has changed the size of value"):
        h.sum().backward()


def test_create_graph_grad_is_not_the_users_tensor():
    x = cr.zeros(3, requires_grad=True)
    v = cr.ones(3, requires_grad=True)
    (x + 0).backward(gradient=v, create_graph=True)
    assert x.grad is not v and not np.shares_memory(x.grad._data, v._data)
    x.grad.detach().zero_()
    np.testing.assert_array_equal(v.detach().numpy(), [1, 1, 1])
