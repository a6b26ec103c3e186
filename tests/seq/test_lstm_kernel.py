"""The full-batch LSTM kernel's row-blocked products: blocks cover the weight, fit OpenBLAS's small-matrix kernel,
and an LSTM whose blocks cut across gates still matches PyTorch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from chainrule import nn
from chainrule.ops.rnn_kernels import SMALL_MNK, _row_chunks

from ._torch_pair import close, grads_close, pair, twins


@pytest.mark.parametrize("M,N,K", [(512, 32, 193), (128, 32, 512), (360, 40, 141), (8, 2, 3), (4000, 64, 300)])
def test_row_chunks_cover_the_rows_in_small_products(M, N, K):
    chunks = _row_chunks(M, N, K)
    assert chunks[0].start == 0 and chunks[-1].stop == M
    assert all(a.stop == b.start for a, b in itertools.pairwise(chunks))
    assert all(c.start % 16 == 0 for c in chunks)
    if M * N * K <= SMALL_MNK or M * N * K > 8 * SMALL_MNK:
        assert len(chunks) == 1  # small enough already, or large enough for OpenBLAS's packing to pay
    else:
        assert all((c.stop - c.start) * N * K <= SMALL_MNK for c in chunks)
    assert _row_chunks(512, 32, 193) == [slice(0, 128), slice(128, 256), slice(256, 384), slice(384, 512)]


def test_lstm_with_row_blocks_across_gates_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    T, B, I, H = 4, 40, 50, 90  # (4H=360, I+H+1=141) @ (141, 40): row blocks 0:128, 128:256, 256:360
    assert len(_row_chunks(4 * H, B, I + H + 1)) == 3
    tmod, mod = twins(torch, torch.nn.LSTM(I, H, batch_first=True, bidirectional=True),
                      nn.LSTM(I, H, batch_first=True, bidirectional=True))
    x, tx = pair(torch, rng.normal(size=(B, T, I)))
    h, th = pair(torch, rng.normal(size=(2, B, H)))
    c, tc = pair(torch, rng.normal(size=(2, B, H)))
    out, (hn, cn) = mod(x, (h, c))
    tout, (thn, tcn) = tmod(tx, (th, tc))
    for a, b in ((out, tout), (hn, thn), (cn, tcn)):
        close(a, b)
    ((out * out).sum() + hn.sum() + (cn * cn).sum()).backward()
    ((tout * tout).sum() + thn.sum() + (tcn * tcn).sum()).backward()
    for a, b in ((x.grad, tx.grad), (h.grad, th.grad), (c.grad, tc.grad)):
        close(a, b)
    grads_close(mod, tmod)
