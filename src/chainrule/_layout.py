"""Memory-layout attributes of Tensor, in PyTorch's units: stride() and storage_offset() count elements.

A Tensor's memory is its ndarray's: a slice or transpose is a NumPy view, so strides and offsets read from NumPy
equal PyTorch's for the views both make (basic slicing, transpose/permute, expand, unsqueeze). nbytes, itemsize,
nelement, data_ptr, is_contiguous, is_cpu and get_device complete what programs read.
"""

from __future__ import annotations

import numpy as np

from .tensor import Tensor


class memory_format:
    """A memory format (torch.memory_format): `contiguous_format` or `preserve_format`.

    Examples:
        >>> import chainrule as cr
        >>> cr.contiguous_format
        chainrule.contiguous_format
        >>> cr.zeros(2, 3).is_contiguous(memory_format=cr.contiguous_format)
        True
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return "chainrule." + self._name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")


def _dim(self: Tensor, dim: int, what: str) -> int:
    n = self._data.ndim
    lo, hi = (-n, n - 1) if n else (-1, 0)
    if not isinstance(dim, (int, np.integer)) or not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return int(dim) % max(n, 1)


def stride(self: Tensor, dim: int | None = None):
    """Elements to step in memory per index of each dimension (a tuple), or of dimension `dim` (an int).

    Raises:
        IndexError: dim out of range.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.zeros(2, 3)
        >>> x.stride(), x.t().stride(), x.stride(0)
        ((3, 1), (1, 3), 3)
    """
    a = self._data
    if a.size == 0:  # NumPy may give an empty array any strides; PyTorch gives the row-major ones
        strides = tuple(int(np.prod([max(d, 1) for d in a.shape[i + 1 :]])) for i in range(a.ndim))
    else:
        strides = tuple(s // a.itemsize for s in a.strides)
    if dim is None:
        return strides
    if a.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return strides[_dim(self, dim, "stride")]


def _root(a: np.ndarray) -> np.ndarray:
    """The ndarray that owns the memory `a` views (a itself when it owns it)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def storage_offset(self: Tensor) -> int:
    """Elements between the start of the memory this tensor views and its first element (0 unless a view).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.arange(6).view(2, 3)
        >>> x.storage_offset(), x[1].storage_offset()
        (0, 3)
    """
    a = self._data
    root = _root(a)
    if a.size == 0 or root is a:
        return 0
    return (a.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a.itemsize


def data_ptr(self: Tensor) -> int:
    """The address of the first element (two tensors sharing memory from the same element have the same one).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.zeros(4)
        >>> x.data_ptr() == x[:2].data_ptr(), x.data_ptr() == x[1:].data_ptr()
        (True, False)
    """
    return self._data.__array_interface__["data"][0]


def is_contiguous(self: Tensor, memory_format=contiguous_format) -> bool:
    """Whether the elements lie in memory in row-major order without gaps (a transpose or a strided slice is
    not).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.zeros(2, 3)
        >>> x.is_contiguous(), x.t().is_contiguous(), x.t().contiguous().is_contiguous()
        (True, False, True)
    """
    return bool(self._data.flags.c_contiguous)


def _pin_memory(self: Tensor, device=None) -> Tensor:
    """Raises, as PyTorch does without an accelerator: pinned memory only speeds up copies to a GPU.

    Raises:
        RuntimeError: always (as PyTorch on a machine without an accelerator).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.ones(2)
        >>> x = x.pin_memory() if cr.cuda.is_available() else x    # the portable form
        >>> x.is_pinned()
        False
    """
    raise RuntimeError("Cannot access accelerator device when none is available. (pin_memory: chainrule computes "
                       "on the CPU, there is nothing to pin for)")


Tensor.stride = stride
Tensor.storage_offset = storage_offset
Tensor.data_ptr = data_ptr
Tensor.is_contiguous = is_contiguous
Tensor.nelement = Tensor.numel
Tensor.itemsize = property(lambda self: self._data.itemsize, doc=(
    "Bytes per element.\n\nExamples:\n    >>> import chainrule as cr\n    >>> cr.zeros(3).itemsize\n    4"))
Tensor.nbytes = property(lambda self: self._data.size * self._data.itemsize, doc=(
    "numel() * itemsize.\n\nExamples:\n    >>> import chainrule as cr\n    >>> cr.zeros(3).nbytes\n    12"))
Tensor.is_cpu = property(lambda self: True, doc=(
    "Always True: tensors live on the CPU.\n\nExamples:\n    >>> import chainrule as cr\n"
    "    >>> cr.zeros(3).is_cpu\n    True"))
# doctest finds module-level functions only: the properties' examples are listed for it here
__test__ = {name: getattr(Tensor, name).__doc__ for name in ("itemsize", "nbytes", "is_cpu")}
def get_device(self) -> int:
    """-1: PyTorch's device index of a CPU tensor (every chainrule tensor is on the CPU).

    Examples:
        >>> import chainrule as cr
        >>> cr.ones(2).get_device()
        -1
    """
    return -1


def is_pinned(self, device=None) -> bool:
    """False: chainrule has no pinned (page-locked) memory; `device` is accepted for PyTorch compatibility.

    Examples:
        >>> import chainrule as cr
        >>> cr.ones(2).is_pinned()
        False
    """
    return False


Tensor.get_device = get_device
Tensor.is_pinned = is_pinned
Tensor.pin_memory = _pin_memory
