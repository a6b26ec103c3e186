"""Bitwise and shift ops and operators (& | ^ ~ << >>), and logical_xor, with PyTorch's rules: on bool tensors
logical, on integers bitwise, on floating results NotImplementedError ('"bitwise_and_cpu" not implemented for
'Float''); `~` on a float tensor is a TypeError. Operands are promoted first (`bool & int` is int64). Shifts
by a negative amount or by the width or more give 0 (right shift of a negative number: -1), as PyTorch's.
No gradients: these are integer ops.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._declare import case, declare
from ._out import with_out
from ._promote import array_in, kernel_missing, np_result_type
from ._util import broadcast_error
from .inplace import inplace_of

__all__ = ["bitwise_and", "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift",
           "bitwise_xor", "logical_xor"]


def _operands(name: str, kernel: str, input, other, bool_ok: bool = True):
    dtype = np_result_type(input, other)
    if dtype.kind not in "biu" or (dtype.kind == "b" and not bool_ok):
        raise kernel_missing(kernel, dtype)
    return array_in(input, dtype), array_in(other, dtype), dtype


def _wrap(name: str, fn, input, other):
    try:
        return Tensor._wrap(np.asarray(fn(input, other)))
    except ValueError:
        raise broadcast_error(name, input, other) from None


def _bitwise(name: str, ufunc):
    kernel = f"{name}_cpu"

    def fn(input, other):
        a, b, dtype = _operands(name, kernel, input, other)
        out = _wrap(name, ufunc, a, b)
        return out if out._data.dtype == dtype else Tensor._wrap(out._data.astype(dtype))

    fn.__name__ = fn.__qualname__ = name
    fn = with_out(fn, exact=False)
    fn.__doc__ = (f"Elementwise {name[8:]} of integer or bool tensors (or numbers), promoted to their result "
                  "type: logical on bool, bitwise on integers; floating results raise NotImplementedError.")
    return fn


def _shift(a: np.ndarray, s: np.ndarray, left: bool) -> np.ndarray:
    bits = a.dtype.itemsize * 8
    out_range = (s < 0) | (s >= bits)
    sc = np.clip(s, 0, bits - 1).astype(a.dtype)
    if left:
        return np.where(out_range, a.dtype.type(0), np.left_shift(a, sc))
    fill = np.where(a < 0, a.dtype.type(-1), a.dtype.type(0)) if a.dtype.kind == "i" else a.dtype.type(0)
    return np.where(out_range, fill, np.right_shift(a, sc))


def _shifter(name: str, left: bool):
    kernel = "lshift_cpu" if left else "rshift_cpu"

    def fn(input, other):
        a, b, dtype = _operands(name, kernel, input, other, bool_ok=False)
        return Tensor._wrap(np.asarray(_wrap(name, lambda x, y: _shift(x, y, left), a, b)._data, dtype=dtype))

    fn.__name__ = fn.__qualname__ = name
    fn = with_out(fn, exact=False)
    fn.__doc__ = (f"input {'<<' if left else '>>'} other, elementwise on integers (bool operands promote to "
                  "int64 with an int); a shift by a negative amount or by the width or more gives 0 (right "
                  "shift of a negative number: -1).")
    return fn


def _ints(m, x, scale=8):
    return (x * scale).round().long()


def _cases(op: str, shift: bool = False):
    out = [case(lambda m, x, y: getattr(m, op)(_ints(m, x), _ints(m, y)).float(), (3, 4), (4,), grad=False),
           case(lambda m, x: getattr(m, op)(_ints(m, x), 3).float(), (5,), grad=False, suffix="scalar")]
    if not shift:
        out.append(case(lambda m, x, y: getattr(m, op)(x > 0, y > 0).float(), (3, 4), (3, 4), grad=False,
                        suffix="bool"))
    return out


bitwise_and = _bitwise("bitwise_and", np.bitwise_and)
bitwise_or = _bitwise("bitwise_or", np.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor)
bitwise_left_shift = _shifter("bitwise_left_shift", True)
bitwise_right_shift = _shifter("bitwise_right_shift", False)
for _fn, _dunder in ((bitwise_and, "and"), (bitwise_or, "or"), (bitwise_xor, "xor"),
                     (bitwise_left_shift, "lshift"), (bitwise_right_shift, "rshift")):
    _name = _fn.__name__
    declare(_fn, method=(_name, f"__{_dunder}__"), cases=_cases(_name, "shift" in _name))
    declare(lambda self, other, _f=_fn: _f(other, self), name=f"__r{_dunder}__", namespaces=(), method=True)
    _inplace = inplace_of(_fn, _name + "_")
    declare(_inplace, name=_name + "_", namespaces=(), method=(_name + "_", f"__i{_dunder}__"))


@declare(method=True, cases=[case(lambda m, x: m.bitwise_not(_ints(m, x)).float(), (3, 4), grad=False),
                             case(lambda m, x: m.bitwise_not(x > 0).float(), (3, 4), grad=False, suffix="bool")])
@with_out(exact=False)
def bitwise_not(input):
    """~input: logical not on bool tensors, bitwise not on integers; floating tensors raise
    NotImplementedError."""
    a = input._data
    if a.dtype.kind not in "biu":
        raise kernel_missing("bitwise_not_cpu", a.dtype)
    return Tensor._wrap(np.invert(a))


def _invert(self):
    """~self: as bitwise_not; a float tensor raises TypeError, as PyTorch's operator does."""
    if self._data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


declare(_invert, name="__invert__", namespaces=(), method=True)
declare(inplace_of(bitwise_not, "bitwise_not_"), name="bitwise_not_", namespaces=(), method=True)


@declare(method=True, cases=[case(lambda m, x, y: m.logical_xor(x > 0, y).float(), (3, 4), (4,), grad=False)])
@with_out(exact=False)
def logical_xor(input, other):
    """Elementwise exclusive or of the truth values (non-zero is True): a bool tensor."""
    a = input._data if isinstance(input, Tensor) else np.asarray(input)
    b = other._data if isinstance(other, Tensor) else np.asarray(other)
    return _wrap("logical_xor", np.logical_xor, a, b)
