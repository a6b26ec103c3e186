"""Joining, splitting, rearranging: cat stack split chunk unbind pad flip repeat roll tril triu masked_fill.

split/chunk/unbind are one node with several outputs (a `Function`), so their backward is one concatenation
instead of one zero-filled full-size array per piece.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function, Op
from ..autograd.grad_mode import state as _grad_state
from ..tensor import Tensor
from ._util import apply_any, norm_dim
from .elementwise import where
from .indexing import getitem

__all__ = [
    "cat", "chunk", "concat", "concatenate", "flip", "fliplr", "flipud", "hstack", "masked_fill", "moveaxis",
    "movedim", "narrow", "pad", "repeat", "roll", "split", "stack", "tile", "tril", "triu", "unbind",
    "vstack"
]


def _tensors(tensors, op: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {type(tensors).__name__}")
    if len(tensors) == 0:
        raise RuntimeError(f"{op}: expected a non-empty list of tensors")
    return [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]


def _result_dtype(arrays) -> np.dtype:
    """PyTorch's promotion for joins: the widest float if any input is floating, else NumPy's rule."""
    floats = [a.dtype for a in arrays if a.dtype.kind in "fc"]
    return np.result_type(*floats) if floats else np.result_type(*arrays)


class Cat(Op):
    @staticmethod
    def forward(ctx, axis, *xs):
        ctx.axis, ctx.sizes, ctx.dtypes = axis, [x.shape[axis] for x in xs], [x.dtype for x in xs]
        return np.concatenate(xs, axis=axis, dtype=_result_dtype(xs), casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        # dL/dx_i = the slice of g that x_i filled
        grads, start, lead = [None], 0, (slice(None),) * ctx.axis
        for n, dt, need in zip(ctx.sizes, ctx.dtypes, ctx.needs_input_grad[1:]):
            gi = g[lead + (slice(start, start + n),)] if need else None
            grads.append(gi.astype(dt) if need and dt != g.dtype else gi)
            start += n
        return tuple(grads)


def cat(tensors, dim: int = 0, *, axis=None):
    """Join tensors along an existing dimension (all other sizes must match)."""
    xs = _tensors(tensors, "cat")
    dim = axis if axis is not None else dim
    if len(xs) > 1:
        xs = [x for x in xs if not (x.ndim == 1 and x.shape[0] == 0)] or xs[:1]  # PyTorch skips legacy (0,)
    ref = xs[0]
    if ref.ndim == 0:
        raise RuntimeError("cat: zero-dimensional tensors cannot be concatenated; use stack, or unsqueeze "
                           "them first")
    (d,) = norm_dim(dim, ref.ndim, "cat")
    for i, x in enumerate(xs[1:], 1):
        xs_, rs_ = x._data.shape, ref._data.shape
        if len(xs_) != len(rs_) or xs_[:d] + xs_[d + 1:] != rs_[:d] + rs_[d + 1:]:
            raise RuntimeError(
                f"cat: sizes of tensors must match except in dimension {d}: tensor 0 has shape {ref._data.shape} "
                f"and tensor {i} has shape {x._data.shape}"
            )
    if len(xs) == 1:
        return xs[0].clone() if xs[0]._rg else Tensor._wrap(xs[0]._data.copy())
    return Cat.apply(d, *xs)


concat = concatenate = cat


class Stack(Op):
    @staticmethod
    def forward(ctx, axis, *xs):
        ctx.axis, ctx.dtypes = axis, [x.dtype for x in xs]
        return np.stack(xs, axis=axis, dtype=_result_dtype(xs), casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        # dL/dx_i = g[..., i, ...] along the new dimension
        lead = (slice(None),) * ctx.axis
        grads = [None]
        for i, (dt, need) in enumerate(zip(ctx.dtypes, ctx.needs_input_grad[1:])):
            gi = g[lead + (i,)] if need else None
            grads.append(gi.astype(dt) if need and dt != g.dtype else gi)
        return tuple(grads)


def stack(tensors, dim: int = 0, *, axis=None):
    """Join same-shaped tensors along a new dimension `dim`."""
    xs = _tensors(tensors, "stack")
    dim = axis if axis is not None else dim
    for i, x in enumerate(xs[1:], 1):
        if x._data.shape != xs[0]._data.shape:
            raise RuntimeError(f"stack: expects each tensor to be equal size, but got {xs[0]._data.shape} at entry "
                               f"0 and {tuple(x.shape)} at entry {i}")
    n = xs[0].ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"stack: dimension {dim} is out of range for a result of {n} dimensions")
    return Stack.apply(dim % n, *xs)


def hstack(tensors):
    """cat along dim 1 (dim 0 for 1-D tensors)."""
    xs = _tensors(tensors, "hstack")
    return cat(xs, 0 if xs[0].ndim == 1 else 1)


def vstack(tensors):
    """cat along dim 0, 1-D tensors becoming rows."""
    return cat([x.reshape(1, -1) if x.ndim == 1 else x for x in _tensors(tensors, "vstack")], 0)


class Split(Function):
    """Pieces of x along a dimension; the outputs are views of x. Backward concatenates their gradients."""

    @staticmethod
    def forward(ctx, x, axis, sizes):
        ctx.axis = axis
        bounds = np.cumsum(sizes)[:-1]
        return tuple(Tensor._wrap(p) for p in np.split(x._data, bounds, axis=axis))

    @staticmethod
    def backward(ctx, *grads):
        # dL/dx = the pieces' gradients joined back along dim (zeros for pieces that got none)
        return cat(list(grads), ctx.axis), None, None


class Unbind(Function):
    """The slices x[..., i, ...] along a dimension, as views. Backward stacks their gradients."""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        lead = (slice(None),) * axis
        return tuple(Tensor._wrap(x._data[lead + (i, Ellipsis)]) for i in range(x.shape[axis]))  # 0-d: views

    @staticmethod
    def backward(ctx, *grads):
        # dL/dx = the slices' gradients stacked along dim
        return stack(list(grads), ctx.axis), None


def _views_of(pieces, cls, args: tuple) -> tuple:
    """Mark the pieces as views of args[0]: shared version counter, and the record views.py reads (with the
    output index: in-place ops on outputs of a function returning several views are refused, as in
    PyTorch)."""
    vc = args[0]._vc()
    mode = _grad_state.enabled
    for i, p in enumerate(pieces):
        p._version = vc
        p._view = (cls, args, vc[0], mode, i)
        if not mode and args[0]._rg:
            p._rg = True  # PyTorch: a view of a tensor that requires grad does, even made under no_grad
    return pieces


def split(tensor, split_size_or_sections, dim: int = 0):
    """Pieces of size `split_size` (the last may be smaller) or of the listed sizes, as views."""
    (d,) = norm_dim(dim, tensor.ndim, "split")
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: split_size must be a positive integer, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(f"split: split sizes {sizes} must be non-negative and sum to {n}, the size of "
                               f"dimension {d} of a tensor of shape {tuple(tensor.shape)}")
    return _views_of(Split.apply(tensor, d, sizes), Split, (tensor, d, sizes))


def chunk(input, chunks: int, dim: int = 0):
    """Split into `chunks` pieces of ceil(n / chunks) (fewer pieces when n is small), as views."""
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be a positive integer, got {chunks}")
    (d,) = norm_dim(dim, input.ndim, "chunk")
    n = input.shape[d]
    if n == 0:  # PyTorch: `chunks` empty pieces
        return tuple(narrow(input, d, 0, 0) for _ in range(chunks))
    return split(input, -(-n // chunks), d)


def unbind(input, dim: int = 0):
    """The slices along `dim` (removing it), as views."""
    (d,) = norm_dim(dim, input.ndim, "unbind")
    return _views_of(Unbind.apply(input, d), Unbind, (input, d))


class Pad(Op):
    node_name = "ConstantPadNdBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, x, widths, value):
        inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))
        ctx.inner = inner
        out = np.full(tuple(n + lo + hi for (lo, hi), n in zip(widths, x.shape)), value, dtype=x.dtype)
        out[inner] = x
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = g without the padding
        return g[ctx.inner], None, None


_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(input, pad, mode: str = "constant", value=None):
    """Pad (negative widths crop) the last dims: pad = (left, right, top, bottom, ...), the last dim first."""
    pad = tuple(int(p) for p in pad)
    nd = input.ndim
    if len(pad) % 2 or len(pad) // 2 > nd:
        raise ValueError(f"pad: the pad tuple must have an even length of at most 2 * ndim = {2 * nd}, got "
                         f"{len(pad)} for a tensor of shape {tuple(input.shape)}")
    widths = [(0, 0)] * nd
    for i in range(len(pad) // 2):
        widths[nd - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if any(lo < 0 or hi < 0 for lo, hi in widths):  # crop first
        for d, ((lo, hi), n) in enumerate(zip(widths, input.shape)):
            if n + min(lo, 0) + min(hi, 0) < 0:
                raise RuntimeError(f"pad: cropping ({lo}, {hi}) removes more than the size {n} of dim {d} "
                                   f"of a tensor of shape {input.shape}")
        crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, input.shape))
        input = getitem(input, crop)
        widths = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    if mode == "constant":
        return Pad.apply(input, tuple(widths), 0 if value is None else value)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    from .gather import index_select

    out = input
    for d, (lo, hi) in enumerate(widths):
        if lo or hi:
            n = out.shape[d]
            if mode == "reflect" and (lo >= n or hi >= n):
                raise ValueError(f"pad: reflect padding ({lo}, {hi}) must be smaller than the size {n} of "
                                 f"dim {d}")
            out = index_select(out, d, np.pad(np.arange(n), (lo, hi), mode=_PAD_MODES[mode]))
    return out


class Flip(Op):
    @staticmethod
    def forward(ctx, x, index):
        ctx.index = index
        return x[index].copy()  # a copy, as in PyTorch (an in-place edit of the result leaves x alone)

    @staticmethod
    def backward(ctx, g):
        # flipping is its own adjoint
        return apply_any(Flip, g, ctx.index), None


def flip(input, *dims):
    """Reverse the order of elements along `dims` (a tuple, or several ints)."""
    dims = dims[0] if len(dims) == 1 else dims
    axes = norm_dim(dims, input.ndim, "flip")
    index = tuple(slice(None, None, -1) if k in axes else slice(None) for k in range(input.ndim))
    return Flip.apply(input, index)


def fliplr(input):
    return flip(input, 1)


def flipud(input):
    return flip(input, 0)


class Repeat(Op):
    @staticmethod
    def forward(ctx, x, reps):
        ctx.shape, ctx.reps = x.shape, reps
        return np.tile(x, reps)

    @staticmethod
    def backward(ctx, g):
        # every copy's gradient is summed back: view g as (r0, s0, r1, s1, ...) and sum the r axes
        shape = (1,) * (g.ndim - len(ctx.shape)) + ctx.shape
        split = tuple(v for r_s in zip(ctx.reps, shape) for v in r_s)
        return g.reshape(split).sum(axis=tuple(range(0, 2 * g.ndim, 2))).reshape(ctx.shape), None


def repeat(input, *sizes):
    """Tile the tensor sizes[i] times along each dim (sizes may add leading dims)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(f"repeat: the number of repeat dims ({len(sizes)}) can not be smaller than the "
                           f"number of tensor dims ({input.ndim})")
    return Repeat.apply(input, sizes)


def tile(input, dims):
    """repeat, with missing leading dims taken as 1."""
    dims = tuple(dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


class Roll(Op):
    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return np.roll(x, shifts, axis=axes)

    @staticmethod
    def backward(ctx, g):
        # roll back by -shifts
        back = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return apply_any(Roll, g, back, ctx.axes), None, None


def roll(input, shifts, dims=None):
    """Shift elements cyclically along dims (the flattened tensor when dims is None)."""
    if dims is None:
        return Roll.apply(input, int(shifts) if np.ndim(shifts) == 0 else tuple(shifts), None)
    shifts = (int(shifts),) if np.ndim(shifts) == 0 else tuple(int(s) for s in shifts)
    axes = norm_dim(dims, input.ndim, "roll")
    if len(shifts) != len(axes):
        raise RuntimeError(f"roll: shifts {shifts} and dims {axes} must have the same length")
    return Roll.apply(input, shifts, axes)


class Tri(Op):
    @staticmethod
    def forward(ctx, x, keep):
        ctx.keep = keep
        return np.where(keep, x, x.dtype.type(0))  # a zero of x's dtype: a bool input stays bool

    @staticmethod
    def backward(ctx, g):
        # the gradient passes on the kept triangle only
        return np.where(ctx.keep, g, 0), None


class Tril(Tri):
    """tril: the kept triangle is the lower one (a class of its own for PyTorch's node name)."""


class Triu(Tri):
    """triu: the kept triangle is the upper one."""


def _triangle(input, diagonal: int, lower: bool, name: str):
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions, got shape {tuple(input.shape)}")
    n, m = input.shape[-2:]
    keep = np.tri(n, m, diagonal, dtype=bool) if lower else ~np.tri(n, m, diagonal - 1, dtype=bool)
    return (Tril if lower else Triu).apply(input, keep)


def tril(input, diagonal: int = 0):
    """Lower triangle (elements with j - i <= diagonal) of the last two dims, zeros above."""
    return _triangle(input, diagonal, True, "tril")


def triu(input, diagonal: int = 0):
    """Upper triangle (elements with j - i >= diagonal) of the last two dims, zeros below."""
    return _triangle(input, diagonal, False, "triu")


def masked_fill(input, mask, value):
    """input with `value` where mask is True (value may be a 0-d tensor, then it gets the gradient)."""
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill: expected a bool mask, got {m.dtype}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill: value must be a 0-dimensional tensor, got shape {tuple(value.shape)}")
        if value.dtype != input.dtype:  # PyTorch: the result keeps the input's dtype
            value = value.to(input.dtype)
    else:
        value = Tensor._wrap(np.asarray(value, dtype=input.dtype))
    try:  # PyTorch's out-of-place masked_fill broadcasts the input and the mask together
        np.broadcast_shapes(m.shape, input.shape)
    except ValueError:
        raise RuntimeError(f"masked_fill: mask of shape {tuple(m.shape)} and input of shape "
                           f"{tuple(input.shape)} cannot be broadcast together") from None
    return where(Tensor._wrap(m), value, input)


def narrow(input, dim: int, start: int, length: int):
    """The slice [start, start + length) along dim, as a view."""
    (d,) = norm_dim(dim, input.ndim, "narrow")
    start = start + input.shape[d] if start < 0 else start
    if not 0 <= start <= start + length <= input.shape[d]:
        raise IndexError(f"narrow: [{start}, {start + length}) is out of range for dimension {d} of size "
                         f"{input.shape[d]}")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def movedim(input, source, destination):
    """Move dims from `source` to `destination` positions (the others keep their order)."""
    src = norm_dim(source, input.ndim, "movedim")
    dst = norm_dim(destination, input.ndim, "movedim")
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: source {src} and destination {dst} must have the same length")
    order = [k for k in range(input.ndim) if k not in src]
    for s, t in sorted(zip(dst, src)):
        order.insert(s, t)
    return input.permute(*order)


moveaxis = movedim
