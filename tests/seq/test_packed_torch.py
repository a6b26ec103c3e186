"""pad_sequence / pack_padded_sequence / pad_packed_sequence and packed input to the RNNs, against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.autograd import gradcheck
from chainrule.nn.utils import rnn as R

from ._torch_pair import close, grads_close, pair, twins

torch = pytest.importorskip("torch")
TR = torch.nn.utils.rnn


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence(batch_first, side):
    rng = np.random.default_rng(0)
    seqs = [pair(torch, rng.normal(size=(n, 2))) for n in (3, 5, 1)]
    out = R.pad_sequence([s for s, _ in seqs], batch_first, -1.0, side)
    tout = TR.pad_sequence([t for _, t in seqs], batch_first, -1.0, side)
    close(out, tout)
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    for (s, t) in seqs:
        close(s.grad, t.grad)


@pytest.mark.parametrize("enforce_sorted,lengths", [(True, [5, 3, 3, 1]), (False, [2, 5, 1, 4])])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_and_pad_roundtrip(enforce_sorted, lengths, batch_first):
    rng = np.random.default_rng(1)
    shape = (4, 5, 3) if batch_first else (5, 4, 3)
    x, tx = pair(torch, rng.normal(size=shape))
    p = R.pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
    tp = TR.pack_padded_sequence(tx, torch.tensor(lengths), batch_first, enforce_sorted)
    close(p.data, tp.data)
    assert p.batch_sizes.tolist() == tp.batch_sizes.tolist()
    if enforce_sorted:
        assert p.sorted_indices is None and tp.sorted_indices is None
    else:
        assert p.sorted_indices.tolist() == tp.sorted_indices.tolist()
        assert p.unsorted_indices.tolist() == tp.unsorted_indices.tolist()
    out, lens = R.pad_packed_sequence(p, batch_first, padding_value=7.0, total_length=6)
    tout, tlens = TR.pad_packed_sequence(tp, batch_first, padding_value=7.0, total_length=6)
    close(out, tout)
    assert lens.tolist() == tlens.tolist() and lens.dtype == cr.int64
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    close(x.grad, tx.grad)
    seqs = R.unpack_sequence(p)
    tseqs = TR.unpack_sequence(tp)
    for s, t in zip(seqs, tseqs):
        close(s, t)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidir", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_rnn_on_packed_input(kind, bidir, enforce_sorted):
    rng = np.random.default_rng(3)
    lengths = [6, 4, 4, 2] if enforce_sorted else [2, 6, 4, 3]
    tmod, mod = getattr(torch.nn, kind)(3, 4, num_layers=2, bidirectional=bidir), getattr(nn, kind)(
        3, 4, num_layers=2, bidirectional=bidir)
    tmod, mod = twins(torch, tmod, mod)
    x, tx = pair(torch, rng.normal(size=(6, 4, 3)))
    D = 2 if bidir else 1
    h, th = pair(torch, rng.normal(size=(2 * D, 4, 4)))
    p = R.pack_padded_sequence(x, lengths, enforce_sorted=enforce_sorted)
    tp = TR.pack_padded_sequence(tx, lengths, enforce_sorted=enforce_sorted)
    if kind == "LSTM":
        c, tc = pair(torch, rng.normal(size=(2 * D, 4, 4)))
        out, (hn, cn) = mod(p, (h, c))
        tout, (thn, tcn) = tmod(tp, (th, tc))
        close(cn, tcn)
        extra, textra = (cn * cn).sum(), (tcn * tcn).sum()
    else:
        out, hn = mod(p, h)
        tout, thn = tmod(tp, th)
        extra, textra = 0, 0
    assert isinstance(out, R.PackedSequence)
    close(out.data, tout.data)
    close(hn, thn)
    ((out.data ** 2).sum() + (hn * 3).sum() + extra).backward()
    ((tout.data ** 2).sum() + (thn * 3).sum() + textra).backward()
    close(x.grad, tx.grad)
    close(h.grad, th.grad)
    grads_close(mod, tmod)


def test_pack_errors():
    x = cr.randn(3, 2, 1)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        R.pack_padded_sequence(x, [1, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        R.pack_padded_sequence(x, [3, 0])
    p = R.pack_padded_sequence(x, [3, 2])
    with pytest.raises(ValueError, match="total_length=2"):
        R.pad_packed_sequence(p, total_length=2)


@pytest.mark.parametrize("kind", ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"])
@pytest.mark.parametrize("packed", [False, True])
def test_recurrent_layer_gradcheck(kind, packed):
    from chainrule.ops.recurrent import GATES, recurrent_layer

    rng = np.random.default_rng(4)
    T, B, I, H = 3, 3, 2, 2
    G = GATES[kind] * H

    def t(*shape, scale=0.7):
        return cr.tensor(rng.uniform(-scale, scale, shape) + (0.3 if kind == "RNN_RELU" else 0),
                         dtype=cr.float64, requires_grad=True)

    args = [t(T, B, I), t(B, H), t(B, H) if kind == "LSTM" else None, t(G, I), t(G, H), t(G), t(G)]
    bs = np.array([3, 2, 1]) if packed else None
    for reverse, batch_first in ((False, False), (True, False), (False, True), (True, True)):
        def f(x, h0, c0, wi, wh, bi, bh, reverse=reverse, batch_first=batch_first):  # batch_first: out's layout
            res = recurrent_layer(x, h0, c0, wi, wh, bi, bh, kind, bs, reverse, batch_first)
            return tuple(r * (k + 1) for k, r in enumerate(res))

        if kind == "LSTM":
            assert gradcheck(f, tuple(args))
        else:
            assert gradcheck(lambda x, h0, wi, wh, bi, bh: f(x, h0, None, wi, wh, bi, bh),
                             tuple(a for a in args if a is not None))
