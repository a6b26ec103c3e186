"""Comparisons: bool tensors, no gradient."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._promote import array_in as _array_in
from ._promote import np_result_type as _result_type
from ._promote import torch_name as _torch_name
from ._util import broadcast_error
from ._declare import case, declare


def _cmp(ufunc, name):
    def fn(input, other):
        if type(input) is Tensor and type(other) is Tensor and input._data.dtype is other._data.dtype:
            a, b = input._data, other._data
        else:
            try:
                dtype = _result_type(input, other)  # compared in the result type, as PyTorch
            except TypeError:
                if name in ("eq", "ne"):
                    return name == "ne"  # x == None is False, as in PyTorch
                raise TypeError(f"{name}: not supported between a Tensor and {type(other).__name__}") \
                    from None
            a, b = _array_in(input, dtype), _array_in(other, dtype)
        try:
            return Tensor._wrap(np.asarray(ufunc(a, b)))
        except ValueError:
            raise broadcast_error(name, input, other) from None

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Elementwise {name}, compared in the operands' result type: a bool tensor (no gradient "
                  "flows through comparisons).")
    return fn


eq = _cmp(np.equal, "eq")
ne = _cmp(np.not_equal, "ne")
lt = _cmp(np.less, "lt")
le = _cmp(np.less_equal, "le")
gt = _cmp(np.greater, "gt")
ge = _cmp(np.greater_equal, "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def equal(input, other) -> bool:
    """True if both tensors have the same shape and elements."""
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """Elementwise |a - b| <= atol + rtol * |b|; both tensors of one dtype, as in PyTorch."""
    a = input._data if isinstance(input, Tensor) else np.asarray(input)
    b = other._data if isinstance(other, Tensor) else np.asarray(other)
    if isinstance(input, Tensor) and isinstance(other, Tensor) and a.dtype != b.dtype:
        raise RuntimeError(f"isclose: {_torch_name(a.dtype)} did not match {_torch_name(b.dtype)}; convert "
                           "one with .to(other.dtype)")
    return Tensor._wrap(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """True if all elements are close (see isclose)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def isnan(input) -> Tensor:
    """True where input is NaN.

    Args:
        input: a tensor of any shape and dtype.

    Returns:
        a bool tensor of input's shape (no gradient).
    """
    return Tensor._wrap(np.isnan(input._data))


def isinf(input) -> Tensor:
    """True where input is +inf or -inf.

    Args:
        input: a tensor of any shape and dtype.

    Returns:
        a bool tensor of input's shape (no gradient).
    """
    return Tensor._wrap(np.isinf(input._data))


def isfinite(input) -> Tensor:
    """True where input is neither NaN nor infinite (integers and bools: everywhere).

    Args:
        input: a tensor of any shape and dtype.

    Returns:
        a bool tensor of input's shape (no gradient).
    """
    return Tensor._wrap(np.isfinite(input._data))


def logical_not(input) -> Tensor:
    """True where input is zero (False); any dtype, read as truth values.

    Args:
        input: a tensor of any shape and dtype.

    Returns:
        a bool tensor of input's shape (no gradient).
    """
    return Tensor._wrap(np.logical_not(input._data))


def logical_and(input, other) -> Tensor:
    """True where both input and other are nonzero (truth values of any dtype), broadcast together.

    Args:
        input: a tensor.
        other: a tensor or a number, broadcastable with input.

    Returns:
        a bool tensor of the broadcast shape (no gradient).
    """
    return Tensor._wrap(np.logical_and(input._data, getattr(other, "_data", other)))


def logical_or(input, other) -> Tensor:
    """True where input or other is nonzero (truth values of any dtype), broadcast together.

    Args:
        input: a tensor.
        other: a tensor or a number, broadcastable with input.

    Returns:
        a bool tensor of the broadcast shape (no gradient).
    """
    return Tensor._wrap(np.logical_or(input._data, getattr(other, "_data", other)))


def any(input, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True if any element (along dim) is nonzero.

    Args:
        input: a tensor of any dtype (read as truth values).
        dim: the dimension (int) or dimensions (tuple) to reduce; None (default): all of them.
        keepdim: keep the reduced dimensions with size 1 (default False).

    Returns:
        a bool tensor (0-d when every dimension is reduced).
    """
    return Tensor._wrap(np.asarray(np.any(input._data, axis=dim, keepdims=keepdim)))


def all(input, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True if every element (along dim) is nonzero.

    Args:
        input: a tensor of any dtype (read as truth values).
        dim: the dimension (int) or dimensions (tuple) to reduce; None (default): all of them.
        keepdim: keep the reduced dimensions with size 1 (default False).

    Returns:
        a bool tensor (0-d when every dimension is reduced).
    """
    return Tensor._wrap(np.asarray(np.all(input._data, axis=dim, keepdims=keepdim)))


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------
declare(eq, method=True, operators=("x == y",), cases=[
    case(lambda m, x, y: x == y, (3, 4), (4,), grad=False)])
declare(ne, method=("ne", "not_equal"), aliases=("not_equal",), operators=("x != y",), cases=[
    case(lambda m, x, y: m.not_equal(x, y.round()), (3, 4), (4,), kinds="frac", grad=False)])
declare(lt, method=("lt", "less"), aliases=("less",), operators=("x < y",), cases=[
    case(lambda m, x, y: x < y, (3, 4), (3, 1), grad=False)])
declare(le, method=("le", "less_equal"), aliases=("less_equal",), operators=("x <= y",), cases=[
    case(lambda m, x, y: x.le(y), (3, 4), (4,), grad=False)])
declare(gt, method=("gt", "greater"), aliases=("greater",), operators=("x > y",), cases=[
    case(lambda m, x: x > 0.1, (3, 4), grad=False, suffix="scalar")])
declare(ge, method=("ge", "greater_equal"), aliases=("greater_equal",), operators=("x >= y",), cases=[
    case(lambda m, x, y: m.greater_equal(x, y), (3, 4), (3, 4), grad=False)])
for _f in (equal, allclose):
    declare(_f, method=True, differentiable=False)  # a Python bool
declare(isclose, method=True, cases=[
    case(lambda m, x, y: m.isclose(x, x + y * 1e-6, rtol=1e-6), (3, 4), (3, 4), grad=False)])
declare(isnan, method=True, cases=[case(lambda m, x: (x.log()).isnan(), (3, 4), grad=False)])
declare(isinf, method=True, cases=[
    case(lambda m, x: m.isinf(1 / x.round()), (3, 4), kinds="frac", grad=False)])
declare(isfinite, method=True, cases=[case(lambda m, x: (1 / x.round()).isfinite(), (3, 4), kinds="frac",
                                           grad=False)])
declare(logical_and, method=True, cases=[
    case(lambda m, x, y: m.logical_and(x > 0, y > 0), (3, 4), (4,), grad=False)])
declare(logical_or, method=True, cases=[
    case(lambda m, x, y: (x > 0).logical_or(y > 0), (3, 4), (4,), grad=False)])
declare(any, method=True, cases=[case(lambda m, x: (x > 1).any(dim=1), (3, 4), grad=False)])
declare(all, method=True, cases=[case(lambda m, x: m.all(x > -1, 0, keepdim=True), (3, 4), grad=False)])
declare(logical_not, method=True, operators=("~x",), cases=[case(lambda m, x: ~(x > 0), (3, 4), grad=False)])
