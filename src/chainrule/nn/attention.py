"""nn.MultiheadAttention with PyTorch's parameters (`in_proj_weight`, `in_proj_bias`, `out_proj`) and masks.

Queries, keys and values are projected (one product when query, key and value are the same tensor), split into
heads, attended with `F.scaled_dot_product_attention` (one fused node) when the weights are not asked for, or
with explicit softmax nodes when `need_weights=True` (the weights are then an output, with a gradient).
"""

from __future__ import annotations

import math

import numpy as np

from ..ops import cat
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional import attention as F_attention
from .linear import Linear
from .module import Module
from .parameter import empty_parameter


class NonDynamicallyQuantizableLinear(Linear):
    """PyTorch's name for MultiheadAttention's out_proj (a plain Linear; kept so that reprs read the same)."""


def _as_float_mask(mask, dtype, name: str, inverted: bool = True):
    """PyTorch's _canonical_mask: a bool mask (True = masked out) becomes 0 / -inf; a float mask stays."""
    if mask is None:
        return None
    m = mask._data
    if m.dtype == np.bool_:
        return Tensor._wrap(np.where(m, np.array(-np.inf, dtype), np.zeros((), dtype)))
    if m.dtype.kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask if m.dtype == dtype else mask.to(dtype)


class MultiheadAttention(Module):
    """Multi-head attention: concat_h(softmax(Q_h K_h^T / sqrt(d) + mask) V_h) W_o^T + b_o, Q = query W_q^T + b_q,...

    Args:
        embed_dim: the model dimension E (query features and output features).
        num_heads: heads; E must divide by it (each head has E // num_heads features).
        dropout: dropout on the attention weights in training (default 0).
        bias: biases on the input and output projections (default True).
        add_bias_kv: add parameters `bias_k`, `bias_v` (1, 1, E) (xavier_normal_ init), appended as one more key
            and value position after the projections (the masks get one more unmasked column) (default False).
        add_zero_attn: append a zero key and value position to every head after the head split (the masks get
            one more unmasked column) (default False).
        kdim: features of the key (default None: E); when kdim or vdim differ from E the projections are
            separate parameters `q_proj_weight`, `k_proj_weight`, `v_proj_weight`, as in PyTorch.
        vdim: features of the value (default None: E).
        batch_first: inputs and output are (N, L, E) instead of (L, N, E) (default False).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Query: (L, N, E) ((N, L, E) with batch_first, (L, E) unbatched); key: (S, N, kdim); value: (S, N,
          vdim).
        - Output: the query's shape; weights: (N, L, S) averaged over heads, (N, num_heads, L, S), or None.

    Attributes:
        in_proj_weight: (3 E, E), the query, key and value projections stacked (None when kdim or vdim != E).
        in_proj_bias: (3 E,) or None. out_proj: the output Linear(E, E).

    Raises:
        ValueError: embed_dim or num_heads not positive.
        AssertionError: embed_dim not divisible by num_heads (PyTorch's message).
        RuntimeError: is_causal without attn_mask, or a mask of the wrong shape.

    Examples:
        >>> import chainrule as cr
        >>> mha = cr.nn.MultiheadAttention(embed_dim=16, num_heads=4)
        >>> x = cr.randn(5, 2, 16)  # L=5 positions, N=2 sequences
        >>> output, weights = mha(x, x, x)  # self-attention
        >>> output.shape, weights.shape
        (chainrule.Size([5, 2, 16]), chainrule.Size([2, 5, 5]))
        >>> causal = cr.nn.Transformer.generate_square_subsequent_mask(5)  # -inf above the diagonal
        >>> _, weights = mha(x, x, x, attn_mask=causal, average_attn_weights=False)
        >>> weights.shape, bool((weights.triu(1) == 0).all())  # no position attends to a later one
        (chainrule.Size([2, 4, 5, 5]), True)
        >>> cross = cr.nn.MultiheadAttention(8, 2, kdim=4, vdim=6, batch_first=True)
        >>> cross(cr.randn(2, 3, 8), cr.randn(2, 7, 4), cr.randn(2, 7, 6), need_weights=False)[0].shape
        chainrule.Size([2, 3, 8])
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None, dtype=None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim = embed_dim // num_heads
        assert self.head_dim * num_heads == embed_dim, "embed_dim must be divisible by num_heads"
        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty_parameter(3 * embed_dim, embed_dim, dtype=dtype, device=device)
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = empty_parameter(embed_dim, embed_dim, dtype=dtype, device=device)
            self.k_proj_weight = empty_parameter(embed_dim, self.kdim, dtype=dtype, device=device)
            self.v_proj_weight = empty_parameter(embed_dim, self.vdim, dtype=dtype, device=device)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = empty_parameter(3 * embed_dim, dtype=dtype, device=device)
        else:
            self.register_parameter("in_proj_bias", None)
        if add_bias_kv:
            self.bias_k = empty_parameter(1, 1, embed_dim, dtype=dtype, device=device)
            self.bias_v = empty_parameter(1, 1, embed_dim, dtype=dtype, device=device)
        else:
            self.bias_k = self.bias_v = None
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype, device=device)
        self.add_zero_attn = bool(add_zero_attn)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """xavier_uniform_ on the input projections, zero biases (PyTorch's init); out_proj.weight as Linear."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def _project(self, query, key, value):
        E = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:  # self-attention: one product for q, k and v
                qkv = F.linear(query, w, b)
                return qkv[..., :E], qkv[..., E:2 * E], qkv[..., 2 * E:]
            wq, wk, wv = w[:E], w[E:2 * E], w[2 * E:]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False):
        """Attend from each query position to the key positions; returns (output, weights or None).

        Args:
            query: (L, N, E), or (N, L, E) with batch_first, or (L, E) unbatched.
            key: (S, N, kdim), laid out as query.
            value: (S, N, vdim), laid out as query.
            key_padding_mask: (N, S) (or (S,) unbatched): True (or -inf) marks a padding key to ignore
                (default None).
            need_weights: also return the attention weights (default True); False takes the fused path.
            attn_mask: (L, S) or (N * num_heads, L, S): True marks a pair that may NOT attend (the opposite of
                scaled_dot_product_attention's bool mask); a float mask is added to the scores (default None).
            average_attn_weights: average the returned weights over the heads (default True).
            is_causal: a hint that attn_mask is the causal mask; attn_mask must still be given (default
                False).

        Returns:
            (output, weights): output shaped as query with E features; weights (N, L, S), (N, num_heads, L, S)
            without averaging, or None when need_weights is False.
        """
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                               "module method `generate_square_subsequent_mask` to create this mask.")
        batched = query.dim() == 3
        if self.batch_first and batched:  # work in (N, L, E)
            q_in, k_in, v_in = query, key, value
        elif batched:
            same = query is key and key is value
            q_in = query.transpose(0, 1)
            k_in, v_in = (q_in, q_in) if same else (key.transpose(0, 1), value.transpose(0, 1))
        else:
            same = query is key and key is value
            q_in = query.unsqueeze(0)
            k_in, v_in = (q_in, q_in) if same else (key.unsqueeze(0), value.unsqueeze(0))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        N, L, E = q_in._data.shape
        S = k_in._data.shape[1]
        h, d = self.num_heads, self.head_dim
        dtype = q_in._data.dtype
        mask = _as_float_mask(attn_mask, dtype, "attn_mask")
        if mask is not None:
            ms = tuple(mask._data.shape)
            if ms == (L, S):
                pass
            elif ms == (N * h, L, S):
                mask = mask.reshape(N, h, L, S)
            else:
                raise RuntimeError(f"The shape of the {len(ms)}D attn_mask is {ms}, but should be {(L, S)} or "
                                   f"{(N * h, L, S)}.")
        kpm = _as_float_mask(key_padding_mask, dtype, "key_padding_mask")
        if kpm is not None:
            if tuple(kpm._data.shape) != (N, S):
                raise RuntimeError(f"expecting key_padding_mask shape of {(N, S)}, but got "
                                   f"{tuple(kpm._data.shape)}")
            kpm = kpm.reshape(N, 1, 1, S)
            mask = kpm if mask is None else mask + kpm
        p = self.dropout if self.training else 0.0
        weights = None
        extra = (self.bias_k is not None) + self.add_zero_attn  # key positions appended (unmasked)
        if extra and mask is not None:
            pad = Tensor._wrap(np.zeros(tuple(mask._data.shape[:-1]) + (extra,), dtype))
            mask = cat([mask, pad], -1)
        if not extra and not need_weights and self._qkv_same_embed_dim and q_in is k_in and k_in is v_in:
            # self-attention: one projection product, then one node for heads, attention and merging
            qkv = F.linear(q_in, self.in_proj_weight, self.in_proj_bias)
            out = self.out_proj(F_attention.self_attention(qkv, mask, h, 1.0 / math.sqrt(d), p))
            if not batched:
                return out.squeeze(0), None
            return (out if self.batch_first else out.transpose(0, 1)), None
        q, k, v = self._project(q_in, k_in, v_in)
        if self.bias_k is not None:  # one more key/value position: (N, S + 1, E)
            k = cat([k, self.bias_k.expand(N, 1, E)], 1)
            v = cat([v, self.bias_v.expand(N, 1, E)], 1)
            S += 1
        q = q.reshape(N, L, h, d).transpose(1, 2)  # (N, h, L, d)
        k = k.reshape(N, S, h, d).transpose(1, 2)
        v = v.reshape(N, S, h, d).transpose(1, 2)
        if self.add_zero_attn:  # a zero key/value position per head: (N, h, S + 1, d)
            zero = Tensor._wrap(np.zeros((N, h, 1, d), dtype))
            k, v = cat([k, zero], 2), cat([v, zero], 2)
        if need_weights:  # explicit nodes: the weights are an output of their own
            scores = (q * (1.0 / math.sqrt(d))) @ k.transpose(-2, -1)
            if mask is not None:
                scores = scores + mask
            attn = F.softmax(scores, dim=-1)
            weights = attn
            if p > 0:
                attn = F.dropout(attn, p)
            out = attn @ v
            if average_attn_weights:
                weights = weights.mean(dim=1)
        else:
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
        out = out.transpose(1, 2).reshape(N, L, E)
        out = self.out_proj(out)
        if not batched:
            out = out.squeeze(0)
            weights = weights.squeeze(0) if weights is not None else None
        elif not self.batch_first:
            out = out.transpose(0, 1)
        return out, weights

    def extra_repr(self) -> str:
        return ""
