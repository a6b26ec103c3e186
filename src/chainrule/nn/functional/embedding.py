"""embedding: rows of a weight matrix looked up by integer index (the functional form of nn.Embedding)."""

from __future__ import annotations

import numpy as np

from ...autograd.function import Op
from ...autograd.grad_mode import no_grad
from ...ops._declare import FUNCTIONAL, case, declare
from ...tensor import Tensor


class Embedding(Op):
    """weight[idx] for an integer array idx of any shape: output idx.shape + (D,)."""

    @staticmethod
    def forward(ctx, weight, idx, padding_idx, scale_grad_by_freq):
        ctx.idx, ctx.vocab, ctx.pad, ctx.freq = idx, weight.shape[0], padding_idx, scale_grad_by_freq
        return weight[idx]

    @staticmethod
    def backward(ctx, g):
        # dL/dW[v] = sum of G over the positions where idx == v (an index-add); row padding_idx gets none;
        # with scale_grad_by_freq each row's sum is divided by how often v occurs in idx
        if type(g) is Tensor:
            raise RuntimeError("embedding: create_graph through embedding's backward is not supported")
        idx = ctx.idx.reshape(-1)
        g2 = g.reshape(idx.size, -1)
        V = ctx.vocab
        if V * idx.size <= 1 << 22:  # small vocabulary: one product with the one-hot matrix is fastest
            onehot = np.zeros((idx.size, V), dtype=g.dtype)
            onehot[np.arange(idx.size), idx] = 1
            gw = onehot.T @ g2
        else:
            gw = np.zeros((V, g2.shape[1]), dtype=g.dtype)
            np.add.at(gw, idx, g2)
        if ctx.freq:
            counts = np.bincount(idx, minlength=V).astype(g.dtype)
            gw /= np.maximum(counts, 1)[:, None]
        if ctx.pad is not None:
            gw[ctx.pad] = 0
        return gw, None, None, None

    differentiable_backward = False


def _renorm(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale (in place, unrecorded) the looked-up rows whose norm exceeds max_norm down to max_norm."""
    rows = np.unique(idx)
    w = weight._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        with no_grad():
            w[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
        weight._bump()


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, w: m.nn.functional.embedding(m.idx([[0, 2, 2], [4, 1, 0]]), w), (5, 3), gradgrad=False),
    case(lambda m, w: m.nn.functional.embedding(m.idx([0, 2, 2, 3]), w, padding_idx=2), (5, 3), suffix="padding_idx",
         grad=False),  # not the true gradient by design (tests/seq compares it with PyTorch's),
    case(lambda m, w: m.nn.functional.embedding(m.idx([0, 2, 2, 3]), w, scale_grad_by_freq=True), (5, 3), suffix="freq", grad=False),
])
def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of `weight` by the integer indices in `input`: out[..., :] = weight[input[...], :].

    Args:
        input: an integer tensor of indices, any shape, each in [0, num_embeddings).
        weight: (num_embeddings, embedding_dim).
        padding_idx: this row gets no gradient (default None); negative counts from the end.
        max_norm: rescale, in place, every looked-up row whose norm_type-norm exceeds it (default None).
        norm_type: the p of the p-norm for max_norm (default 2).
        scale_grad_by_freq: divide each row's gradient by the row's count in `input` (default False).
        sparse: only False; a sparse gradient is not supported (dense NumPy arrays only).

    Returns:
        input.shape + (embedding_dim,), weight's dtype.

    Raises:
        IndexError: an index outside [0, num_embeddings) ("index out of range in self", PyTorch's words).
        RuntimeError: input is not an integer tensor.
        NotImplementedError: sparse=True.
    """
    if sparse:
        raise NotImplementedError("embedding: sparse=True (sparse gradients) is not supported; use sparse=False")
    idx = input._data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {idx.dtype} instead (while checking arguments for embedding)")
    V = weight._data.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= V):
        raise IndexError("index out of range in self")
    if padding_idx is not None:
        if not -V <= padding_idx < V:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % V
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    return Embedding.apply(weight, idx, padding_idx, bool(scale_grad_by_freq))
