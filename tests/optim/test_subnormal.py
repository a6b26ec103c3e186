"""Adam's first moment keeps no subnormal floats (optim._subnormal): stuck ones would slow every later step."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim._subnormal import flush_subnormal

TINY32 = np.finfo(np.float32).tiny


def _subnormals(a):
    a = np.asarray(a)
    return int(((a != 0) & (np.abs(a) < np.finfo(a.dtype).tiny)).sum())


def _decay_to_subnormal(opt_cls, steps, dtype=cr.float32, **kw):
    """One gradient of 1e-30 at the first step, zero after: the first moment decays by 0.9 a step."""
    p = cr.nn.Parameter(cr.full((64,), 0.5, dtype=dtype))
    opt = opt_cls([p], lr=1e-3, **kw)
    for s in range(steps):
        p.grad = cr.full((64,), 1e-30 if s == 0 else 0.0, dtype=dtype)
        opt.step()
    return p, opt


@pytest.mark.parametrize("opt_cls", [cr.optim.Adam, cr.optim.AdamW])
def test_first_moment_is_flushed_and_parameters_match_torch(opt_cls):
    torch = pytest.importorskip("torch")
    steps = 200  # 1e-31 * 0.9**k is subnormal from k = 152 on
    p, opt = _decay_to_subnormal(opt_cls, steps)
    m = opt.state[p]["exp_avg"].numpy()
    assert _subnormals(m) == 0 and (m == 0).all()

    tp = torch.nn.Parameter(torch.full((64,), 0.5))
    topt = getattr(torch.optim, opt_cls.__name__)([tp], lr=1e-3)
    for s in range(steps):
        tp.grad = torch.full((64,), 1e-30 if s == 0 else 0.0)
        topt.step()
    tm = topt.state[tp]["exp_avg"].numpy()
    assert _subnormals(tm) == 64  # PyTorch keeps them, below 1.2e-38
    assert np.abs(tm).max() < TINY32
    np.testing.assert_array_equal(p.detach().numpy(), tp.detach().numpy())  # the parameters are the same bits
    np.testing.assert_allclose(m, tm, rtol=0, atol=TINY32)


def test_normal_values_are_untouched_and_float16_is_left_alone():
    a = np.array([0.0, 1e-39, -1e-40, 1.2e-38, -3.0, 1e-30], np.float32)
    flush_subnormal(a, np.empty_like(a), np.empty(a.size, np.float32))
    np.testing.assert_array_equal(a, np.array([0.0, 0.0, 0.0, 1.2e-38, -3.0, 1e-30], np.float32))
    h = np.array([1e-6, 1.0], np.float16)  # float16's subnormals are real values: kept
    flush_subnormal(h, np.empty_like(h), np.empty(h.size, np.float32))
    assert h[0] == np.float16(1e-6)
    d = np.array([1e-310, 1e-300])
    flush_subnormal(d, np.empty_like(d), np.empty(d.size, np.float32))
    assert d[0] == 0 and d[1] == 1e-300
