"""Parameter: a leaf Tensor that a Module registers as learnable (`isinstance(p, nn.Parameter)` is True).

The engine and the ops recognise tensors by `type(t) is Tensor` (the fast path), so a Parameter cannot be a Tensor
subclass. `Parameter(data)` therefore returns a plain Tensor and records it in a weak registry; `isinstance` asks
the registry. `repr(p)` reads "Parameter containing:\\ntensor(...)" as in PyTorch.
"""

from __future__ import annotations

import copy
import weakref

import numpy as np

from ..tensor import Tensor

_REGISTRY: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # id(tensor) -> tensor


def is_parameter(obj) -> bool:
    """True when obj is a Tensor made by (or registered as) a Parameter."""
    return obj is not None and _REGISTRY.get(id(obj)) is obj  # get() answers None for ids it lacks


def mark_parameter(t: Tensor) -> Tensor:
    """Register an existing leaf Tensor as a Parameter (used after copying or unpickling a Module)."""
    _REGISTRY[id(t)] = t
    return t


class _ParameterMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return is_parameter(obj)

    def __call__(cls, data=None, requires_grad: bool = True) -> Tensor:
        if data is None:
            arr = np.empty(0, dtype=np.float32)
        elif isinstance(data, Tensor):
            arr = data._data
        else:
            arr = Tensor(data)._data
        t = Tensor._wrap(arr)  # shares memory with data, as PyTorch's Parameter does; always a leaf
        if isinstance(data, Tensor):
            t._version = data._vc()
        t.requires_grad_(requires_grad)
        return mark_parameter(t)


class Parameter(metaclass=_ParameterMeta):
    """Parameter(data=None, requires_grad=True): a learnable leaf tensor sharing memory with `data`."""


def _parameter_repr(self) -> str:
    text = _plain_repr(self)
    return "Parameter containing:\n" + text if _REGISTRY.get(id(self)) is self else text


def _parameter_deepcopy(self, memo: dict) -> Tensor:
    """A deep copy of a Parameter is a Parameter with copied data and no .grad (PyTorch's rule; tensors keep it)."""
    if _REGISTRY.get(id(self)) is not self:
        return _plain_deepcopy(self, memo)
    t = memo.get(id(self))
    if t is None:
        t = memo[id(self)] = mark_parameter(Tensor._wrap(copy.deepcopy(self._data, memo)))
        t._rg = self._rg
    return t


_plain_repr = getattr(Tensor.__repr__, "_plain", Tensor.__repr__)
_parameter_repr._plain = _plain_repr
_plain_deepcopy = getattr(Tensor.__deepcopy__, "_plain", Tensor.__deepcopy__)
_parameter_deepcopy._plain = _plain_deepcopy
# the edits nn makes to Tensor: Parameters print as PyTorch's do, and a deep copy of one is a Parameter
Tensor.__repr__ = _parameter_repr
Tensor.__deepcopy__ = _parameter_deepcopy


def empty_parameter(*shape, dtype=None, device=None) -> Tensor:
    """An uninitialised Parameter of the given shape (dtype: the default float dtype); device must be the CPU."""
    from ..creation import empty
    from ..device import require_cpu

    require_cpu(device, "Parameter")
    return Parameter(empty(*shape, dtype=dtype))
