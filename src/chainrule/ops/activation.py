"""Activation functions. Each saves what its derivative needs (an output or a mask), never recomputes.

When create_graph=True the engine hands backward Tensors: the few backwards that reuse a derived array (gelu's
cdf, silu's sigmoid) rebuild it from the input then, so second derivatives stay exact.
"""

from __future__ import annotations

import math as _math
import warnings as _warnings

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._declare import case, declare
from ._rows import rowmax, rowsum
from ._util import norm_dim as _norm_dim
from ._util import raw as _raw
from ._util import zeros_for
from .elementwise import sigmoid as _sigmoid
from .unary import erf as _erf
from .unary import erf_array as _erf_array

_SQRT1_2 = 1 / _math.sqrt(2.0)
_INV_SQRT_2PI = 1 / _math.sqrt(2 * _math.pi)
_K_TANH = _math.sqrt(2 / _math.pi)


class ReLU(Op):
    node_name = "ReluBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, zeros_for(x))  # = max(x, 0), on NumPy's fast loop
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # relu'(x) = 1 where x > 0, else 0 (relu'(0) = 0; NaN passes g through), as PyTorch: out = relu(x) != 0
        (out,) = ctx.saved
        return g * (out != 0)


def _act(cls, name: str, input, inplace: bool, *args):
    """cls.apply(input, *args), or with inplace=True the same op written into input (autograd/views.py)."""
    if not inplace:
        return cls.apply(input, *args)
    from ..autograd.views import inplace as _inplace

    return _inplace(input, name, cls.apply, *args)


def relu(input, inplace: bool = False):
    """max(x, 0)."""
    return _act(ReLU, "relu_", input, inplace)


class LeakyReLU(Op):
    node_name = "LeakyReluBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return np.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, g):
        # d/dx = 1 where x > 0, else negative_slope (x = 0 included, as in PyTorch)
        (x,) = ctx.saved
        scalar = getattr(g, "_data", g).dtype.type  # g is a Tensor under create_graph
        return g * np.where(_raw(x) > 0, scalar(1), scalar(ctx.slope)), None


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    """x where x > 0, else negative_slope * x."""
    return _act(LeakyReLU, "leaky_relu_", input, inplace, float(negative_slope))


class ELU(Op):
    node_name = "EluBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x, alpha):
        out = np.where(x > 0, x, np.expm1(np.minimum(x, 0)) * alpha)
        ctx.save_for_backward(out)
        ctx.alpha = alpha
        return out

    @staticmethod
    def backward(ctx, g):
        # d/dx = 1 where x > 0, else alpha * exp(x) = out + alpha
        (out,) = ctx.saved
        return np.where(_raw(out) > 0, g, g * (out + ctx.alpha)), None


def elu(input, alpha: float = 1.0, inplace: bool = False):
    """x where x > 0, else alpha * (exp(x) - 1)."""
    return _act(ELU, "elu_", input, inplace, float(alpha))


class GELU(Op):
    node_name = "GeluBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh" and (x.ndim == 0 or x.dtype.kind != "f"):  # 0-d (NumPy gives scalars) or ints
            t = np.tanh((x + x * x * x * 0.044715) * _K_TANH)
            ctx.t = t
            return x * (t + 1) * 0.5
        if approximate == "tanh":
            t = x * x  # t = tanh(k (x + 0.044715 x^3)), built in one buffer
            t *= 0.044715 * _K_TANH
            t += _K_TANH
            t *= x
            np.tanh(t, out=t)
            ctx.t = t
            out = t + 1
            out *= x
            out *= 0.5
            return out
        cdf = _erf_array(x * _SQRT1_2)
        cdf += 1
        cdf *= 0.5
        ctx.cdf = cdf
        return x * cdf

    @staticmethod
    def backward(ctx, g):
        # exact: d/dx x Phi(x) = Phi(x) + x phi(x) ; tanh: 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 c x^2)
        (x,) = ctx.saved
        again = isinstance(x, Tensor)  # create_graph: rebuild derived arrays from x, differentiably
        if ctx.approximate == "tanh":
            if again or x.ndim == 0 or x.dtype.kind != "f":
                t = np.tanh((x + x * x * x * 0.044715) * _K_TANH)
                dt = (1 - t * t) * (x * x * 0.134145 + 1) * _K_TANH
                return g * ((t + 1) + x * dt) * 0.5, None
            t = ctx.t
            dx = t * t  # in one buffer: 0.5 g ((1 + t) + x (1 - t^2) k (1 + 0.134145 x^2))
            np.subtract(1, dx, out=dx)
            u = x * x
            u *= 0.134145 * _K_TANH
            u += _K_TANH
            u *= x
            dx *= u
            dx += t
            dx += 1
            dx *= g
            dx *= 0.5
            return dx, None
        cdf = (_erf(x * _SQRT1_2) + 1) * 0.5 if again else ctx.cdf
        return g * (cdf + x * np.exp(x * x * -0.5) * _INV_SQRT_2PI), None


def gelu(input, approximate: str = "none"):
    """x * Phi(x) with Phi the standard normal CDF (erf); approximate='tanh' uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(input, approximate)


class SiLU(Op):
    node_name = "SiluBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x):
        s = np.tanh(x * 0.5)  # sigmoid(x) = (1 + tanh(x/2)) / 2, stable for any x
        s += 1
        s *= 0.5
        ctx.save_for_backward(x)
        ctx.s = s
        return x * s

    @staticmethod
    def backward(ctx, g):
        # d/dx x s(x) = s (1 + x (1 - s))
        (x,) = ctx.saved
        s = _sigmoid(x) if isinstance(x, Tensor) else ctx.s
        return g * s * (x * (1 - s) + 1)


def silu(input, inplace: bool = False):
    """x * sigmoid(x) (also called swish)."""
    return _act(SiLU, "silu_", input, inplace)


class Softplus(Op):
    @staticmethod
    def forward(ctx, x, beta, threshold):
        bx = x * beta
        out = np.logaddexp(bx, 0) / beta  # log(1 + exp(bx)) / beta without overflow
        lin = bx > threshold
        ctx.save_for_backward(x)
        ctx.beta, ctx.lin = beta, lin
        return np.where(lin, x, out.astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, g):
        # d/dx = sigmoid(beta x), and 1 where beta x > threshold (the linear region)
        (x,) = ctx.saved
        if isinstance(x, Tensor):
            s = _sigmoid(x * ctx.beta)
        else:
            s = np.tanh(x * (0.5 * ctx.beta))
            s += 1
            s *= 0.5
        return np.where(ctx.lin, g, g * s), None, None


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    return Softplus.apply(input, float(beta), float(threshold))


class Hardtanh(Op):
    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.mask = (x > lo) & (x < hi)
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, g):
        # the gradient passes strictly inside (min_val, max_val), 0 at and beyond the edges (PyTorch)
        return g * ctx.mask, None, None


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """Clamp to [min_val, max_val]; gradient 1 strictly inside, 0 elsewhere."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not be greater than max_val ({max_val})")
    if isinstance(input, Tensor) and input._data.dtype.kind in "iu":
        # an integer tensor keeps its dtype: PyTorch truncates the bounds toward zero, as int() does
        min_val, max_val = int(min_val), int(max_val)
        if input._data.dtype.kind == "u" and min_val < 0:
            raise RuntimeError(f"hardtanh: cannot do hardtanh on an unsigned type ({input.dtype}) with negative "
                               f"limits (min_val {min_val}); convert the input with .int() first")
    return _act(Hardtanh, "hardtanh_", input, inplace, min_val, max_val)


def relu6(input, inplace: bool = False):
    """min(max(x, 0), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def _max(x, axis):
    if axis == x.ndim - 1 and x.ndim > 1 and x.shape[-1] and type(x) is np.ndarray:
        return rowmax(x)  # over short rows NumPy's reduce is slow (ops._rows)
    return np.max(x, axis=axis, keepdims=True, initial=-np.inf)  # initial: empty slices are allowed


def _sum(x, axis):
    if axis == x.ndim - 1 and x.ndim > 1 and type(x) is np.ndarray:  # (a Tensor under create_graph)
        return rowsum(x)
    return np.sum(x, axis=axis, keepdims=True)


class Softmax(Op):
    @staticmethod
    def forward(ctx, x, axis):
        e = x - _max(x, axis)
        np.exp(e, out=e)
        e /= _sum(e, axis)
        ctx.save_for_backward(e)
        ctx.axis = axis
        return e

    @staticmethod
    def backward(ctx, g):
        # dL/dx = y * (g - sum(g * y))
        (y,) = ctx.saved
        gy = g * y
        return gy - y * _sum(gy, ctx.axis), None


class LogSoftmax(Op):
    @staticmethod
    def forward(ctx, x, axis):
        out = x - _max(x, axis)
        out -= np.log(_sum(np.exp(out), axis))
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g - exp(out) * sum(g)
        (out,) = ctx.saved
        return g - np.exp(out) * _sum(g, ctx.axis), None


def _softmax_input(input, dim, dtype, name):
    x = input if isinstance(input, Tensor) else Tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"{name}: expected a floating point tensor, got {x.dtype}")
    if dim is None:
        dim = 0 if x.ndim in (0, 1, 3) else 1
        _warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                       "include dim=X as an argument.", UserWarning, stacklevel=3)
    if x.ndim == 0:
        return x.reshape(1), 0
    return x, _norm_dim(dim, x.ndim, name)[0]


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along dim, computed stably (shifted by the max)."""
    x, axis = _softmax_input(input, dim, dtype, "softmax")
    out = Softmax.apply(x, axis)
    return out.reshape(()) if getattr(input, "ndim", 1) == 0 else out


def log_softmax(input, dim=None, dtype=None):
    """x - logsumexp(x) along dim: finite for any finite logits."""
    x, axis = _softmax_input(input, dim, dtype, "log_softmax")
    out = LogSoftmax.apply(x, axis)
    return out.reshape(()) if getattr(input, "ndim", 1) == 0 else out


def softmin(input, dim=None, dtype=None):
    """softmax(-x)."""
    return softmax(-input, dim, dtype)


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

_F, _BOTH = ("F",), ("torch", "F")
declare(relu, namespaces=_BOTH, method=True, cases=[case(lambda m, x: m.relu(x), (3, 4), kinds="away0")])
declare(leaky_relu, namespaces=_F, cases=[case(lambda m, x: m.F.leaky_relu(x, 0.1), (3, 4), kinds="away0")])
declare(elu, namespaces=_F, cases=[case(lambda m, x: m.F.elu(x, alpha=1.5), (3, 4), kinds="away0")])
declare(gelu, namespaces=_F, cases=[
    case(lambda m, x: m.F.gelu(x), (3, 4)),
    case(lambda m, x: m.F.gelu(x * 4), (3, 4), suffix="wide"),
    case(lambda m, x: m.F.gelu(x, approximate="tanh"), (3, 4), suffix="tanh")])
declare(silu, namespaces=_F, cases=[case(lambda m, x: m.F.silu(x), (3, 4))])
declare(softplus, namespaces=_F, cases=[
    case(lambda m, x: m.F.softplus(x), (3, 4)),
    case(lambda m, x: m.F.softplus(x, beta=2.0, threshold=1.0), (3, 4), kinds="away0",
         suffix="beta_threshold")])
declare(hardtanh, namespaces=_F, cases=[case(lambda m, x: m.F.hardtanh(x, -0.5, 0.8), (3, 4), kinds="away0")])
declare(relu6, namespaces=_F, cases=[case(lambda m, x: m.F.relu6(x * 4), (3, 4), kinds="away0")])
declare(softmin, namespaces=_F, cases=[case(lambda m, x: m.F.softmin(x, dim=1), (3, 4))])
declare(softmax, namespaces=_BOTH, method=True, cases=[
    case(lambda m, x: x.softmax(-1), (3, 4)),
    case(lambda m, x: m.softmax(x, dim=0), (3, 4, 2), suffix="dim0")])
declare(log_softmax, namespaces=_BOTH, method=True, cases=[
    case(lambda m, x: m.F.log_softmax(x, dim=1), (3, 4)),
    case(lambda m, x: x.log_softmax(0), (2, 3, 2), suffix="3d")])
