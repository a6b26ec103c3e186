"""Running reductions along a dim: cumprod, cummax, cummin, logcumsumexp (cumsum lives in ops/reduce.py).

cummax/cummin return (values, indices) as PyTorch's return_types, the index of the last element equal to the
running extremum (PyTorch's tie rule), and send the gradient to it; NaN propagates from where it appears.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._aliases import accepts_axis
from ._declare import case, declare
from ._out import with_out, write_out
from ._promote import kernel_missing
from ._util import norm_dim
from .extrema import return_types
from .gather import _along
from .indexing import Index
from .inplace import inplace_of

__all__ = ["cummax", "cummin", "cumprod", "logcumsumexp"]


def _rev_cumsum(a, axis: int):
    """sum_{j >= i} a_j along axis (arrays, or Tensors in a double backward: flip and cumsum dispatch)."""
    return np.flip(np.cumsum(np.flip(a, axis), axis), axis)


class Cumprod(Op):
    @staticmethod
    def forward(ctx, x, axis):
        out = np.cumprod(x, axis=axis)
        ctx.save_for_backward(x, out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, g):
        # out_j = prod_{k <= j} x_k: dL/dx_i = sum_{j >= i} g_j prod_{k <= j, k != i} x_k
        #   = (sum_{j >= i} g_j out_j) / x_i without zeros; with zeros, the recurrence below
        x, out = ctx.saved
        xa = x._data if isinstance(x, Tensor) else x
        if np.all(xa != 0):
            return _rev_cumsum(g * out, ctx.axis) / x, None
        return _cumprod_grad_with_zeros(x, g, ctx.axis), None


def _cumprod_grad_with_zeros(x, g, axis: int):
    """dL/dx_i = P_{i-1} R_i, P the exclusive running product, R_i = g_i + x_{i+1} R_{i+1} (no division)."""
    n = x.shape[axis]
    xs = [np.take(x, i, axis) if not isinstance(x, Tensor) else x.select(axis, i) for i in range(n)]
    gs = [np.take(g, i, axis) if not isinstance(g, Tensor) else g.select(axis, i) for i in range(n)]
    r = [None] * n
    r[n - 1] = gs[n - 1]
    for i in range(n - 2, -1, -1):
        r[i] = gs[i] + xs[i + 1] * r[i + 1]
    out, p = [], None
    for i in range(n):
        out.append(r[i] if p is None else p * r[i])
        p = xs[i] if p is None else p * xs[i]
    return np.stack(out, axis)


class Logcumsumexp(Op):
    @staticmethod
    def forward(ctx, x, axis):
        # out_j = logaddexp(out_{j-1}, x_j): exact for any spread of x (one shift by the overall max
        # underflowed to -inf where early elements lie far below a later one)
        out = np.logaddexp.accumulate(x, axis=axis)
        ctx.save_for_backward(x, out)
        ctx.axis = axis
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        # out_j = log sum_{k <= j} e^{x_k}: dL/dx_i = sum_{j >= i} g_j e^{x_i - out_j}
        #   = e^{x_i - c} sum_{j >= i} g_j e^{c - out_j}, c = the last out (the largest) for range
        x, out = ctx.saved
        c = np.take(out, [-1], ctx.axis) if not isinstance(out, Tensor) else out.narrow(ctx.axis, -1, 1)
        c = c.detach() if isinstance(c, Tensor) else np.where(np.isfinite(c), c, 0)
        return np.exp(x - c) * _rev_cumsum(g * np.exp(c - out), ctx.axis), None


class Cummax(Index):
    """cummax values: x at the running maximum's index; the gradient goes there (Index's)."""


class Cummin(Index):
    """cummin values."""


def _dim(x: Tensor, dim, op: str) -> int:
    if dim is None:
        raise TypeError(f"{op}() missing the required argument 'dim'")
    return norm_dim(dim, x.ndim, op)[0]


@declare(method=True, cases=[case(lambda m, x: m.cumprod(x, 1), (3, 4)),
                             case(lambda m, x: (x * (x.abs() > 0.5)).cumprod(dim=0), (5, 2), kinds="away0",
                                  suffix="zeros")])
@accepts_axis
def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along `dim`; integer and bool tensors give int64 (as PyTorch), `dtype` casts the input
    first (with out= and no dtype, out's dtype does, as PyTorch). The gradient is exact where the input has
    zeros too."""
    if out is not None:
        return write_out("cumprod", cumprod(input, dim, dtype=dtype or out.dtype), out)
    x = input if isinstance(input, Tensor) else Tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.to(np.int64)
    axis = _dim(x, dim, "cumprod") if x.ndim else (norm_dim(dim, 0, "cumprod"), None)[1]
    if x.ndim == 0:
        return x.clone()
    return Cumprod.apply(x, axis)


declare(inplace_of(cumprod, "cumprod_"), name="cumprod_", namespaces=(), method=True)


def _cumext(input, dim, name: str, acc):
    x = input if isinstance(input, Tensor) else Tensor(input)
    rt = getattr(return_types, name)
    if x.ndim == 0:
        norm_dim(dim, 0, name)
        return rt(x.clone(), Tensor._wrap(np.zeros((), np.int64)))
    axis = _dim(x, dim, name)
    a = x._data
    if a.size == 0:
        return rt(x.clone(), Tensor._wrap(np.zeros(a.shape, np.int64)))
    values = acc.accumulate(a, axis=axis)
    mark = a == values
    if a.dtype.kind == "f":
        mark |= np.isnan(a)  # a NaN is the running extremum from where it appears
    shape = [1] * a.ndim
    shape[axis] = a.shape[axis]
    pos = np.where(mark, np.arange(a.shape[axis]).reshape(shape), 0)
    idx = np.maximum.accumulate(pos, axis=axis)
    cls = Cummax if name == "cummax" else Cummin
    return rt(cls.apply(x, _along(idx, axis, idx.shape)), Tensor._wrap(idx.astype(np.int64)))


@declare(method=True, cases=[case(lambda m, x: m.cummax(x, 1).values, (3, 5)),
                             case(lambda m, x: x.cummax(0)[0], (5, 2), suffix="dim0")])
@with_out
@accepts_axis
def cummax(input, dim: int):
    """(values, indices): the running maximum along `dim` and the index of the last element equal to it.
    Returns return_types.cummax."""
    return _cumext(input, dim, "cummax", np.maximum)


@declare(method=True, cases=[case(lambda m, x: m.cummin(x, 1).values, (3, 5))])
@with_out
@accepts_axis
def cummin(input, dim: int):
    """(values, indices): the running minimum along `dim` and the index of the last element equal to it.
    Returns return_types.cummin."""
    return _cumext(input, dim, "cummin", np.minimum)


@declare(method=True, cases=[case(lambda m, x: m.logcumsumexp(x, 1), (3, 5)),
                             case(lambda m, x: (x * 30).logcumsumexp(0), (4, 2), suffix="wide")])
@with_out
@accepts_axis
def logcumsumexp(input, dim: int):
    """log(cumsum(exp(input), dim)), computed without overflow; floating tensors only (integers raise
    NotImplementedError, as PyTorch)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x._data.dtype.kind not in "fc":
        raise kernel_missing("logcumsumexp_out_cpu", x._data.dtype)
    if x.ndim == 0:
        norm_dim(dim, 0, "logcumsumexp")
        return x.clone()
    return Logcumsumexp.apply(x, _dim(x, dim, "logcumsumexp"))
