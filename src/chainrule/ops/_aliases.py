"""PyTorch's NumPy-style keyword aliases: its argument parser takes `axis=` for `dim=` and `keepdims=` for
`keepdim=` on every op with a dim."""

from __future__ import annotations

import dataclasses
import functools

__all__ = ["accepts_axis"]


def accepts_axis(fn):
    """fn taking `axis=` for `dim=` and `keepdims=` for `keepdim=` (PyTorch's NumPy-style aliases)."""

    @functools.wraps(fn)
    def wrapped(*args, axis=None, keepdims=None, **kwargs):
        if axis is not None:
            if "dim" in kwargs:
                raise TypeError(f"{fn.__name__}(): got both dim= and its alias axis=")
            kwargs["dim"] = axis
        if keepdims is not None:
            kwargs["keepdim"] = keepdims
        return fn(*args, **kwargs)

    return wrapped


def with_axis_alias(decl):
    """A declaration whose function (and method) also take `axis=`/`keepdims=` (see accepts_axis)."""
    return dataclasses.replace(decl, fn=accepts_axis(decl.fn),
                               method_fn=accepts_axis(decl.method_fn) if decl.method_fn else None)


def with_out_arg(decl, exact: bool):
    """A declaration whose function also takes `out=` (ops/_out.py); the Tensor methods stay as they were
    (PyTorch's methods take no out=)."""
    from ._out import with_out

    return dataclasses.replace(decl, fn=with_out(decl.fn, exact=exact), method_fn=decl.method_fn or decl.fn)
