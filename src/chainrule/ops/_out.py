"""`out=`: the result written into a given tensor (or tuple of tensors), with PyTorch's rules.

The result is cast into out's dtype when PyTorch allows it (`can_cast`: not float into an integer, not
anything but bool into bool; RuntimeError otherwise); out is resized when its shape differs (with PyTorch's
UserWarning when it had elements); its version is bumped. Under grad mode, an input that requires grad makes
it a RuntimeError, as PyTorch ("functions with out=... arguments don't support automatic differentiation").
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from ..autograd.grad_mode import state as _state
from ..tensor import Tensor
from ._promote import can_cast, torch_name

__all__ = ["with_out"]


def with_out(fn=None, *, exact: bool = True):
    """fn taking `out=` (a Tensor, or a tuple of Tensors for ops returning several). exact (default): out
    must have the result's dtype, as most PyTorch ops require; exact=False: the result is cast into out's
    dtype when allowed (PyTorch's elementwise ops)."""

    def wrap(f):
        @functools.wraps(f)
        def wrapped(*args, out=None, **kwargs):
            res = f(*args, **kwargs)
            return res if out is None else write_out(f.__name__, res, out, exact)

        return wrapped

    return wrap if fn is None else wrap(fn)


_LOW = {"Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char", "Byte": "unsigned char"}


def _low(dtype) -> str:
    n = torch_name(dtype)
    return _LOW.get(n, n.lower())


def write_out(name: str, res, out, exact: bool = True):
    """Write res (a Tensor or a tuple of them) into out; returns out (a namedtuple of outs for one)."""
    if isinstance(res, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(res):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(res)} Tensors")
        outs = [write_out(name, r, o, exact) for r, o in zip(res, out)]
        return type(res)(*outs) if hasattr(res, "_fields") else tuple(outs)
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _state.enabled and (res._rg or out._rg):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    a, od = res._data, out._data.dtype
    if a.dtype != od:
        if exact:
            raise RuntimeError(f"{name}: Expected out tensor to have dtype {_low(a.dtype)}, but got {_low(od)} "
                               "instead")
        if not can_cast(a.dtype, od):
            raise RuntimeError(f"result type {torch_name(a.dtype)} can't be cast to the desired output type "
                               f"{torch_name(od)}")
    if out._data.shape != a.shape:
        if out._data.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape "
                          f"{list(out.shape)}, which does not match the required output shape {list(a.shape)}. "
                          "This behavior is deprecated, and in a future PyTorch release outputs will not be "
                          "resized unless they have zero elements. You can explicitly reuse an out tensor t "
                          "by resizing it, inplace, to zero elements with t.resize_(0).", UserWarning,
                          stacklevel=3)
        out._data = a.astype(od, copy=True)
    else:
        np.copyto(out._data, a, casting="unsafe")
    out._bump()
    return out

