"""Dtypes: `chainrule.float32` & co. are `chainrule.dtype` objects (PyTorch's `torch.dtype`), each wrapping a NumPy dtype.

What users see reads as PyTorch's (`x.dtype` prints `chainrule.float32`; `is_floating_point`, `is_complex`,
`is_signed`, `itemsize`, `to_real()`, `to_complex()`), while the package computes on NumPy dtypes: internal code
reads `t._data.dtype`, never the public `t.dtype`.

Conversion: every `dtype=` argument goes through `to_numpy_dtype` (NumPy dtypes, NumPy scalar types and Python's
float/int/bool are accepted too, for convenience). NumPy itself converts a `chainrule.dtype` as well, because
`np.dtype(obj)` reads `obj.dtype` (an `np.dtype`): `np.zeros(2, dtype=chainrule.float64)` works.

Equality (decided here, tested in tests/core/test_inspect_dtypes.py): a dtype equals itself only, as in PyTorch;
`x.dtype == np.float32` is False (PyTorch's answer for the NumPy scalar type). One exception comes from NumPy: an
`np.dtype` instance converts the other operand through `.dtype`, so `np.dtype("float32") == chainrule.float32` is
True (both orders); the hash is the NumPy dtype's hash so that this equality stays consistent in dicts and sets.
"""

from __future__ import annotations

import builtins

import numpy as np


class dtype:  # noqa: N801 - PyTorch's name
    """A tensor element type, as torch.dtype: `chainrule.float32`, `chainrule.int64`, `chainrule.bool`, ...

    Attributes: is_floating_point, is_complex, is_signed, itemsize (bytes), `dtype` (the NumPy dtype it stands for).
    Objects are singletons (copies and unpickling give the same object), so `is` and `==` agree.

    Examples:
        >>> import chainrule as cr
        >>> cr.float32, cr.float32.is_floating_point, cr.float32.itemsize
        (chainrule.float32, True, 4)
        >>> cr.float == cr.float32, cr.long is cr.int64
        (True, True)
        >>> cr.tensor([1, 2]).dtype.is_signed
        True
    """

    __slots__ = ("dtype", "_name", "_hash", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, np_dtype, name: str):
        d = np.dtype(np_dtype)
        self.dtype = d
        self._name = name
        self._hash = hash(d)
        self.is_floating_point = d.kind == "f"
        self.is_complex = d.kind == "c"
        self.is_signed = d.kind in "fci"
        self.itemsize = d.itemsize

    def __repr__(self) -> str:
        return "chainrule." + self._name

    __str__ = __repr__

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self):
        return _by_name, (self._name,)

    def __copy__(self) -> dtype:
        return self

    def __deepcopy__(self, memo) -> dtype:
        return self

    def to_real(self) -> dtype:
        """The real dtype of the same precision: complex64 -> float32; real dtypes return themselves.

        Examples:
            >>> import chainrule as cr
            >>> cr.complex128.to_real(), cr.float32.to_real()
            (chainrule.float64, chainrule.float32)
        """
        if self.is_complex:
            return _FROM_NP[np.dtype(f"f{self.itemsize // 2}")]
        return self

    def to_complex(self) -> dtype:
        """The complex dtype of the same precision: float32 -> complex64; complex dtypes return themselves.

        Raises:
            RuntimeError: a dtype without a complex counterpart (integers, bool, float16).

        Examples:
            >>> import chainrule as cr
            >>> cr.float32.to_complex(), cr.float64.to_complex()
            (chainrule.complex64, chainrule.complex128)
        """
        if self.is_complex:
            return self
        if self.is_floating_point and self.itemsize in (4, 8):
            return _FROM_NP[np.dtype(f"c{2 * self.itemsize}")]
        raise RuntimeError(f"to_complex: no complex dtype for {self} (float32 and float64 have one)")


def _by_name(name: str) -> dtype:
    return _BY_NAME[name]


_BY_NAME: dict[str, dtype] = {}
_FROM_NP: dict[np.dtype, dtype] = {}
for _np, _name in [
    (np.float16, "float16"),
    (np.float32, "float32"),
    (np.float64, "float64"),
    (np.complex64, "complex64"),
    (np.complex128, "complex128"),
    (np.int8, "int8"),
    (np.int16, "int16"),
    (np.int32, "int32"),
    (np.int64, "int64"),
    (np.uint8, "uint8"),
    (np.uint16, "uint16"),
    (np.uint32, "uint32"),
    (np.uint64, "uint64"),
    (np.bool_, "bool"),
]:
    _BY_NAME[_name] = _FROM_NP[np.dtype(_np)] = dtype(_np, _name)

float16 = half = _BY_NAME["float16"]
float32 = float = _BY_NAME["float32"]  # noqa: A001 - PyTorch's alias
float64 = double = _BY_NAME["float64"]
complex64 = cfloat = _BY_NAME["complex64"]
complex128 = cdouble = _BY_NAME["complex128"]
int8 = _BY_NAME["int8"]
int16 = short = _BY_NAME["int16"]
int32 = int = _BY_NAME["int32"]  # noqa: A001
int64 = long = _BY_NAME["int64"]
uint8 = _BY_NAME["uint8"]
uint16 = _BY_NAME["uint16"]
uint32 = _BY_NAME["uint32"]
uint64 = _BY_NAME["uint64"]
bool = _BY_NAME["bool"]  # noqa: A001


def from_numpy_dtype(d: np.dtype) -> dtype:
    """The chainrule dtype of a NumPy dtype (what `Tensor.dtype` returns); a byte-swapped dtype maps to its native one."""
    got = _FROM_NP.get(d)
    if got is not None:
        return got
    native = d.newbyteorder("=")
    got = _FROM_NP.get(native)
    if got is None:
        got = _FROM_NP[native] = dtype(native, native.name)  # a NumPy dtype PyTorch lacks: named by NumPy
    return got


def to_numpy_dtype(d) -> np.dtype | None:
    """The NumPy dtype of a `dtype=` argument (a chainrule dtype, a NumPy dtype or type, float/int/bool); None stays."""
    if d is None:
        return None
    if type(d) is dtype:
        return d.dtype
    if isinstance(d, str) and d.startswith(("chainrule.", "torch.")):
        return _BY_NAME[d.split(".", 1)[1]].dtype
    return np.dtype(d)


_default = [np.dtype(np.float32)]


def get_default_dtype() -> dtype:
    """The dtype that Python floats and float lists become (chainrule.float32 unless changed).

    Examples:
        >>> import chainrule as cr
        >>> cr.get_default_dtype()
        chainrule.float32
    """
    return _FROM_NP[_default[0]]


def default_np_dtype() -> np.dtype:
    """The default floating dtype as a NumPy dtype (what internal code uses)."""
    return _default[0]


def set_default_dtype(d) -> None:
    """Set the default floating dtype (float32 or float64), as torch.set_default_dtype.

    Args:
        d: chainrule.float32 or chainrule.float64 (or float16).

    Raises:
        TypeError: an integer, bool or complex dtype.

    Examples:
        >>> import chainrule as cr
        >>> cr.set_default_dtype(cr.float64)
        >>> cr.tensor([0.1]).dtype
        chainrule.float64
        >>> cr.set_default_dtype(cr.float32)
        >>> cr.tensor([0.1]).dtype
        chainrule.float32
    """
    nd = to_numpy_dtype(d)
    if nd.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes are allowed, got {from_numpy_dtype(nd)}")
    _default[0] = nd


def infer_dtype(data) -> np.dtype:
    """PyTorch's rule: bools stay bool, integers become int64, floats become the default dtype (a NumPy dtype)."""
    arr = np.asarray(data)
    k = arr.dtype.kind
    if k == "b":
        return np.dtype(np.bool_)
    if k in "iu":
        return np.dtype(np.int64)
    if k == "f":
        return _default[0]
    if k == "c":
        return np.dtype(np.complex128 if _default[0] == np.float64 else np.complex64)
    raise TypeError(f"tensor: cannot make a tensor from data of dtype {arr.dtype}")


def is_floating(d) -> builtins.bool:
    """True for float16/32/64 (chainrule or NumPy dtypes)."""
    return to_numpy_dtype(d).kind == "f"


class finfo:  # noqa: N801 - PyTorch's name
    """Machine limits of a floating dtype, as torch.finfo: bits, eps, max, min, tiny, smallest_normal, resolution,
    dtype (its name, a string). `finfo()` describes the default dtype; a complex dtype gives its real part's.

    Args:
        type: a floating or complex dtype (default None: the default dtype).

    Raises:
        TypeError: an integer or bool dtype (use iinfo).

    Examples:
        >>> import chainrule as cr
        >>> cr.finfo(cr.float32).eps, cr.finfo(cr.float32).bits
        (1.1920928955078125e-07, 32)
        >>> cr.finfo(cr.float64).max
        1.7976931348623157e+308
    """

    def __init__(self, type=None):  # noqa: A002 - PyTorch's argument name
        nd = _default[0] if type is None else to_numpy_dtype(type)
        if nd.kind not in "fc":
            raise TypeError(
                f"chainrule.finfo() requires a floating point input type. Use chainrule.iinfo to handle "
                f"'{from_numpy_dtype(nd)}'"
            )
        info = np.finfo(nd)
        self.bits = info.bits
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0**-info.precision  # PyTorch's: exactly 1e-06 for float32
        self.dtype = info.dtype.name

    def __eq__(self, other) -> builtins.bool:
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self) -> builtins.int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
            f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 - PyTorch's name
    """Limits of an integer dtype, as torch.iinfo: bits, max, min, dtype (its name, a string).

    Args:
        type: an integer dtype (uint8 ... int64).

    Raises:
        TypeError: a floating, complex or bool dtype (use finfo).

    Examples:
        >>> import chainrule as cr
        >>> cr.iinfo(cr.int8).min, cr.iinfo(cr.int8).max
        (-128, 127)
        >>> cr.iinfo(cr.uint8).bits
        8
    """

    def __init__(self, type):  # noqa: A002 - PyTorch's argument name
        nd = to_numpy_dtype(type)
        if nd.kind not in "iu":
            raise TypeError(
                f"chainrule.iinfo() requires an integer input type. Use chainrule.finfo to handle "
                f"'{from_numpy_dtype(nd)}'"
            )
        info = np.iinfo(nd)
        self.bits, self.max, self.min, self.dtype = (
            info.bits,
            builtins.int(info.max),
            builtins.int(info.min),
            nd.name,
        )

    def __eq__(self, other) -> builtins.bool:
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self) -> builtins.int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


# PyTorch's legacy type strings (`x.type()`): programs compare them, so they are PyTorch's exact strings.
_TYPE_NAMES = {
    "float16": "HalfTensor",
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "complex64": "ComplexFloatTensor",
    "complex128": "ComplexDoubleTensor",
    "int8": "CharTensor",
    "int16": "ShortTensor",
    "int32": "IntTensor",
    "int64": "LongTensor",
    "uint8": "ByteTensor",
    "uint16": "UInt16Tensor",
    "uint32": "UInt32Tensor",
    "uint64": "UInt64Tensor",
    "bool": "BoolTensor",
}
_FROM_TYPE_NAME = {v: k for k, v in _TYPE_NAMES.items()}


def type_string(d: np.dtype) -> str:
    """`x.type()` for an array dtype: PyTorch's exact string, e.g. 'torch.FloatTensor' (see docs/ARCHITECTURE)."""
    return "torch." + _TYPE_NAMES[from_numpy_dtype(d)._name]


def from_type_string(s: str) -> np.dtype:
    """The dtype of a type string: 'torch.DoubleTensor', 'chainrule.DoubleTensor' or 'DoubleTensor'."""
    if ".cuda." in s:
        raise RuntimeError(f"type({s!r}): CUDA is not available; chainrule runs on the CPU (NumPy)")
    name = s.rsplit(".", 1)[-1]
    if name not in _FROM_TYPE_NAME:
        raise ValueError(
            f"type(): invalid type {s!r}; expected e.g. 'torch.FloatTensor' or chainrule.float32"
        )
    return _BY_NAME[_FROM_TYPE_NAME[name]].dtype
