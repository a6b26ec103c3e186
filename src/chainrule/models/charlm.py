"""Character-level language models for the names data set, as in makemore: bigram, MLP, RNN/GRU/LSTM, Transformer.

Every model maps a batch of token contexts (B, T) to next-token logits: the bigram and the MLP see a fixed window
and give (B, V) for the token after it; the recurrent models and the Transformer see whole names and give
(B, T, V), one prediction per position. `build(kind, vocab_size, block_size, **sizes)` makes one from the
configuration that `chainrule train --dataset names` saves with the weights.
"""

from __future__ import annotations

from .. import creation, nn
from ..tensor import Tensor

SEQUENCE_MODELS = ("rnn", "gru", "lstm", "transformer")
DEFAULT_SIZES = {
    "bigram": {"block_size": 1},
    "mlp": {"block_size": 8, "n_embd": 24, "n_hidden": 256},
    "rnn": {"n_embd": 64, "n_hidden": 128},
    "gru": {"n_embd": 64, "n_hidden": 128},
    "lstm": {"n_embd": 64, "n_hidden": 128},
    "transformer": {"n_embd": 64, "n_head": 4, "n_layer": 4},
}


class Bigram(nn.Module):
    """The next token depends on the last one only: logits = W[last token], a learned (V, V) table.

    Args:
        vocab_size: tokens V (27 for names: '.' and 'a'..'z').

    Examples:
        >>> import chainrule
        >>> from chainrule.models.charlm import Bigram
        >>> m = Bigram(27)  # zero logits: every next token equally likely
        >>> m(chainrule.tensor([[0, 1], [0, 5]])).softmax(-1)[0, :3]
        tensor([0.0370, 0.0370, 0.0370], grad_fn=<SliceBackward0>)
    """

    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.logits = nn.Embedding(vocab_size, vocab_size)
        nn.init.zeros_(self.logits.weight)

    def forward(self, idx: Tensor) -> Tensor:
        return self.logits(idx[:, -1])


class MLP(nn.Module):
    """Bengio et al. (2003): embed the block_size previous tokens, concatenate, one tanh hidden layer, logits.

    Args:
        vocab_size: tokens V. block_size: context tokens. n_embd: embedding size. n_hidden: hidden units.

    Shape: (B, block_size) int64 tokens -> (B, V) logits of the next token.

    Examples:
        >>> import chainrule
        >>> from chainrule.models.charlm import MLP
        >>> MLP(27, block_size=3, n_embd=10, n_hidden=64)(chainrule.zeros(4, 3, dtype=chainrule.int64)).shape
        chainrule.Size([4, 27])
    """

    def __init__(self, vocab_size: int, block_size: int, n_embd: int, n_hidden: int) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.mlp = nn.Sequential(nn.Linear(block_size * n_embd, n_hidden), nn.Tanh(), nn.Linear(n_hidden, vocab_size))

    def forward(self, idx: Tensor) -> Tensor:
        return self.mlp(self.wte(idx).flatten(1))


class Recurrent(nn.Module):
    """Embedding -> nn.RNN / nn.GRU / nn.LSTM (one fused node per layer) -> Linear, over whole names.

    Args:
        kind: "rnn", "gru" or "lstm". vocab_size: tokens V. n_embd: embedding size. n_hidden: hidden units.

    Shape: (B, T) int64 tokens -> (B, T, V) logits, one prediction per position.

    Examples:
        >>> import chainrule
        >>> from chainrule.models.charlm import Recurrent
        >>> Recurrent("gru", 27, n_embd=8, n_hidden=16)(chainrule.zeros(2, 5, dtype=chainrule.int64)).shape
        chainrule.Size([2, 5, 27])
    """

    def __init__(self, kind: str, vocab_size: int, n_embd: int, n_hidden: int) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[kind](n_embd, n_hidden, batch_first=True)
        self.lm_head = nn.Linear(n_hidden, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        return self.lm_head(self.rnn(self.wte(idx))[0])


class Transformer(nn.Module):
    """A GPT as makemore's: token + position embeddings, pre-norm causal encoder layers (GELU, 4x width), a
    final LayerNorm and a linear head without bias; built from nn.TransformerEncoderLayer.

    Args:
        vocab_size: tokens V. block_size: the longest context T. n_embd: model width. n_head: attention heads.
        n_layer: encoder layers.

    Shape: (B, T) int64 tokens, T <= block_size -> (B, T, V) logits, position t seeing tokens 0..t only.

    Raises:
        ValueError: a context longer than block_size.

    Examples:
        >>> import chainrule
        >>> from chainrule.models.charlm import Transformer
        >>> gpt = Transformer(27, block_size=16, n_embd=64, n_head=4, n_layer=4)
        >>> sum(p.numel() for p in gpt.parameters())  # makemore's transformer
        204544
        >>> gpt(chainrule.zeros(2, 16, dtype=chainrule.int64)).shape
        chainrule.Size([2, 16, 27])
    """

    def __init__(self, vocab_size: int, block_size: int, n_embd: int, n_head: int, n_layer: int) -> None:
        super().__init__()
        self.block_size = block_size
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)

        def layer():
            return nn.TransformerEncoderLayer(n_embd, n_head, 4 * n_embd, dropout=0.0,
                                              activation=nn.GELU(approximate="tanh"), batch_first=True, norm_first=True)

        self.blocks = nn.TransformerEncoder(layer(), n_layer)
        for i in range(n_layer):  # TransformerEncoder deep-copies one layer; makemore draws each block's own weights
            self.blocks.layers[i] = layer()
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(block_size), persistent=False)

    def forward(self, idx: Tensor) -> Tensor:
        T = idx.shape[1]
        if T > self.block_size:
            raise ValueError(f"Transformer: a context of {T} tokens exceeds block_size {self.block_size}")
        pos = creation.arange(T)
        x = self.wte(idx) + self.wpe(pos)
        mask = self.mask[:T, :T].to(x.dtype)
        return self.lm_head(self.ln_f(self.blocks(x, mask=mask, is_causal=True)))


def build(kind: str, vocab_size: int, block_size: int, **sizes) -> nn.Module:
    """A model of `kind` ("bigram", "mlp", "rnn", "gru", "lstm", "transformer") with the given sizes.

    Args:
        kind: the model. vocab_size: tokens V. block_size: the context (the MLP's window, the Transformer's
            longest context; the others ignore it). **sizes: overrides of DEFAULT_SIZES[kind].

    Examples:
        >>> from chainrule.models.charlm import build
        >>> type(build("lstm", 27, 16)).__name__, build("mlp", 27, 8).mlp[0].in_features
        ('Recurrent', 192)
    """
    s = {**DEFAULT_SIZES[kind], **sizes}
    if kind == "bigram":
        return Bigram(vocab_size)
    if kind == "mlp":
        return MLP(vocab_size, s["block_size"], s["n_embd"], s["n_hidden"])
    if kind == "transformer":
        return Transformer(vocab_size, block_size, s["n_embd"], s["n_head"], s["n_layer"])
    return Recurrent(kind, vocab_size, s["n_embd"], s["n_hidden"])
