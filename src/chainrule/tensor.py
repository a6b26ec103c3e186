"""Tensor: a NumPy array plus what reverse-mode autodiff needs (requires_grad, grad, grad_fn, version).

Ops live in `chainrule.ops`; `chainrule._methods` binds them onto Tensor as methods and operators, so this file
holds only the data model: construction, attributes, conversion, backward and in-place bookkeeping.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np

from .autograd.grad_mode import state as _grad_state
from .dtypes import default_np_dtype, from_numpy_dtype, infer_dtype, to_numpy_dtype
from .size import as_size

_new = object.__new__
# How many in-place edits have happened so far, in any tensor: backward skips its saved-version checks for the
# nodes recorded since the last edit (the common case: nothing is edited between forward and backward).
EDITS = [0]


class Tensor:
    """An n-d array that can record the operations applied to it and compute gradients by `backward()`.

    Args:
        data: the values: a nested list, a number, a NumPy array (copied) or None (an empty 1-d tensor).
            Prefer `chainrule.tensor(data)`, which infers the dtype as PyTorch does.
        dtype: the element type (default: float32 for floats, or the array's own dtype).
        requires_grad: record operations on this tensor for backward (default False; floating dtypes only).

    Raises:
        RuntimeError: requires_grad=True with an integer or bool dtype.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> x.shape, x.dtype, x.requires_grad
        (chainrule.Size([2, 2]), chainrule.float32, True)
        >>> loss = (x * x).sum()
        >>> loss.backward()
        >>> x.grad
        tensor([[2., 4.],
                [6., 8.]])
        >>> x.T                                   # the transpose (a view)
        tensor([[1., 3.],
                [2., 4.]], grad_fn=<PermuteBackward0>)
    """

    __slots__ = {"__weakref__": None, "_data": None, "_grad": None, "_hooks": None, "_out_idx": None, "_rg": None,
                 "_version": None, "_view": None,
                 "_param": "True on an nn.Parameter (unset otherwise: read it with getattr(t, '_param', False)).",
                 "grad_fn": "The Function node that made this tensor (its `backward` runs in the backward pass); "
                            "None for a leaf (a tensor the user made) and for results computed without grad."}
    __array_priority__ = 1000.0

    def __init__(self, data=None, dtype=None, requires_grad: bool = False):
        if data is None:
            data = np.empty(0, dtype=default_np_dtype())
        self._data = _as_array(data, dtype)
        self._rg = False
        self.grad_fn = None
        self._grad = None
        self._version = None
        self._out_idx = 0
        self._hooks = None
        self._view = None
        if requires_grad:
            self.requires_grad_(True)

    # ---- attributes -------------------------------------------------------------------------------------
    @property
    def shape(self):
        """The shape as a chainrule.Size (a tuple); internal code reads `_data.shape` instead.

        Examples:
            >>> import chainrule as cr
            >>> cr.zeros(2, 3).shape
            chainrule.Size([2, 3])
            >>> cr.zeros(2, 3).shape[1]
            3
        """
        return as_size(self._data.shape)

    @property
    def ndim(self) -> int:
        """The number of dimensions (0 for a scalar tensor), as `len(x.shape)`.

        Examples:
            >>> import chainrule as cr
            >>> cr.zeros(2, 3).ndim, cr.tensor(1.0).ndim
            (2, 0)
        """
        return self._data.ndim

    @property
    def dtype(self):
        """The element type as a chainrule.dtype (prints `chainrule.float32`); internal code reads
        `_data.dtype`.

        Examples:
            >>> import chainrule as cr
            >>> cr.tensor([1.0]).dtype, cr.tensor([1]).dtype
            (chainrule.float32, chainrule.int64)
        """
        return from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        """The device the data lives on: always the CPU (`chainrule.device("cpu")`); chainrule runs on NumPy.

        Examples:
            >>> import chainrule as cr
            >>> cr.zeros(2).device
            device(type='cpu')
        """
        from .device import cpu

        return cpu

    @property
    def is_cuda(self) -> bool:
        """False: chainrule has no CUDA tensors (PyTorch programs test this flag).

        Examples:
            >>> import chainrule as cr
            >>> cr.zeros(2).is_cuda
            False
        """
        return False

    def dim(self) -> int:
        """The number of dimensions, as the `ndim` property.

        Examples:
            >>> import chainrule as cr
            >>> cr.zeros(2, 3, 4).dim()
            3
        """
        return self._data.ndim

    def size(self, dim: int | None = None):
        """The shape as a chainrule.Size, or one dimension of it (negative dims count from the end).

        Args:
            dim: the dimension to return (default None: the whole shape).

        Raises:
            IndexError: dim out of range.

        Examples:
            >>> import chainrule as cr
            >>> x = cr.zeros(2, 3)
            >>> x.size(), x.size(0), x.size(-1)
            (chainrule.Size([2, 3]), 2, 3)
        """
        if dim is None:
            return as_size(self._data.shape)
        return self._data.shape[dim]

    def numel(self) -> int:
        """The number of elements: the product of the shape (1 for a 0-d tensor).

        Examples:
            >>> import chainrule as cr
            >>> cr.zeros(2, 3).numel(), cr.tensor(5.0).numel()
            (6, 1)
        """
        return self._data.size

    def element_size(self) -> int:
        """The size of one element in bytes (4 for float32, 8 for int64, 1 for bool).

        Examples:
            >>> import chainrule as cr
            >>> cr.zeros(2).element_size(), cr.zeros(2, dtype=cr.int64).element_size()
            (4, 8)
        """
        return self._data.itemsize

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def requires_grad(self) -> bool:
        """Whether autograd records the operations on this tensor and computes its gradient.

        Setting it on a leaf is `requires_grad_(value)` (floating dtypes only); a non-leaf cannot be set to False
        (RuntimeError: use `.detach()`).

        Examples:
            >>> import chainrule as cr
            >>> w = cr.zeros(2)
            >>> w.requires_grad
            False
            >>> w.requires_grad = True
            >>> (w * 2).requires_grad
            True
        """
        if self._view is not None and self._view[2] != self._version[0]:
            from .autograd.views import refresh

            refresh(self)  # a view whose base was edited in place may require grad now (PyTorch's rule)
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables; use .detach() to get a tensor "
                "that does not require grad"
            )
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Mark a leaf to have its gradient computed (floating dtypes only).

        Args:
            requires_grad: True to record operations on this tensor (default True); False on a leaf stops it.

        Returns:
            self, so that it chains: `w = chainrule.randn(3).requires_grad_()`.

        Raises:
            RuntimeError: a non-floating dtype; False on a non-leaf (use `.detach()`).

        Examples:
            >>> import chainrule as cr
            >>> w = cr.ones(2).requires_grad_()
            >>> w
            tensor([1., 1.], requires_grad=True)
            >>> cr.tensor([1, 2]).requires_grad_()
            Traceback (most recent call last):
                ...
            RuntimeError: only tensors of floating point dtype can require gradients, got int64
        """
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError(
                f"only tensors of floating point dtype can require gradients, got {self._data.dtype}"
            )
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor: use .detach() instead")
        self._rg = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        """True for a tensor no recorded operation made (grad_fn is None): backward fills `.grad` of leaves.

        Examples:
            >>> import chainrule as cr
            >>> w = cr.ones(2, requires_grad=True)
            >>> w.is_leaf, (w * 2).is_leaf
            (True, False)
        """
        return self.grad_fn is None

    @property
    def _base(self) -> Tensor | None:
        """The tensor this one is a view of (the root, for a view of a view), or None: PyTorch's `._base`."""
        t = self
        while t._view is not None:
            t = t._view[1][0]
        return None if t is self else t

    def _is_view(self) -> bool:
        """True for a tensor made by a view op (slicing, view, transpose, ...): it shares its base's data."""
        return self._view is not None

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by `backward()` (a tensor of this tensor's shape and dtype), or None.

        Set only on leaves that require grad, and on non-leaves after `retain_grad()`. It can be assigned (a tensor of
        the same shape, or None to reset it).

        Raises:
            TypeError: assigning something other than a Tensor or None.
            RuntimeError: assigning a tensor of another shape.

        Examples:
            >>> import chainrule as cr
            >>> w = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> print(w.grad)
            None
            >>> (3 * w).sum().backward()
            >>> w.grad
            tensor([3., 3.])
            >>> (3 * w).sum().backward()
            >>> w.grad
            tensor([6., 6.])
            >>> w.grad = None
        """
        if self.grad_fn is not None and self._grad is None and not self.retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad is not "
                "populated during backward(). If you want the gradient of a non-leaf Tensor, call "
                ".retain_grad() on it before backward(); if you meant a leaf, use .detach() to make one.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad must be a Tensor or None, got {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"assigned grad has shape {value._data.shape}, but the tensor has {self._data.shape}"
                )
        self._grad = value

    @property
    def data(self) -> Tensor:
        """A tensor sharing this one's memory but outside the graph (PyTorch's `.data`; prefer detach()).

        Examples:
            >>> import chainrule as cr
            >>> w = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> w.data.mul_(10)
            tensor([10., 20.])
            >>> w
            tensor([10., 20.], requires_grad=True)
        """
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value, dtype=self._data.dtype)

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf on which `retain_grad()` was called (its `.grad` is kept after backward).

        Examples:
            >>> import chainrule as cr
            >>> h = cr.ones(2, requires_grad=True) * 2
            >>> h.retains_grad
            False
            >>> h.retain_grad()
            >>> h.retains_grad
            True
        """
        return self.grad_fn is not None and self._hooks is not None and "retain" in self._hooks

    @property
    def _version_count(self) -> int:
        return 0 if self._version is None else self._version[0]

    # ---- construction helpers ---------------------------------------------------------------------------
    @staticmethod
    def _wrap(array: np.ndarray, grad_fn=None) -> Tensor:
        """Wrap an ndarray without copying (the hot path: one type check). A NumPy scalar (what NumPy returns
        for 0-d results) becomes a 0-d array: a Tensor always holds an ndarray."""
        t = _new(Tensor)
        t._data = array if type(array) is np.ndarray else np.asarray(array)
        t._rg = grad_fn is not None
        t.grad_fn = grad_fn
        t._grad = None
        t._version = None
        t._out_idx = 0
        t._hooks = None
        t._view = None
        return t

    def _vc(self) -> list:
        """This tensor's version counter (a one-element list shared with its views), created on demand."""
        vc = self._version
        if vc is None:
            vc = self._version = [0]
        return vc

    def _bump(self) -> None:
        """Count an in-place modification (saved copies of this tensor then refuse to backward)."""
        EDITS[0] += 1
        vc = self._version
        if vc is None:
            self._version = [1]
        else:
            vc[0] += 1

    # ---- conversion -------------------------------------------------------------------------------------
    def numpy(self, force: bool = False) -> np.ndarray:
        """The underlying array (shared memory); refuses tensors that require grad, as PyTorch does.

        Args:
            force: return the array even when the tensor requires grad (default False).

        Raises:
            RuntimeError: the tensor requires grad and force is False (use `.detach().numpy()`).

        Examples:
            >>> import chainrule as cr
            >>> x = cr.tensor([1.0, 2.0])
            >>> a = x.numpy()
            >>> a[0] = 5.0
            >>> x
            tensor([5., 2.])
            >>> cr.ones(1, requires_grad=True).detach().numpy()
            array([1.], dtype=float32)
        """
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on a Tensor that requires grad. Use tensor.detach().numpy().")
        return self._data

    def item(self):
        """The value of a one-element tensor as a Python number (float, int or bool).

        Raises:
            ValueError: when the tensor has more than one element.

        Examples:
            >>> import chainrule as cr
            >>> loss = cr.tensor([0.25, 0.75]).mean()
            >>> loss.item()
            0.5
            >>> cr.tensor([3]).item()
            3
        """
        if self._data.size != 1:
            raise ValueError(f"item(): only one-element tensors can be converted, got shape {self._data.shape}")
        return self._data.item()

    def tolist(self):
        """The values as nested Python lists (a number for a 0-d tensor), as `ndarray.tolist`.

        Examples:
            >>> import chainrule as cr
            >>> cr.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
            >>> cr.tensor(0.5).tolist()
            0.5
        """
        return self._data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {self._data.size} values is ambiguous; use .any() or .all()"
            )
        return bool(self._data.item())

    def __array__(self, dtype=None, copy=None):
        if self._rg:
            raise RuntimeError(
                "Can't convert a Tensor that requires grad to a NumPy array: the result would be silently "
                "detached from the graph. Use tensor.detach().numpy(), or a chainrule op instead."
            )
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def __hash__(self) -> int:
        return id(self)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __repr__(self, *, tensor_contents=None) -> str:
        """PyTorch's text for the tensor (its rules and chainrule.set_printoptions; see _tensor_str)."""
        from ._tensor_str import tensor_repr

        return tensor_repr(self, tensor_contents=tensor_contents)

    def __deepcopy__(self, memo: dict) -> Tensor:
        """copy.deepcopy: a leaf with its own copy of the data and of .grad, requires_grad kept (PyTorch's rule:
        a non-leaf refuses, its graph cannot be copied; a Parameter's copy is a Parameter without .grad)."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol; "
                "deepcopy tensor.detach() instead"
            )
        t = memo.get(id(self))
        if t is None:
            t = memo[id(self)] = Tensor._wrap(copy.deepcopy(self._data, memo))
            t._rg = self._rg
            if getattr(self, "_param", False):
                t._param = True  # a Parameter's copy is a Parameter, without .grad (PyTorch's rule)
            elif self._grad is not None:
                t._grad = copy.deepcopy(self._grad, memo)
        return t

    def __format__(self, format_spec: str) -> str:
        """A 0-d tensor formats its value (`f"{loss:.4f}"`); others as object does (PyTorch's rule)."""
        if self._data.ndim == 0:
            return self._data.item().__format__(format_spec)
        return object.__format__(self, format_spec)

    # ---- graph ------------------------------------------------------------------------------------------
    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's memory and version counter, outside the graph.

        Examples:
            >>> import chainrule as cr
            >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> y = (x * 2).detach()
            >>> y, y.requires_grad, y.is_leaf
            (tensor([2., 4.]), False, True)
        """
        t = Tensor._wrap(self._data)
        t._version = self._vc()
        return t

    def detach_(self) -> Tensor:
        """Detach this tensor from the graph in place: it becomes a leaf that does not require grad; returns
        it.

        Examples:
            >>> import chainrule as cr
            >>> y = cr.tensor([1.0], requires_grad=True) * 2
            >>> y.detach_()
            tensor([2.])
            >>> y.grad_fn is None
            True
        """
        self.grad_fn = None
        self._rg = False
        return self

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` after backward.

        Raises:
            RuntimeError: the tensor does not require grad.

        Examples:
            >>> import chainrule as cr
            >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> h = x * 3
            >>> h.retain_grad()
            >>> (h ** 2).sum().backward()
            >>> h.grad
            tensor([ 6., 12.])
        """
        if not self._rg:
            raise RuntimeError("can't retain_grad on a Tensor that has requires_grad=False")
        if self.grad_fn is None:
            return
        if self._hooks is None:
            self._hooks = {}
        self._hooks["retain"] = True
        self.grad_fn._watch(self)

    def register_hook(self, hook):
        """Call `hook(grad)` when this tensor's gradient is computed; a non-None return replaces it.

        Args:
            hook: a function `hook(grad) -> Tensor or None`, called with dL/d(self) (self's shape) during
                backward.

        Returns:
            A handle; `handle.remove()` unregisters the hook.

        Raises:
            RuntimeError: the tensor does not require grad.

        Examples:
            >>> import chainrule as cr
            >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = x.register_hook(lambda g: print("grad:", g))
            >>> (x * 3).sum().backward()
            grad: tensor([3., 3.])
            >>> handle.remove()
            >>> x.grad = None
            >>> _ = x.register_hook(lambda g: g * 0.5)      # a returned tensor replaces the gradient
            >>> (x * 3).sum().backward()
            >>> x.grad
            tensor([1.5000, 1.5000])
        """
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = {}
        hooks = self._hooks.setdefault("fns", [])
        hooks.append(hook)
        if self.grad_fn is not None:
            self.grad_fn._watch(self)
        return _RemovableHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call `hook(tensor)` once per backward, after this leaf's `.grad` holds all of that pass's gradient.

        PyTorch's hook for leaves (DistributedDataParallel starts a bucket's all-reduce from it). It does not
        run for `autograd.grad()` (nothing is accumulated) nor for leaves that `backward(inputs=...)` leaves
        out. Returns a handle whose `.remove()` unregisters the hook.

        Args:
            hook: a function `hook(tensor)`, called with this leaf after its `.grad` is complete.

        Raises:
            RuntimeError: the tensor does not require grad, or is not a leaf.

        Examples:
            >>> import chainrule as cr
            >>> w = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = w.register_post_accumulate_grad_hook(lambda t: print("accumulated:", t.grad))
            >>> (w * w).sum().backward()
            accumulated: tensor([2., 4.])
            >>> handle.remove()
        """
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._hooks is None:
            self._hooks = {}
        hooks = self._hooks.setdefault("post", [])
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    # backward() is the engine's `backward` (autograd/engine.py), bound in chainrule/_methods.py: the data
    # model does not import the engine, which imports it.

    # ---- in-place bookkeeping ---------------------------------------------------------------------------
    def _check_inplace(self, name: str) -> bool:
        """True when an in-place op on this tensor is recorded (grad on and it needs grad); raises for leaves.

        The in-place ops themselves go through `chainrule.autograd.views.inplace`, which writes the result
        into this tensor's memory, bumps the version counter and rebases the graph (views included).
        """
        if self._rg and _grad_state.enabled:
            if self.grad_fn is None:
                raise RuntimeError(
                    f"{name}: a leaf Variable that requires grad is being used in an in-place operation. "
                    "Wrap parameter updates in `with chainrule.no_grad():`."
                )
            return True
        return False


class _RemovableHandle:
    """What register_hook returns: `.remove()` unregisters the hook."""

    def __init__(self, hooks: list, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _as_array(data, dtype=None) -> np.ndarray:
    """Turn data into an ndarray by PyTorch's dtype rules; ndarrays keep their dtype and memory."""
    if isinstance(data, Tensor):
        arr = data._data
        return arr if dtype is None else arr.astype(to_numpy_dtype(dtype), copy=False)
    if isinstance(data, np.ndarray):
        return data if dtype is None else data.astype(to_numpy_dtype(dtype), copy=False)
    if isinstance(data, np.generic):
        return np.asarray(data, dtype=to_numpy_dtype(dtype))
    if dtype is None:
        if isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in _flat(data)):
            data = _tensors_to_arrays(data)
        dtype = infer_dtype(data)
    else:
        dtype = to_numpy_dtype(dtype)
    try:
        return np.asarray(data, dtype=dtype)
    except (ValueError, TypeError) as e:
        raise TypeError(f"tensor: cannot build a tensor from {type(data).__name__}: {e}") from None


def _flat(data):
    for d in data:
        if isinstance(d, (list, tuple)):
            yield from _flat(d)
        else:
            yield d


def _tensors_to_arrays(data):
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_tensors_to_arrays(d) for d in data]
    return data
