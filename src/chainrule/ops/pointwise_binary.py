"""Binary elementwise math: atan2 hypot copysign fmod lerp logaddexp logaddexp2 xlogy, and div's rounding modes.

Operands are promoted by PyTorch's rules (`_promote`) before the op sees them; ops that PyTorch defines on
floating tensors only (hypot, logaddexp, logaddexp2, lerp) refuse integers with its NotImplementedError, and
those that take Tensors only (atan2, hypot, logaddexp, logaddexp2) refuse numbers with its TypeError.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._declare import case, declare
from ._out import with_out
from ._promote import kernel_missing, promote, torch_name
from ._util import broadcast_error
from .arithmetic import _check_zero_division
from .arithmetic import div as _true_div
from .arithmetic import floor_divide as _floor_divide
from .inplace import inplace_of

__all__ = ["atan2", "copysign", "div", "fmod", "hypot", "lerp", "logaddexp", "logaddexp2", "xlogy"]

_LN2 = float(np.log(2.0))


class Atan2(Op):
    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return np.arctan2(y, x)

    @staticmethod
    def backward(ctx, g):
        # d atan2(y, x) = (x dy - y dx) / (x^2 + y^2) ; 0 at the origin (PyTorch's choice)
        y, x = ctx.saved
        d = x * x + y * y
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(d == 0, 0, g / d)
        return r * x, -r * y


class Hypot(Op):
    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d sqrt(a^2 + b^2) = (a da + b db) / out
        a, b, out = ctx.saved
        r = g / out
        return r * a, r * b


class Copysign(Op):
    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # |a| sign(b): dL/da = g * out / a (0 where a = 0, PyTorch's choice) ; dL/db = 0
        a, out = ctx.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(a == 0, 0, out / a)
        return g * ratio, g * 0


class Fmod(Op):
    @staticmethod
    def forward(ctx, a, b):
        _check_zero_division(a, b)
        ctx.save_for_backward(a, b)
        return np.fmod(a, b)

    @staticmethod
    def backward(ctx, g):
        # a - b * trunc(a / b): dL/da = g ; dL/db = -g * trunc(a / b)
        a, b = ctx.saved
        if not ctx.needs_input_grad[1]:
            return g, None
        with np.errstate(divide="ignore", invalid="ignore"):
            return g, -g * np.trunc(a / b)


class Lerp(Op):
    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return a + w * (b - a)

    @staticmethod
    def backward(ctx, g):
        # a + w (b - a): dL/da = g (1 - w) ; dL/db = g w ; dL/dw = g (b - a)
        a, b, w = ctx.saved
        nig = ctx.needs_input_grad
        return (g * (1 - w) if nig[0] else None), (g * w if nig[1] else None), \
            (g * (b - a) if len(nig) > 2 and nig[2] else None)


class Logaddexp(Op):
    @staticmethod
    def forward(ctx, a, b):
        out = np.logaddexp(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d log(e^a + e^b) = e^(a - out) da + e^(b - out) db
        a, b, out = ctx.saved
        return g * np.exp(a - out), g * np.exp(b - out)


class Logaddexp2(Op):
    @staticmethod
    def forward(ctx, a, b):
        out = np.logaddexp2(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # d log2(2^a + 2^b) = 2^(a - out) da + 2^(b - out) db
        a, b, out = ctx.saved
        return g * np.exp2(a - out), g * np.exp2(b - out)


class Xlogy(Op):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((x == 0) & ~np.isnan(y), 0, x * np.log(y)).astype(np.result_type(x, y))

    @staticmethod
    def backward(ctx, g):
        # x log y (0 where x = 0): dL/dx = g log y (0 where x = 0 and y <= 0) ; dL/dy = g x / y
        x, y = ctx.saved
        nig = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            gx = np.where((x == 0) & (y <= 0), 0, g * np.log(y)) if nig[0] else None
            gy = g * x / y if nig[1] else None
        return gx, gy


class RoundingDiv(Op):
    node_name = "DivBackward2"  # PyTorch's div.Tensor_mode
    @staticmethod
    def forward(ctx, a, b, mode):
        _check_zero_division(a, b)
        if mode == "floor":
            return np.floor_divide(a, b)
        if np.result_type(a, b).kind in "iu":  # truncate toward zero: floor, plus 1 where inexact and negative
            q = np.floor_divide(a, b)
            return q + ((q < 0) & (q * b != a))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.trunc(a / b)

    @staticmethod
    def backward(ctx, g):
        # trunc(a / b), floor(a / b): piecewise constant, dL/da = dL/db = 0 (PyTorch's choice)
        z = g * 0
        return z, z, None


def _binary(cls, name: str, floating: bool, tensors_only: bool = False, float_kernel: str | None = None):
    """The public function: PyTorch's argument checks and promotion, then the op."""

    def fn(input, other):
        if tensors_only:
            for pos, arg, x in ((1, "input", input), (2, "other", other)):
                if not isinstance(x, Tensor):
                    raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                                    f"{type(x).__name__}")
        dtype, a, b = promote(input, other, floating)
        if float_kernel is not None and dtype.kind not in "fc":
            raise kernel_missing(float_kernel, dtype)
        if dtype == np.bool_ and cls is Fmod:
            raise kernel_missing("fmod_cpu", dtype)
        try:
            return cls.apply(a, b)
        except ValueError as e:
            if "broadcast" in str(e):
                raise broadcast_error(name, input, other) from None
            raise

    fn.__name__ = fn.__qualname__ = name
    return with_out(fn, exact=False)


def _doc(fn, doc: str):
    fn.__doc__ = doc
    return fn


def _decl(fn, aliases=(), cases=(), inplace=True):
    names = (fn.__name__, *aliases)
    declare(fn, method=names, aliases=aliases, cases=cases)
    if inplace:
        declare(inplace_of(fn, fn.__name__ + "_"), name=fn.__name__ + "_", namespaces=(),
                method=tuple(n + "_" for n in names))
    return fn


atan2 = _decl(_doc(_binary(Atan2, "atan2", True, tensors_only=True),
                   "atan2(input, other): the angle of the point (other, input), in (-pi, pi]; input and other "
                   "are Tensors (broadcast); integers give the default float dtype."),
              aliases=("arctan2",), cases=[case(lambda m, y, x: m.atan2(y, x), (3, 4), (4,)),
                                           case(lambda m, y, x: y.arctan2(x), (2, 3), (2, 3), suffix="alias")])
hypot = _decl(_doc(_binary(Hypot, "hypot", False, tensors_only=True, float_kernel="hypot_cpu"),
                   "sqrt(input^2 + other^2), elementwise, without overflow; floating Tensors only."),
              cases=[case(lambda m, a, b: m.hypot(a, b), (3, 4), (3, 1), kinds="away0")])
copysign = _decl(_doc(_binary(Copysign, "copysign", True),
                      "|input| with the sign of other (a Tensor or number); integers give the default float "
                      "dtype. The gradient of input is 0 where input is 0; other gets none (0)."),
                 cases=[case(lambda m, a, b: m.copysign(a, b), (3, 4), (4,), kinds="away0"),
                        case(lambda m, a: a.copysign(-1.0), (3,), kinds="away0", suffix="scalar")])
fmod = _decl(_doc(_binary(Fmod, "fmod", False),
                  "The C remainder a - b * trunc(a / b) (sign of the dividend); integer division by zero "
                  "raises RuntimeError('ZeroDivisionError'). Compare `remainder` (sign of the divisor)."),
             cases=[case(lambda m, a, b: m.fmod(a * 3, b), (3, 4), (4,), kinds=("frac", "pos")),
                    case(lambda m, a: (a * 3).fmod(-1.5), (4,), kinds="frac", suffix="scalar")])
logaddexp = _decl(_doc(_binary(Logaddexp, "logaddexp", False, tensors_only=True, float_kernel="logaddexp_cpu"),
                       "log(exp(input) + exp(other)), computed without overflow; floating Tensors only."),
                  inplace=False, cases=[case(lambda m, a, b: m.logaddexp(a, b), (3, 4), (4,))])
logaddexp2 = _decl(_doc(_binary(Logaddexp2, "logaddexp2", False, tensors_only=True,
                                float_kernel="logaddexp2_cpu"),
                        "log2(2^input + 2^other), computed without overflow; floating Tensors only."),
                   inplace=False, cases=[case(lambda m, a, b: a.logaddexp2(b), (3, 4), (3, 4))])
xlogy = _decl(_doc(_binary(Xlogy, "xlogy", True),
                   "input * log(other), 0 where input is 0 (even when other is 0); integers give the default "
                   "float dtype."),
              cases=[case(lambda m, x, y: m.xlogy(x, y), (3, 4), (3, 4), kinds=("normal", "pos")),
                     case(lambda m, x, y: m.xlogy(x * (x > 0), y), (6,), (6,), kinds=("normal", "pos"),
                          suffix="zeros")])


@declare(method=True, cases=[case(lambda m, a, b, w: m.lerp(a, b, w), (3, 4), (4,), (3, 1)),
                             case(lambda m, a, b: a.lerp(b, 0.3), (2, 3), (2, 3), suffix="scalar")])
@with_out(exact=False)
def lerp(input, end, weight):
    """input + weight * (end - input): input and end Tensors of one floating dtype, weight a number or a
    Tensor of that dtype (broadcast). Raises RuntimeError when the dtypes differ, NotImplementedError for
    integer tensors."""
    d = input._data.dtype
    for arg, x in (("end", end), ("weight", weight)):
        if isinstance(x, Tensor) and x._data.dtype != d:
            raise RuntimeError(f"expected dtype {torch_name(d).lower()} for `{arg}` but got dtype "
                               f"{torch_name(x._data.dtype).lower()}")
    if d.kind not in "fc":
        raise kernel_missing("lerp_kernel_scalar" if not isinstance(weight, Tensor) else "lerp_kernel_tensor",
                             d)
    if not isinstance(weight, Tensor):
        weight = d.type(weight)
    try:
        return Lerp.apply(input, end, weight)
    except ValueError:
        raise broadcast_error("lerp", input, end) from None


declare(inplace_of(lerp, "lerp_"), name="lerp_", namespaces=(), method=True)

_MODES = (None, "trunc", "floor")


def _div_method(self, other, *, rounding_mode=None):
    """Tensor.div: true division goes straight to the arithmetic op (the common case stays one call)."""
    if rounding_mode is None:
        return _true_div(self, other)
    return div(self, other, rounding_mode=rounding_mode)


@declare(method=("div", "divide"), aliases=("divide",), method_fn=_div_method, cases=[
    case(lambda m, a, b: m.div(a, b), (3, 4), (4,), kinds=("normal", "pos")),
    case(lambda m, a, b: m.div(a * 4, b, rounding_mode="trunc"), (3, 4), (3, 4), kinds=("normal", "pos"),
         suffix="trunc"),
    case(lambda m, a, b: a.divide(b, rounding_mode="floor"), (3, 4), (3, 1), kinds=("normal", "pos"),
         suffix="floor")])
@with_out(exact=False)
def div(input, other, *, rounding_mode: str | None = None):
    """input / other with PyTorch's promotion. rounding_mode None (default): true division (integers give
    the default float dtype); "trunc": rounded toward zero; "floor": rounded down (both keep integer dtypes,
    raise RuntimeError('ZeroDivisionError') on integer division by zero, refuse bool, and pass a zero
    gradient)."""
    if rounding_mode is None:
        return _true_div(input, other)
    if rounding_mode not in _MODES:
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    if rounding_mode == "floor" and not (isinstance(input, Tensor) and input._rg) and not (
            isinstance(other, Tensor) and other._rg):
        return _floor_divide(input, other)
    dtype, a, b = promote(input, other)
    if dtype == np.bool_:
        raise kernel_missing(f"div_{rounding_mode}_cpu", dtype)
    try:
        return RoundingDiv.apply(a, b, rounding_mode)
    except ValueError:
        raise broadcast_error("div", input, other) from None


declare(inplace_of(div, "div_"), name="div_", namespaces=(), method=("div_", "divide_"))
