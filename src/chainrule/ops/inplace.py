"""In-place variants of ops (`tan_`, `scatter_`, `masked_fill_` ...): the op run, its result written into self.

They go through autograd/views.py's `inplace` (version bump, graph rebase, views written through) after
PyTorch's cast check (`_promote.check_inplace`: a float result cannot go into an integer tensor).
"""

from __future__ import annotations

from ..autograd import views as _views
from ._promote import check_inplace

__all__ = ["inplace_of"]


def inplace_of(fn, name: str):
    """The in-place method `name` of op `fn`: `self.name(*args, **kwargs)` = self := fn(self, *args, **kwargs)."""

    def method(self, *args, **kwargs):
        def run(x, *a):
            return check_inplace(name, x, fn(x, *a, **kwargs))

        return _views.inplace(self, name, run, *args)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place {fn.__name__}: writes the result into this tensor and bumps its version."
    return method
