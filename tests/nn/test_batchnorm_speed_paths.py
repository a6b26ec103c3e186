"""BatchNorm's fast paths against PyTorch (float32) and finite differences (float64).

The op works on the (N, C, L) view of its input and sums per channel with einsum for short rows (L < 128) or one
BLAS dot per (n, c) row for long ones (L >= 128, e.g. the CNN's 28x28 and 14x14 maps); the other tests use small
maps only, so every case here runs both row lengths, in training and eval, with and without weight and bias.
"""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import compare, load_torch

import chainrule as cr
import chainrule.nn.functional as F
from chainrule.autograd import gradcheck, gradgradcheck

torch = load_torch()

SHAPES = [(4, 3, 12, 12), (3, 2, 4, 5), (4, 3, 130), (5, 3, 7), (6, 3)]  # L = 144, 20, 130, 7, 1
AFFINE = [(True, True), (True, False), (False, False)]  # (weight, bias)


def _data(shape, seed=0):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = (rng.standard_normal(shape) * 3 + rng.uniform(-2, 2, (1, c) + (1,) * (len(shape) - 2))).astype(np.float32)
    return x, rng.uniform(0.5, 1.5, c).astype(np.float32), rng.standard_normal(c).astype(np.float32)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("affine", AFFINE)
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_matches_torch_float32(shape, affine, training):
    """Output, dL/dx, dL/dw, dL/db and the updated running statistics, as torch.nn.functional.batch_norm."""
    x, w, b = _data(shape)
    c = shape[1]
    rm, rv = np.linspace(-0.5, 0.5, c).astype(np.float32), np.linspace(0.5, 2, c).astype(np.float32)
    crm, crv, trm, trv = cr.tensor(rm), cr.tensor(rv), torch.tensor(rm), torch.tensor(rv)
    arrays = [x] + [a for a, keep in zip((w, b), affine) if keep]

    def split(args):
        rest = iter(args[1:])
        return args[0], (next(rest) if affine[0] else None), (next(rest) if affine[1] else None)

    def ours(*args):
        a, wt, bs = split(args)
        return F.batch_norm(a, crm, crv, wt, bs, training, 0.3, 1e-5)

    def ref(*args):
        a, wt, bs = split(args)
        return torch.nn.functional.batch_norm(a, trm, trv, wt, bs, training, 0.3, 1e-5)

    compare(ours, ref, arrays, torch, atol=1e-4, rtol=1e-4, msg=f"{shape} affine={affine} training={training}")
    np.testing.assert_allclose(crm.numpy(), trm.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(crv.numpy(), trv.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(4, 3, 12, 12), (4, 3, 130)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_parameter_grads_only_and_input_untouched(shape, training):
    """Without dL/dx (x needs no grad) dL/dw and dL/db still match torch; x itself is never written to."""
    x, w, b = _data(shape, seed=1)
    rm, rv = np.zeros(shape[1], np.float32), np.ones(shape[1], np.float32)
    keep = x.copy()
    compare(lambda a, c, d: F.batch_norm(a, cr.tensor(rm), cr.tensor(rv), c, d, training),
            lambda a, c, d: torch.nn.functional.batch_norm(a, torch.tensor(rm), torch.tensor(rv), c, d, training),
            [x, w, b], torch, grads=(False, True, True), atol=1e-4)
    xt = cr.tensor(x, requires_grad=True)
    F.batch_norm(xt, cr.tensor(rm), cr.tensor(rv), cr.tensor(w), cr.tensor(b), training).sum().backward()
    np.testing.assert_array_equal(xt.detach().numpy(), keep)


def test_batch_norm_non_contiguous_input_and_no_grad():
    """A transposed (non-contiguous) input and a no_grad call give what torch gives."""
    x, w, b = _data((12, 12, 3, 4), seed=2)
    xt = np.ascontiguousarray(x.transpose(3, 2, 0, 1))  # (4, 3, 12, 12), fed below as a transposed view
    compare(lambda a, c, d: F.batch_norm(a.permute(3, 2, 0, 1), None, None, c, d, True),
            lambda a, c, d: torch.nn.functional.batch_norm(a.permute(3, 2, 0, 1), None, None, c, d, True),
            [x, w[:3], b[:3]], torch, atol=1e-4)
    with cr.no_grad():
        out = F.batch_norm(cr.tensor(xt), None, None, cr.tensor(w[:3]), cr.tensor(b[:3]), True)
    ref = torch.nn.functional.batch_norm(torch.tensor(xt), None, None, torch.tensor(w[:3]), torch.tensor(b[:3]), True)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("shape", [(2, 2, 12, 12), (3, 2, 130), (4, 3, 2, 3), (5, 3)])
@pytest.mark.parametrize("affine", AFFINE)
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck_float64(shape, affine, training):
    """Finite differences for dL/dx, dL/dw and dL/db (float64), batch statistics or running ones."""
    rng = np.random.default_rng(3)
    c = shape[1]
    x = cr.tensor(rng.standard_normal(shape) * 2 + 1, requires_grad=True)
    w = cr.tensor(rng.uniform(0.5, 1.5, c), requires_grad=True) if affine[0] else None
    b = cr.tensor(rng.standard_normal(c), requires_grad=True) if affine[1] else None
    rm, rv = cr.tensor(rng.standard_normal(c)), cr.tensor(rng.uniform(0.5, 2, c))
    inputs = [t for t in (x, w, b) if t is not None]

    def fn(a, *wb):
        rest = iter(wb)
        wt, bs = (next(rest) if affine[0] else None), (next(rest) if affine[1] else None)
        # running stats: copies, so the finite-difference calls in training do not move them
        return F.batch_norm(a, cr.tensor(rm.numpy()), cr.tensor(rv.numpy()), wt, bs, training)

    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradgradcheck_float64(training):
    """Second derivatives (create_graph: the backward on Tensors), in training and in eval."""
    rng = np.random.default_rng(4)
    x = cr.tensor(rng.standard_normal((3, 2, 2, 3)), requires_grad=True)
    w = cr.tensor(rng.uniform(0.5, 1.5, 2), requires_grad=True)
    b = cr.tensor(rng.standard_normal(2), requires_grad=True)
    rm, rv = rng.standard_normal(2), rng.uniform(0.5, 2, 2)
    assert gradgradcheck(lambda a, c, d: F.batch_norm(a, cr.tensor(rm), cr.tensor(rv), c, d, training), [x, w, b])


@pytest.mark.parametrize("shape", [(0, 3, 4, 4), (0, 3)])
def test_batch_norm_eval_empty_batch(shape):
    """An empty batch in eval mode: an empty output and dL/dx, zero dL/dw and dL/db, as torch."""
    _, w, b = _data((2,) + shape[1:])
    rm, rv = np.zeros(shape[1], np.float32), np.ones(shape[1], np.float32)
    compare(lambda a, c, d: F.batch_norm(a, cr.tensor(rm), cr.tensor(rv), c, d, False),
            lambda a, c, d: torch.nn.functional.batch_norm(a, torch.tensor(rm), torch.tensor(rv), c, d, False),
            [np.zeros(shape, np.float32), w, b], torch)
