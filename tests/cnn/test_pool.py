"""max_pool2d / avg_pool2d / adaptive_avg_pool2d and their modules against PyTorch, gradchecks, ties, errors."""

from __future__ import annotations

import itertools
from functools import partial

import numpy as np
import pytest
from cnn_oracle import check_against_torch

import chainrule as cr
from chainrule.autograd import gradcheck, gradgradcheck
from chainrule.nn.functional.conv import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from chainrule.nn.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d

SHAPES = [(2, 3, 7, 9), (1, 2, 6, 6), (1, 1, 5, 4)]


def _torch_or_error(fn):
    try:
        return fn()
    except RuntimeError:
        return None


def test_max_pool2d_matches_torch_with_ties_and_indices(torch):
    """Values, flat indices and gradients for every kernel/stride/padding/dilation/ceil_mode in the grid; half the
    inputs are rounded to integers so that windows hold ties (PyTorch routes the gradient to the first maximum)."""
    rng = np.random.default_rng(0)
    n = 0
    for shape, k, s, p, d, ceil in itertools.product(SHAPES, [1, 2, 3, (2, 3)], [None, 1, 2, 3], [0, 1], [1, 2],
                                                   [False, True]):
        x = rng.standard_normal(shape).astype(np.float32)
        if n % 2:
            x = np.round(x)
        ref = _torch_or_error(partial(torch.nn.functional.max_pool2d, torch.tensor(x), k, s, p, d, ceil, True))
        if ref is None:  # PyTorch refuses the geometry: so must we
            with pytest.raises((RuntimeError, ValueError), match="max_pool2d"):
                max_pool2d(cr.tensor(x), k, s, p, d, ceil)
            continue
        n += 1
        msg = f"max_pool2d{(shape, k, s, p, d, ceil)}"
        kw = {"kernel_size": k, "stride": s, "padding": p, "dilation": d, "ceil_mode": ceil}
        check_against_torch(partial(max_pool2d, **kw), partial(torch.nn.functional.max_pool2d, **kw), [x], torch,
                            msg=msg)
        _, idx = max_pool2d(cr.tensor(x), k, s, p, d, ceil, return_indices=True)
        assert idx.dtype == cr.int64
        np.testing.assert_array_equal(idx.numpy(), ref[1].numpy(), err_msg=msg)
    assert n > 150


def test_max_pool2d_ties_go_to_the_first_maximum(torch):
    x = np.zeros((1, 1, 4, 4), dtype=np.float32)
    x[0, 0, 2:, 2:] = 5.0  # one window all 5s, the others all 0s
    xc = cr.tensor(x, requires_grad=True)
    max_pool2d(xc, 2).sum().backward()
    expected = np.zeros((4, 4), dtype=np.float32)
    expected[::2, ::2] = 1  # the top-left element of each window
    np.testing.assert_array_equal(xc.grad.numpy()[0, 0], expected)
    xt = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(xt, 2).sum().backward()
    np.testing.assert_array_equal(xc.grad.numpy(), xt.grad.numpy())


def test_max_pool2d_nan_propagates_like_torch(torch):
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    x[0, 0, 0, 1] = x[0, 0, 1, 0] = np.nan
    out, idx = max_pool2d(cr.tensor(x), 2, return_indices=True)
    ref, ridx = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(out.numpy(), ref.numpy())  # NaN where the window has one
    np.testing.assert_array_equal(idx.numpy(), ridx.numpy())


def test_avg_pool2d_matches_torch(torch):
    rng = np.random.default_rng(1)
    n = 0
    modes = [(True, None), (False, None), (True, 3)]  # (count_include_pad, divisor_override)
    for shape, k, s, p, ceil, (include, div) in itertools.product(SHAPES[:2], [1, 2, 3, (2, 3)], [None, 1, 2, 3],
                                                                 [0, 1], [False, True], modes):
        x = rng.standard_normal(shape).astype(np.float32)
        kw = {"kernel_size": k, "stride": s, "padding": p, "ceil_mode": ceil, "count_include_pad": include,
              "divisor_override": div}
        if _torch_or_error(partial(torch.nn.functional.avg_pool2d, torch.tensor(x), **kw)) is None:
            with pytest.raises((RuntimeError, ValueError), match="avg_pool2d"):
                avg_pool2d(cr.tensor(x), **kw)
            continue
        n += 1
        check_against_torch(partial(avg_pool2d, **kw), partial(torch.nn.functional.avg_pool2d, **kw), [x], torch,
                            atol=1e-5, msg=f"avg_pool2d{(shape, k, s, p, ceil, include, div)}")
    assert n > 150


@pytest.mark.parametrize("size", [1, (2, 3), (3, None), 4, (5, 7), (None, 2)])
def test_adaptive_avg_pool2d_matches_torch(size, torch):
    x = np.random.default_rng(2).standard_normal((2, 3, 7, 9)).astype(np.float32)
    check_against_torch(lambda a: adaptive_avg_pool2d(a, size),
                        lambda a: torch.nn.functional.adaptive_avg_pool2d(a, size), [x], torch, atol=1e-5)


def test_pooling_unbatched_input(torch):
    x = np.random.default_rng(3).standard_normal((3, 6, 6)).astype(np.float32)
    check_against_torch(lambda a: max_pool2d(a, 3, 2, 1), lambda a: torch.nn.functional.max_pool2d(a, 3, 2, 1),
                        [x], torch)
    check_against_torch(lambda a: avg_pool2d(a, 2), lambda a: torch.nn.functional.avg_pool2d(a, 2), [x], torch)
    check_against_torch(lambda a: adaptive_avg_pool2d(a, 2),
                        lambda a: torch.nn.functional.adaptive_avg_pool2d(a, 2), [x], torch)
    out, idx = max_pool2d(cr.tensor(x), 2, return_indices=True)
    assert out.shape == idx.shape == (3, 3, 3)


def _distinct(shape, seed):
    """Values at least 0.05 apart: finite differences never cross a tie of max pooling."""
    n = int(np.prod(shape))
    return cr.tensor(np.random.default_rng(seed).permutation(n).reshape(shape) * 0.05, requires_grad=True)


@pytest.mark.parametrize("k,s,p,d,ceil", [(2, None, 0, 1, False), (3, 2, 1, 1, True), ((2, 3), 1, (1, 0), 2, False),
                                          (3, 2, 0, 1, True)])
def test_pool_gradcheck_float64(k, s, p, d, ceil):
    assert gradcheck(lambda x: max_pool2d(x, k, s, p, d, ceil), (_distinct((2, 2, 7, 6), 0),))
    x = cr.tensor(np.random.default_rng(1).standard_normal((2, 2, 7, 6)), requires_grad=True)
    assert gradcheck(lambda x: avg_pool2d(x, k, s, p, ceil, count_include_pad=False), (x,))
    assert gradcheck(lambda x: avg_pool2d(x, k, s, p, ceil), (x,))


def test_adaptive_avg_pool2d_gradcheck_and_second_order():
    x = cr.tensor(np.random.default_rng(4).standard_normal((2, 2, 7, 5)), requires_grad=True)
    assert gradcheck(lambda x: adaptive_avg_pool2d(x, (3, 2)), (x,))
    assert gradgradcheck(lambda x: adaptive_avg_pool2d(x * x, (3, 2)), (x,))


def test_pool_modules_match_torch_reprs_and_outputs(torch):
    x = np.random.default_rng(5).standard_normal((2, 3, 9, 9)).astype(np.float32)
    pairs = [(MaxPool2d(2), torch.nn.MaxPool2d(2)),
             (MaxPool2d(3, 2, 1, ceil_mode=True), torch.nn.MaxPool2d(3, 2, 1, ceil_mode=True)),
             (AvgPool2d(3, 2, 1, count_include_pad=False), torch.nn.AvgPool2d(3, 2, 1, count_include_pad=False)),
             (AdaptiveAvgPool2d((2, None)), torch.nn.AdaptiveAvgPool2d((2, None)))]
    for m_c, m_t in pairs:
        assert repr(m_c) == repr(m_t)
        np.testing.assert_allclose(m_c(cr.tensor(x)).numpy(), m_t(torch.tensor(x)).numpy(), atol=1e-6)
    out, idx = MaxPool2d(2, return_indices=True)(cr.tensor(x))
    assert out.shape == idx.shape == (2, 3, 4, 4)


def test_pool_errors_name_op_and_shapes():
    x = cr.randn(1, 2, 4, 4)
    with pytest.raises(RuntimeError, match=r"max_pool2d: input \(1, 2, 4, 4\) is too small for kernel_size \(5, 5\)"):
        max_pool2d(x, 5)
    with pytest.raises(ValueError, match=r"max_pool2d: padding \(2, 2\) should be non-negative and at most half"):
        max_pool2d(x, 3, padding=2)
    with pytest.raises(RuntimeError, match=r"avg_pool2d: expected a 3-D \(C, H, W\) or 4-D .* got 5-D"):
        avg_pool2d(cr.randn(1, 1, 1, 4, 4), 2)
    with pytest.raises(ValueError, match="avg_pool2d: divisor_override must not be zero"):
        avg_pool2d(x, 2, divisor_override=0)
    with pytest.raises(ValueError, match="max_pool2d: kernel_size .* must be positive"):
        max_pool2d(x, 0)
    with pytest.raises(RuntimeError, match=r"adaptive_avg_pool2d: expected a non-empty 3-D or 4-D input, got \(4, 4\)"):
        adaptive_avg_pool2d(cr.randn(4, 4), 2)


def test_max_pool2d_without_grad_gives_the_same_values():
    x = np.random.default_rng(6).standard_normal((2, 3, 9, 8)).astype(np.float32)
    x[0, 0, 0, 0] = np.nan
    with_grad = max_pool2d(cr.tensor(x, requires_grad=True), 3, 2, 1, ceil_mode=True)
    with cr.no_grad():
        without = max_pool2d(cr.tensor(x), 3, 2, 1, ceil_mode=True)
    np.testing.assert_array_equal(with_grad.detach().numpy(), without.numpy())
    with pytest.raises(TypeError, match="avg_pool2d: expected a floating input, got int64"):
        avg_pool2d(cr.tensor(np.ones((1, 1, 4, 4), dtype=np.int64)), 2)
