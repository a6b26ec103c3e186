"""Helpers for the nn tests: run the same computation in chainrule and in PyTorch and compare everything."""

from __future__ import annotations

import numpy as np

import chainrule as cr


def pair(a: np.ndarray, torch, requires_grad: bool = True):
    """The same array as a chainrule and a torch tensor (floating ones require grad when asked)."""
    rg = requires_grad and a.dtype.kind == "f"
    return cr.tensor(a.copy(), requires_grad=rg), torch.tensor(a.copy(), requires_grad=rg)


def compare(fn_cr, fn_torch, arrays, torch, grads=(True,), atol=1e-5, rtol=1e-4, seed=0, msg=""):
    """fn(*inputs) in both frameworks: same value, shape and dtype; same gradient for every input that needs one.

    `grads` says per input whether it requires grad (missing entries: True for floating arrays).
    """
    rg = list(grads) + [True] * (len(arrays) - len(grads))
    pairs = [pair(a, torch, r) for a, r in zip(arrays, rg)]
    out_c = fn_cr(*[p[0] for p in pairs])
    out_t = fn_torch(*[p[1] for p in pairs])
    assert out_c.shape == tuple(out_t.shape), f"{msg}: shape {out_c.shape} vs torch {tuple(out_t.shape)}"
    assert str(out_c.dtype) == str(out_t.dtype).replace("torch.", "chainrule."), f"{msg}: dtype {out_c.dtype} vs {out_t.dtype}"
    np.testing.assert_allclose(out_c.detach().numpy(), out_t.detach().numpy(), atol=atol, rtol=rtol, err_msg=msg)
    if not out_t.requires_grad:
        return out_c, out_t
    g = np.random.default_rng(seed).standard_normal(out_c.shape).astype(out_c.dtype)
    out_c.backward(cr.tensor(g))
    out_t.backward(torch.tensor(g))
    for i, (c, t) in enumerate(pairs):
        if t.requires_grad:
            assert c.grad is not None, f"{msg}: input {i} got no gradient"
            np.testing.assert_allclose(c.grad.numpy(), t.grad.numpy(), atol=atol, rtol=rtol,
                                       err_msg=f"{msg}: gradient of input {i}")
    return out_c, out_t


def copy_weights(cr_module, torch_module, torch) -> None:
    """Copy every parameter and buffer of the torch module into the chainrule one (same state_dict keys)."""
    sd = {k: v.detach().numpy().copy() for k, v in torch_module.state_dict().items()}
    cr_module.load_state_dict({k: cr.tensor(v) for k, v in sd.items()})


def assert_params_match(cr_module, torch_module, atol=1e-5, what="grad") -> None:
    """Each named parameter's gradient (or value) equals torch's."""
    tp = dict(torch_module.named_parameters())
    for name, p in cr_module.named_parameters():
        a = p.grad if what == "grad" else p
        b = tp[name].grad if what == "grad" else tp[name]
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=atol, rtol=1e-4, err_msg=name)


def load_torch():
    """The PyTorch oracle (tests skip without it), single-threaded: tiny tensors, no thread start-up cost."""
    import pytest

    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch
