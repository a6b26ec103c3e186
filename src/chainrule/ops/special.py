"""Special functions without SciPy: erfc, erfinv, lgamma, digamma (and polygamma(1, x) for its gradient).

erfc reuses W. J. Cody's rational approximations of ops/unary.py's erf (accurate in the tail, where 1 - erf
would cancel); erfinv refines a closed-form start by Newton steps on erf; lgamma is the C library's
(`math.lgamma`) per element; digamma and trigamma shift x above 10 by their recurrences, then sum the
asymptotic series (reflection for x < 0). All compute in float64 and return the input's floating dtype.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._declare import case, declare
from ._out import with_out
from .inplace import inplace_of
from .unary import _C, _D, _P, _Q, _SQRPI, _floating, _horner_ratio, erf_array

__all__ = ["digamma", "erfc", "erfinv", "lgamma", "polygamma"]

_SQRT_PI_2 = math.sqrt(math.pi) / 2


def erfc_array(x) -> np.ndarray:
    """1 - erf(x), accurate where erf(x) is near 1 (computed in float64)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.abs(x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = 1 - erf_array(y)  # |x| <= 0.46875: no cancellation yet
        mid = _horner_ratio(y, _C[:8], _D, _C[8]) * np.exp(-(y * y))
        out = np.where(y > 0.46875, mid, out)
        yb = np.minimum(np.maximum(y, 4.0), 27.0)
        z = 1 / (yb * yb)
        big = (_SQRPI - z * _horner_ratio(z, _P[:5], _Q, _P[5])) / yb * np.exp(-(yb * yb))
        out = np.where(y > 4.0, np.where(y > 27.0, 0.0, big), out)
    return np.where(x < 0, 2 - out, out)


def erfinv_array(x) -> np.ndarray:
    """The inverse of erf on [-1, 1] (±inf at ±1, NaN outside), to float64 precision."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        w = -np.log((1 - x) * (1 + x))  # M. Giles' single-precision start, then Newton on erf
        y = np.where(w < 5, _poly(w - 2.5, _GILES_LO), _poly(np.sqrt(w) - 3, _GILES_HI)) * x
        for _ in range(3):
            y = y - (erf_array(y) - x) / (np.exp(-(y * y)) / _SQRT_PI_2)
        y = np.where(np.abs(x) == 1, np.copysign(np.inf, x), y)
        return np.where(np.abs(x) > 1, np.nan, y)


_GILES_LO = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
             -0.00417768164, 0.246640727, 1.50140941)
_GILES_HI = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
             0.00943887047, 1.00167406, 2.83297682)


def _poly(t, coefs):
    p = np.full_like(t, coefs[0])
    for c in coefs[1:]:
        p = p * t + c
    return p


_lgamma1 = np.frompyfunc(lambda v: math.inf if v <= 0 and v == math.floor(v) else math.lgamma(v), 1, 1)


def lgamma_array(x) -> np.ndarray:
    """log|Gamma(x)| (inf at the poles 0, -1, -2 ...), per element through math.lgamma."""
    x = np.asarray(x, dtype=np.float64)
    out = np.where(np.isnan(x), np.nan, np.where(np.isinf(x), np.inf, 0.0))
    ok = np.isfinite(x)
    out[ok] = _lgamma1(x[ok]).astype(np.float64)
    return out


def _shifted(x, n: int, step, series):
    """Sum step(x + k) for the k that bring x above 10, then add series(x shifted): the recurrence of psi_n."""
    acc = np.zeros_like(x)
    x = x.copy()
    for _ in range(10):
        low = x < 10
        acc += np.where(low, step(np.where(low, x, 1.0)), 0.0)
        x = np.where(low, x + 1, x)
    return acc + series(x)


def digamma_array(x) -> np.ndarray:
    """psi(x) = d/dx log Gamma(x): -inf at 0 (as PyTorch), NaN at the negative integers."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        neg = x < 0
        xp = np.where(neg, 1 - x, x)  # psi(x) = psi(1 - x) - pi / tan(pi x)

        def series(v):
            r = 1 / (v * v)
            return np.log(v) - 0.5 / v - r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r / 132))))

        out = _shifted(xp, 0, lambda v: -1 / v, series)
        out = np.where(neg, out - np.pi / np.tan(np.pi * x), out)
        out = np.where(x == 0, -np.copysign(np.inf, x), out)  # -inf at +0, +inf at -0 (PyTorch)
        return np.where(neg & (x == np.floor(x)), np.nan, out)


def trigamma_array(x) -> np.ndarray:
    """psi'(x) = polygamma(1, x): inf at 0 and the negative integers."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        neg = x < 0
        xp = np.where(neg, 1 - x, x)  # psi1(x) = -psi1(1 - x) + pi^2 / sin^2(pi x)

        def series(v):
            r = 1 / (v * v)
            return 1 / v + r / 2 + r / v * (1 / 6 - r * (1 / 30 - r * (1 / 42 - r * (1 / 30 - r * 5 / 66))))

        out = _shifted(xp, 1, lambda v: 1 / (v * v), series)
        out = np.where(neg, -out + (np.pi / np.sin(np.pi * x)) ** 2, out)
        return np.where((x <= 0) & (x == np.floor(x)), np.inf, out)


def _in(x, fn):
    """fn on an array, in the array's dtype; on a Tensor (a double backward), the recorded op."""
    return fn[1](x) if isinstance(x, Tensor) else fn[0](x).astype(x.dtype, copy=False)


class Erfc(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erfc_array(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        # d erfc(x) = -2/sqrt(pi) exp(-x^2) dx
        (x,) = ctx.saved
        return g * np.exp(-(x * x)) * (-1 / _SQRT_PI_2)


class Erfinv(Op):
    @staticmethod
    def forward(ctx, x):
        out = erfinv_array(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # y = erfinv(x): dy = sqrt(pi)/2 exp(y^2) dx
        (out,) = ctx.saved
        return g * np.exp(out * out) * _SQRT_PI_2


class Lgamma(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return lgamma_array(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        # d log Gamma(x) = psi(x) dx
        (x,) = ctx.saved
        return g * _in(x, (digamma_array, digamma))


class Digamma(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return digamma_array(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        # d psi(x) = psi'(x) dx = polygamma(1, x) dx
        (x,) = ctx.saved
        return g * _in(x, (trigamma_array, lambda t: polygamma(1, t)))


class Trigamma(Op):
    @staticmethod
    def forward(ctx, x):
        return trigamma_array(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        # d psi'(x) = psi''(x) dx: polygamma(2, x) is not implemented
        raise RuntimeError("polygamma: the derivative of polygamma(1, x) (polygamma(2, x)) is not implemented")


def _special(cls, name: str, doc: str, cases, aliases=()):
    def fn(input):
        return cls.apply(_floating(input))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc + " Integer and bool tensors give the default float dtype; out= as PyTorch."
    fn = with_out(fn, exact=False)
    declare(fn, method=(name, *aliases), aliases=aliases, cases=cases)
    declare(inplace_of(fn, name + "_"), name=name + "_", namespaces=(), method=True)
    return fn


erfc = _special(Erfc, "erfc", "1 - erf(x), accurate in the tail.",
                [case(lambda m, x: m.erfc(x * 2), (3, 4)), case(lambda m, x: (x + 3).erfc(), (5,), kinds="pos",
                                                                 suffix="tail", rtol32=1e-4)])
erfinv = _special(Erfinv, "erfinv", "The inverse error function on [-1, 1] (±inf at ±1, NaN outside).",
                  [case(lambda m, x: x.erfinv(), (3, 4), kinds="unit", rtol32=1e-4)])
lgamma = _special(Lgamma, "lgamma", "log|Gamma(x)| (inf at 0, -1, -2 ...).",
                  [case(lambda m, x: m.lgamma(x * 3), (3, 4), kinds="frac", rtol32=1e-4)])
digamma = _special(Digamma, "digamma", "psi(x) = d/dx log Gamma(x) (-inf at 0, NaN at negative integers).",
                   [case(lambda m, x: m.digamma(x * 3), (3, 4), kinds="frac", gradgrad=False, rtol32=1e-4)])


def _polygamma_method(self, n: int):
    """x.polygamma(n): polygamma(n, x), the n-th derivative of digamma (n = 0 or 1)."""
    return polygamma(n, self)


@declare(method=True, method_fn=_polygamma_method,
         cases=[case(lambda m, x: m.polygamma(1, x * 3), (3, 4), kinds="frac", grad=False,
                                  torch=False)])  # PyTorch's trigamma is off by ~1e-10: tests/core/test_special_ops.py
@with_out(exact=False)
def polygamma(n: int, input):
    """The n-th derivative of digamma: n = 0 (digamma) and n = 1 (trigamma) are implemented; other n raise
    NotImplementedError, and so does the gradient of polygamma(1, x). The Tensor method is `x.polygamma(n)`."""
    if n == 0:
        return digamma(input)
    if n != 1:
        raise NotImplementedError(f"polygamma: n = {n} is not implemented (n = 0 and n = 1 are)")
    return Trigamma.apply(_floating(input))
