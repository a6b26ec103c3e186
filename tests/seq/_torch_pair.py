"""Helpers: build a chainrule module and its PyTorch twin with the same weights, compare values and gradients."""

from __future__ import annotations

import numpy as np

import chainrule as cr


def load_from_torch(mod, tmod) -> None:
    """Copy the PyTorch module's state dict into the chainrule module (same names, same layouts)."""
    sd = {k: cr.tensor(v.detach().numpy().copy()) for k, v in tmod.state_dict().items()}
    mod.load_state_dict(sd)


def twins(torch, tmod, mod):
    """tmod's weights copied into mod; both in float64."""
    tmod = tmod.double()
    mod = mod.double()
    load_from_torch(mod, tmod)
    assert list(mod.state_dict().keys()) == list(tmod.state_dict().keys())
    return tmod, mod


def pair(torch, arr, grad=True):
    """The same float64 values as a chainrule tensor and a torch tensor (both requiring grad)."""
    a = np.asarray(arr, dtype=np.float64)
    return cr.tensor(a.copy(), requires_grad=grad), torch.tensor(a.copy(), requires_grad=grad)


def close(a, b, tol=1e-9):
    """a: chainrule tensor (or None), b: torch tensor (or None)."""
    if b is None:
        assert a is None or not np.any(a.detach().numpy()), "torch has no gradient here"
        return
    av = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    np.testing.assert_allclose(av, b.detach().numpy(), rtol=tol, atol=tol)


def grads_close(mod, tmod, tol=1e-9):
    tp = dict(tmod.named_parameters())
    for name, p in mod.named_parameters():
        close(p.grad, tp[name].grad, tol)
