"""Elementwise math: exp log sqrt abs sin cos tanh sigmoid clamp maximum minimum where.

exp, sqrt, tanh and sigmoid save their output, not their input: the derivative is a cheap function of it.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..dtypes import default_np_dtype as _default_dtype
from ..tensor import Tensor
from ._promote import promote as _promote
from ._promote import np_result_type as _result_type
from ._promote import kernel_missing
from ._promote import to_dtype as _to_dtype
from ._util import broadcast_error
from ._util import raw as _raw
from .cast import cast as _cast
from ._declare import case, declare


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
        if ctx.needs_input_grad[1:] != (False, False):  # tensor bounds that need a gradient
            ctx.save_for_backward(x, lo, hi)
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g where lo <= x <= hi ; dL/dlo = g where x < lo (and lo < hi) ; dL/dhi = g where x > hi (or
        # hi < lo)  (PyTorch's split when the bounds cross: the result is hi, so hi gets the gradient)
        nig = ctx.needs_input_grad
        glo = ghi = None
        if nig[1] or nig[2]:
            x, lo, hi = (_raw(v) for v in ctx.saved)
            if nig[1]:
                below = x < lo if hi is None else (x < lo) & (lo < hi)
                glo = np.where(below, g, 0)
            if nig[2]:
                ghi = np.where(x > hi if lo is None else (x > hi) | (hi < lo), g, 0)
        return (g * ctx.mask if nig[0] else None), glo, ghi


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


_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def _unary(cls, name, doc):
    """A transcendental op: integer and bool tensors give the default float dtype, as in PyTorch."""

    def fn(input):
        d = input._data.dtype
        if d is not _F32 and d is not _F64 and d.kind not in "fc":  # identity first: the common case is cheap
            input = _cast(input, _default_dtype())
        return cls.apply(input)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


exp = _unary(Exp, "exp", "e ** x, elementwise.")
log = _unary(Log, "log", "Natural logarithm, elementwise.")
sqrt = _unary(Sqrt, "sqrt", "Square root, elementwise.")


def abs(input):  # noqa: A001 - PyTorch's name
    """|x|, elementwise (gradient 0 at 0); bool tensors are refused, as in PyTorch."""
    if input._data.dtype == np.bool_:
        raise kernel_missing("abs_cpu", np.bool_)
    return Abs.apply(input)


absolute = abs
sin = _unary(Sin, "sin", "Sine, elementwise.")
cos = _unary(Cos, "cos", "Cosine, elementwise.")
tanh = _unary(Tanh, "tanh", "Hyperbolic tangent, elementwise.")
sigmoid = _unary(Sigmoid, "sigmoid", "1 / (1 + exp(-x)), computed stably.")


def clamp(input, min=None, max=None):  # noqa: A002 - PyTorch's names
    """Limit values to [min, max] (numbers or tensors, broadcast against input; PyTorch's type promotion over
    the three). The gradient reaches input where min <= input <= max, a tensor bound where it is the
    result."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    if not (input._data.dtype.kind == "f" and type(min) in _PLAIN and type(max) in _PLAIN):
        dtype = _result_type(input, min, max)
        if dtype == np.bool_ and not (isinstance(min, Tensor) or isinstance(max, Tensor)):
            which = "min_" if max is None else "max_" if min is None else ""
            raise kernel_missing(f"clamp_{which}scalar_cpu", np.bool_)
        input = _to_dtype(input, dtype)
        min = None if min is None else _to_dtype(min, dtype)
        max = None if max is None else _to_dtype(max, dtype)
    try:
        return Clamp.apply(input, min, max)
    except ValueError:
        raise broadcast_error("clamp", input, min if max is None else max) from None


_PLAIN = (float, int, type(None))  # bounds that keep a float input's dtype
clip = clamp


def _tensors_only(name: str, input, other) -> None:
    for pos, x in ((1, input), (2, other)):
        if not isinstance(x, Tensor):
            arg = "input" if pos == 1 else "other"
            got = type(x).__name__
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not {got}")


def _extremum(cls, name):
    def fn(input, other):
        a, b = input, other
        if type(a) is not Tensor or type(b) is not Tensor or a._data.dtype is not b._data.dtype:
            _, a, b = _promote(a, b)
        try:
            return cls.apply(a, b)
        except ValueError:
            raise broadcast_error(name, input, other) from None

    return fn


_maximum = _extremum(Maximum, "maximum")  # also takes numbers: np.maximum(t, 1e-12) in a double backward
_minimum = _extremum(Minimum, "minimum")


def maximum(input, other):
    """Elementwise max of two tensors, promoted to their result type (ties split the gradient evenly)."""
    _tensors_only("maximum", input, other)
    return _maximum(input, other)


def minimum(input, other):
    """Elementwise min of two tensors, promoted to their result type (ties split the gradient evenly)."""
    _tensors_only("minimum", input, other)
    return _minimum(input, other)


def where(condition, input, other):
    """input where condition holds, else other, in their result type (gradient flows to the chosen side).

    Args:
        condition: a bool tensor (other dtypes are read as truth values), broadcast with input and other.
        input: the values taken where condition is True (a tensor or a number).
        other: the values taken elsewhere (a tensor or a number).

    Raises:
        RuntimeError: when the three shapes do not broadcast together.
    """
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        cond = cond.astype(bool)
    if type(input) is not Tensor or type(other) is not Tensor or input._data.dtype is not other._data.dtype:
        _, input, other = _promote(input, other)
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


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------
declare(exp, method=True, cases=[case(lambda m, x: x.exp(), (2, 3))])
declare(log, method=True, cases=[case(lambda m, x: m.log(x), (2, 3), kinds="pos")])
declare(sqrt, method=True, cases=[case(lambda m, x: x.sqrt(), (2, 3), kinds="pos")])
declare(abs, method=("abs", "absolute"), aliases=("absolute",), operators=("abs(x)",), cases=[
    case(lambda m, x: x.abs(), (2, 3), kinds="away0")])
declare(sin, method=True, cases=[case(lambda m, x: x.sin(), (2, 3))])
declare(cos, method=True, cases=[case(lambda m, x: x.cos(), (2, 3))])
declare(tanh, namespaces=("torch", "F"), method=True, cases=[case(lambda m, x: x.tanh(), (2, 3))])
declare(sigmoid, namespaces=("torch", "F"), method=True, cases=[case(lambda m, x: x.sigmoid(), (2, 3))])
declare(clamp, method=("clamp", "clip"), aliases=("clip",), cases=[
    case(lambda m, x: x.clamp(-0.5, 0.7), (3, 4)),
    case(lambda m, x: m.clamp(x, min=0.1), (3, 4), suffix="min"),
    case(lambda m, x, lo, hi: m.clamp(x, lo, hi + 1), (3, 4), (4,), (3, 1), kinds="distinct",
         suffix="tensor_bounds"),
    case(lambda m, x, lo, hi: m.clamp(x, lo + 1, hi - 1), (3, 4), (4,), (3, 1), kinds="distinct",
         suffix="crossed_bounds")])
declare(maximum, method=True, cases=[
    case(lambda m, x, y: m.maximum(x, y), (3, 4), (4,), kinds="distinct", suffix="bcast")])
declare(minimum, method=True, cases=[case(lambda m, x, y: m.minimum(x, y), (3, 4), (3, 4), kinds="distinct")])
def _where_method(self, condition, other):
    """`x.where(condition, y)`: x where condition holds, else y (`chainrule.where(condition, x, y)`)."""
    return where(condition, self, other)


declare(where, method=True, method_fn=_where_method, cases=[
    case(lambda m, x, y: m.where(m.mask([[1, 0, 1, 1]]), x, y), (3, 4), (3, 1))])
declare(sign, method=True, cases=[case(lambda m, x: x.sign() * x, (2, 3), kinds="away0")])
