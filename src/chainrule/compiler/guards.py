"""Guards: what must hold for a recorded plan to be replayed.

The cache key (checked on every call): the grad mode, and per argument its tensor signature (shape, dtype,
requires_grad, whether it carries a graph) or, for a Python scalar or string, its value; other objects by
identity. Arguments are flattened through tuples, lists and dicts, so tensors inside them are arguments too.
The plan's own checks (`PlanGuards.ok`): every external tensor (parameters, buffers, constants) still holds the
same array and requires grad as before and has no gradient hooks; every module the step called is in the same
mode (`training`) with the same scalar attributes (p, momentum, eps...); its buffers hold the same arrays.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

from ..autograd.grad_mode import state as _grad_state
from ..tensor import Tensor

_SCALARS = (bool, int, float, str, type(None), complex)
LEAVES = frozenset((Tensor, np.ndarray) + _SCALARS)  # argument types that need no flattening


def flatten(obj, out: list):
    """The structure of args with its leaves (tensors, scalars, objects) appended to out."""
    t = type(obj)
    if t is tuple or t is list:
        return (t, tuple(flatten(o, out) for o in obj))
    if t is dict:
        return (dict, tuple((k, flatten(v, out)) for k, v in obj.items()))
    out.append(obj)
    return None


def key(structure, flat: list) -> tuple:
    """The cache key of one call (see the module docstring)."""
    sig = []
    for a in flat:
        ta = type(a)
        if ta is Tensor or isinstance(a, Tensor):
            d = a._data
            sig.append((d.shape, d.dtype, a._rg, a.grad_fn is not None))
        elif ta is np.ndarray:  # by shape and dtype: from_numpy(arg) inside the step reads it as a tensor
            sig.append(("nd", a.shape, a.dtype))
        elif ta in _SCALARS:
            sig.append((ta, a))
        else:
            sig.append(id(a))
    return (_grad_state.enabled, structure, tuple(sig))


def _scalar(v) -> bool:
    return type(v) in _SCALARS or type(v) is tuple and all(type(x) in _SCALARS for x in v)


class PlanGuards:
    """The checks of one plan (see the module docstring); built from the recording's tape."""

    def __init__(self, tape):
        self.ext = [(t, t._data, t._rg) for t in tape.externals]
        self.mods = []
        for m in tape.modules:
            d = m.__dict__
            keys = tuple(k for k, v in d.items() if _scalar(v))
            get = itemgetter(*keys) if keys else None
            self.mods.append((d, get, get(d) if get else None))
            for t in (d.get("_buffers") or {}).values():
                if t is not None:
                    self.ext.append((t, t._data, t._rg))

    def ok(self) -> bool:
        for t, arr, rg in self.ext:
            if t._data is not arr or t._rg is not rg or t._hooks:
                return False
        try:
            for d, get, want in self.mods:
                if get is not None and get(d) != want:
                    return False
        except KeyError:
            return False
        return True
