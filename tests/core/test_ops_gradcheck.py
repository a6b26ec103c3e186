"""Every registered op: float64 gradcheck (random cotangent), also on non-contiguous inputs, in a diamond,
with one input used twice, and second order (gradgradcheck)."""

from __future__ import annotations

import numpy as np
import pytest
from op_registry import OPS, Lib, make_inputs

import chainrule as cr
from chainrule.autograd import gradcheck, gradgradcheck

CR = Lib(cr, cr.nn.functional)
DIFF = [c for c in OPS if c.grad]


def outputs(out) -> list:
    """The float tensors among an op's outputs (a tensor, a tuple of them, or a (values, indices) pair)."""
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    return [o for o in outs if isinstance(o, cr.Tensor) and o.dtype.is_floating_point]


def leaves(arrays) -> list:
    return [cr.tensor(a, dtype=cr.float64, requires_grad=True) for a in arrays]


def noncontiguous(a: np.ndarray) -> np.ndarray:
    """The same values in memory that is not C-contiguous: a transposed layout, else every other element."""
    f = np.asfortranarray(a)
    if not f.flags.c_contiguous:
        return f
    big = [k for k, n in enumerate(a.shape) if n > 1]
    if not big:
        return a
    k = big[-1]
    buf = np.zeros(a.shape[:k] + (2 * a.shape[k],) + a.shape[k + 1:])
    view = buf[(slice(None),) * k + (slice(None, None, 2),)]
    view[...] = a
    return view


def fn_of(case):
    return lambda *xs: case.fn(CR, *xs)


@pytest.mark.parametrize("case", DIFF, ids=lambda c: c.name)
def test_gradcheck(case):
    assert gradcheck(fn_of(case), leaves(make_inputs(case)))


@pytest.mark.parametrize("case", [c for c in DIFF if any(len(s) for s in c.shapes)], ids=lambda c: c.name)
def test_gradcheck_noncontiguous_inputs(case):
    arrays = [noncontiguous(a) for a in make_inputs(case, seed=1)]
    assert any(not a.flags.c_contiguous for a in arrays)
    xs = [cr.from_numpy(a).requires_grad_() for a in arrays]
    assert gradcheck(fn_of(case), xs)


@pytest.mark.parametrize("case", DIFF, ids=lambda c: c.name)
def test_gradcheck_diamond(case):
    """x feeds two uses of the op whose results meet again: the gradients of both paths must add up."""

    def diamond(*xs):
        a = outputs(case.fn(CR, *xs))
        b = outputs(case.fn(CR, *[x * 0.75 for x in xs]))
        return tuple(p * q for p, q in zip(a, b))

    assert gradcheck(diamond, leaves(make_inputs(case, seed=2)))


TWICE = [c for c in DIFF if len(c.shapes) >= 2 and len(set(c.shapes)) == 1]  # the first input fills all


@pytest.mark.parametrize("case", TWICE, ids=lambda c: c.name)
def test_gradcheck_input_used_twice(case):
    (x,) = leaves(make_inputs(case)[:1])
    assert gradcheck(lambda x: case.fn(CR, *[x] * len(case.shapes)), [x])


@pytest.mark.parametrize("case", [c for c in DIFF if c.gradgrad], ids=lambda c: c.name)
def test_gradgradcheck(case):
    assert gradgradcheck(fn_of(case), leaves(make_inputs(case, seed=3)))
