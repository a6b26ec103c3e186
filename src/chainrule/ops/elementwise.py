"""Elementwise math: exp log sqrt abs sin cos tanh sigmoid clamp maximum minimum where.

exp, sqrt, tanh and sigmoid save their output, not their input: the derivative is a cheap function of it.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import broadcast_error


class Exp(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d exp(x) = exp(x) dx
        (out,) = ctx.saved
        return g * out


class Log(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, g):
        # d log(x) = dx / x
        (x,) = ctx.saved
        return g / x


class Sqrt(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d sqrt(x) = dx / (2 sqrt(x))
        (out,) = ctx.saved
        return g / (2 * out)


class Abs(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        # d|x| = sign(x) dx, with sign(0) = 0 (PyTorch's convention)
        (x,) = ctx.saved
        return g * np.sign(x)


class Sin(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, g):
        # d sin(x) = cos(x) dx
        (x,) = ctx.saved
        return g * np.cos(x)


class Cos(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, g):
        # d cos(x) = -sin(x) dx
        (x,) = ctx.saved
        return -g * np.sin(x)


class Tanh(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d tanh(x) = (1 - tanh(x)^2) dx
        (out,) = ctx.saved
        return g * (1 - out * out)


class Sigmoid(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x * 0.5)  # sigmoid(x) = (1 + tanh(x/2)) / 2: stable for any x, one transcendental
        out *= 0.5
        out += 0.5
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d sigmoid(x) = y (1 - y) dx
        (y,) = ctx.saved
        return g * y * (1 - y)


class Clamp(Op):
    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.mask = (x >= (-np.inf if lo is None else lo)) & (x <= (np.inf if hi is None else hi))
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, g):
        # the gradient passes where lo <= x <= hi, else 0
        return g * ctx.mask, None, None


class Maximum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        # the max gate routes g to the larger input; ties split it evenly (PyTorch)
        a, b = ctx.saved
        wa = (a > b) + (a == b) * getattr(g, "_data", g).dtype.type(0.5)
        return g * wa, g * (1 - wa)


class Minimum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        # routes g to the smaller input; ties split it evenly
        a, b = ctx.saved
        wa = (a < b) + (a == b) * getattr(g, "_data", g).dtype.type(0.5)
        return g * wa, g * (1 - wa)


class Where(Op):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        # g goes to a where cond holds, to b elsewhere
        c = ctx.cond
        nig = ctx.needs_input_grad
        return None, (np.where(c, g, 0) if nig[1] else None), (np.where(c, 0, g) if nig[2] else None)


def _unary(cls, name, doc):
    def fn(input):
        return cls.apply(input)

    fn.__name__, fn.__doc__ = name, doc
    return fn


exp = _unary(Exp, "exp", "e ** x, elementwise.")
log = _unary(Log, "log", "Natural logarithm, elementwise.")
sqrt = _unary(Sqrt, "sqrt", "Square root, elementwise.")
abs = _unary(Abs, "abs", "|x|, elementwise (gradient 0 at 0).")  # noqa: A001
absolute = abs
sin = _unary(Sin, "sin", "Sine, elementwise.")
cos = _unary(Cos, "cos", "Cosine, elementwise.")
tanh = _unary(Tanh, "tanh", "Hyperbolic tangent, elementwise.")
sigmoid = _unary(Sigmoid, "sigmoid", "1 / (1 + exp(-x)), computed stably.")


def clamp(input, min=None, max=None):  # noqa: A002 - PyTorch's names
    """Limit values to [min, max]; the gradient is 0 outside the range."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    lo = min._data if isinstance(min, Tensor) else min
    hi = max._data if isinstance(max, Tensor) else max
    return Clamp.apply(input, lo, hi)


clip = clamp


def maximum(input, other):
    """Elementwise max of two tensors (ties split the gradient evenly)."""
    try:
        return Maximum.apply(input, other)
    except ValueError:
        raise broadcast_error("maximum", input, other) from None


def minimum(input, other):
    """Elementwise min of two tensors (ties split the gradient evenly)."""
    try:
        return Minimum.apply(input, other)
    except ValueError:
        raise broadcast_error("minimum", input, other) from None


def where(condition, input, other):
    """input where condition holds, else other (gradient flows to the chosen side only)."""
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        cond = cond.astype(bool)
    try:
        return Where.apply(cond, input, other)
    except ValueError:
        raise broadcast_error("where", input, other) from None


class Sign(Op):
    @staticmethod
    def forward(ctx, x):
        return np.sign(x)

    @staticmethod
    def backward(ctx, g):
        # piecewise constant: dL/dx = 0 (PyTorch gives zeros, not "no gradient")
        return np.zeros_like(g._data if isinstance(g, Tensor) else g)


def sign(input):
    """-1, 0 or 1 per element (gradient 0)."""
    if input._data.dtype == np.bool_:
        return Tensor._wrap(input._data.copy())
    return Sign.apply(input)
