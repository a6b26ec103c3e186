"""Arithmetic: + - * / ** and negation. Ops never unbroadcast: the engine sums gradients back to each shape."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ._util import broadcast_error


class Add(Op):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        # dL/da = g ; dL/db = g  (the add gate copies the upstream gradient)
        return g, g


class Sub(Op):
    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        # dL/da = g ; dL/db = -g
        return g, (-g if ctx.needs_input_grad[1] else None)


class Mul(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        # dL/da = g * b ; dL/db = g * a  (the mul gate swaps its inputs)
        a, b = ctx.saved
        nig = ctx.needs_input_grad
        return (g * b if nig[0] else None), (g * a if nig[1] else None)


class Div(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = a / b
        if out.dtype == np.float64 and np.result_type(a).kind in "iub" and np.result_type(b).kind in "iub":
            out = out.astype(np.float32)  # PyTorch: int / int gives the default float dtype
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/da = g / b ; dL/db = -g * a / b^2
        a, b = ctx.saved
        nig = ctx.needs_input_grad
        ga = g / b if nig[0] else None
        gb = -g * a / (b * b) if nig[1] else None
        return ga, gb


class Neg(Op):
    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        # dL/da = -g
        return -g


class Pow(Op):
    @staticmethod
    def forward(ctx, a, b):
        if isinstance(b, (int, np.integer)) and b < 0 and a.dtype.kind in "biu":  # even if a is empty
            raise RuntimeError(f"pow: integers to negative integer powers are not allowed ({a.dtype} ** "
                               f"{b}); use a float exponent")
        try:
            out = a**b
        except ValueError:  # an integer tensor exponent < 0: PyTorch gives 1 / a^|b| in integers
            out = _int_pow_negative(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/da = g * b * a^(b-1) ; dL/db = g * a^b * log(a)
        a, b, out = ctx.saved
        nig = ctx.needs_input_grad
        ga = g * b * a ** (b - 1) if nig[0] else None
        gb = None
        if nig[1]:
            gb = g * out * np.log(np.where(a > 0, a, 1)).astype(out.dtype)  # a Python-float base stays weak
        return ga, gb


def _int_pow_negative(a, b):
    """Integer a ** b where some b < 0, as PyTorch: 1 / a^|b| truncated (1, +-1 for a = -1, else 0)."""
    pos = np.abs(b)
    neg_pow = np.where(a == 1, 1, np.where(a == -1, np.where(pos % 2 == 1, -1, 1), 0))
    return np.where(b < 0, neg_pow, a**pos).astype(np.result_type(a, b))


def _binary(cls, name):
    def fn(input, other):
        try:
            return cls.apply(input, other)
        except ValueError as e:
            if "broadcast" in str(e):
                raise broadcast_error(name, input, other) from None
            raise

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} with NumPy broadcasting (the gradient is summed back to each shape)."
    return fn


add = _binary(Add, "add")
sub = _binary(Sub, "sub")
mul = _binary(Mul, "mul")
div = _binary(Div, "div")
pow = _binary(Pow, "pow")  # noqa: A001 - PyTorch's name
subtract, multiply, divide, true_divide = sub, mul, div, div


def neg(input):
    """-input."""
    return Neg.apply(input)


negative = neg


def rsub(input, other):
    """other - input (reflected subtraction)."""
    return sub(other, input)
