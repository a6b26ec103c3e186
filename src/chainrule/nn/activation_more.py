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
    """scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), alpha = 1.6733, scale = 1.0507."""

    _fn = staticmethod(A.selu)


class Mish(_Inplace):
    """x * tanh(softplus(x))."""

    _fn = staticmethod(A.mish)


class Hardswish(_Inplace):
    """x * relu6(x + 3) / 6 (MobileNetV3)."""

    _fn = staticmethod(A.hardswish)


class Hardsigmoid(_Inplace):
    """relu6(x + 3) / 6."""

    _fn = staticmethod(A.hardsigmoid)


class CELU(Module):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). Args: alpha (default 1.0), inplace (default False)."""

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
    """x / (1 + |x|)."""

    _fn = staticmethod(A.softsign)


class Tanhshrink(_NoArgs):
    """x - tanh(x)."""

    _fn = staticmethod(A.tanhshrink)


class LogSigmoid(_NoArgs):
    """log(sigmoid(x)), stable for any x."""

    _fn = staticmethod(F.logsigmoid)


class Softshrink(Module):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0. Args: lambd (default 0.5)."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return A.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Softshrink):
    """x where |x| > lambd, else 0. Args: lambd (default 0.5)."""

    def forward(self, input: Tensor) -> Tensor:
        return A.hardshrink(input, self.lambd)


class Threshold(Module):
    """y = x where x > threshold, else value. Args: threshold, value, inplace (default False)."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class RReLU(Module):
    """Randomized leaky ReLU: in training a slope ~ U(lower, upper) per negative element, in eval
    (lower + upper) / 2. Args: lower (1/8), upper (1/3), inplace (False)."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """a * sigmoid(b), a and b the halves of the input along dim (default -1)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return A.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
