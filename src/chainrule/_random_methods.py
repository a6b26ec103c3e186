"""Tensor's random methods: the in-place fills (normal_, uniform_, bernoulli_, random_, exponential_, geometric_,
log_normal_, cauchy_) and bernoulli / multinomial / normal's method forms, each with `generator=`.

A fill draws in float64 and writes the values into the tensor (cast to its dtype); when recorded, the old value
gets a zero gradient (ops/fill.Fill). Argument checks and messages are PyTorch's.
"""

from __future__ import annotations

import numpy as np

from . import sampling
from .autograd import views as _views
from .ops._declare import declare
from .ops._promote import kernel_missing, torch_name
from .ops.fill import Fill
from .random import np_rng
from .random_tensors import _check_range


def _fill(name: str, draw, float_only: str | None = None):
    """An in-place random fill `name(self, *args, generator=None)`; `float_only`: PyTorch's kernel name when
    integer tensors have no kernel for it."""

    def method(self, *args, generator=None, **kwargs):
        if float_only and self._data.dtype.kind not in "fc":
            raise kernel_missing(float_only, self._data.dtype)
        values = draw(self, np_rng(generator), *args, **kwargs)
        return _views.inplace(self, name, Fill.apply, values)

    method.__name__ = name
    method.__doc__ = f"Fill in place with {name[:-1].replace('_', '-')} samples (generator= optional)."
    return method


def _normal(self, rng, mean=0.0, std=1.0):
    if not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    return rng.standard_normal(self._data.shape) * std + mean


def _uniform(self, rng, *args, **kw):
    lo, hi = _two(args, kw, 0.0, 1.0, ("from", "a"), ("to", "b"))
    if lo > hi:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={lo:g} > to={hi:g}")
    return rng.random(self._data.shape) * (hi - lo) + lo


def _two(args, kw, d1, d2, k1, k2):
    """Two arguments given positionally or by any of their names (PyTorch's `from`/`to` are Python keywords)."""
    a = list(args) + [None] * (2 - len(args))
    for key in k1:
        a[0] = kw.pop(key, a[0])
    for key in k2:
        a[1] = kw.pop(key, a[1])
    if kw:
        raise TypeError(f"unexpected keyword argument {next(iter(kw))!r}")
    return (d1 if a[0] is None else a[0]), (d2 if a[1] is None else a[1])


def _bernoulli(self, rng, p=0.5):
    if hasattr(p, "_data"):  # a Tensor of probabilities
        q = p._data
        if not ((q >= 0) & (q <= 1)).all():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        return rng.random(self._data.shape) < q
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return rng.random(self._data.shape) < p


def _random(self, rng, *args, **kw):
    """random_(): [0, 2**mantissa] for floats, the dtype's range for ints; random_(to); random_(from, to)."""
    frm, to = kw.pop("from", None), kw.pop("to", None)
    if len(args) == 1 and to is None and frm is None:
        to = args[0]
    elif args:
        frm, to = (*args, to)[:2] if len(args) == 2 else (args[0], to)
    frm = 0 if frm is None else int(frm)
    dt = self._data.dtype
    if to is None:
        top = {"f": 2 ** (np.finfo(dt).nmant + 1) if dt.kind == "f" else 0, "b": 1}.get(dt.kind)
        to = (top if top is not None else int(np.iinfo(dt).max)) + 1
    _check_range(frm, int(to), dt if dt.kind in "iu" else np.dtype(np.int64))
    hi = int(to)
    if hi > 2**63:  # uint64's range
        return rng.integers(frm, hi, size=self._data.shape, dtype=np.uint64)
    return rng.integers(frm, hi, size=self._data.shape, dtype=np.int64)


def _exponential(self, rng, lambd=1.0):
    if self._data.dtype.kind not in "fc":
        raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {torch_name(self._data.dtype)}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    return rng.exponential(1.0 / lambd, self._data.shape)


def _geometric(self, rng, p):
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    return rng.geometric(p, self._data.shape)


def _log_normal(self, rng, mean=1.0, std=2.0):
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    return rng.lognormal(mean, std, self._data.shape)


def _cauchy(self, rng, median=0.0, sigma=1.0):
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    return median + sigma * rng.standard_cauchy(self._data.shape)


def _method(fn) -> None:
    """Declare a Tensor method that is not an op (ops/_declare.py binds it; no function namespace)."""
    declare(fn, name=fn.__name__, namespaces=(), method=True)


for _fn in (_fill("normal_", _normal, "normal_kernel_cpu"), _fill("uniform_", _uniform, "check_uniform_bounds"),
            _fill("bernoulli_", _bernoulli), _fill("random_", _random), _fill("exponential_", _exponential),
            _fill("geometric_", _geometric), _fill("log_normal_", _log_normal, "log_normal_cpu"),
            _fill("cauchy_", _cauchy, "cauchy_cpu")):
    _method(_fn)


def bernoulli(self, p=None, *, generator=None):
    """x.bernoulli(): 0/1 samples with probabilities x (or p for every element), in x's dtype."""
    return sampling.bernoulli(self, p, generator=generator)


def multinomial(self, num_samples, replacement=False, *, generator=None):
    """x.multinomial(num_samples, replacement=False): chainrule.multinomial(x, ...)."""
    return sampling.multinomial(self, num_samples, replacement, generator=generator)


_method(bernoulli)
_method(multinomial)
