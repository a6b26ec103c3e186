"""1-D poolings, adaptive max pooling and max unpooling.

avg_pool1d, max_pool1d and adaptive_avg_pool1d are the 2-D ops of pool.py on a height-1 input. Adaptive max
pooling and max unpooling both move values by flat indices into each (n, c) plane: `TakeFlat` reads them
(out[n, c, k] = x[n, c, idx[n, c, k]]), `PutFlat` writes them into a zero plane (adding repeats, or, for
max_unpool, assigning), and each op's backward is the other one, so gradients of any order are exact.
Indices are PyTorch's: flat into H*W (into L in 1-D), int64; ties go to the first maximum in row-major order.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._declare import case, declare
from ._promote import kernel_missing
from ._util import apply_any, shape_of
from .pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d

__all__ = ["adaptive_avg_pool1d", "adaptive_max_pool1d", "adaptive_max_pool2d", "avg_pool1d", "max_pool1d",
           "max_unpool1d", "max_unpool2d"]


class TakeFlat(Op):
    """out[n, c, ...] = x.reshape(N, C, -1)[n, c, idx[n, c, ...]]."""

    @staticmethod
    def forward(ctx, x, idx):
        ctx.geom = (idx, x.shape[2:])
        n, c = x.shape[:2]
        size, k = int(np.prod(x.shape[2:])), int(np.prod(idx.shape[2:]))
        flat = np.take_along_axis(x.reshape(n, c, size), idx.reshape(n, c, k), axis=2)
        return flat.reshape(idx.shape)

    @staticmethod
    def backward(ctx, g):
        # a gather: dL/dx = the scatter-add of G onto the read positions
        idx, plane = ctx.geom
        return apply_any(PutFlat, g, idx, plane, True), None


class PutFlat(Op):
    """out = zeros (N, C, *plane); out.reshape(N, C, -1)[n, c, idx[n, c, k]] (+)= x[n, c, k]."""

    @staticmethod
    def forward(ctx, x, idx, plane, add):
        ctx.idx = idx
        n, c = x.shape[:2]
        size, k = int(np.prod(plane)), int(np.prod(x.shape[2:]))
        if add:  # one bincount over all planes: repeated indices add up
            flat = (idx.reshape(n * c, k) + (np.arange(n * c) * size)[:, None]).ravel()
            out = np.bincount(flat, weights=x.ravel(), minlength=n * c * size).astype(x.dtype, copy=False)
            return out.reshape((n, c) + tuple(plane))
        out = np.zeros((n * c, size), dtype=x.dtype)
        out[np.arange(n * c)[:, None], idx.reshape(n * c, k)] = x.reshape(n * c, k)
        return out.reshape((n, c) + tuple(plane))

    @staticmethod
    def backward(ctx, g):
        # linear in x: dL/dx[n, c, k] = G[n, c, idx[n, c, k]]
        return apply_any(TakeFlat, g, ctx.idx), None, None, None


def _single(v, name, op):
    t = (v,) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(t) != 1:
        raise ValueError(f"{op}: {name} must be an int or a 1-tuple, got {v!r}")
    return int(t[0])


def _as_1d(op, input, kernel=None, floating=False):
    """(N, C, 1, L) (or (C, 1, L)) for the 2-D op; PyTorch's errors for empty dims and missing kernels."""
    xs = shape_of(input)
    if len(xs) not in (2, 3):
        raise RuntimeError(f"{op}: expected a 2-D (C, L) or 3-D (N, C, L) input, got {len(xs)}-D {xs}")
    if 0 in xs[len(xs) - 2:]:
        raise RuntimeError(f"{op}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got: {list(xs)}")
    _no_kernel(kernel, input, floating)
    return input.unsqueeze(-2)


def _no_kernel(kernel, input, floating):
    """PyTorch's NotImplementedError for bool inputs (every pool) and integer ones (averaging pools)."""
    dt = input._data.dtype
    if kernel is not None and (dt.kind == "b" or (floating and dt.kind != "f")):
        raise kernel_missing(kernel, dt)


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x: m.avg_pool1d(x, 3, 2, 1), (2, 3, 7), gradgrad=False),  # pool.py: no double backward
    case(lambda m, x: m.nn.functional.avg_pool1d(x, 2, ceil_mode=True, count_include_pad=False), (2, 5),
         suffix="unbatched_ceil", gradgrad=False),
])
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True):
    """Mean over windows of length kernel_size along L of (N, C, L) or (C, L); stride defaults to kernel_size."""
    op = "avg_pool1d"
    k = _single(kernel_size, "kernel_size", op)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _single(stride, "stride", op)
    out = avg_pool2d(_as_1d(op, input, "avg_pool2d", True), (1, k), (1, s), (0, _single(padding, "padding", op)), ceil_mode,
                     count_include_pad)
    return out.squeeze(-2)


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x: m.max_pool1d(x, 3, 2, 1, 1, True), (2, 3, 8), kinds="distinct", gradgrad=False),
    case(lambda m, x: m.nn.functional.max_pool1d(x, 2, return_indices=True)[0], (3, 6), kinds="distinct",
         suffix="indices", gradgrad=False),
])
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Max over windows along L of (N, C, L) or (C, L); with return_indices also each maximum's index in L."""
    op = "max_pool1d"
    k = _single(kernel_size, "kernel_size", op)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _single(stride, "stride", op)
    out = max_pool2d(_as_1d(op, input, "max_pool1d_impl"), (1, k), (1, s), (0, _single(padding, "padding", op)),
                     (1, _single(dilation, "dilation", op)), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


@declare(namespaces=("torch", "F"), cases=[case(lambda m, x: m.adaptive_avg_pool1d(x, 3), (2, 3, 7))])
def adaptive_avg_pool1d(input, output_size):
    """Average over output_size bins that split L as evenly as possible: bin i = [floor(i L / o), ceil((i+1) L / o))."""
    o = _single(output_size, "output_size", "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(_as_1d("adaptive_avg_pool1d", input, "adaptive_avg_pool2d", True), (1, o)).squeeze(-2)


def _bins(n_in: int, n_out: int) -> list:
    return [((i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)) for i in range(n_out)]


def _adaptive_argmax(x: np.ndarray, out_hw: tuple) -> np.ndarray:
    """(N, C, oh, ow) flat index into H*W of each bin's first maximum (its last NaN, as PyTorch)."""
    n, c, h, w = x.shape
    oh, ow = out_hw
    if h % oh == 0 and w % ow == 0:  # equal bins that tile the plane: one pass over a window view
        kh, kw = h // oh, w // ow
        win = x.reshape(n, c, oh, kh, ow, kw).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, oh, ow, kh * kw)
        rows = [(i * kh, (i + 1) * kh) for i in range(oh)]
        cols = [(j * kw, (j + 1) * kw) for j in range(ow)]
        a = _first_max(win)
        r0 = np.array([r[0] for r in rows])[:, None]
        c0 = np.array([q[0] for q in cols])[None, :]
        return (r0 + a // kw) * w + c0 + a % kw
    idx = np.empty((n, c, oh, ow), dtype=np.int64)
    for i, (h0, h1) in enumerate(_bins(h, oh)):
        for j, (w0, w1) in enumerate(_bins(w, ow)):
            a = _first_max(x[:, :, h0:h1, w0:w1].reshape(n, c, (h1 - h0) * (w1 - w0)))
            idx[:, :, i, j] = (h0 + a // (w1 - w0)) * w + w0 + a % (w1 - w0)
    return idx


def _first_max(win: np.ndarray) -> np.ndarray:
    """Index along the last axis of the first maximum, or of the last NaN where there is one (PyTorch's rule)."""
    a = np.argmax(win, axis=-1)
    if win.dtype.kind == "f":
        nan = np.isnan(win)
        if nan.any():
            last = win.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
            a = np.where(nan.any(axis=-1), last, a)
    return a.astype(np.int64)


@declare(namespaces=("F",), cases=[
    case(lambda m, x: m.nn.functional.adaptive_max_pool2d(x, (2, 3)), (2, 3, 5, 7), kinds="distinct"),
    case(lambda m, x: m.nn.functional.adaptive_max_pool2d(x, 2, return_indices=True)[0], (2, 4, 6),
         kinds="distinct", suffix="tiled_unbatched"),
])
def adaptive_max_pool2d(input, output_size, return_indices: bool = False):
    """Max over the (oh, ow) bins that split H and W as evenly as possible (None keeps that size); with
    return_indices also each maximum's flat index into H*W (int64)."""
    xs = shape_of(input)
    if len(xs) not in (3, 4) or 0 in xs[-3:]:
        raise RuntimeError(f"adaptive_max_pool2d: Expected 3D or 4D tensor with non-zero sizes in every dim but "
                           f"the batch, got {list(xs)}")
    _no_kernel("adaptive_max_pool2d", input, True)
    if len(xs) == 3:
        out = adaptive_max_pool2d(input.unsqueeze(0), output_size, return_indices)
        return (out[0].squeeze(0), out[1].squeeze(0)) if return_indices else out.squeeze(0)
    size = (output_size, output_size) if output_size is None or isinstance(output_size, int) else output_size
    if len(size) != 2:
        raise ValueError(f"adaptive_max_pool2d: output_size must be an int or a pair, got {output_size!r}")
    oh, ow = (xs[2] if size[0] is None else int(size[0])), (xs[3] if size[1] is None else int(size[1]))
    if oh < 1 or ow < 1:
        raise ValueError(f"adaptive_max_pool2d: output_size must be positive, got {output_size!r}")
    idx = _adaptive_argmax(input._data, (oh, ow))
    out = TakeFlat.apply(input, idx)
    return (out, Tensor._wrap(idx)) if return_indices else out


@declare(namespaces=("F",), cases=[
    case(lambda m, x: m.nn.functional.adaptive_max_pool1d(x, 3), (2, 3, 7), kinds="distinct")])
def adaptive_max_pool1d(input, output_size, return_indices: bool = False):
    """Max over output_size bins along L of (N, C, L) or (C, L) (see adaptive_max_pool2d)."""
    o = _single(output_size, "output_size", "adaptive_max_pool1d")
    out = adaptive_max_pool2d(_as_1d("adaptive_max_pool1d", input, "adaptive_max_pool2d", True), (1, o),
                              return_indices)
    return (out[0].squeeze(-2), out[1].squeeze(-2)) if return_indices else out.squeeze(-2)


def _unpool(op, input, indices, kernel, stride, padding, output_size, spatial):
    xs = shape_of(input)
    if len(xs) not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"{op}: expected a {spatial + 1}-D or {spatial + 2}-D input, got {xs}")
    default = tuple((xs[-spatial + a] - 1) * stride[a] - 2 * padding[a] + kernel[a] for a in range(spatial))
    if output_size is None:
        out = default
    else:
        out = tuple(int(v) for v in output_size)[-spatial:]
        if len(out) != spatial:
            raise ValueError(f"{op}: output_size {output_size} must have {spatial} (or {spatial + 2}) elements")
        for a in range(spatial):
            lo, hi = default[a] - stride[a], default[a] + stride[a]
            if not lo < out[a] < hi:
                raise ValueError(f"{op}: invalid output_size {output_size} (dim {a} must be between {lo} and {hi})")
    if shape_of(indices) != xs:  # after output_size, as PyTorch checks
        raise RuntimeError(f"{op}: indices {shape_of(indices)} must have the shape of the input {xs}")
    idx = np.asarray(getattr(indices, "_data", indices))
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: indices must be int64, got {idx.dtype}")
    size = int(np.prod(out))
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise RuntimeError(f"{op}: Found an invalid max index: {bad} (output volumes are of size {out})")
    x = input if len(xs) == spatial + 2 else input.unsqueeze(0)
    res = PutFlat.apply(x, idx.reshape(x.shape).astype(np.int64), out, False)
    return res if len(xs) == spatial + 2 else res.squeeze(0)


def _pair_or_single(v, n, name, op):
    t = (v,) * n if isinstance(v, (int, np.integer)) else tuple(v)
    if len(t) != n:
        raise ValueError(f"{op}: {name} must be an int or a {n}-tuple, got {v!r}")
    return tuple(int(e) for e in t)


@declare(namespaces=("F",), cases=[
    case(lambda m, x: m.nn.functional.max_unpool2d(x, m.idx([[[[0, 3], [9, 14]]]]), 2), (1, 1, 2, 2)),
    case(lambda m, x: m.nn.functional.max_unpool2d(x, m.idx([[[1, 5], [8, 2]]]), 2, output_size=(5, 3)), (1, 2, 2),
         suffix="unbatched_size"),
])
def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: each value placed at its index in a zero (H_out, W_out) plane,
    H_out = (H - 1) * stride - 2 * padding + kernel_size unless output_size is given.

    Raises:
        RuntimeError: an index outside the output plane. ValueError: an output_size PyTorch refuses.
    """
    op = "max_unpool2d"
    k = _pair_or_single(kernel_size, 2, "kernel_size", op)
    s = k if stride is None else _pair_or_single(stride, 2, "stride", op)
    return _unpool(op, input, indices, k, s, _pair_or_single(padding, 2, "padding", op), output_size, 2)


@declare(namespaces=("F",), cases=[
    case(lambda m, x: m.nn.functional.max_unpool1d(x, m.idx([[[1, 2, 5]]]), 2), (1, 1, 3))])
def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool1d on (N, C, L) or (C, L) (see max_unpool2d)."""
    op = "max_unpool1d"
    k = _pair_or_single(kernel_size, 1, "kernel_size", op)
    s = k if stride is None else _pair_or_single(stride, 1, "stride", op)
    return _unpool(op, input, indices, k, s, _pair_or_single(padding, 1, "padding", op), output_size, 1)
