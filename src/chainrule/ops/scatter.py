"""Writing along an index: scatter (src or value), scatter_reduce (sum prod mean amax amin), index_add,
index_copy, index_fill, and their in-place forms (`scatter_`, `index_add_` ...).

Each turns (dim, index) into one NumPy fancy index `at` (as gather does) and works on a copy of input. src and
source must have input's dtype (PyTorch's RuntimeError otherwise); a Python value is cast to it.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from ._declare import case, declare
from ._out import with_out
from ._promote import torch_name
from ._util import norm_dim, raw
from .gather import _along, _index_array, scatter_add
from .inplace import inplace_of

__all__ = ["index_add", "index_copy", "index_fill", "scatter", "scatter_reduce"]

REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _written(shape, at) -> np.ndarray:
    """A bool mask of the places `at` writes to."""
    m = np.zeros(shape, bool)
    m[at] = True
    return m


class Scatter(Op):
    @staticmethod
    def forward(ctx, x, src, at):
        out = x.copy()
        out[at] = src
        ctx.at, ctx.keep = at, ~_written(x.shape, at)
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g where nothing was written, 0 where src was ; dL/dsrc = g gathered at the written places
        nig = ctx.needs_input_grad
        gs = None
        if len(nig) > 1 and nig[1]:
            gs = g[ctx.at]
        return (g * ctx.keep if nig[0] else None), gs, None


class ScatterReduce(Op):
    @staticmethod
    def forward(ctx, x, src, at, reduce, include_self):
        out = x.copy()
        hit = _written(x.shape, at)
        if not include_self:
            out[hit] = {"sum": 0, "mean": 0, "prod": 1, "amax": _lowest(x.dtype), "amin": _highest(x.dtype)}[reduce]
        ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}
        ufunc[reduce].at(out, at, src)
        count = None
        if reduce == "mean":
            count = np.zeros(x.shape, np.int64)
            np.add.at(count, at, 1)
            count += 1 if include_self else (count == 0)
            count = count.astype(x.dtype) if x.dtype.kind in "iu" else count
            out = (out / count).astype(x.dtype) if x.dtype.kind == "f" else np.floor_divide(out, count)
        ctx.save_for_backward(x, src, out)
        ctx.at, ctx.reduce, ctx.include_self, ctx.hit, ctx.count = at, reduce, include_self, hit, count
        return out

    @staticmethod
    def backward(ctx, g):
        # sum: dL/dx = g (0 where written and not include_self), dL/dsrc = g[at]
        # mean: the same divided by each place's count; amax/amin: g split evenly among the elements (x's and
        # src's) equal to the result; prod: g * (product of the other elements) (exact with zeros)
        x, src, out = ctx.saved
        at, keep = ctx.at, (ctx.hit if not ctx.include_self else None)
        r = ctx.reduce
        if r in ("sum", "mean"):
            gg = g if r == "sum" else g / ctx.count.astype(raw(g).dtype)
            gx = gg if keep is None else gg * ~keep
            return gx, gg[at], None, None, None
        xa, sa, oa = raw(x), raw(src), raw(out)
        if r in ("amax", "amin"):
            ex = xa == oa  # counted even when include_self is False, as PyTorch's backward does
            es = sa == oa[at]
            n = ex.astype(np.int64)
            np.add.at(n, at, es)
            w = 1 / np.maximum(n, 1)
            wx = ex * w * (ctx.include_self | ~ctx.hit)
            return g * wx.astype(oa.dtype), g[at] * (es * w[at]).astype(oa.dtype), None, None, None
        zeros = np.where(ex_zero := (xa == 0) & (ctx.include_self | ~ctx.hit), 1, 0)
        np.add.at(zeros, at, sa == 0)
        nonzero_prod = np.where(ex_zero | ~(ctx.include_self | ~ctx.hit), 1, xa).astype(oa.dtype)
        np.multiply.at(nonzero_prod, at, np.where(sa == 0, 1, sa))
        with np.errstate(divide="ignore", invalid="ignore"):
            def others(v, z, p, o):
                return np.where(v != 0, o / np.where(v == 0, 1, v), np.where(z == 1, p, 0))
            gx = g * others(xa, zeros, nonzero_prod, oa) * (ctx.include_self | ~ctx.hit)
            gs = g[at] * others(sa, zeros[at], nonzero_prod[at], oa[at])
        return gx, gs, None, None, None


class _NoDerivative(Op):
    """scatter(..., reduce=...): PyTorch defines no derivative; backward says so (as PyTorch's does)."""

    @staticmethod
    def forward(ctx, x, src, out):
        return out

    @staticmethod
    def backward(ctx, g):
        # no derivative: PyTorch raises here too (use scatter_reduce, which has one)
        raise RuntimeError("derivative for scatter with reduce= is not implemented; use scatter_reduce")


class IndexCopy(Scatter):
    """index_copy: Scatter's forward and backward along one dim."""


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min if dtype.kind in "iu" else False


def _highest(dtype):
    return np.inf if dtype.kind == "f" else np.iinfo(dtype).max if dtype.kind in "iu" else True


def _check_range(idx: np.ndarray, n: int, dim: int, error=RuntimeError, prefix: str = "") -> None:
    """PyTorch's bounds check: 'index 5 is out of bounds for dimension 0 with size 3'."""
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= n:
            raise error(f"{prefix}index {lo if lo < 0 else hi} is out of bounds for dimension {dim} with size {n}")


def _at(op: str, input: Tensor, dim: int, index, src_shape=None):
    """(axis, fancy index) for scatter-like op `op`, with PyTorch's shape and range checks."""
    idx = _index_array(index, op)
    (d,) = norm_dim(dim, max(input.ndim, 1), op)
    nd = max(input.ndim, 1)
    if max(idx.ndim, 1) != nd:
        raise RuntimeError(f"{op}: Index tensor must have the same number of dimensions as self tensor (index "
                           f"{tuple(idx.shape)}, input {tuple(input.shape)})")
    for k in range(idx.ndim):
        if (src_shape is not None and idx.shape[k] > src_shape[k]) or (k != d and idx.shape[k] > input.shape[k]):
            raise RuntimeError(f"{op}: Expected index {list(idx.shape)} to be no larger than self "
                               f"{list(input.shape)} apart from dimension {d} and to be no larger size than src "
                               f"{list(src_shape or ())}")
    _check_range(idx, input.shape[d] if input.ndim else 1, d)
    return d, _along(idx.reshape(idx.shape if input.ndim else (-1,)), d, idx.shape if input.ndim else (idx.size,))


def _src(op: str, input: Tensor, src, idx_shape):
    """src as a Tensor of input's dtype, cut to index's shape (PyTorch uses only that leading block)."""
    if not isinstance(src, Tensor):
        return input._data.dtype.type(src)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype ({torch_name(input.dtype)} "
                           f"and {torch_name(src.dtype)})")
    if idx_shape is not None and tuple(src.shape) != tuple(idx_shape):
        src = src[tuple(slice(0, n) for n in idx_shape)]
    return src


def _flat(input):
    return input if input.ndim else input.reshape(1)


@declare(method=True, cases=[
    case(lambda m, x, s: m.scatter(x, 1, m.idx([[0, 2], [3, 1], [1, 0]]), s), (3, 4), (3, 2)),
    case(lambda m, x: x.scatter(0, m.idx([[2, 0, 1, 0]]), 1.5), (3, 4), suffix="value"),
    case(lambda m, x, s: m.scatter(x, 1, m.idx([[0, 0], [3, 3], [1, 0]]), s, reduce="add"), (3, 4), (3, 2),
         suffix="reduce_add", grad=False)])
@with_out
def scatter(input, dim: int, index, src=None, value=None, *, reduce: str | None = None):
    """input with src[i][j] written at [index[i][j]][j] (dim = 0), or a number `value` written there;
    src has input's dtype, a value is cast to it. reduce: None, "add" or "multiply" (PyTorch's older form of
    scatter_reduce). Where index repeats a place with reduce None, which src element lands is unspecified
    (as in PyTorch). The gradient: input's where nothing was written, src's gathered from the result."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing the argument 'src' or 'value'")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"scatter: reduce argument must be either add or multiply, got {reduce!r}")
        if not isinstance(src, Tensor):
            src = Tensor._wrap(np.full(np.shape(raw(index)), src, dtype=input._data.dtype))
        with no_grad():
            out = scatter_reduce(input, dim, index, src, "sum" if reduce == "add" else "prod")
        return _NoDerivative.apply(input, src, out._data)
    x = _flat(input)
    _src("scatter", x, src, None)  # PyTorch checks the dtype before the index
    _d, at = _at("scatter", x, dim, index, tuple(src.shape) if isinstance(src, Tensor) else None)
    out = Scatter.apply(x, _src("scatter", x, src, np.shape(raw(index))), at)
    return out if input.ndim else out.reshape(())


@declare(method=True, cases=[
    case(lambda m, x, s: m.scatter_reduce(x, 1, m.idx([[0, 0, 2], [3, 1, 3], [1, 1, 1]]), s, "sum"), (3, 4),
         (3, 3), suffix="sum"),
    case(lambda m, x, s: x.scatter_reduce(1, m.idx([[0, 0, 2], [3, 1, 3], [1, 1, 1]]), s, "mean",
                                          include_self=False), (3, 4), (3, 3), suffix="mean"),
    case(lambda m, x, s: m.scatter_reduce(x, 0, m.idx([[0, 1], [0, 1], [2, 1]]), s, "amax"), (3, 2), (3, 2),
         kinds="distinct", suffix="amax", gradgrad=False),
    case(lambda m, x, s: m.scatter_reduce(x, 0, m.idx([[0, 1], [0, 1], [2, 1]]), s + 10, "amin",
                                          include_self=False),
         (3, 2), (3, 2), kinds="distinct", suffix="amin", gradgrad=False),
    case(lambda m, x, s: m.scatter_reduce(x, 1, m.idx([[0, 0, 2], [3, 1, 3]]), s, "prod"), (2, 4), (2, 3),
         suffix="prod", gradgrad=False),
    case(lambda m, x, s: m.scatter_reduce(x * (x > 0), 1, m.idx([[0, 0, 2], [3, 1, 3]]), s * (s > 0), "prod"),
         (2, 4), (2, 3), kinds="away0", suffix="prod_zeros", gradgrad=False)])
@with_out
def scatter_reduce(input, dim: int, index, src, reduce: str, *, include_self: bool = True):
    """input with each src[i][j] reduced into [index[i][j]][j] (dim = 0) by `reduce`: "sum", "prod", "mean",
    "amax" or "amin"; include_self (default True) counts input's own value at the places written. Integer
    "mean" rounds down, as PyTorch. Gradients: sum and mean as their formulas; amax/amin split evenly among the
    elements equal to the result; prod exact where elements are 0."""
    if reduce not in REDUCES:
        raise RuntimeError(f"scatter_reduce: reduce argument must be one of {', '.join(REDUCES)}, got {reduce!r}")
    x = _flat(input)
    _src("scatter", x, src, None)  # PyTorch checks the dtype before the index (with scatter's message)
    _d, at = _at("scatter_reduce", x, dim, index, tuple(src.shape))
    out = ScatterReduce.apply(x, _src("scatter_reduce", x, src, np.shape(raw(index))), at, reduce,
                              bool(include_self))
    return out if input.ndim else out.reshape(())


def _index_at(op: str, input: Tensor, dim: int, index, source_shape=None):
    """(axis, index) of index_add/index_copy/index_fill, with PyTorch's checks, errors and their order."""
    idx = _index_array(index, op)
    if idx.ndim > 1:
        raise RuntimeError(f"{op}(): Index is supposed to be a vector, got shape {tuple(idx.shape)}")
    idx = idx.reshape(-1)
    (d,) = norm_dim(dim, max(input.ndim, 1), op)
    n = input.shape[d] if input.ndim else 1
    if source_shape is not None and input.ndim and len(source_shape):
        if len(source_shape) != input.ndim or any(a != b for k, (a, b) in enumerate(zip(source_shape, input.shape))
                                                  if k != d):
            raise RuntimeError(f"{op}_(): source tensor shape must match self tensor shape, excluding the "
                               f"specified dimension. Got self.shape = {list(input.shape)} source.shape = "
                               f"{list(source_shape)}")
        if source_shape[d] != idx.size:
            error = IndexError if op == "index_copy" else RuntimeError
            raise error(f"{op}_(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                        f"({source_shape[d]}), for dim: {d}")
    if input.numel():  # PyTorch does not check indices into an empty tensor
        _check_range(idx, n, d, RuntimeError if op == "index_add" else IndexError,
                     "index_copy_(): " if op == "index_copy" else "")
    return d, (slice(None),) * d + (idx,)


def _same_dtype(op: str, input: Tensor, source: Tensor) -> None:
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"{op}(): self ({torch_name(input.dtype)}) and source ({torch_name(source.dtype)}) "
                           "must have the same scalar type")


@declare(method=True, cases=[case(lambda m, x, s: m.index_add(x, 0, m.idx([2, 0, 2]), s), (4, 3), (3, 3)),
                             case(lambda m, x, s: x.index_add(1, m.idx([1, 1]), s, alpha=-2.0), (3, 4), (3, 2),
                                  suffix="alpha")])
@with_out
def index_add(input, dim: int, index, source, *, alpha=1):
    """input with alpha * source[.., i, ..] added at input[.., index[i], ..] along dim (repeats accumulate);
    source has input's shape with dim of size len(index), and input's dtype."""
    _same_dtype("index_add_", input, source)
    d, _ = _index_at("index_add", input, dim, index, tuple(source.shape))
    if alpha != 1:
        source = source * alpha
    idx = raw(index).reshape(-1)
    full = tuple(np.arange(n).reshape((n,) + (1,) * (source.ndim - k - 1)) if k != d else
                 idx.reshape((idx.size,) + (1,) * (source.ndim - k - 1)) for k, n in enumerate(source.shape))
    if input.ndim == 0:
        return scatter_add(input.reshape(1), 0, Tensor._wrap(np.zeros(max(idx.size, 0), np.int64)),
                           source.reshape(-1)).reshape(())
    return IndexAdd.apply(input, source, full)


class IndexAdd(Op):
    @staticmethod
    def forward(ctx, x, src, at):
        ctx.at = at
        out = x.copy()
        np.add.at(out, at, src)
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g ; dL/dsource = g gathered at the places added to
        return g, g[ctx.at], None


@declare(method=True, cases=[case(lambda m, x, s: m.index_copy(x, 0, m.idx([2, 0]), s), (4, 3), (2, 3)),
                             case(lambda m, x, s: x.index_copy(1, m.idx([3, 1]), s), (3, 4), (3, 2),
                                  suffix="dim1")])
@with_out
def index_copy(input, dim: int, index, source):
    """input with source[.., i, ..] copied to input[.., index[i], ..] along dim (source has input's dtype
    and shape, with dim of size len(index))."""
    _same_dtype("index_copy_", input, source)
    d, _ = _index_at("index_copy", input, dim, index, tuple(source.shape))
    idx = raw(index).reshape(-1)
    full = tuple(np.arange(n).reshape((n,) + (1,) * (source.ndim - k - 1)) if k != d else
                 idx.reshape((idx.size,) + (1,) * (source.ndim - k - 1)) for k, n in enumerate(source.shape))
    if input.ndim == 0:
        return source.reshape(()).clone() if idx.size else input.clone()
    return IndexCopy.apply(input, source, full)


class IndexFill(Op):
    @staticmethod
    def forward(ctx, x, value, at):
        out = x.copy()
        out[at] = value
        ctx.at = at
        ctx.keep = ~_written(x.shape, at)
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g where not filled ; dL/dvalue (a 0-d tensor) = the sum of g over the filled places
        nig = ctx.needs_input_grad
        gv = (g * ~ctx.keep).sum() if len(nig) > 1 and nig[1] else None
        return (g * ctx.keep if nig[0] else None), gv, None


@declare(method=True, cases=[case(lambda m, x: m.index_fill(x, 1, m.idx([0, 2]), -1.0), (3, 4)),
                             case(lambda m, x, v: x.index_fill(0, m.idx([1]), v), (3, 4), (), suffix="tensor")])
@with_out
def index_fill(input, dim: int, index, value):
    """input with every entry of the slices index[i] along dim set to value (a number, cast to input's dtype,
    or a 0-d tensor, which then gets the gradient)."""
    _d, at = _index_at("index_fill", input, dim, index)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"index_fill_(): only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s)")
        value = value if value._data.dtype == input._data.dtype else value.to(input.dtype)
    else:
        value = input._data.dtype.type(value)
    x = _flat(input)
    if x.numel() == 0:  # nothing to fill (PyTorch does not check the indices then)
        return input.clone()
    out = IndexFill.apply(x, value, at if input.ndim else (raw(index).reshape(-1),))
    return out if input.ndim else out.reshape(())


for _name, _fn in (("scatter_", scatter), ("scatter_reduce_", scatter_reduce), ("index_add_", index_add),
                   ("index_copy_", index_copy), ("index_fill_", index_fill), ("scatter_add_", scatter_add)):
    declare(inplace_of(_fn, _name), name=_name, namespaces=(), method=True)
