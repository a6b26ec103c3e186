"""std_mean and var_mean, nan_to_num, clamp_min/clamp_max, isposinf/isneginf/isreal, and the Tensor methods
isclose/allclose; plus `axis=`/`keepdims=` accepted wherever PyTorch accepts them (its argument parser takes
them as aliases of dim/keepdim on every reduction).
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._aliases import accepts_axis
from ._declare import case, declare
from ._out import with_out
from .comparison import allclose, isclose
from .elementwise import clamp
from .inplace import inplace_of
from .reduce import mean, std, var

__all__ = ["clamp_max", "clamp_min", "isneginf", "isposinf", "isreal", "nan_to_num", "std_mean", "var_mean"]


# the ops not yet declared that take dim= but not axis= (sum, mean, var, std and cumsum take it themselves;
# the declared ones are decorated with accepts_axis): ops/__init__.py and _methods.py wrap them
AXIS_ALIASED = ("all", "any", "max", "min", "amax", "amin", "argmax", "argmin", "prod", "logsumexp", "softmax",
                "log_softmax")


def _floating_only(op: str, input) -> None:
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(f"{op} only support floating point and complex dtypes")


@declare(cases=[case(lambda m, x: m.std_mean(x, 1), (3, 4)),
                case(lambda m, x: m.std_mean(x, dim=0, correction=0, keepdim=True), (3, 4), suffix="correction"),
                case(lambda m, x: m.std_mean(x), (5,), suffix="all")])
@accepts_axis
def std_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """(std, mean) over `dim` (None: all elements) in one call; correction (default 1) as std's, or the
    older unbiased=True/False. Floating tensors only (RuntimeError otherwise)."""
    _floating_only("std_mean", input)
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim) if dim is not None else mean(input).reshape((1,) * input.ndim if keepdim
                                                                                  else ()))


@declare(cases=[case(lambda m, x: m.var_mean(x, 1, unbiased=False), (3, 4)),
                case(lambda m, x: m.var_mean(x, (0, 1), correction=2), (3, 4), suffix="correction")])
@accepts_axis
def var_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """(var, mean) over `dim` (None: all elements) in one call; correction (default 1) as var's, or the
    older unbiased=True/False. Floating tensors only (RuntimeError otherwise)."""
    _floating_only("var_mean", input)
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim) if dim is not None else mean(input).reshape((1,) * input.ndim if keepdim
                                                                                  else ()))


class NanToNum(Op):
    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.finite = np.isfinite(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        # replaced elements are constants: dL/dx = g where x is finite, 0 elsewhere
        return g * ctx.finite, None, None, None


@declare(method=True, cases=[case(lambda m, x: m.nan_to_num(m.log(x)), (3, 4)),
                             case(lambda m, x: (m.log(x) * 1e38 * 1e38).nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0),
                                  (3, 4), suffix="values")])
@with_out
def nan_to_num(input, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None):
    """NaN replaced by `nan` (default 0), +inf by `posinf` and -inf by `neginf` (default: the dtype's largest
    and lowest finite values). Integer and bool tensors come back unchanged (a copy). The gradient is 0 at the
    replaced elements."""
    a = input._data
    if a.dtype.kind not in "fc":
        return Tensor._wrap(a.copy())
    info = np.finfo(a.dtype)
    return NanToNum.apply(input, nan, info.max if posinf is None else posinf,
                          info.min if neginf is None else neginf)


@declare(method=True, cases=[case(lambda m, x, b: m.clamp_min(x, b), (3, 4), (4,), kinds="away0",
                                  suffix="tensor"),
                             case(lambda m, x: x.clamp_min(0.1), (3, 4), kinds="away0", suffix="scalar")])
@with_out
def clamp_min(input, min):
    """clamp(input, min=min): a number or a tensor (broadcast)."""
    return clamp(input, min=min)


@declare(method=True, cases=[case(lambda m, x, b: m.clamp_max(x, b), (3, 4), (3, 1), kinds="away0")])
@with_out
def clamp_max(input, max):
    """clamp(input, max=max): a number or a tensor (broadcast)."""
    return clamp(input, max=max)


for _fn in (clamp_min, clamp_max, nan_to_num):
    declare(inplace_of(_fn, _fn.__name__ + "_"), name=_fn.__name__ + "_", namespaces=(), method=True)


@declare(method=True, cases=[case(lambda m, x: m.isposinf(m.log(x) * -1).float(), (3, 4), grad=False)])
@with_out
def isposinf(input):
    """True where input is +inf (a bool tensor)."""
    return Tensor._wrap(np.isposinf(input._data))


@declare(method=True, cases=[case(lambda m, x: x.log().isneginf().float(), (3, 4), grad=False)])
@with_out
def isneginf(input):
    """True where input is -inf (a bool tensor)."""
    return Tensor._wrap(np.isneginf(input._data))


@declare(method=True)
def isreal(input):
    """True where input's imaginary part is 0: everywhere for real dtypes (a bool tensor)."""
    return Tensor._wrap(np.isreal(input._data))


declare(isclose, method=True, cases=[case(lambda m, x, y: m.isclose(x, x + y * 1e-6).float(), (3, 4), (3, 4),
                                          grad=False)])
declare(allclose, method=True)
