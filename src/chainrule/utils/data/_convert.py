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


def resolve_rng(generator=None, seed: int | None = None):
    """The generator to draw from: a chainrule.Generator or numpy Generator as given, an int or `seed` as a
    seeded NumPy generator, None for "the default generator, looked up when drawing" (see `rng_or_global`)."""
    if generator is not None and seed is not None:
        raise ValueError("pass either generator= or seed=, not both")
    if isinstance(generator, (np.random.Generator, _random.Generator)):
        return generator
    if generator is not None:
        if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
            return np.random.default_rng(int(generator))
        kind = type(generator).__name__
        raise TypeError(f"generator must be a chainrule.Generator (or a numpy.random.Generator, or an int seed), "
                        f"got {kind}")
    return None if seed is None else np.random.default_rng(int(seed))


def rng_or_global(rng) -> np.random.Generator:
    """The NumPy generator behind `rng` (the default generator's when None), looked up now: a later
    manual_seed of the generator takes effect."""
    return _random.np_rng(rng)
