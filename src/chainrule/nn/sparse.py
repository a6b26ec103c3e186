"""nn.Embedding: a lookup table of learnable vectors, one row per index (PyTorch's module and parameter name)."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter, empty_parameter


class Embedding(Module):
    """A table of `num_embeddings` learnable vectors of size `embedding_dim`: out[...] = weight[input[...]].

    The weight starts N(0, 1), as in PyTorch, with row `padding_idx` (if given) zero; that row then gets no
    gradient. Backward adds each position's gradient into the row it looked up (an index-add).

    Args:
        num_embeddings: the number of rows (the vocabulary size).
        embedding_dim: the size of each vector.
        padding_idx: a row that stays fixed (zero at start, no gradient); negative counts from the end
            (default None).
        max_norm: looked-up rows whose norm exceeds it are rescaled in place (default None).
        norm_type: the p of that norm (default 2).
        scale_grad_by_freq: divide gradients by how often each index occurs in the batch (default False).
        sparse: only False (sparse gradients are not supported).
        _weight: use this (num_embeddings, embedding_dim) tensor as the weight (default None: N(0, 1)).
        _freeze: with _weight, make the weight not learnable (default False).
        device: only "cpu" (or None).
        dtype: the weight's dtype (default float32).

    Shape:
        - Input: an integer tensor of any shape (*), the indices.
        - Output: (*, embedding_dim).

    Attributes:
        weight: the learnable table, (num_embeddings, embedding_dim).

    Raises:
        IndexError: an index outside [0, num_embeddings).
        AssertionError: padding_idx outside the table (PyTorch's "Padding_idx must be within num_embeddings"),
            or a _weight of another shape.
        NotImplementedError: sparse=True.

    Examples:
        >>> import chainrule as cr
        >>> emb = cr.nn.Embedding(10, 3, padding_idx=0)
        >>> emb(cr.tensor([[0, 2], [4, 0]])).shape  # 2 sequences of 2 token ids
        chainrule.Size([2, 2, 3])
        >>> emb.weight[0].tolist()  # the padding row
        [0.0, 0.0, 0.0]
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Tensor | None = None, _freeze: bool = False, device=None,
                 dtype=None) -> None:
        super().__init__()
        if padding_idx is not None:
            if padding_idx > 0:
                assert padding_idx < num_embeddings, "Padding_idx must be within num_embeddings"
            elif padding_idx < 0:
                assert padding_idx >= -num_embeddings, "Padding_idx must be within num_embeddings"
                padding_idx = num_embeddings + padding_idx
        if sparse:
            raise NotImplementedError("nn.Embedding: sparse=True (sparse gradients) is not supported")
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse = max_norm, norm_type, \
            scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = empty_parameter(num_embeddings, embedding_dim, dtype=dtype, device=device)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """weight ~ N(0, 1), row padding_idx zero.

        Examples:
            >>> import chainrule as cr
            >>> emb = cr.nn.Embedding(4, 2, padding_idx=1)
            >>> with cr.no_grad():
            ...     _ = emb.weight.fill_(7.0)
            >>> emb.reset_parameters()
            >>> emb.weight[1].tolist(), bool((emb.weight[0] != 7.0).all())
            ([0.0, 0.0], True)
        """
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq=True"
        return s

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, padding_idx: int | None = None,
                        max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding whose weight is `embeddings` (2-D); not learnable when freeze (default True).

        Args:
            embeddings: the (num_embeddings, embedding_dim) table (its memory is shared).
            freeze: make the weight not learnable (default True).
            padding_idx: a row that gets no gradient (default None).
            max_norm: looked-up rows whose norm exceeds it are rescaled in place (default None).
            norm_type: the p of that norm (default 2).
            scale_grad_by_freq: divide gradients by each index's frequency in the batch (default False).
            sparse: only False.

        Returns:
            The Embedding.

        Raises:
            AssertionError: embeddings is not 2-D.

        Examples:
            >>> import chainrule as cr
            >>> table = cr.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
            >>> emb = cr.nn.Embedding.from_pretrained(table)
            >>> emb(cr.tensor([2, 0])), emb.weight.requires_grad
            (tensor([[5., 6.],
                    [1., 2.]]), False)
        """
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings,
                   _freeze=freeze)
