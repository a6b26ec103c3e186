"""Arithmetic: + - * / // % ** and negation. Ops never unbroadcast: the engine sums gradients back to shapes.

Every binary op promotes its operands by PyTorch's rules first (`_promote`), so forward sees arrays (or NumPy
scalars) of one dtype: the result's.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._promote import _operand, promote
from ._declare import case, declare
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
        return a / b

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
        d = a.dtype  # an array or NumPy scalar: the public function converted numbers
        if d is _F32 or d is _F64 or d.kind in "fc":
            out = a**b
        else:  # bool: a^True = a, a^False = 1
            out = (a | ~b) if d.kind == "b" else _int_pow(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/da = g * b * a^(b-1), 0 where b = 0 ; dL/db = g * a^b * log(a), 0 where a = 0 and b >= 0
        # (PyTorch's values at the edges: d(0^0)/da = 0, d((-2)^b)/db = NaN, d(0^b)/db = -inf for b < 0)
        a, b, out = ctx.saved
        nig = ctx.needs_input_grad
        ga = gb = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if nig[0]:
                if np.ndim(b) == 0 and not isinstance(b, Tensor):
                    ga = g * b * a ** (b - 1) if b != 0 else g * 0
                else:
                    ga = np.where(b == 0, 0, g * b * a ** (b - 1))
            if nig[1]:
                gb = np.where((a == 0) & (b >= 0), 0, g * out * np.log(a))
        return ga, gb


def _int_pow(a, b):
    """Integer a ** b as PyTorch: a negative tensor exponent gives 1 / a^|b| truncated (0 unless a is +-1);
    a negative scalar exponent is an error."""
    if not isinstance(b, np.ndarray) and b < 0:  # refused even for an empty a, as PyTorch
        raise RuntimeError(f"pow: integers to negative integer powers are not allowed ({a.dtype} ** {b}); "
                           "use a float exponent")
    if not isinstance(b, np.ndarray) or not (b < 0).any():
        try:
            return a**b
        except ValueError as e:
            raise RuntimeError(str(e)) from None  # "Integers to negative integer powers are not allowed."
    neg = b < 0
    out = np.asarray(a ** np.where(neg, 0, b))
    odd = (b % 2) != 0
    small = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)).astype(out.dtype)
    return np.where(neg, small, out)


class FloorDivide(Op):
    @staticmethod
    def forward(ctx, a, b):
        _check_zero_division(a, b)
        return np.floor_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        # PyTorch defines no derivative for floor_divide: say so rather than give zeros
        raise RuntimeError("derivative for floor_divide is not implemented")


class Remainder(Op):
    @staticmethod
    def forward(ctx, a, b):
        _check_zero_division(a, b)
        ctx.save_for_backward(a, b)
        return np.mod(a, b)

    @staticmethod
    def backward(ctx, g):
        # a mod b = a - b * floor(a / b): dL/da = g ; dL/db = -g * floor(a / b)
        a, b = ctx.saved
        return g, (-g * np.floor(a / b) if ctx.needs_input_grad[1] else None)


def _check_zero_division(a, b) -> None:
    """Integer division by zero raises RuntimeError("ZeroDivisionError"), as in PyTorch (NumPy would give 0
    with a warning); an empty result divides nothing, so it does not raise."""
    if np.result_type(b).kind in "biu" and not np.all(b) and np.size(a) and np.size(b):
        raise RuntimeError("ZeroDivisionError")


def _is_bool(x) -> bool:
    """A bool tensor, array or Python bool (PyTorch reads np.bool_ as a float)."""
    return isinstance(x, (Tensor, np.ndarray, bool)) and _operand(x)[1] == np.bool_


_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def _refused(when: str, dtype, a, b) -> bool:
    """PyTorch's bool rules: `any` bool operand (sub), a bool `result`, or a bool result of a tensor
    `exponent`."""
    if when == "any":
        return _is_bool(a) or _is_bool(b)
    return dtype == np.bool_ and (when == "result" or isinstance(b, Tensor))


def _binary(cls, name, floating: bool = False, bool_error: str | None = None, bool_when: str = "result",
            numbers: str = "both"):
    """The public function of a binary op: PyTorch's promotion (a fast path for the common cases), then apply.

    `floating`: integer results become the default float dtype (true division). `bool_error`: PyTorch's error
    for bool operands, raised as `_refused(bool_when, ...)` says. `numbers`: which operand forward takes as
    a Python number as it is, beside a float tensor ("both", "second": `x ** 2` but not `2 ** x`, "none").
    """

    any_dtype = not floating and bool_error is None  # same-dtype tensors of any dtype need no promotion
    number_second = numbers != "none"
    number_first = numbers == "both"

    def fn(input, other):
        try:
            # The fast paths need no promotion: two tensors of one dtype that the op keeps, or a float tensor
            # with a Python float or int (NumPy keeps the array's dtype, as PyTorch does). Identity checks only:
            # a dtype's .kind costs more than all of them (benchmarks/instructions.py measures this path).
            if type(input) is Tensor:
                d = input._data.dtype
                if type(other) is Tensor:
                    if other._data.dtype is d and (d is _F32 or d is _F64 or any_dtype):
                        return cls.apply(input, other)
                elif number_second and (d is _F32 or d is _F64) and (type(other) is float or type(other) is int):
                    return cls.apply(input, other)
            elif number_first and type(other) is Tensor and (type(input) is float or type(input) is int):
                d = other._data.dtype
                if d is _F32 or d is _F64:
                    return cls.apply(input, other)
            dtype, a, b = promote(input, other, floating)
            if bool_error is not None and _refused(bool_when, dtype, input, other):
                raise (RuntimeError if bool_when == "any" else NotImplementedError)(bool_error)
            return cls.apply(a, b)
        except ValueError as e:
            if "broadcast" in str(e):
                raise broadcast_error(name, input, other) from None
            raise

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Elementwise {name} with broadcasting and PyTorch's type promotion (the gradient of each "
                  "input is summed back to its shape and comes back in its dtype).")
    return fn


_SUB_BOOL = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
             "invert a mask, use the `~` or `logical_not()` operator instead.")

add = _binary(Add, "add")
sub = _binary(Sub, "sub", bool_error=_SUB_BOOL, bool_when="any")
mul = _binary(Mul, "mul")
div = _binary(Div, "div", floating=True)
pow = _binary(Pow, "pow", bool_error="\"pow\" not implemented for 'Bool'", bool_when="exponent",  # noqa: A001
              numbers="second")  # Pow.forward reads its base's dtype
# (numbers="none": their zero-division check reads the divisor's dtype, and a Python int is not a float)
floor_divide = _binary(FloorDivide, "floor_divide", bool_error="\"div_floor_cpu\" not implemented for 'Bool'",
                       numbers="none")
remainder = _binary(Remainder, "remainder", bool_error="\"remainder_cpu\" not implemented for 'Bool'",
                    numbers="none")
subtract, multiply, divide, true_divide = sub, mul, div, div


def neg(input):
    """-input (refused for bool tensors, as in PyTorch: use ~ or logical_not)."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return Neg.apply(input)


negative = neg


def rsub(input, other):
    """other - input (reflected subtraction)."""
    return sub(other, input)


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------
declare(add, method=True, operators=("x + y",), cases=[
    case(lambda m, x, y: x + y, (3, 1, 4), (2, 4), suffix="bcast")])
declare(sub, method=("sub", "subtract"), aliases=("subtract",), operators=("x - y",), cases=[
    case(lambda m, x, y: x - y, (2, 4), (3, 1, 1), suffix="bcast"),
    case(lambda m, x: 1.5 - x, (2, 3), name="rsub_scalar")])
declare(mul, method=("mul", "multiply"), aliases=("multiply",), operators=("x * y",), cases=[
    case(lambda m, x, y: x * y, (3, 1, 4), (2, 1), suffix="bcast")])
# div and divide (with rounding_mode=) are declared in pointwise_binary.py; `x / y` is this true division
declare(div, name="true_divide", method=True, operators=("x / y",),
        cases=[case(lambda m, x, y: x / y, (3, 4), (4,), kinds=("normal", "pos"), name="div_bcast")])
declare(pow, method=True, operators=("x ** y",), cases=[
    case(lambda m, x, y: x**y, (3, 4), (3, 4), kinds=("pos", "normal")),
    case(lambda m, x: x**3, (5,), suffix="scalar"),
    case(lambda m, x: 2.0**x, (5,), name="rpow")])
declare(floor_divide, method=True, operators=("x // y",), cases=[
    case(lambda m, x, y: x // y, (3, 4), (4,), kinds=("normal", "pos"), grad=False)])
declare(remainder, method=True, operators=("x % y",), cases=[
    case(lambda m, x, y: x % y, (3, 4), (4,), kinds="pos")])
declare(neg, method=("neg", "negative"), aliases=("negative",), operators=("-x",), cases=[
    case(lambda m, x: -x, (2, 3))])
declare(rsub, cases=[case(lambda m, x, y: m.rsub(x, y), (3, 4), (4,))])
