"""Every registered op against PyTorch: forward values, output dtype (float32 stays float32), gradients."""

from __future__ import annotations

import numpy as np
import pytest
from op_registry import OPS, Lib, make_inputs

import chainrule as cr

torch = pytest.importorskip("torch")
CR = Lib(cr, cr.nn.functional)
TORCH = Lib(torch, torch.nn.functional)
TOL = {"float32": {"rtol": 2e-5, "atol": 2e-6}, "float64": {"rtol": 1e-10, "atol": 1e-12}}
GRAD_TOL = {"float32": {"rtol": 1e-4, "atol": 1e-5}, "float64": {"rtol": 1e-9, "atol": 1e-11}}


def flat(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def run_both(case, dtype: str):
    arrays = [a.astype(dtype) for a in make_inputs(case)]
    xs = [cr.tensor(a, requires_grad=case.grad) for a in arrays]
    ts = [torch.tensor(a, requires_grad=case.grad) for a in arrays]
    return xs, flat(case.fn(CR, *xs)), ts, flat(case.fn(TORCH, *ts))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", [c for c in OPS if c.torch], ids=lambda c: c.name)
def test_matches_torch(case, dtype):
    xs, outs, ts, touts = run_both(case, dtype)
    assert len(outs) == len(touts), f"{len(outs)} outputs, torch has {len(touts)}"
    for k, (o, t) in enumerate(zip(outs, touts)):
        assert o.shape == tuple(t.shape), f"output {k}: shape {o.shape}, torch {tuple(t.shape)}"
        assert str(o.dtype) == str(t.dtype).replace("torch.", "chainrule."), f"output {k}: {o.dtype}, torch {t.dtype}"
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), **TOL[dtype], err_msg=f"out {k}")
    if not case.grad:
        return
    rng = np.random.default_rng(7)
    pairs = [(o, t) for o, t in zip(outs, touts) if o.dtype.is_floating_point]
    cots = [rng.standard_normal(o.shape).astype(dtype) for o, _ in pairs]
    got = cr.autograd.grad([o for o, _ in pairs], xs, [cr.tensor(c) for c in cots], allow_unused=True)
    want = torch.autograd.grad([t for _, t in pairs], ts, [torch.tensor(c) for c in cots], allow_unused=True)
    for i, (g, w, x) in enumerate(zip(got, want, xs)):
        g = np.zeros(x.shape, dtype) if g is None else g.numpy()
        w = np.zeros(x.shape, dtype) if w is None else w.numpy()
        assert g.dtype == np.dtype(dtype), f"gradient of input {i} is {g.dtype}"
        np.testing.assert_allclose(g, w, **GRAD_TOL[dtype], err_msg=f"gradient of input {i}")
