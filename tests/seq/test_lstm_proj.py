"""nn.LSTM with projections (proj_size > 0) against PyTorch: same state dict, outputs, states and gradients."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.nn.utils import rnn as R

from ._torch_pair import close, grads_close, pair, twins

torch = pytest.importorskip("torch")
TR = torch.nn.utils.rnn
TOL = 1e-10


def _weights(rng, tmod):
    for p in tmod.parameters():
        p.data.copy_(torch.tensor(rng.uniform(-0.6, 0.6, tuple(p.shape))))


CONFIGS = [(P, H, L, bd, bf, bias) for (P, H), L, bd, bf, bias in itertools.product(
    [(2, 4), (3, 5)], [1, 2], [False, True], [False, True], [True])] + [(2, 4, 2, True, False, False)]


@pytest.mark.parametrize("proj,hidden,layers,bidir,batch_first,bias", CONFIGS)
def test_lstm_proj_matches_torch(proj, hidden, layers, bidir, batch_first, bias):
    rng = np.random.default_rng(hash((proj, hidden, layers, bidir, batch_first, bias)) % 2**32)
    T, B, I = 5, 3, 4
    kw = {"num_layers": layers, "bidirectional": bidir, "batch_first": batch_first, "bias": bias, "proj_size": proj}
    tmod, mod = torch.nn.LSTM(I, hidden, **kw), nn.LSTM(I, hidden, **kw)
    _weights(rng, tmod)
    tmod, mod = twins(torch, tmod, mod)  # also asserts the state dict keys are torch's, in order
    assert [tuple(v.shape) for v in mod.state_dict().values()] == [tuple(v.shape) for v in tmod.state_dict().values()]
    D = 2 if bidir else 1
    x, tx = pair(torch, rng.normal(size=(B, T, I) if batch_first else (T, B, I)))
    h, th = pair(torch, rng.normal(size=(layers * D, B, proj)))
    c, tc = pair(torch, rng.normal(size=(layers * D, B, hidden)))
    out, (hn, cn) = mod(x, (h, c))
    tout, (thn, tcn) = tmod(tx, (th, tc))
    assert tuple(out.shape) == tuple(tout.shape) and tuple(hn.shape) == tuple(thn.shape)
    close(out, tout, TOL)
    close(hn, thn, TOL)
    close(cn, tcn, TOL)
    ((out * out).sum() + (hn * 2).sum() + (cn * cn).sum()).backward()
    ((tout * tout).sum() + (thn * 2).sum() + (tcn * tcn).sum()).backward()
    close(x.grad, tx.grad, TOL)
    close(h.grad, th.grad, TOL)
    close(c.grad, tc.grad, TOL)
    grads_close(mod, tmod, TOL)


def test_lstm_proj_default_state_and_unbatched():
    rng = np.random.default_rng(0)
    tmod, mod = twins(torch, torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2),
                      nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2))
    x, tx = pair(torch, rng.normal(size=(4, 3)))
    out, (hn, cn) = mod(x)
    tout, (thn, tcn) = tmod(tx)
    assert tuple(out.shape) == (4, 4) and tuple(hn.shape) == (4, 2) and tuple(cn.shape) == (4, 5)
    close(out, tout, TOL)
    close(hn, thn, TOL)
    close(cn, tcn, TOL)
    ((out ** 2).sum() + hn.sum() + cn.sum()).backward()
    ((tout ** 2).sum() + thn.sum() + tcn.sum()).backward()
    close(x.grad, tx.grad, TOL)
    grads_close(mod, tmod, TOL)


@pytest.mark.parametrize("bidir", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_lstm_proj_packed(bidir, enforce_sorted):
    rng = np.random.default_rng(3)
    lengths = [6, 4, 4, 2] if enforce_sorted else [2, 6, 4, 3]
    tmod, mod = twins(torch, torch.nn.LSTM(3, 4, num_layers=2, bidirectional=bidir, proj_size=3),
                      nn.LSTM(3, 4, num_layers=2, bidirectional=bidir, proj_size=3))
    D = 2 if bidir else 1
    x, tx = pair(torch, rng.normal(size=(6, 4, 3)))
    h, th = pair(torch, rng.normal(size=(2 * D, 4, 3)))
    c, tc = pair(torch, rng.normal(size=(2 * D, 4, 4)))
    out, (hn, cn) = mod(R.pack_padded_sequence(x, lengths, enforce_sorted=enforce_sorted), (h, c))
    tout, (thn, tcn) = tmod(TR.pack_padded_sequence(tx, lengths, enforce_sorted=enforce_sorted), (th, tc))
    assert isinstance(out, R.PackedSequence)
    close(out.data, tout.data, TOL)
    close(hn, thn, TOL)
    close(cn, tcn, TOL)
    ((out.data ** 2).sum() + (hn * 3).sum() + (cn * cn).sum()).backward()
    ((tout.data ** 2).sum() + (thn * 3).sum() + (tcn * tcn).sum()).backward()
    close(x.grad, tx.grad, TOL)
    close(h.grad, th.grad, TOL)
    close(c.grad, tc.grad, TOL)
    grads_close(mod, tmod, TOL)


def test_lstm_proj_dropout_between_layers():
    cr.manual_seed(0)
    mod = nn.LSTM(3, 5, num_layers=2, dropout=0.5, proj_size=2).double()
    x = cr.tensor(np.random.default_rng(1).normal(size=(4, 2, 3)), requires_grad=True)
    out, _ = mod(x)
    out.sum().backward()
    assert tuple(out.shape) == (4, 2, 2) and x.grad is not None
    mod.eval()
    a, _ = mod(x)
    b, _ = mod(x)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_lstm_proj_wrong_hidden_shape():
    mod = nn.LSTM(3, 5, proj_size=2)
    x = cr.randn(4, 2, 3)
    with pytest.raises(RuntimeError, match="Expected hidden"):
        mod(x, (cr.zeros(1, 2, 5), cr.zeros(1, 2, 5)))
    with pytest.raises(RuntimeError, match="Expected hidden"):
        mod(x, (cr.zeros(1, 2, 2), cr.zeros(1, 2, 2)))


@pytest.mark.parametrize("make,kw", [("LSTM", {"proj_size": 5}), ("LSTM", {"proj_size": 6}),
                                     ("LSTM", {"proj_size": -1}), ("GRU", {"proj_size": 2}),
                                     ("RNN", {"proj_size": 2})])
def test_proj_size_errors_match_torch(make, kw):
    with pytest.raises(ValueError) as te:
        getattr(torch.nn, make)(3, 5, **kw)
    with pytest.raises(ValueError) as ce:
        getattr(nn, make)(3, 5, **kw)
    assert str(ce.value) == str(te.value)


def test_lstm_proj_repr_and_all_weights():
    mod, tmod = nn.LSTM(3, 5, proj_size=2), torch.nn.LSTM(3, 5, proj_size=2)
    assert repr(mod) == repr(tmod)
    assert [[tuple(w.shape) for w in ws] for ws in mod.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in tmod.all_weights]
