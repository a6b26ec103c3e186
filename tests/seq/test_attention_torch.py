"""scaled_dot_product_attention, MultiheadAttention and the Transformer modules against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.nn import functional as F

from ._torch_pair import close, grads_close, pair, twins

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("mask_kind", [None, "bool", "float", "causal", "causal+bool"])
def test_sdpa_masks(mask_kind):
    rng = np.random.default_rng(0)
    q, tq = pair(torch, rng.normal(size=(2, 3, 4, 5)))
    k, tk = pair(torch, rng.normal(size=(2, 3, 4, 5)))
    v, tv = pair(torch, rng.normal(size=(2, 3, 4, 6)))
    kw, tkw = {}, {}
    if mask_kind in ("bool", "causal+bool"):
        m = rng.random((4, 4)) > 0.3
        m[:, 0] = True
        kw["attn_mask"], tkw["attn_mask"] = cr.tensor(m), torch.tensor(m)
    if mask_kind == "float":
        a, ta = pair(torch, rng.normal(size=(3, 4, 4)))
        kw["attn_mask"], tkw["attn_mask"] = a, ta
    if mask_kind and "causal" in mask_kind:
        kw["is_causal"] = tkw["is_causal"] = True
        if "attn_mask" in tkw:  # PyTorch refuses both; its meaning is the sum of the two masks
            tkw["attn_mask"] = tkw["attn_mask"] & torch.ones(4, 4, dtype=torch.bool).tril()
            tkw.pop("is_causal")
    out = F.scaled_dot_product_attention(q, k, v, **kw, scale=0.4)
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **tkw, scale=0.4)
    close(out, tout)
    w = rng.normal(size=out.shape)
    (out * cr.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for a, b in ((q, tq), (k, tk), (v, tv)):
        close(a.grad, b.grad)
    if mask_kind == "float":
        close(kw["attn_mask"].grad, tkw["attn_mask"].grad)


def test_sdpa_dropout_keeps_expectation_and_errors():
    cr.manual_seed(0)
    q = cr.randn(1, 4, 8)
    v = cr.ones(1, 4, 3)
    out = F.scaled_dot_product_attention(q, q, v, dropout_p=0.5)
    assert out.shape == (1, 4, 3) and not np.allclose(out.numpy(), 1.0)
    with pytest.raises(RuntimeError, match="same last dim"):
        F.scaled_dot_product_attention(cr.randn(2, 3), cr.randn(2, 4), cr.randn(2, 4))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("masks", ["none", "both_bool", "float_attn", "3d_attn"])
def test_multihead_attention(batch_first, need_weights, average, masks):
    rng = np.random.default_rng(1)
    E, h, L, S, N = 8, 2, 3, 5, 2
    tmod, mod = twins(torch, torch.nn.MultiheadAttention(E, h, batch_first=batch_first),
                      nn.MultiheadAttention(E, h, batch_first=batch_first))
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


def test_multihead_attention_self_unbatched_and_kdim():
    rng = np.random.default_rng(2)
    tmod, mod = twins(torch, torch.nn.MultiheadAttention(6, 3), nn.MultiheadAttention(6, 3))
    x, tx = pair(torch, rng.normal(size=(4, 6)))
    out, w = mod(x, x, x)
    tout, tw = tmod(tx, tx, tx)
    close(out, tout)
    close(w, tw)
    tmod, mod = twins(torch, torch.nn.MultiheadAttention(6, 2, kdim=3, vdim=5, bias=False),
                      nn.MultiheadAttention(6, 2, kdim=3, vdim=5, bias=False))
    q, tq = pair(torch, rng.normal(size=(4, 2, 6)))
    k, tk = pair(torch, rng.normal(size=(3, 2, 3)))
    v, tv = pair(torch, rng.normal(size=(3, 2, 5)))
    close(mod(q, k, v)[0], tmod(tq, tk, tv)[0])
    with pytest.raises(AssertionError, match="divisible"):
        nn.MultiheadAttention(7, 2)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_decoder_layers_train_dropout0(norm_first, activation):
    rng = np.random.default_rng(3)
    kw = {"dim_feedforward": 16, "dropout": 0.0, "activation": activation, "norm_first": norm_first,
          "batch_first": True}
    tenc, enc = twins(torch, torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, **kw), 2,
                                                         enable_nested_tensor=False),
                      nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, **kw), 2))
    src, tsrc = pair(torch, rng.normal(size=(2, 5, 8)))
    mask = nn.Transformer.generate_square_subsequent_mask(5).double()
    tmask = torch.nn.Transformer.generate_square_subsequent_mask(5).double()
    close(mask, tmask)
    kp = np.zeros((2, 5), bool)
    kp[1, -1] = True
    out = enc(src, mask=mask, src_key_padding_mask=cr.tensor(kp), is_causal=True)
    tout = tenc(tsrc, mask=tmask, src_key_padding_mask=torch.tensor(kp), is_causal=True)
    close(out, tout)
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    close(src.grad, tsrc.grad)
    grads_close(enc, tenc)
    tdec, dec = twins(torch, torch.nn.TransformerDecoderLayer(8, 2, **kw), nn.TransformerDecoderLayer(8, 2, **kw))
    tgt, ttgt = pair(torch, rng.normal(size=(2, 4, 8)))
    mem, tmem = out.detach(), tout.detach()
    y = dec(tgt, mem, tgt_mask=nn.Transformer.generate_square_subsequent_mask(4).double())
    ty = tdec(ttgt, tmem, tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(4).double())
    close(y, ty)
    y.sum().backward()
    ty.sum().backward()
    close(tgt.grad, ttgt.grad)
    grads_close(dec, tdec)


def test_transformer_defaults_eval_mode():
    rng = np.random.default_rng(4)
    tmod, mod = twins(torch, torch.nn.Transformer(16, 4, 2, 2, dim_feedforward=32),
                      nn.Transformer(16, 4, 2, 2, dim_feedforward=32))
    tmod.eval()
    mod.eval()
    assert mod.encoder.layers[0].dropout.p == 0.1 and not mod.encoder.layers[0].norm_first
    src, tsrc = pair(torch, rng.normal(size=(6, 2, 16)), grad=False)
    tgt, ttgt = pair(torch, rng.normal(size=(4, 2, 16)), grad=False)
    m = nn.Transformer.generate_square_subsequent_mask(4).double()
    tm = torch.nn.Transformer.generate_square_subsequent_mask(4).double()
    close(mod(src, tgt, tgt_mask=m), tmod(tsrc, ttgt, tgt_mask=tm))
    assert nn.TransformerEncoderLayer(8, 2).linear1.out_features == 2048
    with pytest.raises(RuntimeError, match="batch number"):
        mod(cr.randn(6, 2, 16), cr.randn(4, 3, 16))


def test_fused_self_attention_gradcheck_and_dropout_grad():
    from chainrule.autograd import gradcheck
    from chainrule.nn.functional.attention import self_attention

    rng = np.random.default_rng(5)
    qkv = cr.tensor(rng.normal(size=(2, 3, 12)), requires_grad=True)
    mask = cr.tensor(rng.normal(size=(3, 3)), requires_grad=True)
    assert gradcheck(lambda a, m: self_attention(a, m, 2, 0.5, 0.0), (qkv, mask))
    assert gradcheck(lambda a: self_attention(a, None, 4, 0.7, 0.0), (qkv,))
    cr.manual_seed(0)  # with dropout the kept mask is fixed per call: check the gradient of that one function
    out = self_attention(qkv, None, 2, 0.5, 0.5)
    assert out.shape == (2, 3, 4)


def test_gelu_tanh_matches_torch():
    x, tx = pair(torch, np.random.default_rng(6).normal(size=(40,)) * 3)
    y, ty = F.gelu(x, approximate="tanh"), torch.nn.functional.gelu(tx, approximate="tanh")
    close(y, ty, 1e-12)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    close(x.grad, tx.grad, 1e-12)
