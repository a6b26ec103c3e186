"""Trigonometric and hyperbolic functions and their inverses: tan asin acos atan sinh cosh asinh acosh atanh.

Each has PyTorch's `arc...` aliases (`arcsin` for `asin`) as functions and methods, and an in-place method
(`tan_`, `arcsin_` ...). Integer and bool inputs give the default float dtype, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ._declare import case, declare
from ._out import with_out
from .inplace import inplace_of
from .unary import _floating

__all__ = ["acos", "acosh", "asin", "asinh", "atan", "atanh", "cosh", "sinh", "tan"]


class Tan(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d tan x = (1 + tan^2 x) dx
        (out,) = ctx.saved
        return g * (1 + out * out)


class Asin(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx, g):
        # d asin x = dx / sqrt(1 - x^2)
        (x,) = ctx.saved
        return g / np.sqrt(1 - x * x)


class Acos(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx, g):
        # d acos x = -dx / sqrt(1 - x^2)
        (x,) = ctx.saved
        return -g / np.sqrt(1 - x * x)


class Atan(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx, g):
        # d atan x = dx / (1 + x^2)
        (x,) = ctx.saved
        return g / (1 + x * x)


class Sinh(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinh(x)

    @staticmethod
    def backward(ctx, g):
        # d sinh x = cosh x dx
        (x,) = ctx.saved
        return g * np.cosh(x)


class Cosh(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cosh(x)

    @staticmethod
    def backward(ctx, g):
        # d cosh x = sinh x dx
        (x,) = ctx.saved
        return g * np.sinh(x)


class Asinh(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsinh(x)

    @staticmethod
    def backward(ctx, g):
        # d asinh x = dx / sqrt(x^2 + 1)
        (x,) = ctx.saved
        return g / np.sqrt(x * x + 1)


class Acosh(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccosh(x)

    @staticmethod
    def backward(ctx, g):
        # d acosh x = dx / sqrt(x^2 - 1)
        (x,) = ctx.saved
        return g / np.sqrt(x * x - 1)


class Atanh(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctanh(x)

    @staticmethod
    def backward(ctx, g):
        # d atanh x = dx / (1 - x^2)
        (x,) = ctx.saved
        return g / (1 - x * x)


def _trig(cls, name: str, alias: str | None, doc: str, cases: list):
    def fn(input):
        return cls.apply(_floating(input))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc + " Integer and bool tensors give the default float dtype; out= as PyTorch."
    fn = with_out(fn, exact=False)
    names = (name,) if alias is None else (name, alias)
    declare(fn, method=names, aliases=names[1:], cases=cases)
    inplace = inplace_of(fn, name + "_")
    declare(inplace, name=name + "_", method=tuple(n + "_" for n in names), aliases=tuple(n + "_" for n in names[1:]))
    return fn


def _c(expr, kinds="normal", **kw):
    return [case(expr, (2, 3), kinds=kinds, **kw)]


tan = _trig(Tan, "tan", None, "tan(x), elementwise.", _c(lambda m, x: x.tan(), "unit"))
asin = _trig(Asin, "asin", "arcsin", "Inverse sine, elementwise (NaN outside [-1, 1]).",
             _c(lambda m, x: m.arcsin(x), "unit"))
acos = _trig(Acos, "acos", "arccos", "Inverse cosine, elementwise (NaN outside [-1, 1]).",
             _c(lambda m, x: x.acos(), "unit"))
atan = _trig(Atan, "atan", "arctan", "Inverse tangent, elementwise, in (-pi/2, pi/2).",
             _c(lambda m, x: m.atan(x)))
sinh = _trig(Sinh, "sinh", None, "Hyperbolic sine, elementwise.", _c(lambda m, x: x.sinh()))
cosh = _trig(Cosh, "cosh", None, "Hyperbolic cosine, elementwise.", _c(lambda m, x: m.cosh(x)))
asinh = _trig(Asinh, "asinh", "arcsinh", "Inverse hyperbolic sine, elementwise.",
              _c(lambda m, x: x.arcsinh()))
acosh = _trig(Acosh, "acosh", "arccosh", "Inverse hyperbolic cosine, elementwise (NaN below 1).",
              _c(lambda m, x: (x + 1.5).acosh(), "pos"))
atanh = _trig(Atanh, "atanh", "arctanh", "Inverse hyperbolic tangent, elementwise (NaN outside [-1, 1]).",
              _c(lambda m, x: m.arctanh(x), "unit"))
