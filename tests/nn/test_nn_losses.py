"""Losses against PyTorch (every reduction and option, values and gradients), gradchecks, and clear errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from nn_oracle import compare, load_torch

import chainrule as cr
import chainrule.nn.functional as F
from chainrule import nn
from chainrule.autograd import gradcheck, gradgradcheck

torch = load_torch()
TF = torch.nn.functional
REDUCTIONS = ("mean", "sum", "none")
rng = np.random.default_rng(0)


def _w(w, lib):
    return None if w is None else lib.tensor(w)


def _class_case(shape, n_classes=5, ignore=None):
    x = rng.standard_normal(shape).astype(np.float32)
    t = rng.integers(0, n_classes, shape[:1] + shape[2:])
    if ignore is not None:
        t.flat[1] = ignore
    return x, t


@pytest.mark.parametrize("shape", [(6, 5), (4, 5, 2, 3)])
@pytest.mark.parametrize("reduction,smoothing,weighted,ignore",
                         list(itertools.product(REDUCTIONS, (0.0, 0.2), (False, True), (-100, 2))))
def test_cross_entropy_class_targets_match_torch(shape, reduction, smoothing, weighted, ignore):
    """(softmax - q)/D with weights, ignore_index and label smoothing: PyTorch's exact formulas, N-d too."""
    x, t = _class_case(shape, ignore=ignore)
    w = rng.random(5).astype(np.float32) + 0.5 if weighted else None
    kw = {"reduction": reduction, "label_smoothing": smoothing, "ignore_index": ignore}
    out, _ = compare(lambda a, b: F.cross_entropy(a, b, weight=_w(w, cr), **kw),
                     lambda a, b: TF.cross_entropy(a, b, weight=_w(w, torch), **kw), [x, t], torch, msg=str(kw))
    assert out.grad_fn.name() == "NllLossBackward0"  # one fused node, named as PyTorch names it


@pytest.mark.parametrize("reduction,smoothing,weighted",
                         list(itertools.product(REDUCTIONS, (0.0, 0.3), (False, True))))
def test_cross_entropy_probability_targets_match_torch(reduction, smoothing, weighted):
    """Soft targets (same shape as the input): values, input gradient and target gradient."""
    x = rng.standard_normal((5, 4, 3)).astype(np.float32)
    p = rng.random((5, 4, 3)).astype(np.float32)
    p /= p.sum(1, keepdims=True)
    w = rng.random(4).astype(np.float32) + 0.5 if weighted else None
    kw = {"reduction": reduction, "label_smoothing": smoothing}
    compare(lambda a, b: F.cross_entropy(a, b, weight=_w(w, cr), **kw),
            lambda a, b: TF.cross_entropy(a, b, weight=_w(w, torch), **kw), [x, p], torch, msg=str(kw))


def test_cross_entropy_unbatched_and_module():
    x, t = rng.standard_normal(7).astype(np.float32), np.array(3)
    for red in REDUCTIONS:
        compare(lambda a, b, red=red: F.cross_entropy(a, b, reduction=red),
                lambda a, b, red=red: TF.cross_entropy(a, b, reduction=red), [x, t], torch)
    x, t = _class_case((8, 5), ignore=1)
    w = np.linspace(0.5, 2, 5).astype(np.float32)
    crit = nn.CrossEntropyLoss(weight=cr.tensor(w), ignore_index=1, label_smoothing=0.1)
    ref = torch.nn.CrossEntropyLoss(weight=torch.tensor(w), ignore_index=1, label_smoothing=0.1)
    compare(crit, ref, [x, t], torch)
    assert repr(crit) == "CrossEntropyLoss()"


def test_cross_entropy_is_finite_for_huge_logits():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], dtype=np.float32)
    t = np.array([1, 2, 0])
    for ls in (0.0, 0.1):
        out, _ = compare(lambda a, b, ls=ls: F.cross_entropy(a, b, label_smoothing=ls),
                         lambda a, b, ls=ls: TF.cross_entropy(a, b, label_smoothing=ls), [x, t], torch, rtol=1e-5)
        assert np.isfinite(out.item())


def test_cross_entropy_all_ignored_is_nan_like_torch():
    x, t = rng.standard_normal((3, 4)).astype(np.float32), np.full(3, -100)
    assert np.isnan(F.cross_entropy(cr.tensor(x), cr.tensor(t)).item())
    assert np.isnan(TF.cross_entropy(torch.tensor(x), torch.tensor(t)).item())


@pytest.mark.parametrize("reduction,weighted,ignore", list(itertools.product(REDUCTIONS, (False, True), (-100, 0))))
def test_nll_loss_matches_torch(reduction, weighted, ignore):
    x, t = _class_case((6, 5, 2), ignore=ignore)
    w = rng.random(5).astype(np.float32) + 0.5 if weighted else None
    kw = {"reduction": reduction, "ignore_index": ignore}
    compare(lambda a, b: F.nll_loss(F.log_softmax(a, 1), b, weight=_w(w, cr), **kw),
            lambda a, b: TF.nll_loss(TF.log_softmax(a, 1), b, weight=_w(w, torch), **kw), [x, t], torch)
    compare(nn.NLLLoss(weight=_w(w, cr), **kw), torch.nn.NLLLoss(weight=_w(w, torch), **kw), [x, t], torch)


@pytest.mark.parametrize("reduction,weighted", list(itertools.product(REDUCTIONS, (False, True))))
def test_binary_cross_entropy_matches_torch(reduction, weighted):
    """Probabilities of exactly 0 and 1 give PyTorch's clamped log (-100); the target gets a gradient too.

    (At p = 0 or 1 PyTorch's target gradient is the unclamped log ratio, +-inf; ours differentiates the clamped
    loss it returns, so the target gradient is compared on interior probabilities only.)
    """
    p = rng.random((4, 3)).astype(np.float32)
    p[0, 0], p[1, 1] = 0.0, 1.0
    t = (rng.random((4, 3)) > 0.5).astype(np.float32)
    t[0, 0], t[1, 1] = 1.0, 0.0
    w = rng.random((4, 3)).astype(np.float32) if weighted else None
    compare(lambda a, b: F.binary_cross_entropy(a, b, _w(w, cr), reduction=reduction),
            lambda a, b: TF.binary_cross_entropy(a, b, _w(w, torch), reduction=reduction), [p, t], torch,
            grads=(True, False), atol=1e-3)
    compare(nn.BCELoss(reduction=reduction), torch.nn.BCELoss(reduction=reduction), [p[2:], t[2:]], torch)


@pytest.mark.parametrize("reduction,weighted,pos", list(itertools.product(REDUCTIONS, (False, True), (False, True))))
def test_bce_with_logits_matches_torch(reduction, weighted, pos):
    x = (rng.standard_normal((5, 3)) * 4).astype(np.float32)
    x[0] = [100.0, -100.0, 0.0]
    t = rng.random((5, 3)).astype(np.float32)
    w = rng.random(3).astype(np.float32) + 0.5 if weighted else None
    pw = rng.random(3).astype(np.float32) * 3 if pos else None
    kw = {"reduction": reduction}
    out, _ = compare(lambda a, b: F.binary_cross_entropy_with_logits(a, b, _w(w, cr), pos_weight=_w(pw, cr), **kw),
                     lambda a, b: TF.binary_cross_entropy_with_logits(a, b, _w(w, torch), pos_weight=_w(pw, torch),
                                                                      **kw), [x, t], torch)
    assert np.isfinite(out.detach().numpy()).all()
    compare(nn.BCEWithLogitsLoss(pos_weight=_w(pw, cr), **kw),
            torch.nn.BCEWithLogitsLoss(pos_weight=_w(pw, torch), **kw), [x, t], torch)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_torch(reduction):
    x = rng.standard_normal((4, 5)).astype(np.float32) * 2
    t = rng.standard_normal((4, 5)).astype(np.float32)
    w = rng.random((4, 5)).astype(np.float32)
    cases = [
        (F.mse_loss, TF.mse_loss, {}), (F.l1_loss, TF.l1_loss, {}),
        (F.mse_loss, TF.mse_loss, {"weight": w}), (F.l1_loss, TF.l1_loss, {"weight": w}),
        (F.huber_loss, TF.huber_loss, {"delta": 0.5}), (F.huber_loss, TF.huber_loss, {"delta": 2.0, "weight": w}),
        (F.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.5}), (F.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.0}),
        (F.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 1.0}),
    ]
    for f, g, kw in cases:
        kc = {k: cr.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        kt = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        compare(lambda a, b, f=f, kc=kc: f(a, b, reduction=reduction, **kc),
                lambda a, b, g=g, kt=kt: g(a, b, reduction=reduction, **kt), [x, t], torch, msg=f"{f.__name__} {list(kw)}")
    for mc, mt in [(nn.MSELoss, torch.nn.MSELoss), (nn.L1Loss, torch.nn.L1Loss), (nn.HuberLoss, torch.nn.HuberLoss),
                   (nn.SmoothL1Loss, torch.nn.SmoothL1Loss)]:
        compare(mc(reduction=reduction), mt(reduction=reduction), [x, t], torch)


@pytest.mark.parametrize("p,margin,weighted,reduction",
                         list(itertools.product((1, 2), (1.0, 0.5), (False, True), REDUCTIONS)))
def test_multi_margin_loss_matches_torch(p, margin, weighted, reduction):
    x = rng.standard_normal((6, 4)).astype(np.float32)
    t = rng.integers(0, 4, 6)
    w = rng.random(4).astype(np.float32) + 0.5 if weighted else None
    kw = {"p": p, "margin": margin, "reduction": reduction}
    compare(nn.MultiMarginLoss(weight=_w(w, cr), **kw), torch.nn.MultiMarginLoss(weight=_w(w, torch), **kw),
            [x, t], torch)


@pytest.mark.filterwarnings("ignore:size_average and reduce args")
def test_legacy_size_average_and_reduce():
    x, t = rng.standard_normal((3, 2)).astype(np.float32), rng.standard_normal((3, 2)).astype(np.float32)
    for sa, rd in [(False, None), (None, False), (True, True)]:
        compare(nn.MSELoss(size_average=sa, reduce=rd), torch.nn.MSELoss(size_average=sa, reduce=rd), [x, t], torch)


def test_gradcheck_cross_entropy_float64():
    x = cr.tensor(rng.standard_normal((4, 3, 2)), requires_grad=True)
    t = cr.tensor(np.array([[0, 2], [1, -100], [2, 2], [0, 1]]))
    w = cr.tensor(np.array([0.5, 1.0, 2.0]))
    for red in REDUCTIONS:
        assert gradcheck(lambda a, red=red: F.cross_entropy(a, t, weight=w, reduction=red, label_smoothing=0.1), [x])
    p = rng.random((4, 3, 2))
    p = cr.tensor(p / p.sum(1, keepdims=True), requires_grad=True)
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, weight=w, label_smoothing=0.2), [x, p])


def test_gradgradcheck_fused_losses():
    """create_graph through the fused losses gives exact second derivatives (softmax rebuilt from x)."""
    x = cr.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    t = cr.tensor(np.array([1, 0, 3]))
    y = cr.tensor(rng.standard_normal((3, 4)))
    assert gradgradcheck(lambda a: F.cross_entropy(a, t, label_smoothing=0.1), [x])
    assert gradgradcheck(lambda a: F.nll_loss(a, t, reduction="sum"), [x])
    assert gradgradcheck(lambda a: F.mse_loss(a, y), [x])
    assert gradgradcheck(lambda a: F.binary_cross_entropy_with_logits(a, y.sigmoid()), [x])
    assert gradcheck(lambda a: F.binary_cross_entropy(a.sigmoid(), y.sigmoid()), [x])
    assert gradcheck(lambda a: F.multi_margin_loss(a, t, p=2), [x])
    assert gradcheck(lambda a: F.huber_loss(a, y, delta=0.5), [x])


def test_one_hot_matches_torch():
    t = np.array([[0, 3], [2, 1]])
    ours, ref = F.one_hot(cr.tensor(t)), TF.one_hot(torch.tensor(t))
    assert ours.dtype == cr.int64 and ours.shape == tuple(ref.shape)
    np.testing.assert_array_equal(ours.numpy(), ref.numpy())
    np.testing.assert_array_equal(F.one_hot(cr.tensor(t), 6).numpy(), TF.one_hot(torch.tensor(t), 6).numpy())
    with pytest.raises(TypeError, match="integer"):
        F.one_hot(cr.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="smaller than num_classes=3"):
        F.one_hot(cr.tensor([0, 3]), 3)


def test_errors_name_the_loss_the_shapes_and_the_fix():
    x = cr.randn(4, 3, requires_grad=True)
    with pytest.raises(TypeError, match=r"cross_entropy: target has dtype float32 and shape \(4,\).*target.long\(\)"):
        F.cross_entropy(x, cr.tensor([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(IndexError, match=r"cross_entropy: target contains class index 3, but the input has 3 classes"):
        F.cross_entropy(x, cr.tensor([0, 1, 3, 1]))
    with pytest.raises(IndexError, match=r"class index -1"):
        nn.NLLLoss()(x, cr.tensor([0, 1, -1, 1]))
    with pytest.raises(ValueError, match=r"cross_entropy: target has shape \(4, 1\).*squeeze"):
        F.cross_entropy(x, cr.tensor([[0], [1], [2], [1]]))
    with pytest.raises(TypeError, match=r"binary_cross_entropy_with_logits: target has dtype int64.*float\(\)"):
        F.binary_cross_entropy_with_logits(x, cr.tensor(np.ones((4, 3), dtype=np.int64)))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: target size \(4,\) is different to the input size"):
        F.binary_cross_entropy(cr.rand(4, 1), cr.rand(4))
    with pytest.raises(RuntimeError, match="between 0 and 1.*sigmoid"):
        F.binary_cross_entropy(x, cr.rand(4, 3))
    with pytest.raises(ValueError, match=r"mse_loss: target size \(4,\) is different to the input size \(4, 1\)"):
        F.mse_loss(cr.randn(4, 1), cr.randn(4))
    with pytest.raises(TypeError, match=r"mse_loss: target has dtype int64"):
        F.mse_loss(x, cr.tensor(np.ones((4, 3), dtype=np.int64)))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.l1_loss(x, x.detach(), reduction="avg")
    with pytest.raises(ValueError, match=r"weight has shape \(2,\), expected \(3,\)"):
        F.cross_entropy(x, cr.tensor([0, 1, 2, 1]), weight=cr.ones(2))
    with pytest.warns(UserWarning, match="broadcast"):
        F.mse_loss(x, cr.randn(3))


def test_cross_entropy_common_path_matches_the_general_one():
    """Class indices without weights, smoothing or ignored targets take a shorter path: same values and grads."""
    x = rng.standard_normal((5, 4))
    t = cr.tensor(np.array([1, 0, 3, 2, 2]))
    for red in REDUCTIONS:
        a = cr.tensor(x, requires_grad=True)
        b = cr.tensor(x, requires_grad=True)
        fast = F.cross_entropy(a, t, reduction=red)
        general = F.cross_entropy(b, t, reduction=red, weight=cr.ones(4, dtype=cr.float64))
        np.testing.assert_allclose(fast.detach().numpy(), general.detach().numpy(), rtol=1e-12)
        fast.sum().backward()
        general.sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)
    a = cr.tensor(x, requires_grad=True)
    assert gradcheck(lambda a: F.cross_entropy(a, t), [a])
    assert gradgradcheck(lambda a: F.cross_entropy(a, t), [a])
    assert gradgradcheck(lambda a: F.cross_entropy(a, t, reduction="none"), [a])
    ignored = cr.tensor(np.array([1, -100, 3, 2, -100]))  # the general path; the mean is over 3 targets
    loss = F.cross_entropy(cr.tensor(x), ignored)
    z = x - x.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    np.testing.assert_allclose(loss.item(), -(logp[0, 1] + logp[2, 3] + logp[3, 2]) / 3, rtol=1e-12)
