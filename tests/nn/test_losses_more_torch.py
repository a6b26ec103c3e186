"""Losses against PyTorch on generated cases: values, dtypes and every gradient, functional and module forms.

The new losses (kl_div, margins, embeddings, likelihoods, ctc) and the existing ones (cross_entropy's options,
nll, bce, bce_with_logits, mse, l1, smooth_l1, huber) over drawn shapes and options, float32 and float64.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.nn as cnn

torch = pytest.importorskip("torch")
TOL = {np.float32: {"rtol": 2e-5, "atol": 2e-6}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}
GTOL = {np.float32: {"rtol": 1e-4, "atol": 1e-5}, np.float64: {"rtol": 1e-9, "atol": 1e-11}}


def compare(fn, arrays, dtype, ints=(), grad=True):
    """fn(lib, *tensors, *int_tensors) on chainrule and torch: value, dtype and the gradients of the floats."""
    xs = [cr.tensor(a.astype(dtype), requires_grad=grad) for a in arrays]
    ts = [torch.tensor(a.astype(dtype), requires_grad=grad) for a in arrays]
    oc = fn(cr, *xs, *[cr.tensor(i) for i in ints])
    ot = fn(torch, *ts, *[torch.tensor(i) for i in ints])
    assert tuple(oc.shape) == tuple(ot.shape)
    assert str(oc.dtype).split(".")[-1] == str(ot.dtype).split(".")[-1]
    np.testing.assert_allclose(oc.detach().numpy(), ot.detach().numpy(), **TOL[dtype])
    if not grad:
        return
    cot = np.random.default_rng(3).standard_normal(tuple(ot.shape)).astype(dtype)
    gc = cr.autograd.grad([oc], xs, [cr.tensor(cot)], allow_unused=True)
    gt = torch.autograd.grad([ot], ts, [torch.tensor(cot)], allow_unused=True)
    for i, (a, b) in enumerate(zip(gc, gt)):
        a = np.zeros(arrays[i].shape) if a is None else a.numpy()
        b = np.zeros(arrays[i].shape) if b is None else b.numpy()
        np.testing.assert_allclose(a, b, **GTOL[dtype], err_msg=f"gradient {i}")


REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [np.float32, np.float64]


def _pm1(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(4))
def test_margin_and_embedding_losses(seed, dtype):
    rng = np.random.default_rng(seed)
    red = REDUCTIONS[seed % 3]
    n, d = rng.integers(2, 6), rng.integers(2, 5)
    a, b = rng.standard_normal((2, n))
    y = _pm1(rng, n)
    margin = float(rng.uniform(-0.5, 0.5))
    compare(lambda m, a, b, y: m.nn.functional.margin_ranking_loss(a, b, y, margin=margin, reduction=red),
            [a, b, y], dtype)
    compare(lambda m, a, b, y: m.nn.MarginRankingLoss(margin, reduction=red)(a, b, y), [a, b, y], dtype)
    x = rng.standard_normal((n, d))
    yy = np.where(rng.random((n, d)) < 0.4, -1.0, np.where(rng.random((n, d)) < 0.8, 1.0, 0.5))  # others too
    compare(lambda m, x, y: m.nn.HingeEmbeddingLoss(margin=abs(margin) + 0.5, reduction=red)(x, y), [x, yy], dtype)
    compare(lambda m, x, y: m.nn.SoftMarginLoss(reduction=red)(x, y), [x], dtype,
            ints=[_pm1(rng, (n, d)).astype(dtype)])  # torch: not differentiable in the target
    x1, x2 = rng.standard_normal((2, n, d))
    compare(lambda m, p, q, y: m.nn.CosineEmbeddingLoss(margin, reduction=red)(p, q, y), [x1, x2, y], dtype)
    p, sw = [1, 2, 3, 1.5][seed], bool(seed % 2)
    an, po, ne = rng.standard_normal((3, n, d))
    compare(lambda m, a, p_, q: m.nn.TripletMarginLoss(margin=1.5, p=p, swap=sw, reduction=red)(a, p_, q),
            [an, po, ne], dtype)
    compare(lambda m, a, p_, q: m.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda u, v: (u - v).abs().sum(-1), margin=2.0, swap=not sw, reduction=red)(a, p_, q),
        [an, po, ne], dtype)
    compare(lambda m, x, t: m.nn.MultiLabelSoftMarginLoss(reduction=red)(x, t), [x, rng.random((n, d))], dtype)
    c = d + 2
    tgt = np.full((n, c), -1, np.int64)
    for i in range(n):
        k = rng.integers(0, c)
        tgt[i, :k] = rng.permutation(c)[:k]
        tgt[i, k + 1:] = rng.integers(-1, c, c - k - 1)  # after the -1: ignored
    compare(lambda m, x, t: m.nn.MultiLabelMarginLoss(reduction=red)(x, t), [rng.standard_normal((n, c))],
            dtype, ints=[tgt])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(4))
def test_likelihood_losses(seed, dtype):
    rng = np.random.default_rng(10 + seed)
    red = REDUCTIONS[seed % 3]
    shape = tuple(rng.integers(2, 5, 2))
    lp = rng.standard_normal(shape)
    q = rng.dirichlet(np.ones(shape[1]), shape[0])
    q[0, 0] = 0.0  # a zero-probability target term
    kl_red = ["batchmean", "sum", "none"][seed % 3]
    compare(lambda m, x, t: m.nn.KLDivLoss(reduction=kl_red)(x.log_softmax(1), t), [lp, q], dtype)
    compare(lambda m, x, t: m.nn.functional.kl_div(x, t, reduction=kl_red, log_target=True),
            [lp, rng.standard_normal(shape)], dtype)
    rate, counts = rng.uniform(0.2, 3, shape), rng.integers(0, 6, shape).astype(float)
    for log_input, full in itertools.product([True, False], [True, False]):
        compare(lambda m, x, t, li=log_input, f=full: m.nn.PoissonNLLLoss(li, f, reduction=red)(x, t),
                [rate if not log_input else lp], dtype, ints=[counts.astype(dtype)])
    counts.flat[:2] = [0.0, 1.0]  # the Stirling term's edges: its target gradient is nan at 0 in both
    compare(lambda m, x, t: m.nn.functional.poisson_nll_loss(x, t, full=True, reduction=red), [lp, counts], dtype)
    mu, y = rng.standard_normal((2,) + shape)
    var = rng.uniform(0, 2, shape)
    var[0, 0] = 1e-9  # clamped at eps: its gradient passes through unchanged, as in PyTorch
    for v in [var, var[:, 0], var[:, :1], 0.7]:
        arrays = [mu, y] + ([v] if isinstance(v, np.ndarray) else [])
        loss = cnn.GaussianNLLLoss(full=bool(seed % 2), reduction=red)
        tloss = torch.nn.GaussianNLLLoss(full=bool(seed % 2), reduction=red)
        compare(lambda m, x, t, *w, v=v, c=loss, tc=tloss: (c if m is cr else tc)(x, t, w[0] if w else v),
                arrays, dtype)


def _ctc_problem(rng, t, n, c, blank, feasible=True):
    in_len = rng.integers(max(1, t // 2), t + 1, n)
    in_len[0] = t
    tl = np.array([rng.integers(0, max(1, il // 2) + 1) for il in in_len])
    if not feasible:
        tl[-1] = in_len[-1] + 1
    s = max(1, tl.max())
    labels = np.array([[k for k in rng.integers(0, c - 1, s)] for _ in range(n)])
    labels = np.where(labels >= blank, labels + 1, labels)  # never the blank
    if s > 1:
        labels[0, 1] = labels[0, 0]  # a repeated label
    return labels, in_len, tl


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(6))
def test_ctc_loss_values_and_raw_gradients(seed, dtype):
    """log_probs used as given (not normalised): the gradient is PyTorch's exp(lp) - posterior."""
    rng = np.random.default_rng(20 + seed)
    t, n, c = int(rng.integers(3, 9)), int(rng.integers(1, 5)), int(rng.integers(2, 6))
    blank = int(rng.integers(0, c))
    labels, in_len, tl = _ctc_problem(rng, t, n, c, blank, feasible=seed % 3 != 2)
    red, zi = REDUCTIONS[seed % 3], seed % 3 == 2
    concat = np.concatenate([labels[i, : tl[i]] for i in range(n)])
    lp = rng.standard_normal((t, n, c)) - 1.5
    for tg in (labels, concat):
        compare(lambda m, x, g, il, tl_: m.nn.functional.ctc_loss(x, g, il, tl_, blank=blank, reduction=red,
                                                                  zero_infinity=zi), [lp], dtype,
                ints=[tg, in_len, tl])
        il, tl_ = tuple(map(int, in_len)), tuple(map(int, tl))
        compare(lambda m, x, g, il=il, tl_=tl_: m.nn.CTCLoss(blank, red, zi)(x.log_softmax(2), g, il, tl_), [lp],
                dtype, ints=[tg])


def test_ctc_loss_unbatched_and_errors():
    rng = np.random.default_rng(0)
    lp = rng.standard_normal((6, 4))
    compare(lambda m, x, g, il, tl: m.nn.functional.ctc_loss(x.log_softmax(1), g, il, tl, reduction="none"), [lp],
            np.float64, ints=[np.array([1, 2, 2]), np.array(6), np.array(3)])
    x = cr.randn(5, 2, 3).log_softmax(2)
    with pytest.raises(RuntimeError, match="blank must be in label range"):
        cr.nn.functional.ctc_loss(x, cr.tensor([[1, 2], [1, 1]]), (5, 5), (2, 2), blank=3)
    with pytest.raises(RuntimeError, match="input_lengths to have value at most 5"):
        cr.nn.functional.ctc_loss(x, cr.tensor([[1, 2], [1, 1]]), (6, 5), (2, 2))
    with pytest.raises(RuntimeError, match="size at least 3 at dimension 1"):
        cr.nn.functional.ctc_loss(x, cr.tensor([[1, 2], [1, 1]]), (5, 5), (3, 2))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(6))
def test_existing_losses_match_torch(seed, dtype):
    rng = np.random.default_rng(40 + seed)
    red = REDUCTIONS[seed % 3]
    n, c = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    extra = tuple(rng.integers(1, 4, seed % 3))  # K-d inputs for seeds 1, 2, 4, 5
    x = rng.standard_normal((n, c) + extra) * 2
    t = rng.integers(0, c, (n,) + extra)
    t.flat[0] = -100 if seed % 2 else t.flat[0]
    w = rng.uniform(0.2, 2, c)
    ls = [0.0, 0.1, 0.35][seed % 3]
    for wt in ([], [w.astype(dtype)]):  # weights never require grad (torch: not differentiable there)
        compare(lambda m, x, *w_: m.nn.functional.cross_entropy(x, m.tensor(t), *w_, reduction=red,
                                                                label_smoothing=ls), [x], dtype, ints=wt)
        compare(lambda m, x, *w_: m.nn.functional.nll_loss(x.log_softmax(1), m.tensor(t), *w_, reduction=red),
                [x], dtype, ints=wt)
    q = rng.dirichlet(np.ones(c), (n,) + extra)
    q = np.moveaxis(q, -1, 1)
    compare(lambda m, x, q: m.nn.functional.cross_entropy(x, q, reduction=red, label_smoothing=ls), [x, q], dtype)
    compare(lambda m, x, q, w: m.nn.CrossEntropyLoss(weight=w, reduction=red, label_smoothing=ls)(x, q), [x, q],
            dtype, ints=[w.astype(dtype)])
    p, y = rng.uniform(0.05, 0.95, (n, c)), rng.random((n, c))
    compare(lambda m, p, y, w: m.nn.functional.binary_cross_entropy(p, y, weight=w, reduction=red), [p, y], dtype,
            ints=[w[:1].astype(dtype)])
    z = rng.standard_normal((n, c)) * 3
    compare(lambda m, z, y, w: m.nn.BCEWithLogitsLoss(reduction=red, pos_weight=w)(z, y), [z, y], dtype,
            ints=[w.astype(dtype)])
    for beta in (0.0, 0.5, 1.0):
        compare(lambda m, a, b, be=beta: m.nn.SmoothL1Loss(reduction=red, beta=be)(a, b), [z, y], dtype)
        compare(lambda m, a, b, be=beta: m.nn.HuberLoss(reduction=red, delta=be + 0.3)(a, b), [z, y], dtype)
    compare(lambda m, a, b: m.nn.MSELoss(reduction=red)(a, b), [z, y], dtype)
    compare(lambda m, a, b: m.nn.L1Loss(reduction=red)(a, b), [z, y], dtype)


@pytest.mark.parametrize("size_average,reduce", [(None, False), (False, None), (True, True), (False, True)])
def test_deprecated_size_average_and_reduce(size_average, reduce):
    rng = np.random.default_rng(1)
    a, b, y = rng.standard_normal((3, 4))
    y = np.sign(y)
    kw = {"size_average": size_average, "reduce": reduce}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(lambda m, a, b, y: m.nn.functional.margin_ranking_loss(a, b, y, **kw), [a, b, y], np.float64)
        compare(lambda m, a, y: m.nn.functional.soft_margin_loss(a, y, **kw), [a], np.float64, ints=[y])
        compare(lambda m, a, y: m.nn.functional.kl_div(a, y.abs(), **kw), [a, y], np.float64)
        compare(lambda m, a, y: m.nn.PoissonNLLLoss(**kw)(a, y.abs()), [a, y], np.float64)
        compare(lambda m, a, b, y: m.nn.CosineEmbeddingLoss(**kw)(a.reshape(2, 2), b.reshape(2, 2), y[:2]),
                [a, b, y], np.float64)


def test_kl_div_mean_warns_as_torch_and_errors():
    x, t = cr.randn(2, 3), cr.rand(2, 3)
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        cr.nn.functional.kl_div(x, t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cr.nn.functional.kl_div(x, t, reduction="batchmean")
    with pytest.raises(ValueError, match="reduction"):
        cr.nn.functional.kl_div(x, t, reduction="avg")
    with pytest.raises(RuntimeError, match="same dimension"):
        cr.nn.functional.margin_ranking_loss(cr.randn(3), cr.randn(3), cr.ones(1, 3))
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        cr.nn.functional.triplet_margin_loss(cr.randn(2, 3), cr.randn(2, 3), cr.randn(2, 3), margin=0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        cr.nn.functional.triplet_margin_loss(cr.randn(2, 3), cr.randn(3), cr.randn(2, 3))
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D input tensors"):
        cr.nn.functional.cosine_embedding_loss(cr.randn(3), cr.randn(3), cr.ones(3))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        cr.nn.functional.gaussian_nll_loss(cr.randn(2, 3), cr.randn(2, 3), cr.ones(3, 2))
    with pytest.raises(ValueError, match="negative"):
        cr.nn.functional.gaussian_nll_loss(cr.randn(2, 3), cr.randn(2, 3), -cr.ones(2, 3))
    with pytest.raises(ValueError, match="greater than 0"):
        cnn.TripletMarginLoss(margin=-1)


def test_modules_carry_pytorchs_options_and_repr():
    pairs = [(cnn.KLDivLoss(reduction="batchmean", log_target=True), torch.nn.KLDivLoss(reduction="batchmean", log_target=True)),
             (cnn.TripletMarginLoss(2.0, 1.0, 1e-5, True), torch.nn.TripletMarginLoss(2.0, 1.0, 1e-5, True)),
             (cnn.PoissonNLLLoss(False, True), torch.nn.PoissonNLLLoss(False, True)),
             (cnn.GaussianNLLLoss(full=True), torch.nn.GaussianNLLLoss(full=True)),
             (cnn.CTCLoss(blank=2, zero_infinity=True), torch.nn.CTCLoss(blank=2, zero_infinity=True)),
             (cnn.MultiLabelSoftMarginLoss(), torch.nn.MultiLabelSoftMarginLoss())]
    for c, t in pairs:
        assert repr(c) == repr(t)
        for k in ("reduction", "margin", "p", "eps", "swap", "log_input", "full", "blank", "zero_infinity",
                  "log_target"):
            assert getattr(c, k, None) == getattr(t, k, None), (type(c).__name__, k)
