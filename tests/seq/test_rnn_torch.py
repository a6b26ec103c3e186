"""nn.RNN / LSTM / GRU and the cells against PyTorch: same state dict, same outputs and gradients."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

from ._torch_pair import close, grads_close, pair, twins

torch = pytest.importorskip("torch")

KINDS = ["RNN", "RNN_relu", "LSTM", "GRU"]


def _make(kind, *args, **kw):
    if kind == "RNN_relu":
        return (torch.nn.RNN(*args, nonlinearity="relu", **kw), nn.RNN(*args, nonlinearity="relu", **kw))
    return getattr(torch.nn, kind)(*args, **kw), getattr(nn, kind)(*args, **kw)


def _weights(rng, mod):
    for p in mod.parameters():  # spread the weights: relu RNNs need some positive pre-activations
        p.data.copy_(torch.tensor(rng.uniform(-0.6, 0.6, tuple(p.shape))))


CONFIGS = list(itertools.product(KINDS, [1, 2], [False, True], [False, True], [True, False]))


@pytest.mark.parametrize("kind,layers,bidir,batch_first,bias", CONFIGS)
def test_module_matches_torch(kind, layers, bidir, batch_first, bias):
    rng = np.random.default_rng(hash((kind, layers, bidir, batch_first, bias)) % 2**32)
    T, B, I, H = 5, 3, 4, 6
    tmod, mod = _make(kind, I, H, num_layers=layers, bidirectional=bidir, batch_first=batch_first, bias=bias)
    _weights(rng, tmod)
    tmod, mod = twins(torch, tmod, mod)
    D = 2 if bidir else 1
    x, tx = pair(torch, rng.normal(size=(B, T, I) if batch_first else (T, B, I)))
    h, th = pair(torch, rng.normal(size=(layers * D, B, H)))
    if kind == "LSTM":
        c, tc = pair(torch, rng.normal(size=(layers * D, B, H)))
        out, (hn, cn) = mod(x, (h, c))
        tout, (thn, tcn) = tmod(tx, (th, tc))
        close(cn, tcn)
        loss = (out * out).sum() + (hn * 2).sum() + (cn * cn).sum()
        tloss = (tout * tout).sum() + (thn * 2).sum() + (tcn * tcn).sum()
    else:
        out, hn = mod(x, h)
        tout, thn = tmod(tx, th)
        loss = (out * out).sum() + (hn * 2).sum()
        tloss = (tout * tout).sum() + (thn * 2).sum()
    close(out, tout)
    close(hn, thn)
    loss.backward()
    tloss.backward()
    close(x.grad, tx.grad)
    close(h.grad, th.grad)
    if kind == "LSTM":
        close(c.grad, tc.grad)
    grads_close(mod, tmod)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_state_dict_both_ways_and_float32(kind):
    tmod, mod = _make(kind, 3, 5, num_layers=2, bidirectional=True)
    assert [(k, tuple(v.shape)) for k, v in mod.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tmod.state_dict().items()]
    # chainrule -> torch
    tmod.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mod.state_dict().items()})
    x = np.random.default_rng(0).normal(size=(4, 2, 3)).astype(np.float32)
    out = mod(cr.tensor(x))[0]
    tout = tmod(torch.tensor(x))[0]
    assert out.dtype == cr.float32
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_defaults_unbatched_no_hx(kind):
    tmod, mod = _make(kind, 3, 4)
    tmod, mod = twins(torch, tmod, mod)
    x, tx = pair(torch, np.random.default_rng(1).normal(size=(6, 3)))
    out, hn = mod(x)
    tout, thn = tmod(tx)
    close(out, tout)
    if kind == "LSTM":
        close(hn[0], thn[0])
        close(hn[1], thn[1])
        hn = hn[0]
    else:
        close(hn, thn)
    assert tuple(hn.shape) == (1, 4)
    out.sum().backward()
    tout.sum().backward()
    close(x.grad, tx.grad)
    grads_close(mod, tmod)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_torch(kind, batched):
    rng = np.random.default_rng(2)
    tmod, mod = getattr(torch.nn, kind)(3, 5), getattr(nn, kind)(3, 5)
    tmod, mod = twins(torch, tmod, mod)
    shape = (4,) if batched else ()
    x, tx = pair(torch, rng.normal(size=shape + (3,)))
    h, th = pair(torch, rng.normal(size=shape + (5,)))
    if kind == "LSTMCell":
        c, tc = pair(torch, rng.normal(size=shape + (5,)))
        h1, c1 = mod(x, (h, c))
        th1, tc1 = tmod(tx, (th, tc))
        h2, c2 = mod(x, (h1, c1))  # unrolled: two nodes
        th2, tc2 = tmod(tx, (th1, tc1))
        close(c2, tc2)
        (h2.sum() + (c2 * c2).sum()).backward()
        (th2.sum() + (tc2 * tc2).sum()).backward()
        close(c.grad, tc.grad)
    else:
        h2 = mod(x, mod(x, h))
        th2 = tmod(tx, tmod(tx, th))
        (h2 * h2).sum().backward()
        (th2 * th2).sum().backward()
    close(h2, th2)
    close(x.grad, tx.grad)
    close(h.grad, th.grad)
    grads_close(mod, tmod)
    assert mod.weight_ih.grad_fn is None


def test_dropout_between_layers_train_and_eval():
    cr.manual_seed(0)
    mod = nn.GRU(3, 4, num_layers=3, dropout=0.5)
    x = cr.randn(5, 2, 3)
    a, b = mod(x)[0], mod(x)[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())  # dropout active in training
    mod.eval()
    np.testing.assert_array_equal(mod(x)[0].detach().numpy(), mod(x)[0].detach().numpy())
    one = nn.GRU(3, 4, num_layers=1, dropout=0.5)  # no layer after the only one: no dropout
    np.testing.assert_array_equal(one(x)[0].detach().numpy(), one(x)[0].detach().numpy())


def test_errors_name_the_problem():
    mod = nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match="input_size. Expected 3, got 5"):
        mod(cr.randn(2, 1, 5))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 1, 4\)"):
        mod(cr.randn(2, 1, 3), (cr.zeros(1, 2, 4), cr.zeros(1, 1, 4)))
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="proj_size has to be smaller"):
        nn.LSTM(3, 4, proj_size=4)


def test_one_node_per_layer_and_direction():
    mod = nn.LSTM(3, 4, num_layers=2)
    out, _ = mod(cr.randn(7, 2, 3))
    seen, stack = set(), [out.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or type(fn) is cr.Tensor or fn in seen:
            continue
        seen.add(fn)
        stack.extend(f for f, _ in fn.next_functions)
    names = sorted(f.name() for f in seen)
    assert sum(n.startswith("RecurrentLayerBackward") for n in names) == 2
    assert len(names) <= 6, names  # the two layers plus indexing of h0/c0
    assert repr(mod) == "LSTM(3, 4, num_layers=2)"
