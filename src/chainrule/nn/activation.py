"""Activation modules: thin Modules over nn.functional, with PyTorch's constructor arguments and reprs."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import empty_parameter


def _inplace(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


class ReLU(Module):
    """Rectified linear unit: ReLU(x) = max(x, 0), elementwise; the default hidden activation.

    Derivative: 1 where x > 0, else 0 (the backward reads the saved output). A unit whose input is negative for every sample gets no gradient (a "dead ReLU").

    Args:
        inplace: write the result into the input and return it (default False); refused, as in PyTorch, on
            a leaf that requires grad or a view of one.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.ReLU()(cr.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


class ReLU6(ReLU):
    """ReLU6(x) = min(max(x, 0), 6), elementwise.

    Derivative: 1 where 0 < x < 6, else 0.

    Args:
        inplace: write the result into the input and return it (default False); refused, as in PyTorch, on
            a leaf that requires grad or a view of one.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.ReLU6()(cr.tensor([-1.0, 3.0, 9.0]))
        tensor([0., 3., 6.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.relu6(input, inplace=self.inplace)


class LeakyReLU(Module):
    """Leaky ReLU: x where x > 0, else negative_slope * x; the small slope keeps negative units learning.

    Derivative: 1 where x > 0, else negative_slope.

    Args:
        negative_slope: the slope for x <= 0 (default 0.01).
        inplace: write the result into the input and return it (default False); refused, as in PyTorch, on
            a leaf that requires grad or a view of one.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.LeakyReLU(0.1)(cr.tensor([-2.0, 3.0]))
        tensor([-0.2000,  3.0000])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """Exponential linear unit: x where x > 0, else alpha * (exp(x) - 1).

    Derivative: 1 where x > 0, else alpha * exp(x).

    Args:
        alpha: the value approached as x -> -inf is -alpha (default 1.0).
        inplace: write the result into the input and return it (default False); refused, as in PyTorch, on
            a leaf that requires grad or a view of one.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.ELU()(cr.tensor([-1.0, 2.0]))
        tensor([-0.6321,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """Gaussian error linear unit: x * Phi(x), Phi the standard normal CDF (Transformers' usual activation).

    Derivative: Phi(x) + x phi(x) (phi the normal density).

    Args:
        approximate: "none" (default, exact with erf) or "tanh" (the tanh approximation).

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.GELU()(cr.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.0000,  0.8413])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """SiLU (swish): x * sigmoid(x).

    Derivative: s (1 + x (1 - s)), s = sigmoid(x).

    Args:
        inplace: write the result into the input and return it (default False); refused, as in PyTorch, on
            a leaf that requires grad or a view of one.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.SiLU()(cr.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7311])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


class Sigmoid(Module):
    """Sigmoid: 1 / (1 + exp(-x)), squashing into (0, 1).

    Derivative: y (1 - y) <= 0.25, from the saved output y: ten sigmoid layers shrink a gradient by at least 4^10 (vanishing gradients).

    Args:
        *args: accepted and ignored, as PyTorch's.
        **kwargs: accepted and ignored.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Sigmoid()(cr.tensor([0.0, 2.0]))
        tensor([0.5000, 0.8808])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    """Hyperbolic tangent: tanh(x) = 2 sigmoid(2x) - 1, squashing into (-1, 1), zero-centred.

    Derivative: 1 - y^2, from the saved output y.

    Args:
        *args: accepted and ignored, as PyTorch's.
        **kwargs: accepted and ignored.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Tanh()(cr.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7616])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Hardtanh(Module):
    """Hard tanh: clamp(x, min_val, max_val).

    Derivative: 1 strictly between min_val and max_val, else 0.

    Args:
        min_val: the lower bound (default -1.0).
        max_val: the upper bound (default 1.0).
        inplace: write the result into the input and return it (default False); refused, as in PyTorch, on
            a leaf that requires grad or a view of one.
        min_value: deprecated alias of min_val (as in PyTorch).
        max_value: deprecated alias of max_val.

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Hardtanh()(cr.tensor([-3.0, 0.5, 3.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False, min_value=None,
                 max_value=None) -> None:
        super().__init__()
        self.min_val = min_val if min_value is None else min_value
        self.max_val = max_val if max_value is None else max_value
        if self.max_val <= self.min_val:
            raise ValueError(f"Hardtanh: max_val ({self.max_val}) must be greater than min_val ({self.min_val})")
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class Softplus(Module):
    """Softplus: log(1 + exp(beta x)) / beta, a smooth ReLU; linear where beta x > threshold.

    Derivative: sigmoid(beta x) (1 in the linear region).

    Args:
        beta: the sharpness (default 1.0).
        threshold: beta x above which the output is x (default 20.0).

    Shape:
        - Input: (*), any shape. Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Softplus()(cr.tensor([0.0, 30.0]))
        tensor([ 0.6931, 30.0000])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """Softmax along `dim`: exp(x) / sum(exp(x)), computed after subtracting the maximum (stable).

    Backward: dL/dx = y * (g - sum(g * y)) along dim. Do not put it before CrossEntropyLoss, which takes logits.

    Args:
        dim: the dimension whose entries sum to 1 (None: PyTorch's legacy choice, 0 for 0-, 1- and 3-D inputs,
            else 1; pass it explicitly).

    Shape:
        - Input: (*). Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Softmax(dim=1)(cr.tensor([[1.0, 2.0, 3.0]]))
        tensor([[0.0900, 0.2447, 0.6652]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log-softmax along `dim`: x - logsumexp(x), stable for any x. Pair it with NLLLoss.

    Args:
        dim: the dimension to normalise over.

    Shape:
        - Input: (*). Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.LogSoftmax(dim=1)(cr.tensor([[0.0, 0.0]]))
        tensor([[-0.6931, -0.6931]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim)


class Softmin(Softmax):
    """Softmin along `dim`: softmax(-x), the smallest entry gets the largest weight.

    Args:
        dim: the dimension whose entries sum to 1 (default None: PyTorch's legacy choice, as Softmax's, with a
            warning).

    Shape:
        - Input: (*), any shape.
        - Output: the same shape, values in (0, 1) summing to 1 along dim.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Softmin(dim=0)(cr.tensor([0.0, 1.0]))
        tensor([0.7311, 0.2689])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim)


class PReLU(Module):
    """Parametric ReLU: max(x, 0) + a * min(x, 0) with a learnable negative slope a.

    Args:
        num_parameters: 1 (default: one slope shared by all channels) or the number of channels (dimension 1 of
            the input), one slope each.
        init: the slopes' initial value (default 0.25).
        device: only "cpu" (or None).
        dtype: the parameter's dtype (default float32).

    Shape:
        - Input: (N, C, *) or (*) with num_parameters=1. Output: the same shape.

    Attributes:
        weight: the slopes, shape (num_parameters,).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.PReLU()(cr.tensor([-2.0, 3.0]))
        tensor([-0.5000,  3.0000], grad_fn=<PreluKernelBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = empty_parameter(num_parameters, dtype=dtype, device=device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope back to `init`.

        Examples:
            >>> import chainrule as cr
            >>> prelu = cr.nn.PReLU(init=0.1)
            >>> with cr.no_grad():
            ...     _ = prelu.weight.fill_(0.9)
            >>> prelu.reset_parameters()
            >>> prelu.weight
            Parameter containing:
            tensor([0.1000], requires_grad=True)
        """
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
