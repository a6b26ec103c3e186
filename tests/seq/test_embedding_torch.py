"""nn.Embedding / F.embedding against PyTorch (the registry's cases cover values and gradients too)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

from ._torch_pair import close, pair

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("kw", [{}, {"padding_idx": 1}, {"padding_idx": -1}, {"scale_grad_by_freq": True},
                                {"max_norm": 1.0}])
def test_embedding_module_matches_torch(kw):
    temb = torch.nn.Embedding(6, 4, **kw).double()
    emb = nn.Embedding(6, 4, **kw).double()
    emb.load_state_dict({"weight": cr.tensor(temb.weight.detach().numpy().copy())})
    idx = np.array([[0, 1, 5], [5, 5, 2]])
    out, tout = emb(cr.tensor(idx)), temb(torch.tensor(idx))
    close(out, tout)
    close(emb.weight, temb.weight)  # max_norm renormalised the same rows in place
    w, tw = pair(torch, np.random.default_rng(0).normal(size=(2, 3, 4)))
    (out * w).sum().backward()
    (tout * tw).sum().backward()
    close(emb.weight.grad, temb.weight.grad)


def test_embedding_init_and_errors():
    cr.manual_seed(0)
    emb = nn.Embedding(1000, 50, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert abs(w.std() - 1) < 0.02 and not w[3].any() and emb.weight.dtype == cr.float32
    assert repr(emb) == "Embedding(1000, 50, padding_idx=3)"
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(cr.tensor([1000]))
    with pytest.raises(RuntimeError, match="indices"):
        emb(cr.tensor([1.0]))
    with pytest.raises(AssertionError, match="Padding_idx"):
        nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(NotImplementedError, match="sparse"):
        nn.Embedding(3, 2, sparse=True)
    pre = nn.Embedding.from_pretrained(cr.ones(3, 2))
    assert not pre.weight.requires_grad and pre(cr.tensor([2])).tolist() == [[1.0, 1.0]]
