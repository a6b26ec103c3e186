"""scaled_dot_product_attention: softmax(Q K^T * scale + mask) V as ONE node (forward and backward by hand).

A graph of matmul, scale, mask, softmax, dropout and matmul nodes makes 6-8 full passes over the (L, S) score
matrix forward and again backward; the fused node keeps the attention weights P (and the dropout mask) and its
backward is two products and one softmax-gradient pass:
    dV = P^T G ; dP = G V^T ; dS = P * (dP - rowsum(dP * P)) ; dQ = dS K * scale ; dK = dS^T Q * scale.
"""

from __future__ import annotations

import math

import numpy as np

from ...autograd.function import Op
from ...ops._declare import FUNCTIONAL, case, declare
from ...ops._rows import rowmax, rowsum
from ...random import default_rng
from ...tensor import Tensor


def _attend(ctx, q, k, v, mask, scale, p):
    """softmax(q k^T * scale + mask) (dropout) @ v on arrays (..., L, E); keeps P and the dropout mask on ctx."""
    s = q @ np.swapaxes(k, -1, -2)
    s *= scale
    if mask is not None:
        s = s + mask if s.shape != np.broadcast_shapes(s.shape, mask.shape) else np.add(s, mask, out=s)
    if s.shape[-1]:  # no keys (S = 0): nothing to normalise, the output is zeros
        s -= rowmax(s)
        np.exp(s, out=s)
        s /= rowsum(s)  # P = softmax(scores); a fully masked row gives NaN, as PyTorch
    pd, keep = s, None
    if p > 0:
        keep = (default_rng().random(s.shape, dtype=s.dtype) >= p).astype(s.dtype) / (1 - p)
        pd = s * keep
    ctx.P, ctx.keep, ctx.scale = s, keep, scale
    return pd @ v


def _attend_backward(ctx, q, k, v, g, need):
    """(dq, dk, dv, dmask) of _attend for output gradient g; `need` says which of the four are wanted.

    with Pd = P * keep: dV = Pd^T G ; dPd = G V^T ; dP = dPd * keep ; dS = P * (dP - rowsum(dP * P)) ;
    dQ = dS K * scale ; dK = dS^T Q * scale ; dMask = dS
    """
    P, keep, scale = ctx.P, ctx.keep, ctx.scale
    pd = P if keep is None else P * keep
    gv = np.swapaxes(pd, -1, -2) @ g if need[2] else None
    dp = g @ np.swapaxes(v, -1, -2)
    if keep is not None:
        dp *= keep
    ds = dp
    ds -= rowsum(dp * P)
    ds *= P
    gq = (ds @ k) * scale if need[0] else None
    gk = (np.swapaxes(ds, -1, -2) @ q) * scale if need[1] else None
    return gq, gk, gv, ds if need[3] else None


class SDPA(Op):
    """(q (..., L, E), k (..., S, E), v (..., S, Ev), additive float mask (.., L, S) | None) -> (..., L, Ev)."""

    node_name = "ScaledDotProductFlashAttentionForCpuBackward0"  # PyTorch's node for 4-d inputs on the CPU

    @staticmethod
    def forward(ctx, q, k, v, mask, scale, p):
        ctx.save_for_backward(q, k, v)
        return _attend(ctx, q, k, v, mask, scale, p)

    @staticmethod
    def backward(ctx, g):
        # dV = Pd^T G ; dS = P * (dP - rowsum(dP * P)) ; dQ = dS K * scale ; dK = dS^T Q * scale (see _attend_backward)
        q, k, v = ctx.saved
        return _attend_backward(ctx, q, k, v, g, ctx.needs_input_grad[:4]) + (None, None)

    differentiable_backward = False


class SelfAttention(Op):
    """Multi-head attention from packed projections: qkv (N, L, 3E) -> heads merged (N, L, E), one node.

    What MultiheadAttention does for self-attention without returned weights: split q, k, v and the heads
    (views), attend per head, merge the heads; one node instead of a dozen slicing and reshaping nodes.
    """

    @staticmethod
    def forward(ctx, qkv, mask, heads, scale, p):
        N, L, E3 = qkv.shape
        d = E3 // 3 // heads
        parts = qkv.reshape(N, L, 3, heads, d).transpose(2, 0, 3, 1, 4)  # (3, N, h, L, d), a view
        ctx.save_for_backward(qkv)
        ctx.heads_ = heads
        out = _attend(ctx, parts[0], parts[1], parts[2], mask, scale, p)  # (N, h, L, d)
        return out.transpose(0, 2, 1, 3).reshape(N, L, E3 // 3)

    @staticmethod
    def backward(ctx, g):
        # the attention's gradients per head (_attend_backward), written back into the packed (N, L, 3E) layout
        (qkv,) = ctx.saved
        N, L, E3 = qkv.shape
        h = ctx.heads_
        d = E3 // 3 // h
        parts = qkv.reshape(N, L, 3, h, d).transpose(2, 0, 3, 1, 4)
        gh = g.reshape(N, L, h, d).transpose(0, 2, 1, 3)
        gq, gk, gv, gm = _attend_backward(ctx, parts[0], parts[1], parts[2], gh,
                                          (True, True, True, ctx.needs_input_grad[1]))
        out = np.empty((N, L, 3, h, d), dtype=g.dtype)
        for i, gi in enumerate((gq, gk, gv)):
            out[:, :, i] = gi.transpose(0, 2, 1, 3)
        return out.reshape(N, L, E3), gm, None, None, None

    differentiable_backward = False


def self_attention(qkv: Tensor, mask, heads: int, scale: float, p: float) -> Tensor:
    """Attention over packed projections qkv (N, L, 3E) with an additive float mask (or None): (N, L, E)."""
    return SelfAttention.apply(qkv, mask, heads, scale, p)


def _float_mask(attn_mask, L: int, S: int, dtype, is_causal: bool):
    """The additive mask: bool masks (True = attend) become 0 / -inf; is_causal adds the upper triangle."""
    mask = None
    if is_causal:
        mask = np.triu(np.full((L, S), -np.inf, dtype=dtype), 1)
    if attn_mask is not None:
        m = attn_mask._data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        if m.dtype == np.bool_:
            m = np.where(m, np.zeros((), dtype), np.array(-np.inf, dtype))
            attn_mask = m
        mask = attn_mask if mask is None else attn_mask + Tensor._wrap(mask)
    return mask if isinstance(mask, Tensor) or mask is None else Tensor._wrap(np.asarray(mask, dtype=dtype))


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v), (2, 3, 4), (2, 5, 4),
         (2, 5, 6), gradgrad=False),
    case(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3),
         (2, 1, 4, 3), (2, 1, 4, 3), (2, 1, 4, 2), gradgrad=False, suffix="causal"),
    case(lambda m, q, k, v, a: m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=a),
         (3, 4), (5, 4), (5, 2), (3, 5), gradgrad=False, suffix="float_mask"),
])
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, one fused node (PyTorch's semantics).

    Args:
        query: (..., L, E); key: (..., S, E); value: (..., S, Ev); leading dims broadcast.
        attn_mask: (L, S) or broadcastable to (..., L, S): bool (True = may attend, False = masked out) or float
            (added to the scores) (default None).
        dropout_p: dropout on the attention weights (default 0; applied whenever it is > 0, as in PyTorch).
        is_causal: mask out keys after each query (the upper triangle), with or without attn_mask.
        scale: the factor on the scores (default 1/sqrt(E)).
        enable_gqa: grouped-query attention (default False): key and value may have fewer heads (dim -3) than
            query; each of their heads is repeated query_heads // kv_heads times (repeat_interleave on dim -3).

    Returns:
        (..., L, Ev), the query's dtype. A query row with every key masked gives NaN, as in PyTorch.

    Raises:
        RuntimeError: E of query and key differ, S of key and value differ, dtypes differ, or (enable_gqa) the
            key/value head counts do not divide the query's.
    """
    if enable_gqa and query.dim() >= 3 and key.dim() >= 3 and value.dim() >= 3:
        hq, hk, hv = query._data.shape[-3], key._data.shape[-3], value._data.shape[-3]
        if hk == 0 or hv == 0 or hq % hk or hq % hv:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
        if hq != hk:  # each key head serves hq // hk query heads (PyTorch's repeat_interleave on dim -3)
            key = key.repeat_interleave(hq // hk, dim=-3)
        if hq != hv:
            value = value.repeat_interleave(hq // hv, dim=-3)
    qs, ks, vs = query._data.shape, key._data.shape, value._data.shape
    if qs[-1] != ks[-1] or ks[-2] != vs[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: query {tuple(qs)}, key {tuple(ks)}, value {tuple(vs)}: "
                           "query and key need the same last dim E, key and value the same length S")
    if not (query._data.dtype == key._data.dtype == value._data.dtype):
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    L, S = qs[-2], ks[-2]
    dtype = query._data.dtype
    if dtype.kind != "f":
        raise RuntimeError(f"scaled_dot_product_attention: expected floating-point query, key and value, got "
                           f"{query.dtype}; convert them with .float()")
    sc = (1.0 / math.sqrt(qs[-1]) if qs[-1] else 1.0) if scale is None else float(scale)  # E = 0: scores are 0
    mask = _float_mask(attn_mask, L, S, dtype, is_causal)
    if isinstance(mask, Tensor) and mask._data.dtype != dtype:
        mask = mask.to(query.dtype)
    return SDPA.apply(query, key, value, mask, sc, float(dropout_p))
