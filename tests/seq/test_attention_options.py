"""MultiheadAttention(add_bias_kv=, add_zero_attn=) and scaled_dot_product_attention(enable_gqa=True) vs PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.nn import functional as F

from ._torch_pair import close, grads_close, pair, twins

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("bias_kv,zero_attn", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masks", ["none", "both_bool", "float_attn", "3d_attn"])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
def test_multihead_attention_bias_kv_zero_attn(bias_kv, zero_attn, batch_first, masks, need_weights, average):
    rng = np.random.default_rng(3)
    E, h, L, S, N = 8, 2, 3, 5, 2
    kwargs = dict(add_bias_kv=bias_kv, add_zero_attn=zero_attn, batch_first=batch_first)
    tmod, mod = twins(torch, torch.nn.MultiheadAttention(E, h, **kwargs), nn.MultiheadAttention(E, h, **kwargs))
    assert (mod.bias_k is not None) == bias_kv and mod.add_zero_attn == zero_attn
    shp = (lambda n: (N, n, E)) if batch_first else (lambda n: (n, N, E))
    q, tq = pair(torch, rng.normal(size=shp(L)))
    k, tk = pair(torch, rng.normal(size=shp(S)))
    v, tv = pair(torch, rng.normal(size=shp(S)))
    kw, tkw = {}, {}
    if masks == "both_bool":
        kp = np.zeros((N, S), bool)
        kp[0, -2:] = True
        am = np.triu(np.ones((L, S), bool), 3)
        kw = {"key_padding_mask": cr.tensor(kp), "attn_mask": cr.tensor(am)}
        tkw = {"key_padding_mask": torch.tensor(kp), "attn_mask": torch.tensor(am)}
    elif masks == "float_attn":
        am = rng.normal(size=(L, S))
        kw, tkw = {"attn_mask": cr.tensor(am)}, {"attn_mask": torch.tensor(am)}
    elif masks == "3d_attn":
        am = rng.random((N * h, L, S)) > 0.7
        kw, tkw = {"attn_mask": cr.tensor(am)}, {"attn_mask": torch.tensor(am)}
    out, w = mod(q, k, v, need_weights=need_weights, average_attn_weights=average, **kw)
    tout, tw = tmod(tq, tk, tv, need_weights=need_weights, average_attn_weights=average, **tkw)
    close(out, tout)
    if need_weights:
        close(w, tw)
    else:
        assert w is None and tw is None
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    for a, b in ((q, tq), (k, tk), (v, tv)):
        close(a.grad, b.grad)
    grads_close(mod, tmod)


@pytest.mark.parametrize("bias_kv,zero_attn", [(True, False), (False, True), (True, True)])
def test_multihead_attention_options_self_attention_unbatched(bias_kv, zero_attn):
    rng = np.random.default_rng(4)
    kwargs = dict(add_bias_kv=bias_kv, add_zero_attn=zero_attn)
    tmod, mod = twins(torch, torch.nn.MultiheadAttention(6, 3, **kwargs), nn.MultiheadAttention(6, 3, **kwargs))
    for shape in ((4, 2, 6), (4, 6)):
        x, tx = pair(torch, rng.normal(size=shape))
        for need_weights in (False, True):
            out, w = mod(x, x, x, need_weights=need_weights)
            tout, tw = tmod(tx, tx, tx, need_weights=need_weights)
            close(out, tout)
            if need_weights:
                close(w, tw)
            out.sum().backward()
            tout.sum().backward()
            close(x.grad, tx.grad)
            grads_close(mod, tmod)


def test_multihead_attention_bias_kv_parameters():
    mod = nn.MultiheadAttention(8, 2, add_bias_kv=True)
    tmod = torch.nn.MultiheadAttention(8, 2, add_bias_kv=True)
    assert list(mod.state_dict()) == list(tmod.state_dict())
    assert [n for n, _ in mod.named_parameters()] == [n for n, _ in tmod.named_parameters()]
    assert mod.bias_k.shape == (1, 1, 8) and mod.bias_v.shape == (1, 1, 8)
    assert np.any(mod.bias_k.detach().numpy() != 0)
    plain = nn.MultiheadAttention(8, 2)
    assert plain.bias_k is None and plain.bias_v is None and not plain.add_zero_attn
    assert "bias_k" not in plain.state_dict()


@pytest.mark.parametrize("shapes", [((2, 6, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)),
                                    ((6, 3, 4), (3, 5, 4), (3, 5, 2)),
                                    ((2, 4, 3, 4), (2, 4, 5, 4), (2, 4, 5, 3)),
                                    ((1, 4, 3, 4), (1, 1, 5, 4), (1, 2, 5, 3))])
@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_enable_gqa(shapes, causal):
    rng = np.random.default_rng(5)
    (q, tq), (k, tk), (v, tv) = (pair(torch, rng.normal(size=s)) for s in shapes)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, is_causal=causal, enable_gqa=True)
    close(out, tout)
    g = rng.normal(size=out.shape)
    (out * cr.tensor(g)).sum().backward()
    (tout * torch.tensor(g)).sum().backward()
    for a, b in ((q, tq), (k, tk), (v, tv)):
        close(a.grad, b.grad)


def test_sdpa_enable_gqa_errors():
    q, k = cr.randn(2, 6, 3, 4), cr.randn(2, 4, 5, 4)
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.scaled_dot_product_attention(torch.randn(2, 6, 3, 4), torch.randn(2, 4, 5, 4),
                                                         torch.randn(2, 4, 5, 4), enable_gqa=True)
    with pytest.raises(RuntimeError) as ours:
        F.scaled_dot_product_attention(q, k, k, enable_gqa=True)
    assert str(ours.value).strip() == str(theirs.value).strip()
    with pytest.raises(RuntimeError, match="must divide"):
        F.scaled_dot_product_attention(cr.randn(2, 6, 3, 4), cr.randn(2, 3, 5, 4), cr.randn(2, 4, 5, 4),
                                       enable_gqa=True)
