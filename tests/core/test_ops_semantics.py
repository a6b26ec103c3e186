"""Worked examples, kinks and ties (PyTorch's conventions), stability, NumPy interop, indexing, comparisons,
float32 preservation and the error messages for bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from op_registry import OPS, Lib, make_inputs

import chainrule as cr

CR = Lib(cr, cr.nn.functional)


def leaf(values, dtype=cr.float64):
    return cr.tensor(values, dtype=dtype, requires_grad=True)


def grad_of(x) -> np.ndarray:
    return x.grad.numpy()


# ---- worked examples ---------------------------------------------------------------------------------------
def test_add_then_mul_example():
    x, y, z = leaf(-2.0), leaf(5.0), leaf(-4.0)
    f = (x + y) * z
    f.backward()
    assert f.item() == -12
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (-4, -4, 3)


def test_max_gate_routes_to_the_larger_input_only():
    x, y, z = leaf(1.0), leaf(2.0), leaf(0.5)
    f = (x + y) * cr.max(y, z)  # = (x + y) * y
    f.backward()
    assert f.item() == 6.0
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (2.0, 2.0 + 3.0, 0.0)


def test_add_gate_copies_mul_gate_swaps_copy_adds():
    a, b = leaf(3.0), leaf(-2.0)
    (a + b).backward(cr.tensor(7.0, dtype=cr.float64))
    assert (a.grad.item(), b.grad.item()) == (7.0, 7.0)
    a.grad = b.grad = None
    (a * b).backward(cr.tensor(7.0, dtype=cr.float64))
    assert (a.grad.item(), b.grad.item()) == (7.0 * -2.0, 7.0 * 3.0)
    a.grad = None
    u, v = a * 1.0, a * 1.0  # fan-out: a feeds two branches
    (2 * u + 5 * v).backward()
    assert a.grad.item() == 7.0


def test_input_used_twice_and_diamond():
    x = leaf([1.5, -2.0])
    (x * x).sum().backward()
    np.testing.assert_allclose(grad_of(x), [3.0, -4.0])
    x.grad = None
    h = x.exp()
    (h.sin() * h.cos()).sum().backward()  # d/dx sin(e^x) cos(e^x) = cos(2 e^x) e^x
    e = np.exp([1.5, -2.0])
    np.testing.assert_allclose(grad_of(x), np.cos(2 * e) * e)


# ---- kinks and ties ----------------------------------------------------------------------------------------
def test_relu_and_abs_have_zero_gradient_at_zero():
    x = leaf([-1.0, 0.0, 2.0])
    cr.relu(x).sum().backward()
    np.testing.assert_array_equal(grad_of(x), [0, 0, 1])
    x.grad = None
    x.abs().sum().backward()
    np.testing.assert_array_equal(grad_of(x), [-1, 0, 1])


def test_relu_at_infinities_and_nan_as_pytorch():
    """relu(-inf) = 0, relu(nan) = nan, and the gradient passes through nan (PyTorch's threshold_backward)."""
    x = cr.tensor(np.array([-np.inf, -1.0, 0.0, 2.0, np.inf, np.nan], np.float32), requires_grad=True)
    y = cr.relu(x)
    np.testing.assert_array_equal(y.detach().numpy(), [0, 0, 0, 2, np.inf, np.nan])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0, 0, 1, 1, 1])
    big = cr.tensor(np.linspace(-1, 1, 100_001, dtype=np.float32))  # grows the cached zero buffer
    huge = cr.tensor(np.linspace(-1, 1, (1 << 22) + 1, dtype=np.float32))  # too big to cache: fresh zeros
    np.testing.assert_array_equal(cr.relu(huge).numpy(), np.maximum(huge.numpy(), 0))
    np.testing.assert_array_equal(cr.relu(big).numpy(), np.maximum(big.numpy(), 0))
    assert cr.relu(cr.tensor([-3, 4])).tolist() == [0, 4]  # integer tensors too


@pytest.mark.parametrize("p", [2, "fro", 1, 3])
def test_norm_gradient_at_zero_is_zero(p):
    x = cr.zeros(2, 3, dtype=cr.float64, requires_grad=True)
    x.norm(p=p).backward()
    np.testing.assert_array_equal(grad_of(x), 0)
    x.grad = None
    cr.norm(x, p=p, dim=1).sum().backward()
    np.testing.assert_array_equal(grad_of(x), 0)


def test_norm_matches_definition():
    x = leaf([[3.0, -4.0], [0.0, 0.0]])
    n = x.norm(dim=1)
    np.testing.assert_allclose(n.detach().numpy(), [5.0, 0.0])
    n.sum().backward()
    np.testing.assert_allclose(grad_of(x), [[0.6, -0.8], [0.0, 0.0]])


def test_full_max_and_amax_split_ties_evenly():
    x = leaf([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 1.0]])
    x.max().backward()
    np.testing.assert_allclose(grad_of(x), [[0, 0.5, 0.5, 0], [0, 0, 0, 0]])
    x.grad = None
    x.amax(dim=1).sum().backward()
    np.testing.assert_allclose(grad_of(x), [[0, 0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3, 0]])
    x.grad = None
    cr.amin(x, dim=(0, 1)).backward()
    np.testing.assert_allclose(grad_of(x), [[0, 0, 0, 1], [0, 0, 0, 0]])
    x.grad = None
    cr.maximum(x, cr.tensor(2.0, dtype=cr.float64)).sum().backward()  # elementwise tie: half each
    np.testing.assert_allclose(grad_of(x), [[0, 1, 1, 0], [0.5, 0.5, 0.5, 0]])


def test_max_along_dim_sends_gradient_to_the_returned_index():
    x = leaf([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 1.0]])
    out = x.max(dim=1)
    values, indices = out
    assert out.values is values and out.indices is indices
    assert type(out).__name__ == "max" and "values" in repr(out)
    np.testing.assert_array_equal(indices.numpy(), [1, 0])  # the first maximum, as PyTorch
    assert indices.dtype == cr.int64 and not indices.requires_grad
    values.sum().backward()
    np.testing.assert_array_equal(grad_of(x), [[0, 1, 0, 0], [1, 0, 0, 0]])
    v, i = cr.min(x, 0, keepdim=True)
    assert v.shape == (1, 4) and i.shape == (1, 4)


def test_argmax_argmin():
    x = cr.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    assert x.argmax().item() == 3 and x.argmax().shape == ()
    np.testing.assert_array_equal(x.argmax(dim=1).numpy(), [1, 0])
    assert cr.argmin(x, dim=1, keepdim=True).shape == (2, 1)
    assert x.argmax(keepdim=True).shape == (1, 1)


@pytest.mark.parametrize("big", [1e4, 1e30])
def test_softmax_and_log_softmax_are_finite_for_huge_logits(big):
    for dtype in (cr.float32, cr.float64):
        x = cr.tensor([[big, -big, 0.0], [-big, -big, -big]], dtype=dtype, requires_grad=True)
        ls = cr.log_softmax(x, dim=1)
        s = x.softmax(1)
        assert np.isfinite(ls.detach().numpy()).all() and np.isfinite(s.detach().numpy()).all()
        np.testing.assert_allclose(ls.detach().numpy()[0], [0.0, -2 * big, -big], rtol=1e-6)
        np.testing.assert_allclose(s.detach().numpy(), [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-6)
        (ls.sum() + s[:, 0].sum()).backward()
        assert np.isfinite(grad_of(x)).all()
        assert x.grad.dtype == dtype and ls.dtype == dtype
        assert np.isfinite(cr.logsumexp(x, 1).detach().numpy()).all()


def test_logsumexp_of_all_minus_inf_is_minus_inf():
    x = cr.tensor([[-math.inf, -math.inf], [0.0, -math.inf]])
    np.testing.assert_array_equal(cr.logsumexp(x, 1).numpy(), [-math.inf, 0.0])


def test_erf_matches_math_erf_to_float64_precision():
    xs = np.concatenate([np.linspace(-7, 7, 2001), np.geomspace(1e-12, 30, 200), [0.0, 0.46875, 4.0]])
    want = np.array([math.erf(v) for v in xs])
    got = cr.erf(cr.tensor(xs, dtype=cr.float64)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=3e-16)
    assert cr.erf(cr.tensor([math.inf, -math.inf])).tolist() == [1.0, -1.0]
    assert np.isnan(cr.erf(cr.tensor([math.nan])).item())


def test_prod_gradient_with_zeros():
    x = leaf([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]])
    x.prod(1).sum().backward()
    np.testing.assert_allclose(grad_of(x), [[0, 6, 0], [0, 0, 0], [6, 3, 2]])
    with pytest.raises(RuntimeError, match="prod"):
        (g,) = cr.autograd.grad(x.prod(), x, create_graph=True)
        g.sum().backward()


def test_var_and_std_defaults_are_unbiased():
    x = cr.tensor([1.0, 2.0, 3.0, 4.0])
    assert x.var().item() == pytest.approx(5 / 3)
    assert cr.var(x, correction=0).item() == pytest.approx(1.25)
    assert x.var(unbiased=False).item() == pytest.approx(1.25)
    assert x.std().item() == pytest.approx(math.sqrt(5 / 3))
    assert np.var(x).item() == pytest.approx(1.25)  # NumPy's own default (ddof=0) is kept for np.var
    c = cr.ones(3, requires_grad=True)
    c.std().backward()
    np.testing.assert_array_equal(c.grad.numpy(), 0)  # std 0: gradient 0, not nan (PyTorch)


def test_floor_round_give_zero_gradient():
    x = leaf([0.3, 1.7, -2.5])
    (x.floor() + x.ceil() + x.round() + x.trunc()).sum().backward()
    np.testing.assert_array_equal(grad_of(x), 0)
    np.testing.assert_array_equal(cr.round(cr.tensor([0.5, 1.5, 2.5, -0.5])).numpy(), [0, 2, 2, -0])


def test_inplace_activations():
    x = cr.tensor([-1.0, 2.0])
    y = cr.ops.leaky_relu(x, 0.5, inplace=True)
    assert y is x and x.tolist() == [-0.5, 2.0] and x._version_count == 1
    w = leaf([-1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf"):
        cr.ops.elu(w, inplace=True)
    h = w * 2
    cr.ops.hardtanh(h, -1.0, 1.0, inplace=True)
    h.sum().backward()
    np.testing.assert_array_equal(grad_of(w), [0, 0])  # -2 and 4 both clamp: no gradient


# ---- NumPy interop -----------------------------------------------------------------------------------------
def test_numpy_ufuncs_on_a_requires_grad_tensor_stay_in_the_graph():
    x = leaf([0.5, -1.0])
    y = np.exp(x) * np.sin(x) + np.sum(np.square(x))
    assert isinstance(y, cr.Tensor) and y.grad_fn is not None
    y.sum().backward()
    v = np.array([0.5, -1.0])
    np.testing.assert_allclose(grad_of(x), np.exp(v) * (np.sin(v) + np.cos(v)) + 2 * 2 * v)


def test_numpy_functions_with_chainrule_ops_stay_in_the_graph():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = np.concatenate([x, x * 2], axis=1).max()
    z = np.einsum("ij,ij->", x, x) + np.cumsum(x, axis=0).sum()
    (y + z).backward()
    np.testing.assert_allclose(grad_of(x), 2 * x.detach().numpy() + [[2, 2], [1, 1]] + [[0, 0], [0, 2]])


def test_unsupported_numpy_function_raises_a_clear_type_error():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="detach"):
        np.cbrt(x)  # (np.sinh now dispatches to chainrule.sinh)
    with pytest.raises(TypeError, match="chainrule"):
        np.sort(x)
    assert isinstance(np.cbrt(x.detach()), cr.Tensor)  # without grad it just computes


# ---- indexing ----------------------------------------------------------------------------------------------
def test_basic_indexing_ints_slices_none_ellipsis():
    x = leaf(np.arange(24.0).reshape(2, 3, 4))
    y = x[1, :, None, ::2][..., 1]
    assert y.shape == (3, 1)
    np.testing.assert_array_equal(y.detach().numpy()[:, 0], [14, 18, 22])
    y.sum().backward()
    want = np.zeros((2, 3, 4))
    want[1, :, 2] = 1
    np.testing.assert_array_equal(grad_of(x), want)


def test_integer_array_indexing_accumulates_repeats():
    x = leaf([1.0, 2.0, 3.0])
    x[cr.tensor([0, 2, 0, 0])].sum().backward()
    np.testing.assert_array_equal(grad_of(x), [3, 0, 1])


def test_q_values_of_taken_actions():
    q = leaf(np.arange(12.0).reshape(4, 3))
    actions = cr.tensor([2, 0, 0, 1])
    picked = q[cr.arange(4), actions]
    np.testing.assert_array_equal(picked.detach().numpy(), [2, 3, 6, 10])
    (picked * cr.tensor([1.0, 2.0, 3.0, 4.0], dtype=cr.float64)).sum().backward()
    want = np.zeros((4, 3))
    want[[0, 1, 2, 3], [2, 0, 0, 1]] = [1, 2, 3, 4]
    np.testing.assert_array_equal(grad_of(q), want)
    gathered = q.gather(1, actions.unsqueeze(1)).squeeze(1)
    np.testing.assert_array_equal(gathered.detach().numpy(), [2, 3, 6, 10])


def test_boolean_mask_indexing():
    x = leaf([[1.0, -2.0], [-3.0, 4.0]])
    pos = x[x > 0]
    np.testing.assert_array_equal(pos.detach().numpy(), [1, 4])
    pos.sum().backward()
    np.testing.assert_array_equal(grad_of(x), [[1, 0], [0, 1]])


def test_comparisons_return_bool_tensors_without_grad():
    x, y = leaf([1.0, 2.0, 3.0]), leaf([3.0, 2.0, 1.0])
    for r in (x < y, x <= y, x > y, x >= y, x == y, x != y, cr.eq(x, 2.0), x.gt(1)):
        assert r.dtype == cr.bool and not r.requires_grad and r.grad_fn is None
    np.testing.assert_array_equal((x < y).numpy(), [True, False, False])


def test_split_pieces_are_views_that_share_the_version_counter():
    x = cr.arange(6.0).reshape(2, 3).requires_grad_()
    a, b = (x * 1).split([1, 2], dim=1)
    assert a.shape == (2, 1) and b.shape == (2, 2)
    c, d = x.chunk(2, 1)
    out = (c * c).sum() + d.sum()  # mul saves the view c
    with cr.no_grad():
        x.mul_(2)  # an in-place edit of x is an edit of its views: caught at backward
    assert np.shares_memory(c.detach().numpy(), x.detach().numpy())
    with pytest.raises(RuntimeError, match="inplace"):
        out.backward()
    assert [t.shape for t in cr.zeros(5).chunk(4)] == [(2,), (2,), (1,)]


# ---- float32 stays float32 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", OPS, ids=lambda c: c.name)
def test_float32_in_float32_out_and_float32_gradients(case):
    xs = [cr.tensor(a.astype(np.float32), requires_grad=case.grad) for a in make_inputs(case)]
    out = case.fn(CR, *xs)
    outs = [o for o in (list(out) if isinstance(out, (tuple, list)) else [out]) if o.dtype.is_floating_point]
    assert all(o.dtype == cr.float32 for o in outs), [o.dtype for o in outs]
    if case.grad and outs:
        gs = cr.autograd.grad(outs, xs, [cr.ones_like(o) for o in outs], allow_unused=True)
        assert all(g is None or g.dtype == cr.float32 for g in gs), [g.dtype for g in gs if g is not None]


# ---- bad input: errors name the op, the shapes and the fix -------------------------------------------------
def test_shape_errors_name_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4, 3\)"):
        cr.zeros(2, 3) + cr.zeros(4, 3)
    with pytest.raises(RuntimeError, match=r"matmul: \(32, 784\) @ \(100, 10\): inner dimensions 784 != 100"):
        cr.zeros(32, 784) @ cr.zeros(100, 10)
    with pytest.raises(RuntimeError, match=r"cat: .*dimension 1.*\(2, 3\).*\(3, 4\)"):
        cr.cat([cr.zeros(2, 3), cr.zeros(3, 4)], dim=1)
    with pytest.raises(RuntimeError, match=r"stack: .*\(2, 3\).*\(2, 4\)"):
        cr.stack([cr.zeros(2, 3), cr.zeros(2, 4)])
    with pytest.raises(RuntimeError, match=r"einsum 'ij,jk->ik'.*\(2, 3\), \(4, 5\)"):
        cr.einsum("ij,jk->ik", cr.zeros(2, 3), cr.zeros(4, 5))
    with pytest.raises(RuntimeError, match=r"gather: index \(2,\) and input \(2, 3\)"):
        cr.gather(cr.zeros(2, 3), 1, cr.tensor([0, 1]))
    with pytest.raises(RuntimeError, match=r"masked_fill: mask of shape \(3,\)"):
        cr.zeros(2, 2).masked_fill(cr.tensor([True, False, True]), 1.0)
    with pytest.raises(RuntimeError, match=r"split: split sizes \[1, 1\] .* sum to 3"):
        cr.zeros(3).split([1, 1])


@pytest.mark.parametrize("call", [
    lambda x: x.sum(dim=2), lambda x: x.softmax(2), lambda x: cr.log_softmax(x, -3), lambda x: x.max(dim=5),
    lambda x: x.var(2), lambda x: cr.cat([x, x], 2), lambda x: x.cumsum(2), lambda x: x.flip(3),
    lambda x: x.amax((0, 4)), lambda x: x.argmax(2), lambda x: x.logsumexp(-3), lambda x: x.unbind(2),
])
def test_bad_dims_raise_index_error_naming_the_dimension(call):
    with pytest.raises(IndexError, match="out of range"):
        call(cr.zeros(2, 3))


def test_bad_indices_and_arguments():
    x = cr.zeros(2, 3)
    with pytest.raises(IndexError, match="gather: index 3 is out of bounds for dimension 1 with size 3"):
        x.gather(1, cr.tensor([[0, 3], [1, 1]]))
    with pytest.raises(IndexError, match="index_select"):
        x.index_select(0, cr.tensor([2]))
    with pytest.raises(RuntimeError, match="integer index"):
        x.index_select(0, cr.tensor([0.0]))
    with pytest.raises(ValueError, match="pad"):
        cr.nn.functional.pad(x, (1, 1, 1))
    with pytest.raises(ValueError, match="gelu"):
        cr.nn.functional.gelu(x, approximate="fast")
    with pytest.raises(ValueError, match="einsum"):
        cr.einsum("ij,jk", x)
    with pytest.raises(RuntimeError, match="var"):
        cr.tensor([1, 2, 3]).var()
    with pytest.raises(TypeError, match="list or tuple"):
        cr.cat(x)
