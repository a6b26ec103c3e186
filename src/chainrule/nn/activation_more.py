"""More activation modules (PyTorch's constructor arguments and reprs) over ops/activation_more.py and
nn.functional: CELU SELU Mish Hardswish Hardsigmoid Softsign LogSigmoid Tanhshrink Softshrink Hardshrink
Threshold RReLU GLU."""

from __future__ import annotations

from ..ops import activation_more as A
from ..tensor import Tensor
from . import functional as F
from .module import Module


class _Inplace(Module):
    """An activation whose only argument is `inplace` (repr 'inplace=True' when set)."""

    _fn = None

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class SELU(_Inplace):
    """SELU(x) = scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), alpha = 1.6733, scale = 1.0507.

    The self-normalising activation (Klambauer et al., 2017): with `kaiming_normal_(...,
    nonlinearity="linear")`
    weights it keeps activations near zero mean and unit variance.

    Args:
        inplace: overwrite the input with the result (default False).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.SELU()(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-1.5202,  0.0000,  1.0507,  3.1521])
    """

    _fn = staticmethod(A.selu)


class Mish(_Inplace):
    """Mish(x) = x * tanh(softplus(x)) (Misra, 2019): a smooth, non-monotonic ReLU.

    Args:
        inplace: overwrite the input with the result (default False).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Mish()(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-0.2525,  0.0000,  0.8651,  2.9865])
    """

    _fn = staticmethod(A.mish)


class Hardswish(_Inplace):
    """Hardswish(x) = x * relu6(x + 3) / 6 (MobileNetV3): 0 below -3, x above 3, a parabola between.

    Args:
        inplace: overwrite the input with the result (default False).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Hardswish()(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-0.3333,  0.0000,  0.6667,  3.0000])
    """

    _fn = staticmethod(A.hardswish)


class Hardsigmoid(_Inplace):
    """Hardsigmoid(x) = relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between (a cheap sigmoid).

    Args:
        inplace: overwrite the input with the result (default False).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Hardsigmoid()(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([0.1667, 0.5000, 0.6667, 1.0000])
    """

    _fn = staticmethod(A.hardsigmoid)


class CELU(Module):
    """CELU(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)): a continuously differentiable ELU.

    Args:
        alpha: the scale of the negative part, which tends to -alpha (default 1.0).
        inplace: overwrite the input with the result (default False).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.CELU(alpha=0.5)(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-0.4908,  0.0000,  1.0000,  3.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class _NoArgs(Module):
    """An activation without arguments (PyTorch's accept and ignore any)."""

    _fn = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input)


class Softsign(_NoArgs):
    """Softsign(x) = x / (1 + |x|): a squashing function into (-1, 1) with polynomial tails.

    Args:
        *args: accepted and ignored (as PyTorch's no-argument activations do).
        **kwargs: accepted and ignored.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Softsign()(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-0.6667,  0.0000,  0.5000,  0.7500])
    """

    _fn = staticmethod(A.softsign)


class Tanhshrink(_NoArgs):
    """Tanhshrink(x) = x - tanh(x).

    Args:
        *args: accepted and ignored (as PyTorch's no-argument activations do).
        **kwargs: accepted and ignored.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Tanhshrink()(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-1.0360,  0.0000,  0.2384,  2.0049])
    """

    _fn = staticmethod(A.tanhshrink)


class LogSigmoid(_NoArgs):
    """LogSigmoid(x) = log(sigmoid(x)) = -softplus(-x), computed without overflow for any x.

    Args:
        *args: accepted and ignored (as PyTorch's no-argument activations do).
        **kwargs: accepted and ignored.

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.LogSigmoid()(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-2.1269, -0.6931, -0.3133, -0.0486])
    """

    _fn = staticmethod(F.logsigmoid)


class Softshrink(Module):
    """Softshrink(x) = x - lambd where x > lambd, x + lambd where x < -lambd, else 0 (soft thresholding).

    Args:
        lambd: the threshold, >= 0 (default 0.5).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Softshrink(0.5)(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-1.5000,  0.0000,  0.5000,  2.5000])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return A.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Softshrink):
    """Hardshrink(x) = x where |x| > lambd, else 0 (hard thresholding).

    Args:
        lambd: the threshold (default 0.5).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Hardshrink(0.5)(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-2.,  0.,  1.,  3.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.hardshrink(input, self.lambd)


class Threshold(Module):
    """Threshold: y = x where x > threshold, else value.

    Args:
        threshold: the value to compare with (no default).
        value: what replaces the elements at or below the threshold (no default).
        inplace: overwrite the input with the result (default False).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Threshold(0.5, -1.0)(cr.tensor([-2.0, 0.0, 1.0, 3.0]))
        tensor([-1., -1.,  1.,  3.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class RReLU(Module):
    """Randomized leaky ReLU (Xu et al., 2015): x for x >= 0, a * x below, with a slope a ~ U(lower, upper)
    drawn per negative element in training mode and the fixed a = (lower + upper) / 2 in eval mode.

    Args:
        lower: the lower bound of the slope (default 1/8).
        upper: the upper bound of the slope (default 1/3).
        inplace: overwrite the input with the result (default False).

    Shape:
        - Input: (*), any shape.
        - Output: (*), the input's shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.RReLU().eval()(cr.tensor([-2.0, 0.0, 1.0, 3.0]))  # slope (1/8 + 1/3) / 2
        tensor([-0.4583,  0.0000,  1.0000,  3.0000])
        >>> cr.nn.RReLU()(cr.full((1000,), -1.0)).mean().item() > -1 / 3  # random slopes in training
        True
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """The gated linear unit (Dauphin et al., 2017): a * sigmoid(b), a and b the two halves of the input along
    dim.

    Args:
        dim: the dimension split in half (default -1, the last).

    Shape:
        - Input: (*, 2 M, *), the size along dim even.
        - Output: (*, M, *).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.GLU()(cr.tensor([[1.0, 2.0, 0.0, -1.0]]))  # [1, 2] * sigmoid([0, -1])
        tensor([[0.5000, 0.5379]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return A.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
