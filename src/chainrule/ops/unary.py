"""More elementwise math: log1p expm1 exp2 log2 log10 rsqrt reciprocal square erf, and the rounding family.

floor, ceil, round and trunc are piecewise constant: their gradient is 0 (PyTorch's convention), not missing.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Op
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._declare import case, declare
from ._util import raw

__all__ = [
    "ceil", "erf", "erf_array", "exp2", "expm1", "fix", "floor", "frac", "log1p", "log2", "log10",
    "reciprocal", "round", "rsqrt", "square", "trunc"
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Log1p(Op):
    node_name = "Log1PBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx, g):
        # d log(1 + x) = dx / (1 + x)
        (x,) = ctx.saved
        return g / (1 + x)


class Expm1(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d (e^x - 1) = e^x dx = (out + 1) dx
        (out,) = ctx.saved
        return g * (out + 1)


class Exp2(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d 2^x = 2^x ln 2 dx
        (out,) = ctx.saved
        return g * out * _LN2


class Log2(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log2(x)

    @staticmethod
    def backward(ctx, g):
        # d log2(x) = dx / (x ln 2)
        (x,) = ctx.saved
        return g / (x * _LN2)


class Log10(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log10(x)

    @staticmethod
    def backward(ctx, g):
        # d log10(x) = dx / (x ln 10)
        (x,) = ctx.saved
        return g / (x * _LN10)


class Rsqrt(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x, out=np.empty_like(x))  # an array even for 0-d x (NumPy gives scalars for 0-d results)
        np.divide(1, out, out=out)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d x^(-1/2) = -1/2 x^(-3/2) dx = -out^3 / 2 dx
        (out,) = ctx.saved
        return g * out * out * out * -0.5


class Reciprocal(Op):
    @staticmethod
    def forward(ctx, x):
        out = 1 / x
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d (1/x) = -dx / x^2 = -out^2 dx
        (out,) = ctx.saved
        return -g * out * out


class Square(Op):
    node_name = "PowBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        # d x^2 = 2 x dx
        (x,) = ctx.saved
        return g * (x + x)


class Erf(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf_array(x)

    @staticmethod
    def backward(ctx, g):
        # d erf(x) = 2/sqrt(pi) exp(-x^2) dx
        (x,) = ctx.saved
        return g * np.exp(-(x * x)) * _TWO_OVER_SQRT_PI


class Frac(Op):
    @staticmethod
    def forward(ctx, x):
        return x - np.trunc(x)

    @staticmethod
    def backward(ctx, g):
        # d (x - trunc(x)) = dx almost everywhere
        return g


class Rounding(Op):
    """floor / ceil / round / trunc: forward applies `fn`; the derivative is 0 everywhere it exists."""

    @staticmethod
    def forward(ctx, x, fn):
        return fn(x)

    @staticmethod
    def backward(ctx, g):
        # piecewise constant: dL/dx = 0
        return np.zeros_like(raw(g)), None


def _floating(input):
    """Integer and bool tensors become the default float dtype (PyTorch's rule for transcendental ops)."""
    if not isinstance(input, Tensor):
        input = Tensor(input)
    return input if input._data.dtype.kind in "fc" else input.to(get_default_dtype())


def _unary(cls, name, doc, floating=True):
    def fn(input):
        return cls.apply(_floating(input) if floating else input)

    fn.__name__, fn.__doc__ = name, doc
    return fn


log1p = declare(_unary(Log1p, "log1p", "log(1 + x), accurate for small x."), method=True,
                cases=[case(lambda m, x: x.log1p(), (2, 3), kinds="pos")])
expm1 = declare(_unary(Expm1, "expm1", "exp(x) - 1, accurate for small x."), method=True,
                cases=[case(lambda m, x: x.expm1(), (2, 3))])
exp2 = declare(_unary(Exp2, "exp2", "2 ** x, elementwise."), method=True,
               cases=[case(lambda m, x: m.exp2(x), (2, 3))])
log2 = declare(_unary(Log2, "log2", "Base-2 logarithm, elementwise."), method=True,
               cases=[case(lambda m, x: x.log2(), (2, 3), kinds="pos")])
log10 = declare(_unary(Log10, "log10", "Base-10 logarithm, elementwise."), method=True,
                cases=[case(lambda m, x: x.log10(), (2, 3), kinds="pos")])
rsqrt = declare(_unary(Rsqrt, "rsqrt", "1 / sqrt(x), elementwise."), method=True,
                cases=[case(lambda m, x: x.rsqrt(), (2, 3), kinds="pos")])
reciprocal = declare(_unary(Reciprocal, "reciprocal", "1 / x, elementwise."), method=True,
                     cases=[case(lambda m, x: x.reciprocal(), (2, 3), kinds="away0")])


@declare(method=True, cases=[case(lambda m, x: x.square(), (2, 3))])
def square(input):
    """x * x, elementwise: integer tensors stay integer, and a bool tensor gives int64 (as PyTorch's
    x.pow(2))."""
    if isinstance(input, Tensor) and input._data.dtype == np.bool_:
        input = input.long()
    return Square.apply(input)


erf = declare(_unary(Erf, "erf", "The error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt."),
              method=True, cases=[case(lambda m, x: m.erf(x), (4, 5), kinds="unit"),
                                  case(lambda m, x: (x * 3).erf(), (4, 5), suffix="wide")])
frac = declare(_unary(Frac, "frac", "x - trunc(x): the fractional part, with the sign of x."), method=True,
               cases=[case(lambda m, x: (x * 3).frac(), (2, 3))])


def _rounding(fn, name):
    cls = type(name.capitalize(), (Rounding,), {})  # so grad_fn reads FloorBackward0, RoundBackward0 ...

    def op(input):
        if not isinstance(input, Tensor):
            input = Tensor(input)
        if input._data.dtype.kind in "iub":
            return Tensor._wrap(input._data.copy())  # integers are already whole
        return cls.apply(input, fn)

    op.__name__ = name
    op.__doc__ = f"Elementwise {name} (gradient 0, as in PyTorch)."
    return op


floor = declare(_rounding(np.floor, "floor"), method=True,
                cases=[case(lambda m, x: x.floor(), (2, 3), kinds="frac")])
ceil = declare(_rounding(np.ceil, "ceil"), method=True,
               cases=[case(lambda m, x: m.ceil(x), (2, 3), kinds="frac")])
trunc = declare(_rounding(np.trunc, "trunc"), method=("trunc", "fix"), aliases=("fix",),
                cases=[case(lambda m, x: (x * 3).trunc(), (2, 3))])
fix = trunc
_round0 = _rounding(np.round, "round")


@declare(method=True, cases=[case(lambda m, x: (x * 3).round(), (2, 3)),
                             case(lambda m, x: m.round(x, decimals=2), (2, 3), suffix="decimals")])
def round(input, *, decimals: int = 0):  # noqa: A001 - PyTorch's name
    """Round half to even (as PyTorch and NumPy do); `decimals` rounds to that many decimal places."""
    if decimals == 0:
        return _round0(input)
    return _rounding(lambda a: np.round(a, decimals), "round")(input)


# ---- erf without SciPy: W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969) -------------
_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
      1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
      2.33520497626869185e-3)
_SQRPI = 5.6418958354775628695e-1  # 1 / sqrt(pi)


def _horner_ratio(t: np.ndarray, num_c, den_c, lead: float) -> np.ndarray:
    """((lead t + n0) t + ... + n_last) / ((t + d0) t + ... + d_last), evaluated in place."""
    num = t * lead
    den = t.copy()
    for a, b in zip(num_c[:-1], den_c[:-1]):
        num += a
        num *= t
        den += b
        den *= t
    num += num_c[-1]
    den += den_c[-1]
    num /= den
    return num


def erf_array(x) -> np.ndarray:
    """erf of an ndarray, to about 1e-16 in float64 (float32 computed in float32, integers in float64)."""
    x = np.asarray(x)
    if x.ndim == 0:  # NumPy gives scalars for 0-d results, and the in-place steps below need arrays
        return erf_array(x.reshape(1)).reshape(())
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    y = np.abs(x, dtype=dtype)
    # Each branch runs on the whole array and is kept where it applies: cheaper than gathering sub-arrays.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = _horner_ratio(y * y, _A[:4], _B, _A[4])  # |x| <= 0.46875
        out *= y
        mid = y > 0.46875
        if mid.any():
            r = _horner_ratio(y, _C[:8], _D, _C[8])  # 0.46875 < |x| <= 4: erf = 1 - exp(-x^2) R(x)
            r *= np.exp(-(y * y))
            np.subtract(1, r, out=r)
            np.copyto(out, r, where=mid)
            big = y > 4.0
            if big.any():
                yb = np.minimum(y, 27)  # erfc underflows to 0 beyond ~26.5
                z = 1 / (yb * yb)
                r = (_SQRPI - z * _horner_ratio(z, _P[:5], _Q, _P[5])) / yb
                r *= np.exp(-(yb * yb))
                np.subtract(1, r, out=r)
                np.copyto(out, r, where=big)
    np.copysign(out, x, out=out)
    return out
