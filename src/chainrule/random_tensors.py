"""Random tensors: rand, randn, randint, randperm and their *_like forms, with PyTorch's call forms and errors.

Every function takes `generator=` (a `chainrule.Generator`; default: the default generator, seeded by
`chainrule.manual_seed`). The streams are NumPy's (PCG64), not PyTorch's: a seed repeats chainrule's numbers,
not PyTorch's.
"""

from __future__ import annotations

import numpy as np

from .device import require_cpu
from .dtypes import default_np_dtype, to_numpy_dtype
from .ops._promote import kernel_missing
from .random import np_rng
from .tensor import Tensor


def shape_arg(args: tuple, size, name: str) -> tuple:
    """The shape of `f(2, 3)`, `f((2, 3))`, `f([2, 3])` or `f(size=(2, 3))`, checked as PyTorch does."""
    if size is not None:
        if args:
            raise TypeError(f"{name}(): pass the shape either as positional ints or as size=, not both")
        args = (size,)
    if not args:
        raise TypeError(f"{name}() missing the size: e.g. {name}(2, 3) or {name}((2, 3)); {name}(()) is 0-d")
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    shape = []
    for s in args:
        if isinstance(s, Tensor) and s._data.ndim == 0 and s._data.dtype.kind in "iu":
            s = int(s._data)
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"{name}(): size must be a tuple of ints, got {type(s).__name__} {s!r}")
        shape.append(int(s))
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {shape}")
    return tuple(shape)


def finish(arr: np.ndarray, requires_grad: bool, device=None, name: str = "tensor") -> Tensor:
    """Wrap a new array as a Tensor on the CPU, requiring grad if asked (floating dtypes only, as PyTorch)."""
    require_cpu(device, name)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float_dtype(dtype, kernel: str) -> np.dtype:
    """The dtype to draw floats in: the default dtype unless given; integer and bool dtypes have no kernel."""
    dt = default_np_dtype() if dtype is None else to_numpy_dtype(dtype)
    if dt.kind not in "fc":
        raise kernel_missing(kernel, dt)
    return dt


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False, pin_memory=False,
         **kw) -> Tensor:
    """Uniform samples on [0, 1): `rand(2, 3)`, `rand((2, 3))` or `rand(size=(2, 3))`.

    Args:
        *size: the shape (ints, or one tuple or list).
        generator: a chainrule.Generator (default: the default generator).
        dtype: a floating dtype (default: the default dtype, float32).
        device: "cpu" or None.
        requires_grad: whether the result requires grad.

    Raises:
        NotImplementedError: an integer or bool dtype (PyTorch's '"check_uniform_bounds" not implemented').
        RuntimeError: a negative dimension, or a device other than the CPU.

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.rand(2, 3)
        tensor([[0.6370, 0.2698, 0.0410],
                [0.0165, 0.8133, 0.9128]])
        >>> cr.rand(2, generator=cr.Generator().manual_seed(0), dtype=cr.float64)
        tensor([0.6370, 0.2698], dtype=chainrule.float64)
    """
    shape = shape_arg(size, kw.pop("size", None), "rand")
    _no_extra(kw, "rand")
    dt = _float_dtype(dtype, "check_uniform_bounds")
    arr = np_rng(generator).random(shape, dtype=np.float64).astype(dt, copy=False)
    return finish(arr, requires_grad, device, "rand")


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False, pin_memory=False,
          **kw) -> Tensor:
    """Standard normal samples: `randn(2, 3)`, `randn((2, 3))` or `randn(size=(2, 3))` (arguments as `rand`).

    Raises:
        NotImplementedError: an integer or bool dtype (PyTorch's '"normal_kernel_cpu" not implemented').
        RuntimeError: a negative dimension, or a device other than the CPU.

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.randn(2, 3)
        tensor([[ 1.1176, -1.3871, -0.4266],
                [-0.8036,  0.6014, -0.0750]])
    """
    shape = shape_arg(size, kw.pop("size", None), "randn")
    _no_extra(kw, "randn")
    dt = _float_dtype(dtype, "normal_kernel_cpu")
    native = dt if dt in (np.float32, np.float64) else np.dtype(np.float64)  # NumPy draws these two natively
    arr = np_rng(generator).standard_normal(shape, dtype=native).astype(dt, copy=False)
    return finish(arr, requires_grad, device, "randn")


def randint(*args, size=None, low=None, high=None, generator=None, dtype=None, device=None,
            requires_grad: bool = False, pin_memory=False) -> Tensor:
    """Integers uniform in [low, high): `randint(high, size)`, `randint(low, high, size)`, or by keyword
    (`randint(high=10, size=(3,))`, `randint(2, size=(3,), high=5)`).

    Args:
        low: the smallest value (default 0).
        high: one above the largest value.
        size: the shape, a tuple or list of ints (required).
        generator: a chainrule.Generator (default: the default generator).
        dtype: the result's dtype (default int64; a float or bool dtype is allowed, as in PyTorch).
        requires_grad: only with a floating dtype.

    Raises:
        TypeError: the size or high is missing, or a bound is not an int (PyTorch's invalid combination).
        RuntimeError: low >= high, bounds outside the dtype's range, or requires_grad with an integer dtype.

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.randint(10, (5,))
        tensor([8, 6, 5, 2, 3])
        >>> cr.randint(-3, 3, (2, 2))
        tensor([[-3, -3],
                [-3, -2]])
    """
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    ints = [a for a in (*args, low, high) if a is not None]
    if size is None or not isinstance(size, (tuple, list)) or len(args) > 2:
        got = ", ".join(type(a).__name__ for a in (*args, *([size] if size is not None else [])))
        raise TypeError(f"randint() received an invalid combination of arguments - got ({got}); expected "
                        "randint(high, size), randint(low, high, size) or keywords low=, high=, size= "
                        "(size a tuple of ints)")
    if any(isinstance(a, bool) or not isinstance(a, (int, np.integer)) for a in ints):
        raise TypeError(f"randint(): low and high must be ints, got {[type(a).__name__ for a in ints]}")
    if len(args) == 2:
        if low is not None or high is not None:
            raise TypeError("randint(): low and high given twice (positionally and by keyword)")
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        elif low is None:
            low = args[0]
        else:
            raise TypeError("randint(): low and high given twice (positionally and by keyword)")
    if high is None:
        raise TypeError("randint() missing 'high': e.g. randint(10, (3,)) or randint(0, 10, size=(3,))")
    low = 0 if low is None else int(low)
    high = int(high)
    shape = shape_arg((), tuple(size), "randint")
    dt = np.dtype(np.int64) if dtype is None else to_numpy_dtype(dtype)
    _check_range(low, high, dt)
    if requires_grad and dt.kind not in "fc":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    arr = np_rng(generator).integers(low, high, size=shape, dtype=np.int64).astype(dt, copy=False)
    return finish(arr, requires_grad, device, "randint")


def _check_range(low: int, high: int, dt: np.dtype) -> None:
    """PyTorch's random_ checks: from < to, both within the dtype's range."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt.kind in "iu":
        info = np.iinfo(dt)
        cname = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
                 "int64": "long int"}.get(dt.name, dt.name)
        if low < info.min:
            raise RuntimeError(f"from is out of bounds for {cname}")
        if high - 1 > info.max:
            raise RuntimeError(f"to - 1 is out of bounds for {cname}")


def randperm(n: int, *, generator=None, dtype=None, device=None, requires_grad: bool = False,
             pin_memory=False) -> Tensor:
    """A random permutation of 0..n-1 (int64 unless `dtype` is given).

    Raises:
        RuntimeError: n < 0 ("Trying to create tensor with negative dimension").

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.randperm(6)
        tensor([3, 2, 5, 4, 0, 1])
    """
    n = shape_arg((n,), None, "randperm")[0]
    dt = np.dtype(np.int64) if dtype is None else to_numpy_dtype(dtype)
    return finish(np_rng(generator).permutation(n).astype(dt), requires_grad, device, "randperm")


def _no_extra(kw: dict, name: str) -> None:
    for key in ("out", "layout"):
        kw.pop(key, None)
    if kw:
        raise TypeError(f"{name}() got an unexpected keyword argument {next(iter(kw))!r}")


def rand_like(input: Tensor, *, generator=None, dtype=None, device=None, requires_grad: bool = False,
              memory_format=None, layout=None) -> Tensor:
    """`rand` with input's shape and (unless given) dtype.

    Args:
        input: the tensor whose shape (and, by default, dtype) the result takes.

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.rand_like(cr.zeros(2, 2))
        tensor([[0.6370, 0.2698],
                [0.0410, 0.0165]])
    """
    dt = input._data.dtype if dtype is None else dtype
    return rand(input._data.shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad)


def randn_like(input: Tensor, *, generator=None, dtype=None, device=None, requires_grad: bool = False,
               memory_format=None, layout=None) -> Tensor:
    """`randn` with input's shape and (unless given) dtype.

    Args:
        input: the tensor whose shape (and, by default, dtype) the result takes.

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.randn_like(cr.zeros(3, dtype=cr.float64))
        tensor([ 0.1257, -0.1321,  0.6404], dtype=chainrule.float64)
    """
    dt = input._data.dtype if dtype is None else dtype
    return randn(input._data.shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad)


def randint_like(input: Tensor, low=None, high=None, *, generator=None, dtype=None, device=None,
                 requires_grad: bool = False, memory_format=None, layout=None) -> Tensor:
    """`randint` with input's shape and (unless given) dtype: `randint_like(x, high)`,
    `randint_like(x, low, high)` or `randint_like(x, high=10)`.

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.randint_like(cr.zeros(4, dtype=cr.int64), 10)
        tensor([8, 6, 5, 2])
    """
    if high is None and low is not None:
        low, high = None, low
    dt = input._data.dtype if dtype is None else dtype
    return randint(size=tuple(input._data.shape), low=low, high=high, generator=generator, dtype=dt,
                   device=device, requires_grad=requires_grad)


__all__ = ["rand", "rand_like", "randint", "randint_like", "randn", "randn_like", "randperm"]
