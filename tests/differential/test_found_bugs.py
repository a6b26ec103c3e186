"""Regression tests for the bugs the differential suite found outside issue 12's known classes (each compared
with PyTorch, which is the oracle; each failed before its fix)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")


def test_masked_fill_broadcasts_input_and_mask():
    x = np.arange(2.0, dtype=np.float32).reshape(2, 1)
    mask = np.array([[True, False, True]])
    a = cr.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    out, want = (a * 1).masked_fill(cr.tensor(mask), -1.0), (t * 1).masked_fill(torch.tensor(mask), -1.0)
    assert out.shape == tuple(want.shape) == (2, 3)
    np.testing.assert_array_equal(out.detach().numpy(), want.detach().numpy())
    out.sum().backward()
    want.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("dtype", ["int64", "bool", "float32"])
def test_masked_fill_keeps_the_input_dtype_for_a_0d_tensor_value(dtype):
    x = np.array([[1, 0, 2]]).astype(dtype)
    mask = np.array([True, False, True])
    out = cr.tensor(x).masked_fill(cr.tensor(mask), cr.tensor(-2.5, dtype=cr.float64))
    want = torch.tensor(x).masked_fill(torch.tensor(mask), torch.tensor(-2.5, dtype=torch.float64))
    assert str(out.dtype).rsplit(".")[-1] == str(want.dtype).rsplit(".")[-1] == dtype
    np.testing.assert_array_equal(out.numpy(), want.numpy())


def test_masked_fill_value_gradient_keeps_the_value_dtype():
    v = cr.tensor(2.5, dtype=cr.float64, requires_grad=True)
    out = cr.zeros(2, 3).masked_fill(cr.tensor([True, False, True]), v)
    assert out.dtype == cr.float32
    out.sum().backward()
    assert v.grad.dtype == cr.float64 and v.grad.item() == 4.0


def test_chunk_of_an_empty_dim_gives_every_chunk():
    pieces = cr.zeros(0, 2).chunk(3, 0)
    want = torch.zeros(0, 2).chunk(3, 0)
    assert [p.shape for p in pieces] == [tuple(w.shape) for w in want] == [(0, 2)] * 3


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_over_an_empty_dim(name):
    for shape, dim in (((3, 0), 1), ((0, 3, 0), 0), ((0, 4), 1)):
        out = getattr(cr.ops, name)(cr.zeros(*shape), dim=dim)
        want = getattr(torch.nn.functional, name)(torch.zeros(*shape), dim=dim)
        assert out.shape == tuple(want.shape)


def test_logsumexp_over_an_empty_dim_is_minus_inf():
    x = cr.zeros(0, 3, 4, requires_grad=True)
    out = cr.logsumexp(x, (0, 2), keepdim=True)
    want = torch.logsumexp(torch.zeros(0, 3, 4), (0, 2), keepdim=True)
    assert out.shape == tuple(want.shape) == (1, 3, 1)
    np.testing.assert_array_equal(out.detach().numpy(), want.numpy())
    out.sum().backward()
    assert x.grad.shape == (0, 3, 4)


@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_integer_pow_with_negative_tensor_exponents(dtype):
    a = np.array([2, 3, -1, 1, 0, -1, 5, -2], dtype=dtype)
    b = np.array([-2, -1, -3, -2, -1, -2, 2, 3], dtype=dtype)
    np.testing.assert_array_equal((cr.tensor(a) ** cr.tensor(b)).numpy(),
                                  (torch.tensor(a) ** torch.tensor(b)).numpy())
    np.testing.assert_array_equal((2 ** cr.tensor(b)).numpy(), (2 ** torch.tensor(b)).numpy())
    for x in (a, a[:0], a.astype(bool)[:0]):  # a Python int exponent < 0: both refuse, even an empty tensor
        with pytest.raises(RuntimeError, match="negative integer powers"):
            torch.tensor(x) ** -1
        for e in (-1, np.int64(-1)):
            with pytest.raises(RuntimeError, match="negative integer powers"):
                cr.tensor(x) ** e


def test_shapes_that_do_not_broadcast_raise_runtime_error_as_pytorch():
    with pytest.raises(RuntimeError):
        torch.zeros(2, 3) + torch.zeros(4)
    for op in (lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a == b, cr.maximum, cr.minimum):
        with pytest.raises(RuntimeError, match="cannot be broadcast"):
            op(cr.zeros(2, 3), cr.zeros(4))
        with pytest.raises(ValueError):  # and still a ValueError, as before
            op(cr.zeros(2, 3), cr.zeros(4))


def test_reducing_an_empty_dim_raises_pytorchs_error_types():
    for lib in (cr, torch):
        with pytest.raises(IndexError):
            lib.amax(lib.zeros(0, 3), 0)
        with pytest.raises(IndexError):
            lib.zeros(2, 0).max(dim=1)
        with pytest.raises(RuntimeError):
            lib.zeros(0).max()
        with pytest.raises(IndexError):
            lib.zeros(0).argmax()


def test_pad_refuses_to_crop_more_than_the_dimension():
    for lib, F in ((cr, cr.ops), (torch, torch.nn.functional)):
        assert tuple(F.pad(lib.zeros(2, 1), (-1, 2)).shape) == (2, 2)
        assert tuple(F.pad(lib.zeros(2, 1), (-1, 0)).shape) == (2, 0)
        with pytest.raises(RuntimeError):
            F.pad(lib.zeros(2, 1), (-2, 2))
        with pytest.raises(RuntimeError):
            F.pad(lib.zeros(2, 0), (-1, 2))


def test_einsum_with_a_bool_operand_counts_every_term():
    x, y = np.ones((2, 1), dtype=bool), np.array([1.0], dtype=np.float32)
    out = cr.einsum("ij,j->", cr.tensor(x), cr.tensor(y))
    want = torch.einsum("ij,j->", torch.tensor(x), torch.tensor(y))
    assert out.item() == want.item() == 2.0


def _dtype_name(dtype) -> str:
    return str(dtype).rsplit(".")[-1]


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
@pytest.mark.parametrize("bounds", [(-1.5, 2.7), (-0.5, 0.8), (-0.2, -0.1), (0.0, 6.0), (-3.9, 3.9)])
def test_hardtanh_on_integers_keeps_the_dtype_and_truncates_the_bounds(dtype, bounds):
    x = np.arange(-5, 8).astype(dtype)
    if dtype == "uint8" and int(bounds[0]) < 0:
        for lib in (cr, torch):
            with pytest.raises(RuntimeError, match="unsigned type"):
                lib.nn.functional.hardtanh(lib.tensor(x), *bounds)
        return
    out = cr.nn.functional.hardtanh(cr.tensor(x), *bounds)
    want = torch.nn.functional.hardtanh(torch.tensor(x), *bounds)
    assert _dtype_name(out.dtype) == _dtype_name(want.dtype) == dtype
    np.testing.assert_array_equal(out.numpy(), want.numpy())
    if bounds == (0.0, 6.0):
        relu6 = cr.nn.functional.relu6(cr.tensor(x))
        assert relu6.dtype == out.dtype
        np.testing.assert_array_equal(relu6.numpy(), torch.nn.functional.relu6(torch.tensor(x)).numpy())


@pytest.mark.parametrize("shape", [(), (3,), (2, 0)])
def test_square_of_a_bool_tensor_is_int64(shape):
    x = np.resize(np.array([True, False]), shape)
    for out in (cr.square(cr.tensor(x)), cr.tensor(x).square()):
        want = torch.square(torch.tensor(x))
        assert _dtype_name(out.dtype) == _dtype_name(want.dtype) == "int64"
        np.testing.assert_array_equal(out.numpy(), want.numpy())


@pytest.mark.parametrize("op", ["remainder", "floor_divide"])
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("int32", "int64"), ("int64", "bool")])
def test_integer_division_by_zero(op, dtypes):
    b = np.array([0, 1, 2, 3]).astype(dtypes[1])
    for shape in ((3, 4), (0, 4), (1, 4)):  # an empty result divides nothing: no error in either
        a = np.ones(shape, dtype=dtypes[0])
        try:
            want = getattr(torch, op)(torch.tensor(a), torch.tensor(b))
        except RuntimeError as e:
            with pytest.raises(RuntimeError, match=str(e)):
                getattr(cr, op)(cr.tensor(a), cr.tensor(b))
        else:
            out = getattr(cr, op)(cr.tensor(a), cr.tensor(b))
            assert out.shape == tuple(want.shape) and _dtype_name(out.dtype) == _dtype_name(want.dtype)


@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool", "int64", "float32"])
@pytest.mark.parametrize("eq,shape", [("ii", (3, 3)), ("ii->i", (3, 3)), ("ij->", (2, 3)), ("ij->i", (2, 3)),
                                      ("ij->ji", (2, 3)), ("iij->j", (2, 2, 3)), ("ii->", (0, 0))])
def test_einsum_of_one_integer_operand_sums_to_int64(dtype, eq, shape):
    x = (np.arange(int(np.prod(shape))).reshape(shape) % 3).astype(dtype)
    out, want = cr.einsum(eq, cr.tensor(x)), torch.einsum(eq, torch.tensor(x))
    assert _dtype_name(out.dtype) == _dtype_name(want.dtype)
    np.testing.assert_array_equal(out.numpy(), want.numpy())


@pytest.mark.parametrize("write", ["setitem", "copy_"])
def test_writing_a_float_that_requires_grad_into_an_integer_tensor_records_nothing(write):
    for lib in (cr, torch):
        y = lib.zeros(3, 4, dtype=lib.int64) * 1
        v = lib.tensor([0.7, 2.5], requires_grad=True) * 1
        if write == "setitem":
            y[1, 1:3] = v
        else:
            y[1, 1:3].copy_(v)
        assert not y.requires_grad and y.grad_fn is None
        assert y[1].tolist() == [0, 0, 2, 0]
