"""LayerNorm's (rows, n) path against PyTorch: several shapes, k = 1 and 2, with and without weight and bias,
float32 and float64, forward and every gradient; a float64 gradcheck and gradgradcheck; empty inputs."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.autograd import gradcheck, gradgradcheck
from chainrule.nn import functional as F

CASES = [((32, 16, 64), (64,), True), ((5, 7), (7,), False), ((2, 3, 4, 5), (4, 5), True), ((6,), (6,), True),
         ((3, 1), (1,), True), ((4, 2, 3), (2, 3), False)]


@pytest.mark.parametrize("shape,norm,affine", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layer_norm_matches_torch(shape, norm, affine, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(len(shape) + len(norm))
    x = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
    w, b = rng.standard_normal(norm).astype(dtype), rng.standard_normal(norm).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    ours = [cr.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    yo = F.layer_norm(ours[0], norm, *(ours[1:] if affine else (None, None)))
    yt = torch.nn.functional.layer_norm(theirs[0], norm, *(theirs[1:] if affine else (None, None)))
    yo.backward(cr.tensor(g))
    yt.backward(torch.tensor(g))
    tol = {"rtol": 1e-4, "atol": 1e-4} if dtype == "float32" else {"rtol": 1e-10, "atol": 1e-10}
    assert yo.dtype == cr.float32 if dtype == "float32" else yo.dtype == cr.float64
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), **tol)
    for a, t in zip(ours if affine else ours[:1], theirs if affine else theirs[:1]):
        assert a.grad.shape == tuple(t.grad.shape) and a.grad.numpy().dtype == np.dtype(dtype)
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), **tol)


@pytest.mark.parametrize("shape,norm,affine", CASES[1:])
def test_layer_norm_gradcheck(shape, norm, affine):
    rng = np.random.default_rng(1)
    args = [cr.tensor(rng.standard_normal(s), dtype=cr.float64, requires_grad=True) for s in (shape, norm, norm)]
    def f(x, w, b):
        return F.layer_norm(x, norm, w, b) if affine else F.layer_norm(x, norm) + 0 * (w.sum() + b.sum())

    assert gradcheck(f, args)
    assert gradgradcheck(f, args)


def test_layer_norm_empty():
    x = cr.zeros(0, 4, requires_grad=True)
    w, b = cr.ones(4, requires_grad=True), cr.zeros(4, requires_grad=True)
    y = F.layer_norm(x, (4,), w, b)
    y.sum().backward()
    assert y.shape == (0, 4) and x.grad.shape == (0, 4)
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros(4, np.float32))
    np.testing.assert_array_equal(b.grad.numpy(), np.zeros(4, np.float32))
