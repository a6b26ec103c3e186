"""Creating tensors: tensor, zeros, ones, full, eye, arange, linspace, random tensors and the *_like forms."""

from __future__ import annotations

import numpy as np

from .dtypes import get_default_dtype, infer_dtype
from .device import require_cpu
from .random_tensors import rand, rand_like, randint, randint_like, randn, randn_like, randperm  # noqa: F401
from .sampling import normal  # noqa: F401
from .tensor import Tensor


def _finish(arr: np.ndarray, requires_grad: bool, device=None) -> Tensor:
    require_cpu(device)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _float(dtype):
    return np.dtype(get_default_dtype() if dtype is None else dtype)


def tensor(data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor copying `data`: floats -> float32, ints -> int64, bools -> bool; arrays keep their dtype.

    Args:
        data: a number, a (nested) list or tuple, a NumPy array or a Tensor; always copied.
        dtype: the element type (default None: inferred as above; float lists follow `set_default_dtype`).
        device: "cpu" (default); another device raises, as PyTorch does when it has no such device.
        requires_grad: whether autograd records operations on the result (default False; floating dtypes
            only).

    Raises:
        RuntimeError: requires_grad=True with a non-floating dtype; a device other than the CPU.

    Examples:
        >>> import chainrule as cr
        >>> cr.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> cr.tensor([0.5, 1.5], requires_grad=True)
        tensor([0.5000, 1.5000], requires_grad=True)
        >>> cr.tensor(3.0, dtype=cr.float64)
        tensor(3., dtype=chainrule.float64)
    """
    if isinstance(data, Tensor):
        arr = data._data.astype(dtype or data.dtype, copy=True)
    elif isinstance(data, np.ndarray):
        arr = data.astype(dtype or data.dtype, copy=True)
    else:
        from .tensor import _as_array

        arr = np.array(_as_array(data, dtype), copy=True)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like tensor(), but shares memory with an ndarray or Tensor of the same dtype.

    Args:
        data: a Tensor, a NumPy array, a number or a list.
        dtype: the element type (default None: data's own, or inferred as by tensor()).
        device: "cpu" (default); another device raises.

    Examples:
        >>> import chainrule as cr
        >>> import numpy as np
        >>> a = np.array([1.0, 2.0], dtype=np.float32)
        >>> t = cr.as_tensor(a)
        >>> a[0] = 9.0
        >>> t
        tensor([9., 2.])
    """
    require_cpu(device, "as_tensor")
    if isinstance(data, Tensor) and (dtype is None or np.dtype(dtype) == data.dtype):
        return data
    return Tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing the ndarray's memory and dtype.

    Args:
        array: a NumPy ndarray (float64 arrays stay float64).

    Raises:
        TypeError: array is not an ndarray.

    Examples:
        >>> import chainrule as cr
        >>> import numpy as np
        >>> t = cr.from_numpy(np.arange(3.0))
        >>> t
        tensor([0., 1., 2.], dtype=chainrule.float64)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects an np.ndarray, got {type(array).__name__}")
    return Tensor._wrap(array)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given shape.

    Args:
        size: the shape, as ints (`zeros(2, 3)`) or one sequence (`zeros((2, 3))`).
        dtype: the element type; default: the default dtype (float32, `set_default_dtype`).
        device: "cpu" (default); another device raises, as PyTorch does when it has no such device.
        requires_grad: whether autograd records operations on the result (default False).

    Example:
        >>> import chainrule
        >>> chainrule.zeros(2, 3).shape
        chainrule.Size([2, 3])
    """
    return _finish(np.zeros(_size(size), dtype=_float(dtype)), requires_grad, device)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given shape.

    Args:
        size: the shape, as ints (`zeros(2, 3)`) or one sequence (`zeros((2, 3))`).
        dtype: the element type; default: the default dtype (float32, `set_default_dtype`).
        device: "cpu" (default); another device raises, as PyTorch does when it has no such device.
        requires_grad: whether autograd records operations on the result (default False).

    Examples:
        >>> import chainrule as cr
        >>> cr.ones(2, 3)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
        >>> cr.ones((2,), dtype=cr.int64)
        tensor([1, 1])
    """
    return _finish(np.ones(_size(size), dtype=_float(dtype)), requires_grad, device)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor of the given shape (its values are whatever memory held).

    Args:
        size: the shape, as ints (`zeros(2, 3)`) or one sequence (`zeros((2, 3))`).
        dtype: the element type; default: the default dtype (float32, `set_default_dtype`).
        device: "cpu" (default); another device raises, as PyTorch does when it has no such device.
        requires_grad: whether autograd records operations on the result (default False).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.empty(2, 3)
        >>> x.shape, x.dtype
        (chainrule.Size([2, 3]), chainrule.float32)
    """
    return _finish(np.empty(_size(size), dtype=_float(dtype)), requires_grad, device)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with fill_value.

    Args:
        size: the shape (a sequence of ints).
        fill_value: the value of every element.
        dtype: default: inferred from fill_value as PyTorch does (bool, int64, or the default float dtype).
        device: "cpu" (default); another device raises, as PyTorch does when it has no such device.
        requires_grad: whether autograd records operations on the result (default False).

    Examples:
        >>> import chainrule as cr
        >>> cr.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> cr.full((3,), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    dtype = infer_dtype(fill_value) if dtype is None else dtype
    return _finish(np.full(_size((size,)), fill_value, dtype=dtype), requires_grad, device)


def eye(n: int, m: int | None = None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """The (n, m) identity matrix: ones on the diagonal, zeros elsewhere.

    Args:
        n: the number of rows.
        m: the number of columns (default: n).
        dtype: default: the default float dtype.
        device: "cpu" (default); another device raises, as PyTorch does when it has no such device.
        requires_grad: whether autograd records operations on the result (default False).

    Examples:
        >>> import chainrule as cr
        >>> cr.eye(3)
        tensor([[1., 0., 0.],
                [0., 1., 0.],
                [0., 0., 1.]])
        >>> cr.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    return _finish(np.eye(n, m, dtype=_float(dtype)), requires_grad, device)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Values from start to end (exclusive); ints give int64, floats the default dtype.

    Args:
        start: the first value (or, alone, end with start 0).
        end: the end, excluded (default None: the only argument is end).
        step: the spacing (default 1).
        dtype: default: int64 when start, end and step are ints, else the default float dtype.
        device: "cpu" (default); another device raises.
        requires_grad: whether autograd records operations on the result (default False).

    Examples:
        >>> import chainrule as cr
        >>> cr.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> cr.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = infer_dtype(np.asarray([start, end, step]))
    return _finish(np.arange(start, end, step).astype(dtype), requires_grad, device)


def linspace(start, end, steps: int, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """`steps` values evenly spaced from start to end, both included: a 1-D tensor.

    Args:
        start: the first value.
        end: the last value.
        steps: how many values (an int >= 0).
        dtype: default: the default float dtype.
        device: "cpu" (default); another device raises, as PyTorch does when it has no such device.
        requires_grad: whether autograd records operations on the result (default False).

    Examples:
        >>> import chainrule as cr
        >>> cr.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    return _finish(np.linspace(start, end, int(steps)).astype(_float(dtype)), requires_grad, device)


def logspace(start, end, steps: int, base: float = 10.0, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """`steps` values base ** t for t evenly spaced from start to end: a 1-D tensor.

    Args:
        start: the first exponent.
        end: the last exponent.
        steps: how many values (an int >= 0).
        base: the base of the powers (default 10.0).
        dtype: default: the default float dtype.
        requires_grad: whether autograd records operations on the result (default False).

    Examples:
        >>> import chainrule as cr
        >>> cr.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
        >>> cr.logspace(0, 3, 4, base=2)
        tensor([1., 2., 4., 8.])
    """
    return _finish(np.logspace(start, end, int(steps), base=base).astype(_float(dtype)), requires_grad, device)


def _like(fn):
    def like(input, dtype=None, device=None, requires_grad: bool = False, **kw):
        dt = input.dtype if dtype is None else dtype
        return fn(*input.shape, dtype=dt, device=device, requires_grad=requires_grad, **kw)

    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = (f"{fn.__name__} with the shape (and dtype, unless given) of input.\n\nArgs:\n"
                    "    input: the tensor whose shape (and, by default, dtype) the result takes.\n"
                    "    dtype: default: input's dtype.\n"
                    "    device: \"cpu\" (default); another device raises.\n"
                    "    requires_grad: whether autograd records operations on the result (default "
                    "False).\n\n"
                    "Examples:\n    >>> import chainrule as cr\n    >>> x = cr.tensor([[1, 2, 3]])\n"
                    f"    >>> y = cr.{like.__name__}(x)\n    >>> y.shape, y.dtype\n"
                    "    (chainrule.Size([1, 3]), chainrule.int64)")
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
# doctest finds module-level functions only: the built functions' examples are listed for it here
__test__ = {f.__name__: f for f in (zeros_like, ones_like, empty_like)}


def full_like(input, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of input's shape filled with fill_value.

    Args:
        input: the tensor whose shape (and, by default, dtype) the result takes.
        fill_value: the value of every element.
        dtype: default: input's dtype.
        device: "cpu" (default); another device raises, as PyTorch does when it has no such device.
        requires_grad: whether autograd records operations on the result (default False).

    Examples:
        >>> import chainrule as cr
        >>> cr.full_like(cr.zeros(2, 2), 3.5)
        tensor([[3.5000, 3.5000],
                [3.5000, 3.5000]])
    """
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)
