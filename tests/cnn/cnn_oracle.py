"""Comparing chainrule with the PyTorch oracle on the same arrays (imported by the CNN tests)."""

from __future__ import annotations

import numpy as np

import chainrule as cr


def pair(a: np.ndarray, torch, requires_grad: bool = True):
    """The same array as a chainrule and a torch tensor."""
    return cr.tensor(a.copy(), requires_grad=requires_grad), torch.tensor(a.copy(), requires_grad=requires_grad)


def check_against_torch(fn_cr, fn_torch, arrays, torch, atol=1e-4, rtol=1e-4, grads=None, seed=0, msg=""):
    """Same output (shape, dtype, values) and same gradient for every input, under one random cotangent."""
    grads = [True] * len(arrays) if grads is None else grads
    pairs = [pair(a, torch, g) for a, g in zip(arrays, grads)]
    out_c, out_t = fn_cr(*[p[0] for p in pairs]), fn_torch(*[p[1] for p in pairs])
    assert out_c.shape == tuple(out_t.shape), f"{msg}: shape {out_c.shape} vs torch {tuple(out_t.shape)}"
    assert str(out_c.dtype) == str(out_t.dtype).replace("torch.", "chainrule."), msg
    np.testing.assert_allclose(out_c.detach().numpy(), out_t.detach().numpy(), atol=atol, rtol=rtol, err_msg=msg)
    g = np.random.default_rng(seed).standard_normal(out_c.shape).astype(out_c.dtype)
    out_c.backward(cr.tensor(g))
    out_t.backward(torch.tensor(g))
    for i, (c, t) in enumerate(pairs):
        if grads[i]:
            np.testing.assert_allclose(c.grad.numpy(), t.grad.numpy(), atol=atol, rtol=rtol,
                                       err_msg=f"{msg}: gradient of input {i}")
    return out_c, out_t
