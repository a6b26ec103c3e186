"""The data package works on ndarrays and hands out Tensors; this file is the only bridge between the two."""

from __future__ import annotations

import numpy as np

from chainrule import random as _random
from chainrule.dtypes import infer_dtype
from chainrule.tensor import Tensor


def as_array(x) -> np.ndarray:
    """The ndarray behind a Tensor (no copy), or np.asarray of anything else."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def as_data(x) -> np.ndarray:
    """Like `as_array`, but lists and scalars get chainrule.tensor's dtypes (float32, int64)."""
    if isinstance(x, (np.ndarray, Tensor)):
        return as_array(x)
    return np.asarray(x, dtype=infer_dtype(x))


def is_tensor(x) -> bool:
    """True for a chainrule Tensor."""
    return isinstance(x, Tensor)


def wrap(a: np.ndarray):
    """Wrap an ndarray as a Tensor without copying (a NumPy scalar, as from a[i], becomes a 0-d Tensor)."""
    return Tensor._wrap(a) if type(a) is np.ndarray else Tensor(a)


def like(a: np.ndarray, template):
    """Return `a` as the same kind (Tensor or ndarray) as `template`."""
    return wrap(a) if is_tensor(template) else a


def resolve_rng(generator=None, seed: int | None = None) -> np.random.Generator | None:
    """A Generator from `generator` (Generator or int) or `seed`; None means "the global one, when drawn"."""
    if generator is not None and seed is not None:
        raise ValueError("pass either generator= or seed=, not both")
    if isinstance(generator, np.random.Generator):
        return generator
    if generator is not None:
        if isinstance(generator, (int, np.integer)):
            return np.random.default_rng(int(generator))
        kind = type(generator).__name__
        raise TypeError(f"generator must be a numpy.random.Generator or an int seed, got {kind}")
    return None if seed is None else np.random.default_rng(int(seed))


def rng_or_global(rng: np.random.Generator | None) -> np.random.Generator:
    """`rng`, or the global generator looked up now (so a later manual_seed takes effect)."""
    return rng if rng is not None else _random.default_rng()
