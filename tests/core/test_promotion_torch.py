"""Against PyTorch: gradients through promoted ops come back in each input's dtype; pow's edge values;
reductions with dim 0 / -1 on 0-d tensors (value, dtype and gradient)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

BINARY = {
    "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b,
    "pow": lambda m, a, b: a.abs() ** b,
    "rpow": lambda m, a, b: b.abs() ** a,
    "mod": lambda m, a, b: a % b,
    "maximum": lambda m, a, b: m.maximum(a, b),
    "minimum": lambda m, a, b: m.minimum(a, b),
    "where": lambda m, a, b: m.where(a > 0, a, b),
    "clamp": lambda m, a, b: m.clamp(a, b, b + 1),
    "clamp_max": lambda m, a, b: m.clamp(a, max=b),
}
# (dtype, shape) of the two inputs: mixed float dtypes, with and without dims
PAIRS = [
    (("float32", (3,)), ("float64", ())),
    (("float64", ()), ("float32", (3,))),
    (("float32", (3,)), ("float64", (3,))),
    (("float64", (2, 3)), ("float32", (3,))),
    (("float32", ()), ("float64", ())),
]


def _leaves(spec, seed):
    rng = np.random.default_rng(seed)
    arr = (rng.uniform(0.5, 2.0, spec[1]) * rng.choice([-1, 1], spec[1])).astype(spec[0])
    return cr.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)


def _close(got, want, what):
    want = want.detach().numpy()
    got = got.detach().numpy()
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, torch {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape}, torch {want.shape}"
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0][0]}{list(p[0][1])}-{p[1][0]}{list(p[1][1])}")
@pytest.mark.parametrize("op", sorted(BINARY))
def test_gradient_keeps_each_inputs_dtype(op, pair):
    (ca, ta), (cb, tb) = _leaves(pair[0], 0), _leaves(pair[1], 1)
    out, tout = BINARY[op](cr, ca, cb), BINARY[op](torch, ta, tb)
    _close(out, tout, "output")
    rng = np.random.default_rng(2)
    cot = rng.standard_normal(tuple(tout.shape)).astype(str(tout.dtype).replace("torch.", ""))
    got = cr.autograd.grad(out, [ca, cb], cr.tensor(cot), allow_unused=True)
    want = torch.autograd.grad(tout, [ta, tb], torch.tensor(cot), allow_unused=True)
    for k, (g, w) in enumerate(zip(got, want)):
        if w is None:
            assert g is None or not g.detach().numpy().any(), f"gradient {k}: torch has none"
            continue
        _close(g, w, f"gradient of input {k}")


def test_mixed_dtype_grad_example_from_the_issue():
    x = cr.ones(3, requires_grad=True)
    y = cr.tensor(2.0, dtype=cr.float64, requires_grad=True)
    out = x * y
    assert out.dtype == cr.float32
    out.sum().backward()
    assert x.grad.dtype == cr.float32 and y.grad.dtype == cr.float64
    assert y.grad.item() == 3.0


# ---- pow at its edges: PyTorch's values for the output and both gradients ----------------------------------
POW_CASES = {
    "tensor ** tensor": lambda m, x, e: x**e,
    "x ** 0": lambda m, x, e: x**0,
    "x ** 0.0": lambda m, x, e: x**0.0,
    "x ** 2": lambda m, x, e: x**2,
    "x ** 0.5": lambda m, x, e: x**0.5,
    "x ** -1": lambda m, x, e: x**-1,
    "(-2) ** e": lambda m, x, e: (-2) ** e,
    "0 ** e": lambda m, x, e: 0**e,
    "0.0 ** e": lambda m, x, e: 0.0**e,
    "2 ** e": lambda m, x, e: 2**e,
    "x ** zeros": lambda m, x, e: x ** (e * 0),
    "pow(x, e)": lambda m, x, e: m.pow(x, e),
}
X = np.array([0.0, 0.0, 0.0, -2.0, -2.0, 2.0, 0.5, 1.0])
E = np.array([0.0, -1.0, 0.5, 2.0, 0.5, -1.5, 3.0, 0.0])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", sorted(POW_CASES))
def test_pow_edges_match_torch(case, dtype):
    cx, ce = cr.tensor(X.astype(dtype), requires_grad=True), cr.tensor(E.astype(dtype), requires_grad=True)
    tx = torch.tensor(X.astype(dtype), requires_grad=True)
    te = torch.tensor(E.astype(dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy warns about 0 ** -1 in forward, as about log(0)
        out = POW_CASES[case](cr, cx, ce)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # backward's edge values are chosen, not stumbled on: no warnings
        got = cr.autograd.grad(out.sum(), [cx, ce], allow_unused=True)
    tout = POW_CASES[case](torch, tx, te)
    want = torch.autograd.grad(tout.sum(), [tx, te], allow_unused=True)
    _close(out, tout, "output")
    for k, (g, w) in enumerate(zip(got, want)):
        if w is None:
            assert g is None
        else:
            _close(g, w, f"gradient of {'base' if k == 0 else 'exponent'}")


def test_pow_second_derivative_matches_torch():
    x0, e0 = np.array([0.5, 1.5, 2.0]), np.array([2.0, -1.0, 0.5])
    cx, ce = cr.tensor(x0, requires_grad=True), cr.tensor(e0, requires_grad=True)
    tx, te = torch.tensor(x0, requires_grad=True), torch.tensor(e0, requires_grad=True)
    gx, ge = cr.autograd.grad((cx**ce).sum(), [cx, ce], create_graph=True)
    tgx, tge = torch.autograd.grad((tx**te).sum(), [tx, te], create_graph=True)
    got = cr.autograd.grad((gx * ge).sum(), [cx, ce])
    want = torch.autograd.grad((tgx * tge).sum(), [tx, te])
    for g, w in zip(got, want):
        _close(g, w, "second derivative")


# ---- reductions over dim 0 / -1 of a 0-d tensor ------------------------------------------------------------
REDUCE_0D = {
    "sum(0)": lambda m, x: x.sum(0),
    "sum(-1, keepdim)": lambda m, x: x.sum(-1, keepdim=True),
    "prod(0)": lambda m, x: x.prod(0),
    "prod(-1, keepdim)": lambda m, x: x.prod(-1, keepdim=True),
    "mean(0)": lambda m, x: x.mean(0),
    "amax(0)": lambda m, x: x.amax(0),
    "amin(-1)": lambda m, x: x.amin(-1),
    "max(0)": lambda m, x: x.max(0).values,
    "min(-1)": lambda m, x: x.min(-1).values,
    "logsumexp(0)": lambda m, x: m.logsumexp(x, 0),
    "norm(dim=0)": lambda m, x: m.norm(x, dim=0),
    "cumsum(0)": lambda m, x: x.cumsum(0),
    "var(0)": lambda m, x: x.var(0),
    "std(0, correction=0)": lambda m, x: x.std(0, correction=0),
    "var(-1, correction=0)": lambda m, x: x.var(-1, correction=0),
}


@pytest.mark.parametrize("case", sorted(REDUCE_0D))
def test_reduction_over_dim_0_of_a_0d_tensor(case):
    cx, tx = cr.tensor(-1.5, requires_grad=True), torch.tensor(-1.5, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about var of one element
        out, tout = REDUCE_0D[case](cr, cx), REDUCE_0D[case](torch, tx)
        _close(out, tout, "output")
        (g,), (w,) = cr.autograd.grad(out.sum(), [cx]), torch.autograd.grad(tout.sum(), [tx])
    _close(g, w, "gradient")


@pytest.mark.parametrize("dim", [1, -2])
def test_reduction_of_a_0d_tensor_refuses_other_dims(dim):
    x = cr.tensor(2.0)
    for fn in (lambda: x.sum(dim), lambda: x.prod(dim), lambda: x.mean(dim), lambda: x.amax(dim)):
        with pytest.raises(IndexError):
            fn()


def test_integer_sums_are_int64_and_mean_of_int_raises():
    for dt in (cr.bool, cr.int32, cr.uint8, cr.int8):
        x = cr.ones(3, dtype=dt)
        assert x.sum().dtype == cr.int64 and x.prod().dtype == cr.int64 and x.cumsum(0).dtype == cr.int64
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype"):
        cr.ones(3, dtype=cr.int64).mean()


def test_ndarray_operands_count_as_tensors_with_dims():
    """Deliberate: PyTorch's operators hand an ndarray operand to NumPy (a 0-d float64 array gives float64)
    and its functions refuse one; chainrule accepts it everywhere and gives the operator's dtype."""
    x = cr.ones(3)
    tx = torch.ones(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert str((x * np.array(2.0)).dtype)[10:] == str((tx * np.array(2.0)).dtype)[6:]  # float64
    assert cr.mul(x, np.array(2.0)).dtype == cr.float64
    assert (x * np.float64(2.0)).dtype == cr.float32  # a NumPy scalar is a wrapped number


def test_numpy_maximum_takes_numbers_but_chainrule_maximum_does_not():
    """Deliberate: np.maximum on a Tensor follows NumPy's signature; chainrule.maximum follows PyTorch's."""
    x = cr.tensor([-1.0, 2.0])
    assert np.maximum(x, 0.5).tolist() == [0.5, 2.0]
    with pytest.raises(TypeError):
        torch.maximum(torch.tensor([-1.0, 2.0]), 0.5)
    with pytest.raises(TypeError, match="maximum\\(\\): argument 'other' \\(position 2\\) must be Tensor"):
        cr.maximum(x, 0.5)


def test_clamp_mixes_a_tensor_bound_and_a_number():
    """Deliberate: PyTorch refuses a tensor min with a number max; chainrule clamps (the tensor bound still
    gets its gradient)."""
    with pytest.raises(TypeError):
        torch.clamp(torch.ones(2), min=torch.zeros(2), max=0.5)
    lo = cr.tensor([2.0, 0.0], requires_grad=True)
    out = cr.clamp(cr.ones(2), min=lo, max=5.0)
    assert out.tolist() == [2.0, 1.0]
    out.sum().backward()
    assert lo.grad.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_", "pow_", "clamp_"])
def test_recorded_inplace_op_with_a_float64_operand(op):
    """float32 a.op_(float64 y) inside the graph: a stays float32, and y's gradient comes back float64."""
    grads = []
    for m in (cr, torch):
        x = m.tensor([0.5, 1.0, 1.5], requires_grad=True)
        y = m.tensor([1.0, 2.0, 0.75], dtype=m.float64, requires_grad=True)
        a = x * 2
        out = a.clamp_(y) if op == "clamp_" else getattr(a, op)(y)
        assert out is a and str(a.dtype).endswith("float32")
        (a * a).sum().backward()
        grads.append((x.grad, y.grad))
    for g, w in zip(grads[0], grads[1]):
        _close(g, w, "gradient")


@pytest.mark.parametrize("shape", [(), (2, 3)])
def test_reduction_refuses_a_repeated_dim(shape):
    with pytest.raises(RuntimeError):
        torch.ones(shape).sum((0, 0))
    with pytest.raises(RuntimeError, match="twice"):
        cr.ones(shape).sum((0, 0))
