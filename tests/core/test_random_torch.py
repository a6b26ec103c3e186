"""Random functions against PyTorch: call forms, dtypes, shapes, requires_grad, errors; and their statistics.

The numbers differ from PyTorch's (another generator); what a program can observe besides them must not.
"""

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")
stats = pytest.importorskip("scipy.stats")

# (expression): run with lib = chainrule and lib = torch; same outcome (dtype, shape, requires_grad, grad_fn
# present) or same exception type
CASES = [
    "lib.rand(2, 3)", "lib.rand((2, 3))", "lib.rand([2, 3])", "lib.rand(size=(2, 3))", "lib.rand(())",
    "lib.rand(2, dtype=lib.float64)", "lib.rand(2, dtype=lib.half)", "lib.rand(2, dtype=lib.long)", "lib.rand(-1)",
    "lib.rand()", "lib.rand(2, requires_grad=True)", "lib.randn(2, dtype=lib.int32)", "lib.randn(3, 1)",
    "lib.randint(5, (3,))", "lib.randint(1, 5, (3,))", "lib.randint(high=5, size=(3,))",
    "lib.randint(1, high=5, size=(3,))", "lib.randint(low=1, high=5, size=(3,))", "lib.randint(5, size=(3,))",
    "lib.randint(2, size=(3,), high=5)", "lib.randint(size=(3,), high=5)", "lib.randint(0, 5, [2, 3])",
    "lib.randint(0, 5, lib.Size([2]))", "lib.randint(10)", "lib.randint(5, 3)", "lib.randint(0, 5, 3)",
    "lib.randint(5, 5, (2,))", "lib.randint(5, 2, (2,))", "lib.randint(0.0, 5.5, (2,))",
    "lib.randint(0, 5, (2,), dtype=lib.float32)", "lib.randint(0, 5, (2,), requires_grad=True)",
    "lib.randint(0, 5, (2,), dtype=lib.float32, requires_grad=True)", "lib.randint(0, 300, (2,), dtype=lib.uint8)",
    "lib.randint(-1, 3, (2,), dtype=lib.uint8)", "lib.randint(0, 2, (2,), dtype=lib.bool)",
    "lib.randint(-5, 5, (4,), dtype=lib.int8)", "lib.randint(0, 2**40, (2,))",
    "lib.randint_like(lib.zeros(2), 5)", "lib.randint_like(lib.zeros(2), 1, 5)", "lib.randint_like(lib.zeros(2), high=5)",
    "lib.randint_like(lib.zeros(2, dtype=lib.long), 5)", "lib.rand_like(lib.zeros(2, dtype=lib.long))",
    "lib.rand_like(lib.zeros(2, 2, dtype=lib.float64))", "lib.randn_like(lib.zeros(3), dtype=lib.float64)",
    "lib.randperm(4)", "lib.randperm(4, dtype=lib.float32)", "lib.randperm(-1)", "lib.randperm(0)",
    "lib.multinomial(lib.tensor([[[0.5]]]), 1)", "lib.multinomial(P, 0)", "lib.multinomial(P, 3)", "lib.multinomial(P, -1)",
    "lib.multinomial(P, 1.5)", "lib.multinomial(lib.tensor([-1.0, 1.0]), 1)",
    "lib.multinomial(lib.tensor([float('inf'), 1.0]), 1)", "lib.multinomial(lib.tensor([float('nan'), 1.0]), 1)",
    "lib.multinomial(lib.tensor([0.0, 0.0]), 1)", "lib.multinomial(lib.tensor([[0.0, 0.0], [1.0, 1.0]]), 1)",
    "lib.multinomial(lib.tensor([1, 2]), 1)", "lib.multinomial(lib.tensor([0.0, 1.0, 0.0]), 2, True)",
    "lib.multinomial(lib.tensor(1.0), 1)", "lib.multinomial(lib.zeros(0), 1)", "lib.multinomial(P.double(), 2)",
    "lib.multinomial(P.half(), 1)", "lib.multinomial(lib.zeros(2, 0), 1)", "lib.multinomial(lib.ones(0, 3), 1)",
    "lib.multinomial(lib.ones(4, 3), 3)", "lib.multinomial(lib.ones(4, 3), 7, replacement=True)",
    "P.multinomial(2)", "P.multinomial(5, True)",
    "lib.bernoulli(lib.tensor([1, 0]))", "lib.bernoulli(lib.tensor([1.5]))", "lib.bernoulli(lib.tensor([True]))",
    "lib.bernoulli(lib.tensor([0.5], requires_grad=True))", "lib.bernoulli(lib.tensor([0.5]), 0.3)",
    "lib.bernoulli(lib.tensor([0.5]), p=0.3)", "lib.bernoulli(lib.tensor([0.5]), 1.3)",
    "lib.bernoulli(lib.tensor([0.5]).double())", "lib.bernoulli(lib.tensor([0.5]).half())", "P.bernoulli()",
    "P.bernoulli(0.5)", "lib.poisson(lib.tensor([1.0, 2.0]))", "lib.poisson(lib.tensor([-1.0]))",
    "lib.poisson(lib.tensor([1]))", "lib.poisson(lib.tensor([1.0], requires_grad=True))",
    "lib.poisson(lib.tensor([float('inf')]))", "lib.poisson(lib.tensor([float('nan')]))",
    "lib.poisson(lib.tensor([[0.0, 3.0]], dtype=lib.float64))",
    "lib.normal(lib.zeros(3), lib.ones(3))", "lib.normal(lib.zeros(3, requires_grad=True), 1.0)",
    "lib.normal(0.0, lib.ones(2, 3))", "lib.normal(0.0, 1.0, (2, 3))", "lib.normal(0.0, 1.0, size=(2, 3))",
    "lib.normal(0.0, 1.0)", "lib.normal(lib.zeros(3), -1.0)", "lib.normal(lib.zeros(3), lib.tensor([-1.0, 1, 1]))",
    "lib.normal(lib.zeros(3, 1), lib.ones(1, 2))", "lib.normal(lib.zeros(3), lib.ones(3, 1))",
    "lib.normal(lib.zeros(3, dtype=lib.long), 1.0)", "lib.normal(lib.zeros(3).double(), lib.ones(3))",
    "lib.normal(2, 3, (2,))", "lib.normal(0.0, 1.0, (2,), dtype=lib.float64)", "lib.normal(0.0, -1.0, (2,))",
    "lib.normal(mean=lib.zeros(2), std=lib.ones(2))", "lib.normal(mean=0.5, std=lib.ones(2))",
    "lib.normal(lib.zeros(2), 1, (2,))", "lib.normal(0.0, lib.ones(2, requires_grad=True))",
    "lib.zeros(3).random_()", "lib.zeros(3, dtype=lib.uint8).random_()", "lib.zeros(3, dtype=lib.bool).random_()",
    "lib.zeros(3).random_(5)", "lib.zeros(3).random_(2, 5)", "lib.zeros(3).random_(5, 2)", "lib.zeros(3).random_(-2)",
    "lib.zeros(3, dtype=lib.uint8).random_(-1, 3)", "lib.zeros(3).random_(to=3)",
    "lib.zeros(3, dtype=lib.long).normal_()", "lib.zeros(3, dtype=lib.long).uniform_()",
    "lib.zeros(3, dtype=lib.long).bernoulli_(0.5)", "lib.zeros(3, dtype=lib.long).geometric_(0.5)",
    "lib.zeros(3).geometric_(0.5)", "lib.zeros(3).uniform_(2, 1)", "lib.zeros(3).normal_(0, -1)",
    "lib.zeros(3).exponential_(-1)", "lib.zeros(3).exponential_(0)", "lib.zeros(3).geometric_(0)",
    "lib.zeros(3).geometric_(1.5)", "lib.zeros(3).bernoulli_(lib.tensor([0.1, 0.5, 0.9]))",
    "lib.zeros(3).bernoulli_(1.5)", "lib.zeros(3).log_normal_(0, -1)", "lib.zeros(3).cauchy_(0, -1)",
    "lib.zeros(3).uniform_(to=2)", "lib.zeros(3).uniform_(**{'from': 1, 'to': 2})",
    "lib.zeros(3, dtype=lib.long).exponential_()", "lib.zeros(2, 2, dtype=lib.float64).normal_(1, 2)",
]


def _outcome(lib, expr):
    P = lib.tensor([0.2, 0.8])  # noqa: F841 - used by the expressions
    try:
        r = eval(expr)
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return (str(r.dtype).split(".")[-1], tuple(r.shape), r.requires_grad, r.grad_fn is not None)


@pytest.mark.parametrize("expr", CASES)
def test_random_call_matches_torch(expr):
    assert _outcome(cr, expr) == _outcome(torch, expr)


def test_sample_gradients_are_zero_as_in_torch():
    for lib in (cr, torch):
        m = lib.zeros(3, requires_grad=True)
        s = lib.ones(3, requires_grad=True)
        p = lib.full((3,), 0.5, requires_grad=True)
        r = lib.full((3,), 2.0, requires_grad=True)
        (lib.normal(m, s).sum() + lib.bernoulli(p).sum() + lib.poisson(r).sum()).backward()
        assert m.grad.tolist() == s.grad.tolist() == p.grad.tolist() == r.grad.tolist() == [0.0] * 3
    assert "Normal" in repr(cr.normal(cr.zeros(2, requires_grad=True), 1.0).grad_fn)


def _chi2_ok(counts, probs, alpha=1e-4):
    """Pearson's chi-square test of the counts against the probabilities (a fixed seed: deterministic)."""
    counts, probs = np.asarray(counts, dtype=float), np.asarray(probs, dtype=float)
    return stats.chisquare(counts, counts.sum() * probs / probs.sum()).pvalue > alpha


def test_multinomial_with_replacement_frequencies():
    p = np.array([0.1, 0.0, 0.5, 0.15, 0.25])
    w = cr.tensor(np.stack([p, p[::-1]]) * 3.0)  # unnormalised weights, two rows
    draws = cr.multinomial(w, 20000, replacement=True, generator=cr.Generator().manual_seed(0)).numpy()
    assert draws.shape == (2, 20000) and draws.dtype == np.int64
    assert (draws[0] != 1).all() and (draws[1] != 3).all()  # weight 0: never drawn
    assert _chi2_ok(np.bincount(draws[0], minlength=5)[[0, 2, 3, 4]], p[[0, 2, 3, 4]])
    assert _chi2_ok(np.bincount(draws[1], minlength=5)[[0, 1, 2, 4]], p[::-1][[0, 1, 2, 4]])


def test_multinomial_without_replacement_is_successive_weighted_draws():
    p = np.array([0.5, 0.3, 0.2])
    n = 20000
    draws = cr.multinomial(cr.tensor(np.tile(p, (n, 1))), 2, generator=cr.Generator().manual_seed(1)).numpy()
    assert (draws[:, 0] != draws[:, 1]).all()
    pairs = [(i, j) for i in range(3) for j in range(3) if i != j]
    counts = [np.sum((draws[:, 0] == i) & (draws[:, 1] == j)) for i, j in pairs]
    expected = [p[i] * p[j] / (1 - p[i]) for i, j in pairs]  # P(first i) * P(second j | first i)
    assert _chi2_ok(counts, expected)
    full = cr.multinomial(cr.tensor([1.0, 2.0, 3.0, 0.5]), 4).numpy()
    assert sorted(full.tolist()) == [0, 1, 2, 3]  # all categories, each once


def test_bernoulli_poisson_normal_statistics():
    g = cr.Generator().manual_seed(2)
    probs = cr.tensor(np.linspace(0, 1, 5)).expand(20000, 5).contiguous()
    freq = cr.bernoulli(probs, generator=g).numpy().mean(axis=0)
    np.testing.assert_allclose(freq, np.linspace(0, 1, 5), atol=0.015)
    k = cr.poisson(cr.full((40000,), 3.5, dtype=cr.float64), generator=g).numpy()
    assert abs(k.mean() - 3.5) < 0.05 and abs(k.var() - 3.5) < 0.1 and (k == np.round(k)).all()
    x = cr.normal(cr.full((40000,), 2.0), cr.full((40000,), 0.5), generator=g).numpy()
    assert abs(x.mean() - 2.0) < 0.01 and abs(x.std() - 0.5) < 0.01
    assert stats.kstest(cr.rand(5000, generator=g).numpy(), "uniform").pvalue > 1e-4
    assert stats.kstest(cr.randn(5000, generator=g).numpy(), "norm").pvalue > 1e-4
    r = cr.randint(3, 9, (30000,), generator=g).numpy()
    assert r.min() == 3 and r.max() == 8 and _chi2_ok(np.bincount(r)[3:], np.ones(6))
    assert sorted(cr.randperm(50, generator=g).tolist()) == list(range(50))
    e = cr.zeros(40000, dtype=cr.float64).exponential_(2.0, generator=g).numpy()
    assert abs(e.mean() - 0.5) < 0.01
    u = cr.zeros(10000).uniform_(-2, 3, generator=g).numpy()
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.05
    f = cr.zeros(10000).random_(generator=g).numpy()
    assert f.min() >= 0 and f.max() <= 2**24 and f.max() > 2**23  # float32: [0, 2**24], as PyTorch
    b = cr.zeros(10000, dtype=cr.uint8).random_(generator=g).numpy()
    assert b.min() == 0 and b.max() == 255
