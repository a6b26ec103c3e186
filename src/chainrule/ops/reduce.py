"""Reductions: sum mean var std logsumexp prod norm, and cumsum.

Their backward broadcasts the upstream gradient back over the reduced axes (expand_back).
"""

from __future__ import annotations

import math as _math

import numpy as np

from ..autograd.function import Op
from ..dtypes import get_default_dtype as _default_dtype
from ..tensor import Tensor
from ._promote import torch_name as _torch_name
from ._util import apply_any as _apply_any
from ._util import norm_dim
from ._util import raw as _raw
from ._util import reduce_axes as _reduce_axes


def expand_back(g, shape: tuple, axes, keepdim: bool):
    """Broadcast a reduced gradient back to the input's shape (works on arrays and on Tensors)."""
    if axes is not None and not keepdim:
        for ax in sorted(axes):
            g = np.expand_dims(g, ax)
    return np.broadcast_to(g, shape)


class Sum(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return np.sum(x, axis=axes, keepdims=keepdim, dtype=x.dtype)  # NumPy would widen int32 to int64

    @staticmethod
    def backward(ctx, g):
        # every summed element gets the upstream gradient
        return expand_back(g, ctx.shape, ctx.axes, ctx.keepdim), None, None


class Mean(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        out = np.mean(x, axis=axes, keepdims=keepdim)
        ctx.n = x.size // max(out.size, 1) if x.size else 1
        return out

    @staticmethod
    def backward(ctx, g):
        # every averaged element gets g / n
        return expand_back(g / getattr(g, "_data", g).dtype.type(ctx.n), ctx.shape, ctx.axes, ctx.keepdim), None, None


def sum(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None):  # noqa: A001
    """Sum over all elements, or over `dim` (int or tuple)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.to(np.int64)  # PyTorch: integer and bool sums are int64
    dim = axis if dim is None else dim
    keepdim = keepdims if keepdims is not None else keepdim
    return Sum.apply(x, _reduce_axes(dim, x.ndim, "sum"), bool(keepdim))


def mean(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None):
    """Mean over all elements, or over `dim`; integer tensors need a floating dtype (as in PyTorch)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind not in "fc":
        got = _torch_name(x.dtype)
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {got}; pass dtype=float32 or use .float()")
    dim = axis if dim is None else dim
    keepdim = keepdims if keepdims is not None else keepdim
    return Mean.apply(x, _reduce_axes(dim, x.ndim, "mean"), bool(keepdim))


def _float_input(input, op: str) -> Tensor:
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x._data.dtype.kind not in "fc":
        what = "std and var only support" if op in ("var", "std") else "expected a tensor of"
        raise RuntimeError(f"{op}(): {what} floating point and complex dtypes, got {x.dtype}; convert with "
                           ".float()")
    return x


class Var(Op):
    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        d = x - np.mean(x, axis=axes, keepdims=True)
        n = x.size if axes is None else _math.prod(x.shape[a] for a in axes)  # elements per output
        dof = n - correction
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.sum(d * d, axis=axes, keepdims=keepdim) / (dof if dof > 0 else 0.0)
        ctx.save_for_backward(x)
        ctx.dof, ctx.axes, ctx.keepdim = dof, axes, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g * 2 (x - mean) / (n - correction)   (x - mean is recomputed: no input-sized array is kept)
        (x,) = ctx.saved
        d = x - np.mean(x, axis=ctx.axes, keepdims=True)
        scale = 2.0 / ctx.dof if ctx.dof > 0 else _math.inf
        return expand_back(g, x.shape, ctx.axes, ctx.keepdim) * d * scale, None, None, None


class Std(Op):
    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        out = np.sqrt(Var.forward(ctx, x, axes, correction, keepdim))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g * (x - mean) / ((n - correction) * std), and 0 where std = 0 (PyTorch)
        x, out = ctx.saved
        d = x - np.mean(x, axis=ctx.axes, keepdims=True)
        scale = 1.0 / ctx.dof if ctx.dof > 0 else _math.inf
        zero = _raw(out) == 0
        gs = np.where(zero, 0, g / np.where(zero, 1, out)) if zero.any() else g / out
        return expand_back(gs, x.shape, ctx.axes, ctx.keepdim) * d * scale, None, None, None


def _var_args(op, input, dim, unbiased, keepdim, correction, axis, keepdims):
    x = _float_input(input, op)
    if isinstance(dim, bool):  # var(x, True): the legacy `unbiased` positional form
        dim, unbiased = None, dim
    dim = axis if dim is None else dim
    keepdim = keepdims if keepdims is not None else keepdim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return x, _reduce_axes(dim, x.ndim, op), correction, bool(keepdim)


def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, axis=None, keepdims=None):
    """Variance sum((x - mean)^2) / (N - correction); correction=1 (unbiased) by default, as in PyTorch."""
    return Var.apply(*_var_args("var", input, dim, unbiased, keepdim, correction, axis, keepdims))


def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, axis=None, keepdims=None):
    """Standard deviation sqrt(var); correction=1 (unbiased) by default."""
    return Std.apply(*_var_args("std", input, dim, unbiased, keepdim, correction, axis, keepdims))


class LogSumExp(Op):
    node_name = "LogsumexpBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        m = np.max(x, axis=axes, keepdims=True, initial=-np.inf)  # an empty slice's max: -inf, as PyTorch
        m[~np.isfinite(m)] = 0  # all -inf (or inf) slices: no shift
        e = x - m
        np.exp(e, out=e)
        s = np.sum(e, axis=axes, keepdims=True)
        with np.errstate(divide="ignore"):  # log(0) = -inf for all -inf slices
            np.log(s, out=s)
        s += m
        out = s if keepdim else np.squeeze(s, axis=axes)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g * exp(x - logsumexp(x)) = g * softmax(x)
        x, out = ctx.saved
        shape, axes, keep = x.shape, ctx.axes, ctx.keepdim
        return expand_back(g, shape, axes, keep) * np.exp(x - expand_back(out, shape, axes, keep)), None, None


def logsumexp(input, dim, keepdim: bool = False):
    """log(sum(exp(x), dim)), computed stably by shifting by the maximum."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x._data.dtype.kind not in "fc":
        x = x.to(_default_dtype())
    axes = norm_dim(dim, x.ndim, "logsumexp")
    if x.ndim == 0:
        return x.clone()  # log(exp(x)) = x, for dim 0 or -1
    return LogSumExp.apply(x, axes, bool(keepdim))


class Prod(Op):
    @staticmethod
    def forward(ctx, x, axis, keepdim):
        out = np.prod(x, axis=axis, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        ctx.axis, ctx.keepdim = axis, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx_i = g * prod_{j != i} x_j  (= g * out / x_i when no x is 0)
        x, out = ctx.saved
        axes = None if ctx.axis is None else (ctx.axis,)
        ge = expand_back(g, x.shape, axes, ctx.keepdim)
        xa = _raw(x)
        if not (xa == 0).any():
            return ge * expand_back(out, x.shape, axes, ctx.keepdim) / x, None, None
        if isinstance(g, Tensor):
            raise RuntimeError("prod: double backward (create_graph=True) through an input with zeros is not "
                               "supported")
        return ge * _prod_of_others(xa, ctx.axis), None, None


def _prod_of_others(x: np.ndarray, axis) -> np.ndarray:
    """prod_{j != i} x_j along axis for every i, exact with zeros (exclusive cumprods)."""
    flat = axis is None
    a = np.moveaxis(x.reshape(-1) if flat else x, 0 if flat else axis, -1)
    ones = np.ones(a.shape[:-1] + (1,), dtype=a.dtype)
    left = np.cumprod(np.concatenate([ones, a[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, a[..., :0:-1]], -1), -1)[..., ::-1]
    res = np.moveaxis(left * right, -1, 0 if flat else axis)
    return res.reshape(x.shape)


def prod(input, dim=None, keepdim: bool = False, *, dtype=None):
    """Product of all elements, or along one dimension `dim`."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.to(np.int64)  # PyTorch: integer and bool products are int64
    if dim is not None and not isinstance(dim, (int, np.integer)):
        raise TypeError(f"prod: dim must be an int, got {dim!r} (reduce one dimension at a time)")
    axes = _reduce_axes(dim, x.ndim, "prod")
    axis = None if axes is None else axes[0]
    return Prod.apply(x, axis, bool(keepdim))


class Norm(Op):
    node_name = "LinalgVectorNormBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        if p == 2:
            out = np.sqrt(np.sum(x * x, axis=axes, keepdims=keepdim))
        elif p == 1:
            out = np.sum(np.abs(x), axis=axes, keepdims=keepdim)
        else:
            out = np.sum(np.abs(x) ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
        ctx.save_for_backward(x, out)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        # d||x||_p = sign(x) |x|^(p-1) / ||x||^(p-1) dx (x / ||x|| for p = 2); 0 where the norm is 0
        x, out = ctx.saved
        p, shape = ctx.p, x.shape
        ge = expand_back(g, shape, ctx.axes, ctx.keepdim)
        if p == 1:
            return ge * np.sign(x), None, None, None
        oe = expand_back(out, shape, ctx.axes, ctx.keepdim)
        safe = np.where(_raw(oe) == 0, 1, oe)
        if p == 2:
            return ge * x / safe, None, None, None
        return ge * np.sign(x) * np.abs(x) ** (p - 1) / safe ** (p - 1), None, None, None


def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None):
    """Vector p-norm over all elements or `dim` (p = 'fro' | 2 | 1 | inf | -inf | 0 | float); grad 0 at 0."""
    x = _float_input(input, "norm")
    if dtype is not None:
        x = x.to(dtype)
    axes = _reduce_axes(dim, x.ndim, "norm")
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str):
        raise ValueError(f"norm: p={p!r} is not supported (use 'fro', or a number, inf or -inf)")
    if p == _math.inf or p == -_math.inf:
        from .extrema import amax, amin

        reduce = amax if p > 0 else amin
        return reduce(x.abs(), () if axes is None else axes, keepdim)
    if p == 0:
        nz = (x._data != 0).astype(x._data.dtype)
        return Tensor._wrap(np.asarray(np.sum(nz, axis=axes, keepdims=keepdim)))
    return Norm.apply(x, float(p) if p not in (1, 2) else int(p), axes, bool(keepdim))


class Cumsum(Op):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        # dL/dx_i = sum_{j >= i} g_j: a cumulative sum from the other end
        return np.flip(_apply_any(Cumsum, np.flip(g, ctx.axis), ctx.axis), ctx.axis), None


def cumsum(input, dim=None, *, dtype=None, axis=None):
    """Running sum along `dim` (integer and bool tensors give int64, as in PyTorch)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    dim = axis if dim is None else dim
    if dim is None:
        raise TypeError("cumsum() missing the required argument 'dim'")
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.to(np.int64)  # PyTorch: integer and bool running sums are int64
    if x.ndim == 0:
        norm_dim(dim, 0, "cumsum")  # dim 0 or -1
        return x.clone()
    return Cumsum.apply(x, norm_dim(dim, x.ndim, "cumsum")[0])
