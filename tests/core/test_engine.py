"""The backward engine: accumulation, retain_graph, no_grad, hooks, in-place checks, higher order, errors."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.autograd import Function, gradcheck, gradgradcheck


def leaf(*shape, dtype=cr.float64, seed=0):
    rng = np.random.default_rng(seed)
    return cr.tensor(rng.standard_normal(shape), dtype=dtype, requires_grad=True)


def test_cs231n_example():
    x, y, z = (cr.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
    f = (x + y) * z
    f.backward()
    assert f.item() == -12
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (-4, -4, 3)


def test_chain_of_100000_ops_is_iterative():
    x = cr.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_gradients_accumulate_until_cleared():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])
    x.grad = None
    (3 * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_leaf_grads_do_not_alias():
    """add passes one gradient array to both inputs; accumulating into one must not change the other."""
    a, b = cr.ones(3, requires_grad=True), cr.ones(3, requires_grad=True)
    (a + b).sum().backward()
    (a * 2).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [3, 3, 3])
    np.testing.assert_allclose(b.grad.numpy(), [1, 1, 1])


def test_fan_out_adds_gradients():
    x = cr.tensor(3.0, requires_grad=True)
    y = x * 2
    (y + y * y).backward()  # d/dx (2x + 4x^2) = 2 + 8x
    assert x.grad.item() == 26.0


def test_second_backward_through_freed_graph_says_retain_graph():
    x = cr.tensor(2.0, requires_grad=True)
    y = x.exp()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = cr.tensor(2.0, requires_grad=True)
    y = x.exp()
    y.backward(retain_graph=True)
    y.backward()
    assert np.isclose(x.grad.item(), 2 * np.exp(2.0))


def test_no_grad_records_nothing_and_decorator_works():
    x = cr.ones(2, requires_grad=True)
    with cr.no_grad():
        y = x * 2
    assert y.grad_fn is None and not y.requires_grad

    @cr.no_grad()
    def f(t):
        return t * 3

    assert f(x).grad_fn is None
    with cr.no_grad():
        with cr.enable_grad():
            assert (x * 2).requires_grad


def test_backward_on_non_scalar_needs_gradient():
    x = cr.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(cr.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2, 4, 6])


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        cr.ones(2).sum().backward()


def test_inplace_edit_of_saved_tensor_is_caught():
    x = cr.ones(3, requires_grad=True)
    y = x * 2
    z = y * y  # saves y
    with cr.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*\.clone\(\)"):
        z.sum().backward()


def test_inplace_on_view_of_saved_tensor_is_caught():
    x = cr.ones(2, 3, requires_grad=True)
    w = cr.ones(3, 2)
    y = (x * 1.0).reshape(3, 2)
    z = (y * w).sum()
    with cr.no_grad():
        (x * 1.0)  # unrelated
    base = y.reshape(6)
    with cr.no_grad():
        base.mul_(2)
    with pytest.raises(RuntimeError, match="inplace"):
        z.backward()


def test_inplace_edit_of_an_input_that_was_not_saved_is_harmless():
    """Versions are compared lazily: an edited input only raises when forward saved it (add saves nothing)."""
    x = cr.ones(3, requires_grad=True)
    y = x * 2
    z = (y + 1) * 3  # add does not save y; mul saves its array input (y + 1) only
    with cr.no_grad():
        y.add_(1)
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6, 6, 6])


def test_saved_output_edited_in_place_is_caught():
    x = cr.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()  # saves its output
    with cr.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match="ExpBackward.*modified by an inplace operation"):
        y.sum().backward()


def test_nodes_recorded_after_an_edit_are_not_blamed_for_it():
    """The edit counter moves on; later nodes record the new versions and backward works."""
    x = cr.ones(3, requires_grad=True)
    y = x * 2
    with cr.no_grad():
        y.add_(1)  # before any node saved y
    z = y * y
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [12, 12, 12])


def test_inplace_on_leaf_requiring_grad_needs_no_grad():
    p = cr.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        p.add_(1)
    (p * 2).sum().backward()
    with cr.no_grad():
        p -= 0.5 * p.grad
    np.testing.assert_allclose(p.numpy(force=True), [0, 0, 0])
    assert p._version_count >= 1 or p._version is None


def test_inplace_on_non_leaf_is_recorded():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.mul_(x)  # y = 3x^2
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])


def test_grad_on_non_leaf_warns_with_fix():
    x = cr.ones(2, requires_grad=True)
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="retain_grad"):
        assert y.grad is None


def test_retain_grad_and_hooks():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()))
    h = x.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [4.0, 8.0])
    np.testing.assert_allclose(seen[0], [4.0, 8.0])
    np.testing.assert_allclose(x.grad.numpy(), [80.0, 160.0])
    h.remove()
    x.grad = None
    (x * 1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_detach_stops_gradient():
    x = cr.ones(2, requires_grad=True)
    y = (x * 2).detach() * x
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_autograd_grad_does_not_touch_dot_grad():
    x = leaf(3)
    (g,) = cr.autograd.grad((x**2).sum(), x)
    np.testing.assert_allclose(g.numpy(), 2 * x.detach().numpy())
    assert x.grad is None


def test_hessian_vector_product_matches_finite_differences():
    rng = np.random.default_rng(1)
    W1, W2 = leaf(4, 3, seed=2), leaf(1, 4, seed=3)
    X = cr.tensor(rng.standard_normal((5, 3)))
    t = cr.tensor(rng.standard_normal((5, 1)))
    v1, v2 = rng.standard_normal((4, 3)), rng.standard_normal((1, 4))

    def loss(a, b):
        h = (X @ a.T).tanh()
        return ((h @ b.T - t) ** 2).mean()

    g1, g2 = cr.autograd.grad(loss(W1, W2), [W1, W2], create_graph=True)
    hv = cr.autograd.grad((g1 * cr.tensor(v1)).sum() + (g2 * cr.tensor(v2)).sum(), [W1, W2])
    eps = 1e-6

    def grads_at(s):
        a = cr.tensor(W1.detach().numpy() + s * v1, requires_grad=True)
        b = cr.tensor(W2.detach().numpy() + s * v2, requires_grad=True)
        return [g.numpy() for g in cr.autograd.grad(loss(a, b), [a, b])]

    plus, minus = grads_at(eps), grads_at(-eps)
    for h, p, m in zip(hv, plus, minus):
        np.testing.assert_allclose(h.numpy(), (p - m) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_backward_create_graph_gives_second_derivative():
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True)
    y = x**3
    y.backward(create_graph=True)
    (gx,) = cr.autograd.grad(x.grad, x)
    assert gx.item() == pytest.approx(12.0)


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x**2


class SplitTwo(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, ga, gb):
        return ga * 2 + gb * 3


def test_custom_function_gradcheck_and_double_backward():
    x = leaf(4)
    assert gradcheck(Cube.apply, [x])
    assert gradgradcheck(Cube.apply, [x])
    assert repr(Cube.apply(x).grad_fn).startswith("<CubeBackward")


def test_custom_function_multiple_outputs_and_needs_input_grad():
    x = leaf(3)
    a, b = SplitTwo.apply(x)
    (a.sum() + 0 * b.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), [2, 2, 2])
    x.grad = None
    a, _ = SplitTwo.apply(x)
    a.sum().backward()  # the unused output's gradient is materialised as zeros
    np.testing.assert_allclose(x.grad.numpy(), [2, 2, 2])


def test_gradcheck_reports_worst_element():
    class Wrong(Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g  # should be 2 x g

    with pytest.raises(cr.autograd.GradcheckError, match=r"analytic .* numeric .* relative error"):
        gradcheck(Wrong.apply, [leaf(3)])


def test_gradcheck_refuses_float32_and_says_why():
    with pytest.raises(cr.autograd.GradcheckError, match="float64"):
        gradcheck(lambda t: t * 2, [cr.ones(2, requires_grad=True)])


def test_numerical_grad():
    x = leaf(3)
    (g,) = cr.autograd.numerical_grad(lambda t: (t**2).sum(), [x])
    np.testing.assert_allclose(g, 2 * x.detach().numpy(), rtol=1e-6)


def test_detect_anomaly_names_op_and_line():
    x = cr.tensor([0.0, 1.0], requires_grad=True)
    with cr.autograd.detect_anomaly():
        y = x.sqrt()  # the user line to be named
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
    msg = str(info.value)
    assert "SqrtBackward" in msg and "1 NaN/Inf" in msg and "test_engine.py" in msg and "x.sqrt()" in msg


def test_numpy_function_on_tensor_stays_in_graph_or_raises():
    x = cr.tensor([0.5, 1.0], requires_grad=True)
    y = np.exp(x)
    assert isinstance(y, cr.Tensor) and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 1.0]), rtol=1e-6)
    with pytest.raises(TypeError, match="detach"):
        np.fft.fft(x)
    with pytest.raises(RuntimeError, match="detach"):
        np.asarray(x)


def test_dtypes_are_kept():
    x = cr.ones(3, requires_grad=True)
    assert x.dtype == cr.float32
    y = (x * 2.5 + 1) / 3 - x**2
    assert y.dtype == cr.float32
    y.sum().backward()
    assert x.grad.dtype == cr.float32
    assert cr.tensor([1, 2]).dtype == cr.int64 and cr.tensor(1.5).dtype == cr.float32
    assert cr.tensor(np.zeros(2, dtype=np.float64)).dtype == cr.float64


def test_broadcast_gradient_is_summed_back():
    a = cr.ones(3, 1, requires_grad=True)
    b = cr.ones(4, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == (3, 1) and b.grad.shape == (4,)
    np.testing.assert_allclose(a.grad.numpy(), 4 * np.ones((3, 1)))
    np.testing.assert_allclose(b.grad.numpy(), 3 * np.ones(4))


def test_mismatched_shapes_name_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: shapes \(3,\) and \(4,\)"):
        cr.ones(3) + cr.ones(4)
    with pytest.raises(RuntimeError, match=r"matmul: \(32, 784\) @ \(100, 10\): inner dimensions 784 != 100"):
        cr.ones(32, 784) @ cr.ones(100, 10)


def test_manual_seed_reproduces():
    cr.manual_seed(3)
    a = cr.randn(4)
    cr.manual_seed(3)
    assert np.array_equal(a.numpy(), cr.randn(4).numpy())


def test_a_none_gradient_still_releases_the_nodes_behind_it():
    class Drop(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, None

    x = cr.tensor(2.0, requires_grad=True)
    y = x * 3
    (Drop.apply(x * 1.0, y) + y).backward()
    assert x.grad.item() == 4.0  # 1 through the first input, 3 through y's direct use
