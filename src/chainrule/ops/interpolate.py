"""F.interpolate: nearest, nearest-exact, (bi/tri)linear, bicubic and area resizing, one spatial axis at a time.

Every mode except area is separable: output[..., j, ...] = sum_k w[k, j] * input[..., idx[k, j], ...] along
each spatial axis (k < 1 for nearest, 2 for linear, 4 for cubic). PyTorch's CPU kernels compute the same sums
(the last axis innermost, which is why the last axis is resampled first here), with the source coordinates
and weights computed in the input's float type (always float32 for the nearest modes), as reproduced in
`_nearest_index`, `_linear_taps` and `_cubic_taps`.

One op, `Resample`, in two modes, each the other's adjoint: the weighted takes, and their transpose (adds
each output's gradient back onto its source positions, a product with the (n_out, n_in) interpolation
matrix), so gradients of any order are exact.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..autograd.function import Op
from ._declare import case, declare
from ._util import apply_any, shape_of

__all__ = ["interpolate", "upsample", "upsample_bilinear", "upsample_nearest"]

_A = -0.75  # PyTorch's bicubic (Keys) coefficient


def _along(w: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """Weights of length n_out shaped to broadcast along `axis` of an ndim-d array."""
    return w.reshape((-1,) + (1,) * (ndim - 1 - axis))


class Resample(Op):
    """adjoint False: out = sum_k w[k] * take(x, idx[k], axis) (w None: one plain take), i.e. M x along `axis`;
    adjoint True: out = M^T x, adding each value back onto its source positions. One class, each mode the
    other's backward, so gradients of any order are exact."""

    @staticmethod
    def forward(ctx, x, axis, idx, w, n_in, adjoint):
        ctx.geom = (axis, idx, w, n_in, adjoint)
        if adjoint:
            n_out = idx.shape[1]
            m = np.zeros((n_out, n_in), dtype=x.dtype)
            rows = np.arange(n_out)
            for k in range(len(idx)):
                np.add.at(m, (rows, idx[k]), 1 if w is None else w[k])
            return np.ascontiguousarray(np.moveaxis(np.moveaxis(x, axis, -1) @ m, -1, axis))
        if w is None:
            return np.take(x, idx[0], axis=axis)
        out = np.take(x, idx[0], axis=axis) * _along(w[0], axis, x.ndim)
        for k in range(1, len(idx)):
            out += np.take(x, idx[k], axis=axis) * _along(w[k], axis, x.ndim)
        return out

    @staticmethod
    def backward(ctx, g):
        # linear in x: out = M x  =>  dL/dx = M^T G ; out = M^T x  =>  dL/dx = M G (M[j, idx[k, j]] += w[k, j])
        axis, idx, w, n_in, adjoint = ctx.geom
        return (apply_any(Resample, g, axis, idx, w, n_in, not adjoint),) + (None,) * 5


def _scale(n_in: int, n_out: int, align_corners: bool, scale, t):
    """PyTorch's area_pixel_compute_scale in type t: the source step per output step."""
    if align_corners:
        return t(n_in - 1) / t(n_out - 1) if n_out > 1 else t(0)
    return t(1.0 / scale) if scale is not None and scale > 0 else t(n_in) / t(n_out)


def _source(scale, n_out: int, align_corners: bool, cubic: bool, t) -> np.ndarray:
    """PyTorch's area_pixel_compute_source_index for every output index, in type t."""
    d = np.arange(n_out).astype(t)
    if align_corners:
        return scale * d
    src = scale * (d + t(0.5)) - t(0.5)
    return src if cubic else np.maximum(src, t(0))


def _guard(src: np.ndarray, n_in: int, t) -> tuple:
    """PyTorch's guard_index_and_lambda: floor index clamped to n_in - 1, fraction clamped to [0, 1]."""
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    lam = np.clip(src - i0.astype(t), t(0), t(1)).astype(t)
    return i0, lam


def _nearest_index(n_in: int, n_out: int, scale, exact: bool, shortcut: bool) -> np.ndarray:
    """PyTorch's nearest_idx / nearest_exact_idx: the source index of each output, computed in float32.

    shortcut: PyTorch's 2-D nearest kernel (only that one) copies when n_out = n_in and halves the index when
    n_out = 2 n_in whatever the scale_factor; its 1-D and 3-D kernels always use the scale.
    """
    d = np.arange(n_out)
    if shortcut and not exact and n_out == n_in:
        return d
    if shortcut and not exact and n_out == 2 * n_in:
        return d >> 1
    f32 = np.float32
    s = f32(1.0 / scale) if scale is not None and scale > 0 else f32(n_in) / f32(n_out)
    if exact:  # (dst + 0.5) * scale in double, rounded to float, then floored (floorf of a double)
        src = ((d + 0.5) * np.float64(s)).astype(f32)
    else:
        src = d.astype(f32) * s
    return np.minimum(np.floor(src).astype(np.int64), n_in - 1)


def _linear_taps(n_in: int, n_out: int, align_corners: bool, scale, t) -> tuple:
    """(idx (2, n_out), w (2, n_out)) of linear interpolation, PyTorch's compute_source_index_and_lambda."""
    if n_out == n_in and not align_corners:
        d = np.arange(n_out)
        return np.stack([d, d]), np.stack([np.ones(n_out, t), np.zeros(n_out, t)])
    src = _source(_scale(n_in, n_out, align_corners, scale, t), n_out, align_corners, False, t)
    i0, lam1 = _guard(src, n_in, t)
    i1 = i0 + (i0 < n_in - 1)
    return np.stack([i0, i1]), np.stack([t(1) - lam1, lam1])


def _cubic_taps(n_in: int, n_out: int, align_corners: bool, scale, t) -> tuple:
    """(idx (4, n_out), w (4, n_out)) of PyTorch's bicubic: Keys' kernel (A = -0.75), border indices clamped."""
    src = _source(_scale(n_in, n_out, align_corners, scale, t), n_out, align_corners, True, t)
    i0, x1 = _guard(src, n_in, t)
    a, one = t(_A), t(1)

    def conv1(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + one

    def conv2(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    x2 = one - x1
    w = np.stack([conv2(x1 + one), conv1(x1), conv1(x2), conv2(x2 + one)]).astype(t)
    idx = np.stack([np.clip(i0 - 1 + j, 0, n_in - 1) for j in range(4)])
    return idx, w


def _aa_filter(x: np.ndarray, cubic: bool) -> np.ndarray:
    """PyTorch's antialiasing filters: the triangle (bilinear) or Keys' cubic with a = -0.5 (bicubic)."""
    x = np.abs(x)
    if not cubic:
        return np.where(x < 1, 1 - x, 0)
    a = -0.5
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = (((x - 5) * x + 8) * x - 4) * a
    return np.where(x < 1, near, np.where(x < 2, far, 0))


def _aa_taps(n_in: int, n_out: int, align_corners: bool, scale, t, cubic: bool) -> tuple:
    """(idx, w) of PyTorch's antialiased resampling (_compute_index_ranges_weights): the filter stretched by
    the downscaling factor, its taps over [center - support, center + support) normalised to sum 1."""
    s = float(_scale(n_in, n_out, align_corners, scale, t))
    half = 2.0 if cubic else 1.0
    support = half * s if s >= 1.0 else half
    k = int(math.ceil(support)) * 2 + 1
    inv = 1.0 / s if s >= 1.0 else 1.0
    center = (s * (np.arange(n_out) + 0.5)).astype(t).astype(np.float64)
    xmin = np.maximum((center - support + 0.5).astype(np.int64), 0)
    xsize = np.clip(np.minimum((center + support + 0.5).astype(np.int64), n_in) - xmin, 0, k)
    j = np.arange(k)[:, None]
    w = _aa_filter((j + xmin - center + 0.5) * inv, cubic) * (j < xsize)
    total = w.sum(axis=0)
    w = np.where(total != 0, w / np.where(total != 0, total, 1), w)
    return np.minimum(xmin + j, n_in - 1), w.astype(t)


_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")


def _sizes(op, xs, size, scale_factor, recompute_scale_factor) -> tuple:
    """(output sizes, per-axis scales or Nones) following torch.nn.functional.interpolate."""
    dim = len(xs) - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(xs[2:])} and output size of {size}. Please provide input "
                    "tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            if not all(isinstance(s, (int, np.integer)) for s in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, "
                                f"int, int], but got size with types {[type(s) for s in size]}")
            out = [int(s) for s in size]
        else:
            out = [int(size)] * dim
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        scales = [None] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(xs[2:])} and scale_factor of shape {scale_factor}. Please "
                    "provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                    "format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [math.floor(float(n) * s) for n, s in zip(xs[2:], scales)]
        if recompute_scale_factor:
            scales = [None] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if min(out, default=1) < 1 or min(xs[2:], default=1) < 1:
        raise RuntimeError(f"{op}: input {xs} and output size {out} must be greater than 0 "
                           "(check size / scale_factor)")
    return out, scales


@declare(namespaces=("F",), cases=[
    case(lambda m, x: m.nn.functional.interpolate(x, scale_factor=2), (2, 3, 4, 5), suffix="nearest2d"),
    case(lambda m, x: m.nn.functional.interpolate(x, size=(3, 7), mode="nearest-exact"), (1, 2, 5, 4),
         suffix="nearest_exact"),
    case(lambda m, x: m.nn.functional.interpolate(x, size=7, mode="linear"), (2, 3, 4), suffix="linear"),
    case(lambda m, x: m.nn.functional.interpolate(x, size=(5, 3), mode="bilinear"), (1, 2, 4, 6),
         suffix="bilinear"),
    case(lambda m, x: m.nn.functional.interpolate(x, scale_factor=1.7, mode="bilinear", align_corners=True),
         (1, 2, 3, 4), suffix="bilinear_corners"),
    case(lambda m, x: m.nn.functional.interpolate(x, size=(6, 3), mode="bicubic"), (1, 2, 4, 5),
         suffix="bicubic"),
    case(lambda m, x: m.nn.functional.interpolate(x, scale_factor=(1.5, 2, 0.7), mode="trilinear"),
         (1, 1, 2, 3, 4), suffix="trilinear"),
    case(lambda m, x: m.nn.functional.interpolate(x, size=(3, 5), mode="bilinear", antialias=True), (1, 2, 7, 4),
         suffix="bilinear_aa"),
    case(lambda m, x: m.nn.functional.interpolate(x, size=(2, 6), mode="bicubic", antialias=True), (1, 1, 5, 5),
         suffix="bicubic_aa"),
])
def interpolate(input, size=None, scale_factor=None, mode: str = "nearest", align_corners=None,
                recompute_scale_factor=None, antialias: bool = False):
    """Resize the spatial dims of an (N, C, d1[, d2[, d3]]) input to `size` or by `scale_factor`.

    Args:
        input: (N, C, L), (N, C, H, W) or (N, C, D, H, W).
        size: the output spatial size, an int or one int per spatial dim (default None).
        scale_factor: a float or one per spatial dim; output size = floor(input size * scale_factor).
        mode: "nearest" (default), "nearest-exact", "linear" (3-D), "bilinear" / "bicubic" (4-D),
            "trilinear" (5-D) or "area" (adaptive average pooling).
        align_corners: linear modes only (default False): map the corner pixels' centres onto each other.
        recompute_scale_factor: compute the sampling step from the output size, not from scale_factor.
        antialias: bilinear / bicubic on 4-D inputs only (default False): when downsampling, average over
            the whole footprint of each output pixel (the filter stretched by the scale), as PyTorch does.

    Raises:
        ValueError: both or neither of size and scale_factor, align_corners with a non-linear mode, sizes of
            the wrong length, antialias with another mode.  NotImplementedError: a mode that does not fit the
            input's dims, a linear mode on an integer input.
    """
    xs = shape_of(input)
    if mode not in _MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {len(xs)}D) for the modes: nearest | "
            f"linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | "
                             "bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if antialias and not (mode in ("bilinear", "bicubic") and len(xs) == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                         "4-D tensor as input")
    if len(xs) not in (3, 4, 5):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {len(xs)}D) for the modes: nearest | "
            f"linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode})")
    if int(np.prod(xs[1:])) == 0:
        raise RuntimeError(f"Non-empty {len(xs)}D data tensor expected but got a tensor with sizes {list(xs)}")
    if mode in _DIMS and _DIMS[mode] != len(xs) - 2:
        need = {1: "3D", 2: "4D", 3: "5D"}[_DIMS[mode]]
        raise NotImplementedError(f"Got {len(xs)}D input, but {mode} mode needs {need} input")
    out, scales = _sizes("interpolate", xs, size, scale_factor,
                         True if mode == "area" and size is None else recompute_scale_factor)
    if mode == "area":
        from .pool import adaptive_avg_pool2d
        from .pool_more import adaptive_avg_pool1d

        if len(xs) == 5:
            return _area_3d(input, out, adaptive_avg_pool1d)
        return adaptive_avg_pool1d(input, out[0]) if len(xs) == 3 else adaptive_avg_pool2d(input, out)
    dt = input._data.dtype
    if mode not in ("nearest", "nearest-exact") and dt.kind != "f":
        raise NotImplementedError(f"interpolate: mode {mode!r} needs a floating input, got {input.dtype}; "
                                  "convert with .float()")
    t = dt.type if dt.kind == "f" else np.float32
    res = input
    for axis in reversed(range(2, len(xs))):  # the last axis first: PyTorch's summation order
        n_in, n_out, s = xs[axis], out[axis - 2], scales[axis - 2]
        if mode in ("nearest", "nearest-exact"):
            idx, w = _nearest_index(n_in, n_out, s, mode == "nearest-exact", len(xs) == 4)[None], None
            if (idx[0] == np.arange(n_in)).all() if n_in == n_out else False:
                continue
        elif antialias:
            if n_in == n_out:  # PyTorch's separable antialiased kernel skips the axes that keep their size
                continue
            idx, w = _aa_taps(n_in, n_out, align_corners, s, t, mode == "bicubic")
        elif mode == "bicubic":
            idx, w = _cubic_taps(n_in, n_out, align_corners, s, t)
        else:
            idx, w = _linear_taps(n_in, n_out, align_corners, s, t)
        res = Resample.apply(res, axis, idx, w, n_in, False)
    return input.clone() if res is input else res  # nothing to resample: a copy, as PyTorch returns


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=3)


def upsample(input, size=None, scale_factor=None, mode: str = "nearest", align_corners=None):
    """The deprecated name of `interpolate` (same arguments; PyTorch warns that it is deprecated)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """interpolate(input, size, scale_factor, mode="nearest") (deprecated in PyTorch, which warns)."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """interpolate(input, size, scale_factor, mode="bilinear", align_corners=True) (deprecated in PyTorch, which warns)."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


for _f in (upsample, upsample_nearest, upsample_bilinear):
    declare(_f, namespaces=("F",))


def _area_3d(x, out, pool1d):
    """mode='area' on (N, C, D, H, W): adaptive average pooling over each spatial axis in turn.

    Each output cell averages a box that is the product of one interval per axis, and the mean over such a
    box is the mean over D of the means over H of the means over W; so three 1-D poolings (each a
    differentiable op) give adaptive_avg_pool3d, and its gradient by the chain rule.
    """
    N, C, D, H, W = x.shape
    d, h, w = out
    y = pool1d(x.reshape(N * C * D, H, W), w)  # (NCD, H, w)
    y = pool1d(y.transpose(1, 2), h).transpose(1, 2)  # (NCD, h, w)
    y = pool1d(y.reshape(N * C, D, h * w).transpose(1, 2), d).transpose(1, 2)  # (NC, d, hw)
    return y.reshape(N, C, d, h, w)
