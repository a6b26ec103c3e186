"""PyTorch's type promotion, in one place: the dtype of every binary and ternary op, in-place op, reduction.

The rules (torch.result_type): dtypes rank by category, bool < integer < floating < complex. Operands rank by
priority: tensors with dimensions, then 0-d tensors, then wrapped numbers (Python and NumPy scalars). The
operands of the highest priority set the dtype (promote_types among them); a lower-priority operand only
counts when its category is higher, and then a wrapped number brings the default dtype of its category
(`int_tensor * 1.5` is float32, `float32_tensor * float64_0d_tensor` is float32). A wrapped Python int is
int64, a float the default float dtype; NumPy scalars count as the Python number of their kind, except
np.bool_, which PyTorch reads as a float. An ndarray operand counts as a tensor with dimensions, whatever
its ndim: PyTorch's operators hand ndarrays to NumPy, which does not treat a 0-d array as weak either.

Ops get their operands already cast to the result dtype by `promote`: tensors through the differentiable
`cast`, so each input's gradient comes back in that input's own dtype.
"""

from __future__ import annotations

import numpy as np

from ..dtypes import default_np_dtype, from_numpy_dtype, to_numpy_dtype
from ..tensor import Tensor
from .cast import cast

__all__ = ["can_cast", "promote_types", "result_type"]

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_BOOL = np.dtype(np.bool_)
_INT64 = np.dtype(np.int64)
_PROMOTED: dict = {}
# PyTorch's names of the dtypes, for its error messages
_TORCH_NAMES = {
    "bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
    "float16": "Half", "float32": "Float", "float64": "Double", "complex64": "ComplexFloat",
    "complex128": "ComplexDouble",
}


def torch_name(dtype) -> str:
    """PyTorch's name of a dtype in error messages (Float, Long ...)."""
    return _TORCH_NAMES.get(np.dtype(dtype).name, np.dtype(dtype).name)


def np_promote_types(type1, type2) -> np.dtype:
    """promote_types on NumPy dtypes (what ops use).

    Across categories the higher one wins as it is (int64 with float32 is float32, not NumPy's float64);
    within a category, as NumPy (int32 with int64 is int64, uint8 with int8 is int16).
    """
    key = (type1, type2)
    out = _PROMOTED.get(key)
    if out is None:
        a, b = to_numpy_dtype(type1), to_numpy_dtype(type2)
        ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
        if ca != cb and max(ca, cb) >= 2 and min(ca, cb) <= 1:
            out = a if ca > cb else b
        else:
            out = np.promote_types(a, b)
        _PROMOTED[key] = out
    return out


def _default_complex() -> np.dtype:
    return np.dtype(np.complex128 if default_np_dtype() == np.float64 else np.complex64)


def _operand(x) -> tuple:
    """(priority, dtype) of an operand: 2 a tensor with dims (or an ndarray), 1 a 0-d tensor, 0 a number."""
    if isinstance(x, Tensor):
        d = x._data
        return (2 if d.ndim else 1), d.dtype
    if isinstance(x, np.ndarray):
        return 2, x.dtype
    if isinstance(x, bool):
        return 0, _BOOL
    if isinstance(x, (int, np.integer)):
        return 0, _INT64
    if isinstance(x, (float, np.floating, np.bool_)):  # PyTorch reads np.bool_ as a float
        return 0, default_np_dtype()
    if isinstance(x, (complex, np.complexfloating)):
        return 0, _default_complex()
    raise TypeError(f"expected a Tensor or a number, got {type(x).__name__}")


def _combine(higher, lower):
    """The dtype of a higher-priority group with a lower one: the lower counts if its category is higher."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    ch, cl = _CATEGORY[higher.kind], _CATEGORY[lower.kind]
    if ch == 3:
        return higher
    if cl == 3:
        return np.dtype(np.complex128 if higher == np.float64 else np.complex64) if ch == 2 else lower
    if ch == 2:
        return higher
    if ch == 0 or cl == 2:
        return np_promote_types(higher, lower)
    return higher


def np_result_type(*operands) -> np.dtype:
    """The dtype PyTorch gives an op on these operands (Tensors, ndarrays, Python or NumPy numbers; None is
    skipped).

    """
    groups = [None, None, None]
    for x in operands:
        if x is None:
            continue
        p, d = _operand(x)
        g = groups[p]
        groups[p] = d if g is None else np_promote_types(g, d)
    out = _combine(groups[2], _combine(groups[1], groups[0]))
    if out is None:
        raise TypeError("result_type: expected at least one Tensor or number")
    return out


def result_type(tensor1, tensor2, *more):
    """The dtype PyTorch gives an op on these operands (torch.result_type): Tensors or numbers.

    >>> import chainrule
    >>> chainrule.result_type(chainrule.ones(3, dtype=chainrule.int64), 1.5)
    chainrule.float32
    """
    return from_numpy_dtype(np_result_type(tensor1, tensor2, *more))


def kernel_missing(kernel: str, dtype, prefix: str = "", hint: str = "") -> NotImplementedError:
    """PyTorch's error for an op it has no kernel for in this dtype: '"abs_cpu" not implemented for 'Bool''.

    The same exception type and wording as PyTorch, so a program's `except NotImplementedError` still works.
    """
    return NotImplementedError(f"{prefix}\"{kernel}\" not implemented for '{torch_name(dtype)}'{hint}")


def promote_types(type1, type2):
    """The smallest dtype both dtypes convert to without leaving their category (torch.promote_types):
    int64 with float32 is float32 (NumPy: float64), int32 with int64 is int64, uint8 with int8 is int16.

    Examples:
        >>> import chainrule as cr
        >>> cr.promote_types(cr.int64, cr.float32), cr.promote_types(cr.uint8, cr.int8)
        (chainrule.float32, chainrule.int16)
    """
    return from_numpy_dtype(np_promote_types(type1, type2))


def can_cast(from_, to) -> bool:
    """Whether PyTorch casts dtype `from_` into `to` for an in-place or out= result (torch.can_cast).

    Refused: complex to non-complex, floating to integer or bool, and anything but bool to bool.

    Args:
        from_: the dtype of the value being written.
        to: the dtype of the destination.

    Examples:
        >>> import chainrule as cr
        >>> cr.can_cast(cr.int64, cr.float32), cr.can_cast(cr.float32, cr.int64)
        (True, False)
    """
    a, b = to_numpy_dtype(from_), to_numpy_dtype(to)
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca == 3 and cb != 3:
        return False
    if ca == 2 and cb <= 1:
        return False
    return not (cb == 0 and ca != 0)


def to_dtype(x, dtype: np.dtype):
    """Operand x in dtype: a tensor through a differentiable cast (its gradient comes back in its dtype)."""
    if isinstance(x, Tensor):
        return x if x._data.dtype == dtype else cast(x, dtype)
    if isinstance(x, np.ndarray):
        return x.astype(dtype, copy=False)
    if dtype.kind in "iu" and not isinstance(x, (bool, np.bool_)):
        return np.int64(x).astype(dtype)  # wraps around as PyTorch's integer scalars do
    return dtype.type(x)


def array_in(x, dtype: np.dtype):
    """Operand x as an array (or NumPy scalar) of dtype, outside the graph (comparisons, masks)."""
    if isinstance(x, Tensor):
        return x._data.astype(dtype, copy=False)
    return to_dtype(x, dtype)


def promote(a, b, floating: bool = False):
    """(dtype, a, b) with a and b converted to their result type; `floating`: integers give the default float
    dtype (true division)."""
    dtype = np_result_type(a, b)
    if floating and dtype.kind in "biu":
        dtype = default_np_dtype()
    return dtype, to_dtype(a, dtype), to_dtype(b, dtype)


def check_inplace(name: str, self: Tensor, result: Tensor) -> Tensor:
    """The result of in-place op `name` on self, cast to self's dtype (differentiably: a recorded in-place op
    sends each input its gradient in its own dtype), or PyTorch's error when it cannot go into self."""
    rd, sd = result._data.dtype, self._data.dtype
    if rd != sd and not can_cast(rd, sd):
        raise RuntimeError(f"{name}: result type {torch_name(rd)} can't be cast to the desired output type "
                           f"{torch_name(sd)}")
    if result._data.shape != self._data.shape:
        raise RuntimeError(f"{name}: output with shape {list(self.shape)} doesn't match the broadcast shape "
                           f"{list(result.shape)}")
    return result if rd == sd else cast(result, sd)


def inplace_checked(name: str, fn):
    """fn(self, other, ...) followed by check_inplace: the form the in-place methods record or write back."""

    def run(self, *args, **kwargs):
        return check_inplace(name, self, fn(self, *args, **kwargs))

    return run
