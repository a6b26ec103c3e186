"""Linear on a short, wide batch (<= 128 rows of >= 512 features) computes (W @ x.T).T: the bits of x @ W.T + b,
a C-ordered result, PyTorch's values and gradients."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.nn import functional as F
from chainrule.ops.nn_fused import gemm_transposed


@pytest.mark.parametrize("n,k,dtype,bias", [
    (1, 512, np.float32, True), (32, 784, np.float32, True), (128, 600, np.float32, False),
    (64, 520, np.float64, True), (7, 1000, np.float64, False),
])
def test_bits_layout_and_gradients(n, k, dtype, bias):
    rng = np.random.default_rng(n)
    x = rng.standard_normal((n, k)).astype(dtype)
    w = rng.standard_normal((33, k)).astype(dtype)
    b = rng.standard_normal(33).astype(dtype) if bias else None
    assert gemm_transposed(x.shape, x.dtype, w.dtype)
    xt, wt = cr.tensor(x, requires_grad=True), cr.tensor(w, requires_grad=True)
    bt = cr.tensor(b, requires_grad=True) if bias else None
    y = F.linear(xt, wt, bt)
    ref = x @ w.T
    if bias:
        ref += b
    np.testing.assert_array_equal(y.detach().numpy(), ref)  # bit for bit
    assert y._data.flags.c_contiguous and y.dtype == (cr.float32 if dtype == np.float32 else cr.float64)
    g = rng.standard_normal(y.shape).astype(dtype)
    y.backward(cr.tensor(g))
    np.testing.assert_array_equal(xt.grad.numpy(), g @ w)
    np.testing.assert_array_equal(wt.grad.numpy(), g.T @ x)


def test_not_used_for_tall_narrow_or_mixed():
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
    assert not gemm_transposed((129, 784), f32, f32)
    assert not gemm_transposed((32, 511), f32, f32)
    assert not gemm_transposed((32, 784), f32, f64)
    assert not gemm_transposed((2, 32, 784), f32, f32)
    assert not gemm_transposed((32, 784), np.dtype(np.int64), np.dtype(np.int64))


def test_against_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((48, 784)).astype(np.float32)
    lin = cr.nn.Linear(784, 20)
    tlin = torch.nn.Linear(784, 20)
    with torch.no_grad():
        tlin.weight.copy_(torch.from_numpy(lin.weight.detach().numpy()))
        tlin.bias.copy_(torch.from_numpy(lin.bias.detach().numpy()))
    y, ty = lin(cr.tensor(x)), tlin(torch.from_numpy(x))
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    y.relu().sum().backward()
    ty.relu().sum().backward()
    np.testing.assert_allclose(lin.weight.grad.numpy(), tlin.weight.grad.numpy(), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(lin.bias.grad.numpy(), tlin.bias.grad.numpy(), rtol=1e-5, atol=1e-5)
