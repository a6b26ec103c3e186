"""Identity, Linear (one fused node), Maxout, Flatten and Unflatten."""

from __future__ import annotations

import math

from .. import ops
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import empty_parameter


class Identity(Module):
    """Returns its input unchanged: a placeholder layer (any constructor arguments are ignored).

    Shape:
        - Input: (*), any shape.
        - Output: the input itself.

    Args:
        *args: accepted and ignored, as PyTorch's.
        **kwargs: accepted and ignored.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Identity(54, unused="ignored")(cr.ones(2)).tolist()
        [1.0, 1.0]
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """A fully connected layer: y = x @ W.T + b, computed as one fused node (one matmul plus the bias).

    The weight W has shape (out_features, in_features), as in PyTorch, and W and b both start uniform on
    [-1/sqrt(in_features), 1/sqrt(in_features)] (PyTorch's default); re-initialise with `chainrule.nn.init`.
    Backward: dL/dx = G @ W, dL/dW = G.T @ x, dL/db = G summed over the batch (G = dL/dy).

    Args:
        in_features: size of each input sample (the last dimension of the input).
        out_features: size of each output sample.
        bias: learn an additive bias b (default True); with False, `self.bias` is None.
        device: only "cpu" (or None) is accepted; chainrule has no GPU backend.
        dtype: the parameters' dtype (default: `chainrule.get_default_dtype()`, float32).

    Shape:
        - Input: (*, in_features), any number of leading dimensions.
        - Output: (*, out_features).

    Attributes:
        weight: the learnable weight, shape (out_features, in_features).
        bias: the learnable bias, shape (out_features,), or None.

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.Linear(20, 30)
        >>> layer(cr.randn(128, 20)).shape
        chainrule.Size([128, 30])
        >>> layer.weight.shape, layer.bias.shape
        (chainrule.Size([30, 20]), chainrule.Size([30]))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = empty_parameter(out_features, in_features, dtype=dtype, device=device)
        if bias:
            self.bias = empty_parameter(out_features, dtype=dtype, device=device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw weight and bias again from U(-1/sqrt(in_features), 1/sqrt(in_features)) (PyTorch's init).

        Examples:
            >>> import chainrule as cr
            >>> layer = cr.nn.Linear(2, 3)
            >>> with cr.no_grad():
            ...     _ = layer.weight.fill_(5.0)
            >>> layer.reset_parameters()
            >>> bool(layer.weight.abs().max() <= 2 ** -0.5)
            True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # = U(-1/sqrt(in), 1/sqrt(in))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Maxout(Module):
    """Maxout (Goodfellow et al., 2013): the maximum of `pieces` linear maps of the input, per output unit.

    Computed as one Linear to out_features * pieces, then the max over each unit's group of pieces; the gradient
    goes to the winning piece (ties share it).

    Args:
        in_features: size of each input sample.
        out_features: number of output units.
        pieces: number of linear pieces each unit takes the maximum of (2 gives max(w1·x + b1, w2·x + b2)).
        bias: learn biases (default True).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (*, in_features).
        - Output: (*, out_features).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Maxout(4, 3, pieces=2)(cr.randn(5, 4)).shape
        chainrule.Size([5, 3])
    """

    def __init__(self, in_features: int, out_features: int, pieces: int, bias: bool = True, dtype=None) -> None:
        super().__init__()
        self.in_features, self.out_features, self.pieces = in_features, out_features, pieces
        self.linear = Linear(in_features, out_features * pieces, bias=bias, dtype=dtype)

    def forward(self, input: Tensor) -> Tensor:
        z = self.linear(input)
        return ops.amax(z.reshape(tuple(z.shape[:-1]) + (self.out_features, self.pieces)), -1)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, pieces={self.pieces}"


class Flatten(Module):
    """Flattens dimensions start_dim..end_dim into one; by default every dimension but the batch dimension.

    Args:
        start_dim: first dimension to flatten (default 1: keep the batch dimension).
        end_dim: last dimension to flatten (default -1, the last).

    Shape:
        - Input: (N, *dims).
        - Output: (N, prod(dims)) with the defaults.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Flatten()(cr.zeros(32, 1, 28, 28)).shape
        chainrule.Size([32, 784])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return ops.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dimension `dim` into the shape `unflattened_size` (the inverse of Flatten).

    Args:
        dim: the dimension to split.
        unflattened_size: the shape it becomes; its product must equal the size of `dim`.

    Shape:
        - Input: (..., S, ...), S the size of dim.
        - Output: the same with S replaced by the dimensions of unflattened_size.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Unflatten(1, (1, 28, 28))(cr.zeros(32, 784)).shape
        chainrule.Size([32, 1, 28, 28])
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        return ops.unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
