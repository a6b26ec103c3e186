"""The fast paths of conv2d and max_pool2d against PyTorch: chunked im2col / col2im over the row buffer (several
chunks, both column layouts, groups, dilation, padding narrower or wider than 'same'), and 2x2 max pooling's
pairwise maxima (NaN windows with gradients, no-grad values)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from cnn_oracle import check_against_torch

import chainrule as cr
import chainrule.ops.conv as conv_ops
from chainrule.autograd import gradcheck, gradgradcheck
from chainrule.nn.functional.conv import conv2d, max_pool2d

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")

# (input shape, out channels, kernel, stride, padding, dilation, groups); K = C/G*kh*kw against L = Ho*Wo picks the
# column layout: wide where K > L
GEOMETRIES = [
    ((3, 4, 6, 7), 6, (3, 3), 1, 1, 1, 1),  # per sample, width kept: the row buffer both ways
    ((3, 8, 4, 5), 6, (3, 3), 1, 1, 1, 2),  # wide (K = 36 > L = 20), groups
    ((3, 8, 4, 5), 4, (3, 3), 1, "same", 2, 1),  # wide, dilation 2
    ((3, 4, 6, 7), 4, (2, 2), 1, "same", 1, 2),  # even kernel: 'same' pads (0, 1) and (0, 1)
    ((3, 4, 6, 7), 4, (3, 3), 1, 0, 1, 1),  # wide, narrower output: dL/dx widened to the row buffer
    ((3, 8, 5, 5), 4, (3, 2), 1, (1, 0), 1, 1),  # wide and narrower
    ((3, 4, 6, 7), 4, (3, 3), 1, 2, 1, 1),  # wider output: the padded input
    ((3, 4, 6, 7), 4, (3, 3), 2, 1, 1, 2),  # strided: the padded input
    # dL/dx by kernel rows: column shifts of G as wide as the image (|pl - j*dw| >= W), kernel rows that reach
    # only some input rows (no row covers them all: a zeroed dL/dx), groups with a vertical dilation
    ((2, 2, 3, 2), 3, (1, 3), 1, (0, 3), (1, 3), 1),
    ((2, 6, 5, 6), 4, (3, 3), 1, (0, 1), (2, 1), 2),
    ((2, 3, 4, 5), 2, (2, 3), 1, (1, 1), 1, 1),  # even kernel height: Ho = H + 1 rows, the first row full
]


@pytest.mark.parametrize("chunk_bytes", [1, conv_ops.CHUNK_BYTES])  # one sample per chunk, one chunk
@pytest.mark.parametrize("shape,o,k,s,p,d,g", GEOMETRIES, ids=str)
def test_conv2d_chunks_and_layouts_match_torch(shape, o, k, s, p, d, g, chunk_bytes, monkeypatch, torch):
    monkeypatch.setattr(conv_ops, "CHUNK_BYTES", chunk_bytes)
    rng = np.random.default_rng(len(str((shape, o, k, s, p, d, g))))
    arrays = [rng.standard_normal(shape).astype(np.float32),
              rng.standard_normal((o, shape[1] // g) + k).astype(np.float32), rng.standard_normal(o).astype(np.float32)]
    check_against_torch(lambda x, w, b: conv2d(x, w, b, s, p, d, g),
                        lambda x, w, b: torch.nn.functional.conv2d(x, w, b, s, p, d, g), arrays, torch,
                        msg=f"conv2d{(shape, o, k, s, p, d, g)}")


@pytest.mark.parametrize("k,p,d,g", [((3, 3), 1, 1, 1), ((3, 3), 2, 2, 2), ((3, 3), 0, 1, 1)])
def test_conv2d_row_buffer_gradcheck_and_second_order(k, p, d, g, monkeypatch):
    """float64 gradients through the row buffer (two chunks), and create_graph on top of its forward."""
    monkeypatch.setattr(conv_ops, "CHUNK_BYTES", 1)
    rng = np.random.default_rng(4)
    x = cr.tensor(rng.standard_normal((2, 4, 5, 6)), requires_grad=True)
    w = cr.tensor(rng.standard_normal((4, 4 // g) + k), requires_grad=True)
    b = cr.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: conv2d(x, w, b, 1, p, d, g), (x, w, b))
    assert gradgradcheck(lambda x, w, b: conv2d(x, w, b, 1, p, d, g), (x, w, b))


def test_conv2d_small_cnn_shapes_match_torch(torch):
    """small_cnn's second conv at batch 64: several chunks of the wide layout, as in training."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((64, 32, 14, 14)).astype(np.float32),
              (rng.standard_normal((64, 32, 3, 3)) * 0.1).astype(np.float32)]
    kw = {"padding": 1}
    check_against_torch(partial(conv2d, **kw), partial(torch.nn.functional.conv2d, **kw), arrays, torch,
                        atol=1e-3, rtol=1e-4)


def test_max_pool2d_2x2_nan_windows_gradient_like_torch(torch):
    """NaN wins its window (two NaNs: PyTorch picks the last); the gradient goes there."""
    x = np.random.default_rng(1).standard_normal((2, 3, 6, 8)).astype(np.float32)
    x[0, 0, 0, 1] = np.nan
    x[0, 1, 2, 2] = x[0, 1, 3, 3] = np.nan
    x[1, 2, 5, 7] = np.nan
    xc, xt = cr.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_c, out_t = max_pool2d(xc, 2), torch.nn.functional.max_pool2d(xt, 2)
    np.testing.assert_array_equal(out_c.detach().numpy(), out_t.detach().numpy())
    g = np.random.default_rng(2).standard_normal(out_c.shape).astype(np.float32)
    out_c.backward(cr.tensor(g))
    out_t.backward(torch.tensor(g))
    np.testing.assert_array_equal(xc.grad.numpy(), xt.grad.numpy())


@pytest.mark.parametrize("kw", [{"kernel_size": 2}, {"kernel_size": 2, "stride": 1, "padding": 1},
                                {"kernel_size": 2, "dilation": 2, "ceil_mode": True}])
def test_max_pool2d_2x2_without_grad_gives_the_same_values(kw):
    x = np.round(np.random.default_rng(3).standard_normal((2, 3, 7, 8))).astype(np.float32)
    x[1, 1, 3, 3] = np.nan
    with_grad = max_pool2d(cr.tensor(x, requires_grad=True), **kw)
    with cr.no_grad():
        without = max_pool2d(cr.tensor(x), **kw)
    np.testing.assert_array_equal(with_grad.detach().numpy(), without.numpy())
