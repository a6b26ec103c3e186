"""conv2d / nn.Conv2d against PyTorch (values and every gradient), float64 gradchecks, init, keys and errors."""

from __future__ import annotations

import itertools
import math
from functools import partial

import numpy as np
import pytest
from cnn_oracle import check_against_torch

import chainrule as cr
from chainrule.autograd import gradcheck, gradgradcheck
from chainrule.nn.conv import Conv2d
from chainrule.nn.functional.conv import conv2d, fold, unfold


def _cases():
    """(input shape, out_channels, kernel, stride, padding, dilation, groups): every combination that is valid."""
    shapes_out = [((2, 4, 7, 9), 2), ((1, 6, 6, 6), 6)]
    grid = itertools.product(shapes_out, [(1, 1), (3, 3), (2, 3)], [1, 2, (1, 3)], [0, 1, (2, 1), "same", "valid"],
                             [1, 2], [1, 2])
    for (shape, o), k, s, p, d, g in grid:
        if shape[1] % g or o % g or (p == "same" and s != 1):
            continue
        eff = [d * (kk - 1) + 1 for kk in k]
        pads = (0, 0) if p in ("valid", "same") else ((p, p) if isinstance(p, int) else p)
        if p != "same" and (eff[0] > shape[2] + 2 * pads[0] or eff[1] > shape[3] + 2 * pads[1]):
            continue
        yield shape, o, k, s, p, d, g


CASES = list(_cases())
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


@pytest.mark.parametrize("shape,o,k,s,p,d,g", CASES[::12], ids=str)
def test_conv2d_matches_torch(shape, o, k, s, p, d, g, torch):
    rng = np.random.default_rng(len(str((shape, o, k, s, p, d, g))))
    arrays = [rng.standard_normal(shape).astype(np.float32),
              rng.standard_normal((o, shape[1] // g) + k).astype(np.float32), rng.standard_normal(o).astype(np.float32)]
    check_against_torch(lambda x, w, b: conv2d(x, w, b, s, p, d, g),
                        lambda x, w, b: torch.nn.functional.conv2d(x, w, b, s, p, d, g), arrays, torch,
                        msg=f"conv2d{(shape, o, k, s, p, d, g)}")


def test_conv2d_all_combinations_forward_and_grads(torch):
    """Every valid combination of the grid (the test above shows a few of them as separate test ids)."""
    rng = np.random.default_rng(0)
    for shape, o, k, s, p, d, g in CASES:
        arrays = [rng.standard_normal(shape).astype(np.float32),
                  rng.standard_normal((o, shape[1] // g) + k).astype(np.float32)]
        kw = {"stride": s, "padding": p, "dilation": d, "groups": g}
        check_against_torch(partial(conv2d, **kw), partial(torch.nn.functional.conv2d, **kw), arrays, torch,
                            msg=f"conv2d{(shape, o, k, s, p, d, g)}")


@pytest.mark.parametrize("k,s,p,d,g", [((3, 3), 1, 1, 1, 1), ((2, 3), 2, (1, 0), 1, 2), ((3, 2), (2, 1), 2, 2, 1),
                                       ((1, 1), 1, 0, 1, 4), ((3, 3), 1, "same", 2, 2), ((2, 2), 1, "same", 1, 1)])
def test_conv2d_gradcheck_float64(k, s, p, d, g):
    rng = np.random.default_rng(1)
    x = cr.tensor(rng.standard_normal((2, 4, 6, 5)), requires_grad=True)
    w = cr.tensor(rng.standard_normal((4, 4 // g) + k), requires_grad=True)
    b = cr.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: conv2d(x, w, b, s, p, d, g), (x, w, b))


def test_conv2d_unbatched_and_float64_dtype(torch):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((3, 8, 8)), rng.standard_normal((5, 3, 3, 3))]
    out, _ = check_against_torch(lambda x, w: conv2d(x, w, padding=1), lambda x, w: torch.nn.functional.conv2d(
        x, w, padding=1), arrays, torch)
    assert out.shape == (5, 8, 8) and out.dtype == cr.float64


def test_conv2d_only_weight_needs_grad_and_no_grad():
    rng = np.random.default_rng(3)
    x = cr.tensor(rng.standard_normal((2, 3, 5, 5)).astype(np.float32))
    w = cr.tensor(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), requires_grad=True)
    conv2d(x, w).sum().backward()
    assert x.grad is None and w.grad.shape == (4, 3, 3, 3)
    with cr.no_grad():
        assert conv2d(x, w).grad_fn is None


MODULE_CASES = [
    {"in_channels": 4, "out_channels": 6, "kernel_size": 3, "padding": 1},
    {"in_channels": 4, "out_channels": 6, "kernel_size": (2, 3), "stride": 2, "groups": 2, "bias": False},
    {"in_channels": 2, "out_channels": 4, "kernel_size": 3, "padding": "same", "dilation": 2, "padding_mode": "reflect"},
    {"in_channels": 2, "out_channels": 2, "kernel_size": (2, 3), "padding": "same", "padding_mode": "circular"},
    {"in_channels": 2, "out_channels": 4, "kernel_size": 3, "padding": (1, 2), "padding_mode": "replicate"},
    {"in_channels": 3, "out_channels": 3, "kernel_size": 3, "padding": "valid", "groups": 3},
]


@pytest.mark.parametrize("kwargs", MODULE_CASES)
def test_conv2d_module_matches_torch(kwargs, torch):
    m_c, m_t = Conv2d(**kwargs), torch.nn.Conv2d(**kwargs)
    assert repr(m_c) == repr(m_t)
    assert list(m_c.state_dict()) == list(m_t.state_dict())
    m_c.load_state_dict({k: cr.tensor(v.detach().numpy().copy()) for k, v in m_t.state_dict().items()})
    x = np.random.default_rng(4).standard_normal((2, kwargs["in_channels"], 7, 8)).astype(np.float32)
    out_c, out_t = m_c(cr.tensor(x)), m_t(torch.tensor(x))
    np.testing.assert_allclose(out_c.detach().numpy(), out_t.detach().numpy(), atol=1e-5, rtol=1e-5)
    g = np.ones(out_c.shape, dtype=np.float32)
    out_c.backward(cr.tensor(g))
    out_t.backward(torch.tensor(g))
    for (name, p_c), (_, p_t) in zip(m_c.named_parameters(), m_t.named_parameters()):
        np.testing.assert_allclose(p_c.grad.numpy(), p_t.grad.numpy(), atol=1e-4, rtol=1e-4, err_msg=name)


def test_conv2d_default_init_is_torchs():
    """weight ~ kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(fan_in)), bias ~ U(+-1/sqrt(fan_in)); fan_in per group."""
    cr.manual_seed(0)
    m = Conv2d(16, 64, (3, 5), groups=2)
    bound = 1 / math.sqrt(8 * 3 * 5)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert m.weight.shape == (64, 8, 3, 5) and w.dtype == cr.float32
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound  # the std of U(-a, a) is a / sqrt(3)
    assert np.abs(b).max() <= bound


def test_conv2d_errors_name_op_and_shapes():
    x = cr.randn(2, 3, 8, 8)
    with pytest.raises(RuntimeError, match=r"conv2d: expected a 3-D \(C, H, W\) or 4-D .* got 2-D \(8, 8\)"):
        conv2d(cr.randn(8, 8), cr.randn(4, 3, 3, 3))
    with pytest.raises(RuntimeError, match=r"conv2d: input \(2, 3, 8, 8\) has 3 channels, but weight \(4, 2, 3, 3\)"):
        conv2d(x, cr.randn(4, 2, 3, 3))
    with pytest.raises(RuntimeError, match=r"kernel \(9, 9\) with dilation \(1, 1\) spans \(9, 9\), larger than the "
                                           r"padded input \(8, 8\)"):
        conv2d(x, cr.randn(4, 3, 9, 9))
    with pytest.raises(RuntimeError, match=r"spans \(9, 9\), larger than the padded input \(8, 8\)"):
        conv2d(x, cr.randn(4, 3, 5, 5), dilation=2)
    with pytest.raises(RuntimeError, match=r"conv2d: bias has shape \(3,\), expected \(4,\)"):
        conv2d(x, cr.randn(4, 3, 3, 3), cr.randn(3))
    with pytest.raises(RuntimeError, match=r"conv2d: weight must be 4-D"):
        conv2d(x, cr.randn(4, 3, 3))
    with pytest.raises(RuntimeError, match=r"one dtype.*float32.*float64"):
        conv2d(x, cr.randn(4, 3, 3, 3, dtype=cr.float64))
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        conv2d(x, cr.randn(4, 3, 3, 3), stride=2, padding="same")
    with pytest.raises(ValueError, match="padding must be an int, a pair, 'same' or 'valid'"):
        conv2d(x, cr.randn(4, 3, 3, 3), padding="full")
    with pytest.raises(RuntimeError, match="out_channels 5 is not divisible by groups=3"):
        conv2d(x, cr.randn(5, 1, 3, 3), groups=3)
    with pytest.raises(ValueError, match="must both be divisible by groups=2"):
        Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(RuntimeError, match=r"fold: expected an input \(N, C\*3\*3, 36\) for output_size \(8, 8\)"):
        fold(cr.randn(2, 18, 30), 8, 3)
    with pytest.raises(RuntimeError, match=r"unfold: input \(2, 3, 8, 8\) with padding 0 is smaller than the kernel"):
        unfold(x, 9)


def test_conv_backward_keeps_the_columns_and_frees_with_graph():
    """The im2col columns are saved once in forward and reused by backward (never rebuilt)."""
    x = cr.randn(2, 3, 6, 6, requires_grad=True)
    w = cr.randn(4, 3, 3, 3, requires_grad=True)
    y = conv2d(x, w, padding=1)
    cols = y.grad_fn.cols
    assert cols.shape == (2, 1, 27, 36)
    y.sum().backward()
    assert w.grad.shape == (4, 3, 3, 3)


@pytest.mark.parametrize("k,d,p,s", [(3, 1, 1, 1), ((2, 3), 2, (1, 0), (2, 1)), (2, 1, 0, 2)])
def test_unfold_fold_match_torch(k, d, p, s, torch):
    kw = {"kernel_size": k, "dilation": d, "padding": p, "stride": s}
    x = np.random.default_rng(6).standard_normal((2, 3, 7, 6)).astype(np.float32)
    cols, _ = check_against_torch(partial(unfold, **kw), partial(torch.nn.functional.unfold, **kw), [x], torch)
    c = cols.detach().numpy()
    check_against_torch(partial(fold, output_size=(7, 6), **kw),
                        partial(torch.nn.functional.fold, output_size=(7, 6), **kw), [c], torch)
    check_against_torch(partial(unfold, **kw), partial(torch.nn.functional.unfold, **kw), [x[0]], torch)


@pytest.mark.parametrize("k,s,p,d,g", [((3, 2), 1, 1, 1, 1), ((2, 3), 2, (1, 0), 1, 2), ((3, 3), (2, 1), 2, 2, 1)])
def test_conv2d_second_order_gradcheck(k, s, p, d, g):
    """Conv's backward on Tensors (Unfold / Fold around the same products) is itself differentiable."""
    rng = np.random.default_rng(7)
    x = cr.tensor(rng.standard_normal((2, 4, 6, 5)), requires_grad=True)
    w = cr.tensor(rng.standard_normal((4, 4 // g) + k), requires_grad=True)
    b = cr.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradgradcheck(lambda x, w, b: conv2d(x, w, b, s, p, d, g), (x, w, b))
    cols = unfold(x, k, d, p, s)
    assert gradcheck(lambda c: fold(c, (6, 5), k, d, p, s), (cols.detach().requires_grad_(),))


@pytest.mark.parametrize("c", [1, 40])  # K = c*9 below and above L = 25: both column layouts
@pytest.mark.parametrize("s", [1, 2])
def test_conv2d_empty_batch_forward_and_backward(c, s):
    x = cr.zeros(0, c, 5, 5, requires_grad=True)
    w = cr.ones(2, c, 3, 3, requires_grad=True)
    y = conv2d(x, w, cr.zeros(2, requires_grad=True), stride=s, padding=1)
    assert y.shape == (0, 2, 5 if s == 1 else 3, 5 if s == 1 else 3)
    y.sum().backward()
    assert x.grad.shape == x.shape and w.grad.shape == w.shape and not w.grad.numpy().any()
