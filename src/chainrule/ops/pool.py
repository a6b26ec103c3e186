"""2-D pooling over (N, C, H, W): max and average by kh*kw strided passes each way, adaptive average by 2 matmuls.
2x2 max pooling (the usual one) takes pairwise maxima and keeps one bool map per window offset.

Sizes follow PyTorch: Ho = (H + 2p - d*(k-1) - 1) / s + 1 rounded down (or up with ceil_mode, dropping a last
window that would start in the bottom padding). Max pooling sends the gradient to the first maximum of each
window in row-major order (PyTorch's tie rule); NaN wins over numbers, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ._util import shape_of
from .conv import crop, offset, pad_input, pair
from ._declare import case, declare

__all__ = ["adaptive_avg_pool2d", "avg_pool2d", "max_pool2d"]


def _scatter_windows(parts, kernel: tuple, stride: tuple, dilation: tuple, shape: tuple, dtype) -> np.ndarray:
    """Zero array of the padded shape with parts(k) added at kernel offset k = i*kw + j of every window."""
    out = np.zeros(shape, dtype=dtype)
    for k in range(kernel[0] * kernel[1]):
        i, j = divmod(k, kernel[1])
        part = parts(k)
        out[offset(i, j, stride, dilation, part.shape[2:])] += part
    return out


def _window_max(xp: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, out_hw: tuple, with_arg: bool,
                nan: bool = False):
    """Max of each window and (with_arg) the offset k = i*kw + j of its first maximum (its last NaN, as PyTorch).

    Arithmetic only (masked writes cost ~30x more in NumPy): arg += upd * (k - arg).
    """
    best = xp[offset(0, 0, stride, dilation, out_hw)].copy()
    arg = np.zeros(best.shape, dtype=np.uint8 if kernel[0] * kernel[1] <= 256 else np.int32) if with_arg else None
    for k in range(1, kernel[0] * kernel[1]):
        v = xp[offset(*divmod(k, kernel[1]), stride, dilation, out_hw)]
        if with_arg:
            upd = v > best
            if nan:
                upd |= np.isnan(v)
            arg += upd * (arg.dtype.type(k) - arg)
        np.maximum(best, v, out=best)  # NaN propagates
    if with_arg and not nan and best.dtype.kind == "f" and np.isnan(best).any():
        return _window_max(xp, kernel, stride, dilation, out_hw, True, nan=True)
    return best, arg


def _pair_max(left: np.ndarray, right: np.ndarray) -> tuple:
    """(max, right > left) of two strided views: contiguous copies of both, then the comparison and the
    maximum (in place) on contiguous arrays. NumPy's loops over strided operands cost ~3x its contiguous
    ones, so two copies and two contiguous ops beat one copy and two strided ops (small CNN: 2x2 pooling
    ~1.2x faster at 28x28, ~1.3-2x at 14x14)."""
    best = left.copy()
    other = right.copy()
    later = np.greater(other, best)
    np.maximum(best, other, out=best)  # NaN propagates
    return best, later


def _max_2x2(xp: np.ndarray, stride: tuple, dilation: tuple, out_hw: tuple, with_masks: bool):
    """Max of each 2x2 window (a b / c d) and (with_masks) per offset k = i*2 + j a bool map of the windows
    whose first maximum is at k: the max of the top row, of the bottom row, then of the two.

    A strict '>' keeps the earlier element of a pair, so ties go to the first maximum in row-major order
    (PyTorch's rule). No arithmetic on an index as in `_window_max`: the masks are 4 bool operations and make
    the backward one multiply per offset. With a NaN, the k-step scan settles the index (the last NaN).
    """
    a, b, c, d = (xp[offset(i, j, stride, dilation, out_hw)] for i in (0, 1) for j in (0, 1))
    if not with_masks:
        best = a.copy()
        for v in (b, c, d):
            np.maximum(best, v, out=best)
        return best, None
    top, right_top = _pair_max(a, b)
    bottom, right_bottom = _pair_max(c, d)
    down = np.greater(bottom, top)  # the first maximum is in the bottom row
    best = np.maximum(top, bottom, out=top)
    if best.dtype.kind == "f" and np.isnan(best).any():
        arg = _window_max(xp, (2, 2), stride, dilation, out_hw, True, nan=True)[1]
        return best, [arg == k for k in range(4)]
    up = ~down
    # on bools p > q is p and not q
    return best, [up > right_top, up & right_top, down > right_bottom, down & right_bottom]


class MaxPool2d(Op):
    """Max over each window of the (-inf padded) input; remembers which offset won."""
    node_name = "MaxPool2DWithIndicesBackward0"  # PyTorch's node

    differentiable_backward = False

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, dilation, out_hw):
        xp = pad_input(x, pads, -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min)
        need = bool(ctx.needs_input_grad)
        ctx.arg = ctx.masks = None
        if kernel == (2, 2):  # the usual pooling: pairwise maxima, one bool map per offset for the backward
            out, ctx.masks = _max_2x2(xp, stride, dilation, out_hw, need)
        else:
            out, ctx.arg = _window_max(xp, kernel, stride, dilation, out_hw, with_arg=need)
        ctx.geom = (kernel, stride, pads, dilation, xp.shape, x.shape[2:])
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx[p] = sum of G over the windows whose first maximum is at p
        kernel, stride, pads, dilation, xp_shape, hw = ctx.geom
        kk = kernel[0] * kernel[1]
        masks = ctx.masks if ctx.arg is None else [ctx.arg == k for k in range(kk)]
        if stride[0] > dilation[0] * (kernel[0] - 1) and stride[1] > dilation[1] * (kernel[1] - 1):
            # windows do not overlap: write each offset once; no zero fill when they tile xp exactly
            ho, wo = g.shape[2:]
            tiles = dilation == (1, 1) and stride == kernel and xp_shape[2:] == (ho * kernel[0], wo * kernel[1])
            gxp = (np.empty if tiles else np.zeros)(xp_shape, dtype=g.dtype)
            for k in range(kk):
                np.multiply(g, masks[k], out=gxp[offset(*divmod(k, kernel[1]), stride, dilation, g.shape[2:])])
        else:
            gxp = _scatter_windows(lambda k: g * masks[k], kernel, stride, dilation, xp_shape, g.dtype)
        return crop(gxp, pads, hw), None, None, None, None, None


class AvgPool2d(Op):
    """Sum over each window of the zero-padded input times 1/divisor (a (Ho, Wo) map)."""
    node_name = "AvgPool2DBackward0"  # PyTorch's node

    differentiable_backward = False

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, inv_div):
        xp = pad_input(x, pads)
        out_hw = inv_div.shape
        acc = xp[offset(0, 0, stride, (1, 1), out_hw)].copy()
        for k in range(1, kernel[0] * kernel[1]):
            acc += xp[offset(*divmod(k, kernel[1]), stride, (1, 1), out_hw)]
        acc *= inv_div
        ctx.geom = (kernel, stride, pads, inv_div, xp.shape, x.shape[2:])
        return acc

    @staticmethod
    def backward(ctx, g):
        # dL/dx[p] = sum over the windows w that contain p of G[w] / divisor[w]
        kernel, stride, pads, inv_div, xp_shape, hw = ctx.geom
        gd = g * inv_div
        gxp = _scatter_windows(lambda k: gd, kernel, stride, (1, 1), xp_shape, g.dtype)
        return crop(gxp, pads, hw), None, None, None, None


class AdaptiveAvgPool2d(Op):
    """out = Ph @ x @ Pw^T with Ph (oh, H), Pw (ow, W) the bin-averaging matrices."""
    node_name = "AdaptiveAvgPool2DBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, ph, pw):
        ctx.mats = (ph, pw)
        return np.matmul(np.matmul(ph, x), pw.T)

    @staticmethod
    def backward(ctx, g):
        # out = Ph @ x @ Pw^T  =>  dL/dx = Ph^T @ G @ Pw   (linear: runs on Tensors for create_graph)
        ph, pw = ctx.mats
        return ph.T @ g @ pw, None, None


def pool_out_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output length (ceil_mode drops a last window that starts in the right padding)."""
    num = n + 2 * p - d * (k - 1) - 1
    o = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def _geometry(op, input, kernel_size, stride, padding, dilation, ceil_mode):
    xs = shape_of(input)
    if len(xs) not in (3, 4):
        raise RuntimeError(f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got {len(xs)}-D {xs}")
    k = pair(kernel_size, "kernel_size", op)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else pair(stride, "stride", op)
    p, d = pair(padding, "padding", op), pair(dilation, "dilation", op)
    if min(k) < 1 or min(s) < 1 or min(d) < 1:
        raise ValueError(f"{op}: kernel_size {k}, stride {s} and dilation {d} must be positive")
    if min(p) < 0 or p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"{op}: padding {p} should be non-negative and at most half of kernel_size {k}")
    h, w = xs[-2:]
    out = (pool_out_size(h, k[0], s[0], p[0], d[0], ceil_mode), pool_out_size(w, k[1], s[1], p[1], d[1], ceil_mode))
    if min(out) < 1:
        raise RuntimeError(
            f"{op}: input {xs} is too small for kernel_size {k} (dilation {d}, padding {p}): the output would "
            f"be {out}; use a smaller kernel or pad the input"
        )
    need = ((out[0] - 1) * s[0] + d[0] * (k[0] - 1) + 1, (out[1] - 1) * s[1] + d[1] * (k[1] - 1) + 1)
    pads = (p[0], max(0, need[0] - h - p[0]), p[1], max(0, need[1] - w - p[1]))
    return k, s, p, d, out, pads


def _batched(fn, input, *args):
    """Run fn on an unbatched (C, H, W) input as a batch of one."""
    out = fn(input.reshape((1,) + tuple(input.shape)), *args)
    if isinstance(out, tuple):
        return tuple(o.reshape(o.shape[1:]) for o in out)
    return out.reshape(out.shape[1:])


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Max over kh x kw windows; with return_indices also the flat index (into H*W) of each window's maximum."""
    k, s, _, d, out, pads = _geometry("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    if input.ndim == 3:
        return _batched(max_pool2d, input, k, s, padding, d, ceil_mode, return_indices)
    res = MaxPool2d.apply(input, k, s, pads, d, out)
    if not return_indices:
        return res
    x = input._data
    xp = pad_input(x, pads, -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min)
    arg = _window_max(xp, k, s, d, out, with_arg=True)[1].astype(np.int64)
    rows = (np.arange(out[0]) * s[0] - pads[0])[:, None] + (arg // k[1]) * d[0]
    cols = (np.arange(out[1]) * s[1] - pads[2])[None, :] + (arg % k[1]) * d[1]
    return res, type(input)._wrap(rows * x.shape[3] + cols)


def _avg_divisor(n: int, k: int, s: int, p: int, o: int, include_pad: bool) -> np.ndarray:
    """Per output position, the window length inside the padded input (include_pad) or inside the input."""
    start = np.arange(o) * s - p
    end = np.minimum(start + k, n + p)
    if include_pad:
        return (end - start).astype(np.float64)
    return (np.minimum(end, n) - np.maximum(start, 0)).astype(np.float64)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override=None):
    """Mean over kh x kw windows (zero padding counted unless count_include_pad=False; or a fixed divisor)."""
    k, s, p, _, out, pads = _geometry("avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode)
    if input._data.dtype.kind != "f":
        raise TypeError(f"avg_pool2d: expected a floating input, got {input._data.dtype}; convert with .float()")
    if input.ndim == 3:
        return _batched(avg_pool2d, input, k, s, p, ceil_mode, count_include_pad, divisor_override)
    if divisor_override is not None:
        if divisor_override == 0:
            raise ValueError("avg_pool2d: divisor_override must not be zero")
        div = np.full(out, float(divisor_override))
    else:
        h, w = input.shape[2:]
        div = np.outer(_avg_divisor(h, k[0], s[0], p[0], out[0], count_include_pad),
                       _avg_divisor(w, k[1], s[1], p[1], out[1], count_include_pad))
    return AvgPool2d.apply(input, k, s, pads, (1.0 / div).astype(input.dtype))


def _bins(n_in: int, n_out: int, dtype) -> np.ndarray:
    """(n_out, n_in) matrix averaging bin i = [floor(i*n_in/n_out), ceil((i+1)*n_in/n_out))."""
    m = np.zeros((n_out, n_in), dtype=dtype)
    for i in range(n_out):
        a, b = (i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)
        m[i, a:b] = 1.0 / (b - a)
    return m


def adaptive_avg_pool2d(input, output_size):
    """Average over the (oh, ow) bins that split H and W as evenly as possible (None keeps that size)."""
    xs = shape_of(input)
    if len(xs) not in (3, 4) or 0 in xs[-3:]:
        raise RuntimeError(f"adaptive_avg_pool2d: expected a non-empty 3-D or 4-D input, got {xs}")
    size = (output_size, output_size) if output_size is None or isinstance(output_size, int) else output_size
    if len(size) != 2:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got {output_size!r}")
    oh, ow = (xs[-2] if size[0] is None else int(size[0])), (xs[-1] if size[1] is None else int(size[1]))
    if oh < 1 or ow < 1:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be positive, got {output_size!r}")
    dt = input._data.dtype
    if dt.kind != "f":
        raise TypeError(f"adaptive_avg_pool2d: expected a floating input, got {dt}; convert with .float()")
    return AdaptiveAvgPool2d.apply(input, _bins(xs[-2], oh, dt), _bins(xs[-1], ow, dt))


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

declare(max_pool2d, namespaces=("torch", "F"), cases=[
    case(lambda m, x: m.F.max_pool2d(x, 2), (2, 2, 4, 4), kinds="distinct", gradgrad=False)])
declare(avg_pool2d, namespaces=("F",), cases=[
    case(lambda m, x: m.F.avg_pool2d(x, 3, stride=2, padding=1), (1, 2, 5, 5), gradgrad=False)])
declare(adaptive_avg_pool2d, namespaces=("F",), cases=[
    case(lambda m, x: m.F.adaptive_avg_pool2d(x, (2, 3)), (1, 2, 5, 7))])
