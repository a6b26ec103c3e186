"""nn.Transformer and its parts: encoder / decoder layers and stacks, with PyTorch's defaults and names.

Defaults as PyTorch: post-norm (norm_first=False), relu, dropout 0.1, dim_feedforward 2048, LayerNorm eps 1e-5,
(L, N, E) layout unless batch_first. Submodule names (`self_attn`, `multihead_attn`, `linear1`, `linear2`,
`norm1..3`, `layers.0`, `encoder.norm`, ...) match PyTorch's, so state dicts interchange.
"""

from __future__ import annotations

import copy

import numpy as np

from ..tensor import Tensor
from . import functional as F
from . import init
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm


def _activation(activation):
    if isinstance(activation, str):
        if activation == "relu":
            return F.relu
        if activation == "gelu":
            return F.gelu
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return activation


def generate_square_subsequent_mask(sz: int, device=None, dtype=None) -> Tensor:
    """The (sz, sz) causal mask: 0 on and below the diagonal, -inf above (position i sees positions <= i).

    Also `nn.Transformer.generate_square_subsequent_mask` (a static method there, as in PyTorch).

    Args:
        sz: the sequence length.
        device: only "cpu" (or None).
        dtype: the mask's dtype (default None: float32).

    Returns:
        A (sz, sz) float tensor, to pass as attn_mask / tgt_mask / mask.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Transformer.generate_square_subsequent_mask(3)
        tensor([[0., -inf, -inf],
                [0., 0., -inf],
                [0., 0., 0.]])
    """
    from .. import dtypes

    dt = np.float32 if dtype is None else dtypes.to_numpy_dtype(dtype)
    return Tensor._wrap(np.triu(np.full((sz, sz), -np.inf, dtype=dt), 1))


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with a residual connection and LayerNorm.

    Post-norm (default): x = norm1(x + SA(x)); x = norm2(x + FF(x)). Pre-norm (norm_first=True):
    x = x + SA(norm1(x)); x = x + FF(norm2(x)). FF(x) = linear2(dropout(activation(linear1(x)))).

    Args:
        d_model: the number of features E of every position.
        nhead: the number of attention heads (d_model must be divisible by it).
        dim_feedforward: the hidden width of the feed-forward block (default 2048).
        dropout: dropout probability after attention, inside and after the feed-forward block (default 0.1).
        activation: the feed-forward block's activation, "relu" (default), "gelu" or a callable.
        layer_norm_eps: the LayerNorms' eps (default 1e-5).
        batch_first: inputs and output are (N, L, E) instead of (L, N, E) (default False).
        norm_first: pre-norm (LayerNorm before each block) instead of post-norm (default False).
        bias: biases in the linear layers and LayerNorms (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Src: (L, N, E), (N, L, E) with batch_first, or (L, E) unbatched.
        - Output: the shape of src.

    Raises:
        RuntimeError: an activation string other than "relu" or "gelu".

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32)
        >>> layer(cr.randn(5, 2, 16)).shape
        chainrule.Size([5, 2, 16])
        >>> [name for name, _ in layer.named_children()]
        ['self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation="relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        """Encode src; returns a tensor of its shape.

        Args:
            src: the sequence, (L, N, E) (or (N, L, E) with batch_first).
            src_mask: the attention mask (L, L), as MultiheadAttention's attn_mask (default None).
            src_key_padding_mask: (N, L), True at padding positions (default None).
            is_causal: a hint that src_mask is the causal mask (default False).
        """
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's output (memory), feed-forward; residuals and LayerNorms.

    Post-norm (default): x = norm1(x + SA(x)); x = norm2(x + MHA(x, memory)); x = norm3(x + FF(x)); pre-norm
    with norm_first=True.

    Args:
        d_model: the number of features E of every position.
        nhead: the number of attention heads (d_model must be divisible by it).
        dim_feedforward: the hidden width of the feed-forward block (default 2048).
        dropout: dropout probability after attention, inside and after the feed-forward block (default 0.1).
        activation: the feed-forward block's activation, "relu" (default), "gelu" or a callable.
        layer_norm_eps: the LayerNorms' eps (default 1e-5).
        batch_first: inputs and output are (N, L, E) instead of (L, N, E) (default False).
        norm_first: pre-norm (LayerNorm before each block) instead of post-norm (default False).
        bias: biases in the linear layers and LayerNorms (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Tgt: (T, N, E), (N, T, E) with batch_first, or (T, E) unbatched; memory: (S, N, E) likewise.
        - Output: the shape of tgt.

    Raises:
        RuntimeError: an activation string other than "relu" or "gelu".

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.TransformerDecoderLayer(d_model=16, nhead=4, dim_feedforward=32, batch_first=True)
        >>> tgt, memory = cr.randn(2, 3, 16), cr.randn(2, 5, 16)  # N=2; T=3 targets, S=5 encoded positions
        >>> layer(tgt, memory, tgt_mask=cr.nn.Transformer.generate_square_subsequent_mask(3)).shape
        chainrule.Size([2, 3, 16])
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation="relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias,
                                            **kw)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first,
                                                 bias=bias, **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _activation(activation)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal: bool = False, memory_is_causal: bool = False):
        """Decode tgt attending to memory; returns a tensor of tgt's shape.

        Args:
            tgt: the target sequence, (T, N, E) (or (N, T, E) with batch_first).
            memory: the encoder's output, (S, N, E) likewise.
            tgt_mask: the self-attention mask (T, T), e.g. the causal mask (default None).
            memory_mask: the mask over memory positions (T, S) (default None).
            tgt_key_padding_mask: (N, T), True at padding target positions (default None).
            memory_key_padding_mask: (N, S), True at padding memory positions (default None).
            tgt_is_causal: a hint that tgt_mask is the causal mask (default False).
            memory_is_causal: a hint that memory_mask is the causal mask (default False).
        """
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask,
                                    memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                               memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal,
                           need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal):
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                is_causal=is_causal, need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """`num_layers` copies of an encoder layer (`layers.0`, ...), then an optional `norm`.

    Padded positions are computed like any other (PyTorch's nested-tensor fast path in eval mode returns zeros
    there instead).

    Args:
        encoder_layer: a TransformerEncoderLayer, deep-copied num_layers times (the copies share nothing).
        num_layers: the number of layers.
        norm: a module applied to the last layer's output, e.g. LayerNorm(d_model) (default None).
        enable_nested_tensor: accepted for PyTorch compatibility (default True; no nested tensors here).
        mask_check: accepted for PyTorch compatibility (default True).

    Shape:
        - Src: (L, N, E), (N, L, E) with the layer's batch_first, or (L, E).
        - Output: the shape of src.

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32)
        >>> encoder = cr.nn.TransformerEncoder(layer, num_layers=2, norm=cr.nn.LayerNorm(16))
        >>> padding = cr.tensor([[False] * 5, [False] * 3 + [True] * 2])  # sequence 1 has 3 real positions
        >>> encoder(cr.randn(5, 2, 16), src_key_padding_mask=padding).shape
        chainrule.Size([5, 2, 16])
        >>> len(encoder.layers), encoder.layers[0] is not encoder.layers[1]
        (2, True)
    """

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(self, src: Tensor, mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:
        """Run src through every layer, then norm; returns a tensor of src's shape.

        Args:
            src: the sequence, (L, N, E) (or (N, L, E) with batch_first).
            mask: the attention mask (L, L), as MultiheadAttention's attn_mask (default None).
            src_key_padding_mask: (N, L), True at padding positions (default None).
            is_causal: a hint that mask is the causal mask (default None: False).
        """
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal))
        return self.norm(x) if self.norm is not None else x


class TransformerDecoder(Module):
    """`num_layers` copies of a decoder layer (`layers.0`, ...), then an optional `norm`.

    Args:
        decoder_layer: a TransformerDecoderLayer, deep-copied num_layers times.
        num_layers: the number of layers.
        norm: a module applied to the last layer's output, e.g. LayerNorm(d_model) (default None).

    Shape:
        - Tgt: (T, N, E), (N, T, E) with the layer's batch_first, or (T, E); memory: (S, N, E) likewise.
        - Output: the shape of tgt.

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.TransformerDecoderLayer(d_model=16, nhead=4, dim_feedforward=32)
        >>> decoder = cr.nn.TransformerDecoder(layer, num_layers=2, norm=cr.nn.LayerNorm(16))
        >>> causal = cr.nn.Transformer.generate_square_subsequent_mask(3)
        >>> decoder(cr.randn(3, 2, 16), cr.randn(5, 2, 16), tgt_mask=causal, tgt_is_causal=True).shape
        chainrule.Size([3, 2, 16])
    """

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal: bool | None = None, memory_is_causal: bool = False):
        """Run tgt through every layer (each attending to memory), then norm; returns a tensor of tgt's shape.

        Args:
            tgt: the target sequence, (T, N, E) (or (N, T, E) with batch_first).
            memory: the encoder's output, (S, N, E) likewise.
            tgt_mask: the self-attention mask (T, T), e.g. the causal mask (default None).
            memory_mask: the mask over memory positions (T, S) (default None).
            tgt_key_padding_mask: (N, T), True at padding target positions (default None).
            memory_key_padding_mask: (N, S), True at padding memory positions (default None).
            tgt_is_causal: a hint that tgt_mask is the causal mask (default None: False).
            memory_is_causal: a hint that memory_mask is the causal mask (default False).
        """
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                      tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                      tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return self.norm(x) if self.norm is not None else x


class Transformer(Module):
    """The encoder-decoder Transformer of "Attention Is All You Need", PyTorch's `nn.Transformer`.

    An encoder (num_encoder_layers TransformerEncoderLayers and a LayerNorm) reads src; a decoder (decoder
    layers and a LayerNorm) reads tgt and attends to the encoder's output. Every parameter with more than one
    dimension starts xavier_uniform_, as in PyTorch.

    Args:
        d_model: the number of features E of every position (default 512).
        nhead: the number of attention heads (default 8).
        num_encoder_layers: encoder layers (default 6).
        num_decoder_layers: decoder layers (default 6).
        dim_feedforward: the hidden width of each feed-forward block (default 2048).
        dropout: the dropout probability (default 0.1).
        activation: "relu" (default), "gelu" or a callable.
        custom_encoder: a module used instead of the encoder (default None).
        custom_decoder: a module used instead of the decoder (default None).
        layer_norm_eps: the LayerNorms' eps (default 1e-5).
        batch_first: inputs and output are (N, L, E) instead of (L, N, E) (default False).
        norm_first: pre-norm layers (default False).
        bias: biases in the linear layers and LayerNorms (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Src: (S, N, E); tgt: (T, N, E) ((N, S, E), (N, T, E) with batch_first; (S, E), (T, E) unbatched).
        - Output: (T, N, E), the shape of tgt.

    Raises:
        RuntimeError: src and tgt batch sizes differ, or their feature size is not d_model.

    Examples:
        >>> import chainrule as cr
        >>> model = cr.nn.Transformer(d_model=16, nhead=4, num_encoder_layers=1, num_decoder_layers=1,
        ...                           dim_feedforward=32)
        >>> src, tgt = cr.randn(5, 2, 16), cr.randn(3, 2, 16)
        >>> model(src, tgt, tgt_mask=model.generate_square_subsequent_mask(3)).shape
        chainrule.Size([3, 2, 16])
        >>> sum(p.numel() for p in model.parameters())
        5632
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation="relu", custom_encoder=None, custom_decoder=None, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                                            batch_first, norm_first, bias, **kw)
            self.encoder = TransformerEncoder(layer, num_encoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                                            batch_first, norm_first, bias, **kw)
            self.decoder = TransformerDecoder(layer, num_decoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal: bool = False):
        """Encode src, decode tgt attending to the encoding; returns a tensor of tgt's shape.

        Args:
            src: the source sequence, (S, N, E) (or (N, S, E) with batch_first).
            tgt: the target sequence, (T, N, E) likewise.
            src_mask: the encoder's attention mask (S, S) (default None).
            tgt_mask: the decoder's self-attention mask (T, T), usually generate_square_subsequent_mask(T)
                (default None).
            memory_mask: the decoder's mask over the encoding (T, S) (default None).
            src_key_padding_mask: (N, S), True at padding source positions (default None).
            tgt_key_padding_mask: (N, T), True at padding target positions (default None).
            memory_key_padding_mask: (N, S), True at encoding positions to ignore (default None).
            src_is_causal: a hint that src_mask is the causal mask (default None).
            tgt_is_causal: a hint that tgt_mask is the causal mask (default None).
            memory_is_causal: a hint that memory_mask is the causal mask (default False).
        """
        bdim = 0 if self.batch_first else 1
        if src.dim() == 3 and src.shape[bdim] != tgt.shape[bdim]:
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    generate_square_subsequent_mask = staticmethod(generate_square_subsequent_mask)
