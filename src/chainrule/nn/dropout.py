"""Dropout: inverted dropout in training, the identity in eval mode."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class Dropout(Module):
    """Dropout: while training, zero each element with probability p and scale the rest by 1/(1-p), so the expected
    value is unchanged; in eval mode (`model.eval()`) it is the identity. The gradient flows only through the kept
    elements (times 1/(1-p)). Random draws follow `chainrule.manual_seed`.

    Args:
        p: the probability of zeroing an element (default 0.5), in [0, 1].
        inplace: write the result into the input and return it (default False); refused, as in PyTorch, on
            a leaf that requires grad or a view of one.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Raises:
        ValueError: p outside [0, 1].

    Examples:
        >>> import chainrule as cr
        >>> drop = cr.nn.Dropout(p=0.5)
        >>> y = drop(cr.ones(1000))
        >>> sorted(set(y.tolist())), 400 < int((y == 0).sum()) < 600
        ([0.0, 2.0], True)
        >>> drop.eval()(cr.ones(3)).tolist()
        [1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
