"""More activations, PyTorch's formulas and kinks: celu selu mish hardswish hardsigmoid softsign tanhshrink
softshrink hardshrink threshold rrelu glu.

Piecewise ops keep bool masks of their pieces (constants) and write their backward as Tensor-friendly
arithmetic on the saved output or input, so under create_graph the same lines give exact second derivatives.
softsign, tanhshrink and glu are compositions, as in PyTorch's own Python definitions.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..random import default_rng
from ..tensor import Tensor
from ._declare import case, declare
from ._promote import kernel_missing
from ._util import raw
from .activation import _act, leaky_relu, softplus

__all__ = ["celu", "celu_", "glu", "hardshrink", "hardsigmoid", "hardswish", "mish", "rrelu", "rrelu_", "selu",
           "selu_", "softshrink", "softsign", "tanhshrink", "threshold", "threshold_"]

F = "F"
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_ONE_SIXTH_F32 = float(np.float32(1.0) / np.float32(6.0))


def _float_only(input, kernel: str, ints: bool = False) -> None:
    """PyTorch's NotImplementedError for dtypes its kernel lacks: bool always, integers unless `ints`."""
    dt = raw(input).dtype
    if dt.kind == "b" or (dt.kind in "iu" and not ints):
        raise kernel_missing(kernel, dt)


def _mask(cond: np.ndarray, like) -> np.ndarray:
    """A bool mask as 0/1 in the dtype of `like` (an array or Tensor), to multiply gradients by."""
    return cond.astype(raw(like).dtype)


class CELU(Op):
    """out = scale * x where x > 0, else scale * alpha * (exp(x * s) - 1); celu: scale 1, s = 1/alpha;
    selu: PyTorch's alpha and scale, s = 1."""

    @staticmethod
    def forward(ctx, x, alpha, scale, s):
        neg = np.expm1(np.minimum(x, 0) * s) * (alpha * scale)
        out = np.where(x > 0, x * x.dtype.type(scale), neg.astype(x.dtype, copy=False))
        ctx.save_for_backward(out)
        ctx.pos = x > 0
        ctx.consts = (alpha, scale, s)
        return out

    @staticmethod
    def backward(ctx, g):
        # d/dx = scale where x > 0, else scale * alpha * s * exp(x * s) = s * (out + scale * alpha)
        (out,) = ctx.saved
        alpha, scale, s = ctx.consts
        pos = ctx.pos
        return g * (_mask(pos, g) * scale + (out + scale * alpha) * s * _mask(~pos, g)), None, None, None


@declare(namespaces=("torch", F), cases=[case(lambda m, x: m.nn.functional.celu(x, alpha=0.5), (3, 4)),
                                         case(lambda m, x: m.celu(x), (5,), suffix="default")])
def celu(input, alpha: float = 1.0, inplace: bool = False):
    """CELU(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); alpha (default 1.0) must not be 0."""
    if alpha == 0:
        raise RuntimeError("celu: ZeroDivisionError: alpha must not be 0 (celu divides x by alpha)")
    _float_only(input, "elu_cpu")
    return _act(CELU, "celu_", input, inplace, float(alpha), 1.0, 1.0 / alpha)


@declare(namespaces=("torch", F), cases=[case(lambda m, x: m.nn.functional.selu(x), (3, 4))])
def selu(input, inplace: bool = False):
    """SELU(x) = scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), alpha = 1.6733, scale = 1.0507."""
    _float_only(input, "elu_cpu")
    return _act(CELU, "selu_", input, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0)


def _tanh(v):
    return v.tanh() if isinstance(v, Tensor) else np.tanh(v)


def _sigmoid(v):
    return v.sigmoid() if isinstance(v, Tensor) else 0.5 + 0.5 * np.tanh(0.5 * v)


def _softplus(v):
    return softplus(v) if isinstance(v, Tensor) else np.logaddexp(v.dtype.type(0), v)


class Mish(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * np.tanh(_softplus(x))

    @staticmethod
    def backward(ctx, g):
        # d/dx x tanh(softplus(x)) = t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))
        (x,) = ctx.saved
        t = _tanh(_softplus(x))
        return g * (t + x * _sigmoid(x) * (1 - t * t))


@declare(namespaces=(F,), cases=[case(lambda m, x: m.nn.functional.mish(x), (3, 4))])
def mish(input, inplace: bool = False):
    """Mish(x) = x * tanh(softplus(x))."""
    _float_only(input, "mish_cpu")
    return _act(Mish, "mish_", input, inplace)


class Hardswish(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        mid = (x > -3) & (x < 3)
        ctx.mid, ctx.hi = mid, ~((x <= -3) | mid)  # hi: x >= 3, and NaN (PyTorch's last branch)
        return x * np.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, g):
        # d/dx = 0 for x <= -3, x/3 + 1/2 strictly inside (-3, 3), 1 for x >= 3 and NaN (PyTorch's branches)
        (x,) = ctx.saved
        if isinstance(x, Tensor):  # create_graph: the same pieces, recorded
            return g * ((x / 3 + 0.5) * _mask(ctx.mid, g) + _mask(ctx.hi, g))
        return g * np.where(ctx.mid, x / 3 + 0.5, _mask(ctx.hi, g))


@declare(namespaces=(F,), cases=[case(lambda m, x: m.nn.functional.hardswish(x * 3), (4, 5), kinds="away0")])
def hardswish(input, inplace: bool = False):
    """Hardswish(x) = x * relu6(x + 3) / 6."""
    _float_only(input, "hardswish_cpu")
    return _act(Hardswish, "hardswish_", input, inplace)


class Hardsigmoid(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.inside = (x > -3) & (x < 3)
        return np.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, g):
        # d/dx = 1/6 strictly inside (-3, 3), else 0; PyTorch's kernel uses 1/6 rounded to float32 (also for
        # float64), so this does too: the same gradient to the last bit
        return g * (_mask(ctx.inside, g) * _ONE_SIXTH_F32)


@declare(namespaces=(F,), cases=[case(lambda m, x: m.nn.functional.hardsigmoid(x * 3), (4, 5), kinds="away0")])
def hardsigmoid(input, inplace: bool = False):
    """Hardsigmoid(x) = relu6(x + 3) / 6."""
    _float_only(input, "hardsigmoid_cpu")
    return _act(Hardsigmoid, "hardsigmoid_", input, inplace)


@declare(namespaces=(F,), cases=[case(lambda m, x: m.nn.functional.softsign(x), (3, 4), kinds="away0")])
def softsign(input):
    """Softsign(x) = x / (1 + |x|) (PyTorch's own composition, so the same gradient)."""
    return input / (input.abs() + 1)


@declare(namespaces=(F,), cases=[case(lambda m, x: m.nn.functional.tanhshrink(x), (3, 4))])
def tanhshrink(input):
    """Tanhshrink(x) = x - tanh(x)."""
    return input - input.tanh()


class Shrink(Op):
    """softshrink (soft=True): x - lambd * sign(x) outside [-lambd, lambd]; hardshrink: x there; 0 inside."""

    @staticmethod
    def forward(ctx, x, lambd, soft):
        out_mask = (x < -lambd) | (x > lambd)
        ctx.out_mask = out_mask
        if soft:
            return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0)).astype(x.dtype, copy=False)
        return x * out_mask

    @staticmethod
    def backward(ctx, g):
        # d/dx = 1 outside [-lambd, lambd], 0 inside (edges included)
        return g * _mask(ctx.out_mask, g), None, None


def _lambd(lambd, op):
    if lambd < 0:
        raise RuntimeError(f"{op}: lambda must be greater or equal to 0, but found to be {lambd}.")
    return float(lambd)


@declare(namespaces=(F,), cases=[case(lambda m, x: m.nn.functional.softshrink(x, 0.3), (4, 5), kinds="away0")])
def softshrink(input, lambd: float = 0.5):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0 (lambd >= 0, default 0.5)."""
    _float_only(input, "softshrink_check")
    return Shrink.apply(input, _lambd(lambd, "softshrink"), True)


@declare(namespaces=("torch", F), method=True,
         cases=[case(lambda m, x: m.nn.functional.hardshrink(x, 0.3), (4, 5), kinds="away0"),
                case(lambda m, x: x.hardshrink(), (6,), kinds="away0", suffix="method")])
def hardshrink(input, lambd: float = 0.5):
    """x where |x| > lambd, else 0 (lambd >= 0, default 0.5)."""
    _float_only(input, "hardshrink_cpu")
    return Shrink.apply(input, _lambd(lambd, "hardshrink"), False)


class Threshold(Op):
    @staticmethod
    def forward(ctx, x, threshold, value):
        keep = x > threshold
        ctx.keep = keep
        return np.where(keep, x, x.dtype.type(value))

    @staticmethod
    def backward(ctx, g):
        # d/dx = 1 where x > threshold (the input passes), else 0 (the constant value)
        return g * _mask(ctx.keep, g), None, None


@declare(namespaces=("torch", F),
         cases=[case(lambda m, x: m.nn.functional.threshold(x, 0.1, -2.0), (4, 5), kinds="away0")])
def threshold(input, threshold: float, value: float, inplace: bool = False):
    """y = x where x > threshold, else value."""
    _float_only(input, "threshold_cpu", ints=True)
    return _act(Threshold, "threshold_", input, inplace, threshold, value)


class RReLU(Op):
    """Training-mode RReLU: x where x > 0, else a * x with a ~ U(lower, upper) drawn per element."""

    @staticmethod
    def forward(ctx, x, slopes):
        ctx.slopes = slopes
        return x * slopes

    @staticmethod
    def backward(ctx, g):
        # d/dx = 1 where x > 0, else the drawn slope a (x = 0 included, as PyTorch)
        return g * ctx.slopes, None


@declare(namespaces=("torch", F),
         cases=[case(lambda m, x: m.nn.functional.rrelu(x, 0.1, 0.3), (4, 5), kinds="away0"),
                # lower = upper: the drawn slopes are one number, so the training path is deterministic
                case(lambda m, x: m.nn.functional.rrelu(x, 0.2, 0.2, training=True), (4, 5), kinds="away0",
                     suffix="training")])
def rrelu(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, inplace: bool = False):
    """Randomized leaky ReLU: in training each negative element gets a slope drawn from U(lower, upper);
    in evaluation (the default) the slope is (lower + upper) / 2, a leaky_relu."""
    _float_only(input, "leaky_relu_cpu")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    x = raw(input)
    slopes = np.where(x > 0, 1.0, default_rng().uniform(lower, upper, x.shape)).astype(x.dtype)  # x <= 0 drawn
    return _act(RReLU, "rrelu_", input, inplace, slopes)


@declare(namespaces=(F,), cases=[case(lambda m, x: m.nn.functional.glu(x), (3, 4)),
                                 case(lambda m, x: m.nn.functional.glu(x, dim=0), (4, 3), suffix="dim0")])
def glu(input, dim: int = -1):
    """GLU(a, b) = a * sigmoid(b), with a and b the two halves of `input` along `dim` (default -1).

    Raises:
        RuntimeError: a 0-d input, or an odd size along `dim`.
    """
    _float_only(input, "glu_cpu")
    if input.ndim == 0:
        raise RuntimeError("glu: glu does not support scalars because halving size must be even")
    d = dim % input.ndim if -input.ndim <= dim < input.ndim else dim
    if not isinstance(d, int) or not 0 <= d < input.ndim:
        raise IndexError(f"glu: dimension {dim} is out of range for a tensor of {input.ndim} dimensions")
    if input.shape[d] % 2:
        raise RuntimeError(f"glu: Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    a, b = input.chunk(2, d)
    return a * b.sigmoid()


@declare(namespaces=("torch", F))
def celu_(input, alpha: float = 1.0):
    """celu(input, alpha, inplace=True): CELU written into `input`."""
    return celu(input, alpha, inplace=True)


@declare(namespaces=("torch", F))
def selu_(input):
    """selu(input, inplace=True): SELU written into `input`."""
    return selu(input, inplace=True)


@declare(namespaces=("torch", F))
def threshold_(input, threshold: float, value: float):
    """threshold(input, threshold, value, inplace=True)."""
    return globals()["threshold"](input, threshold, value, inplace=True)


@declare(namespaces=("torch", F))
def rrelu_(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False):
    """rrelu(input, lower, upper, training, inplace=True)."""
    return rrelu(input, lower, upper, training, inplace=True)
