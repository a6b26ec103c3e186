"""2-D convolution by im2col: one strided view of the padded input and one matrix multiplication (per group).

Shapes: x (N, C, H, W), weight (O, C/G, kh, kw), bias (O,) or None, G groups, out (N, O, Ho, Wo) with
Ho = (H + pad_top + pad_bottom - dil_h * (kh - 1) - 1) // stride_h + 1 (and Wo alike).
The columns are kept for the backward (dL/dW needs them; they are not rebuilt), and dL/dx goes back through
col2im: kh*kw strided adds into the padded input. pool.py reuses the helpers.
Two orders of the same columns (K = C/G*kh*kw, L = Ho*Wo), picked per call by `wide_layout`:
  per sample  (N, G, K, L): out[n] = W @ cols[n], N products; dL/dW sums N partial products (N, O, K).
  wide        (G, K, N*L): dL/dW is one product over the whole batch and dL/dx's col2im adds long runs, at the
              price of moving G and dL/dx between (N, O, ...) and (O, N, ...) order; the forward product
              stays per sample (strided views of the columns), so the output needs no transpose.
Unfold (im2col) and Fold (col2im) are ops too, each the other's VJP: F.unfold / F.fold, and the conv backward
on Tensors (create_graph) is written with them, so convolutions have exact higher derivatives.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.function import Op
from ._util import apply_any, shape_of

__all__ = ["conv2d"]


def out_size(n: int, lo: int, hi: int, k: int, s: int, d: int) -> int:
    """Output length of a sliding window: (n + lo + hi - d*(k-1) - 1) // s + 1."""
    return (n + lo + hi - d * (k - 1) - 1) // s + 1


def pad_input(x: np.ndarray, pads: tuple, value=0) -> np.ndarray:
    """x (N, C, H, W) padded by pads = (top, bottom, left, right) with `value`; x itself when no padding."""
    t, b, left, r = pads
    if not (t or b or left or r):
        return x
    n, c, h, w = x.shape
    shape = (n, c, h + t + b, w + left + r)
    xp = np.zeros(shape, dtype=x.dtype) if value == 0 else np.full(shape, value, dtype=x.dtype)
    xp[:, :, t:t + h, left:left + w] = x
    return xp


def offset(i: int, j: int, stride: tuple, dilation: tuple, out: tuple) -> tuple:
    """Index of kernel offset (i, j) in every window: xp[:, :, y*sh + i*dh, x*sw + j*dw] for all (y, x)."""
    (sh, sw), (dh, dw), (ho, wo) = stride, dilation, out
    return (slice(None), slice(None), slice(i * dh, i * dh + sh * (ho - 1) + 1, sh),
            slice(j * dw, j * dw + sw * (wo - 1) + 1, sw))


def windows(xp: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, out: tuple) -> np.ndarray:
    """Read-only (N, C, kh, kw, Ho, Wo) view of xp: [n, c, i, j, y, x] = xp[n, c, y*sh + i*dh, x*sw + j*dw]."""
    sn, sc, sy, sx = xp.strides
    strides = (sn, sc, sy * dilation[0], sx * dilation[1], sy * stride[0], sx * stride[1])
    return as_strided(xp, xp.shape[:2] + tuple(kernel) + tuple(out), strides, writeable=False)


def col2im(cols: np.ndarray, shape: tuple, stride: tuple, dilation: tuple) -> np.ndarray:
    """Adjoint of `windows`: add the (N, C, kh, kw, Ho, Wo) columns back onto a zero array of the padded shape.

    At stride 1 the columns may come as (N, C, kh, kw, L) over whole padded rows (see `padded_rows`): each kernel
    offset is then one contiguous run of the flattened image, one add with long inner loops (~3x faster).
    """
    n, c, kh, kw = cols.shape[:4]
    out = np.zeros(shape, dtype=cols.dtype)
    if cols.ndim == 5:
        flat, wp, length = out.reshape(n, c, shape[2] * shape[3]), shape[3], cols.shape[4]
        for i in range(kh):
            for j in range(kw):
                start = i * dilation[0] * wp + j * dilation[1]
                flat[:, :, start:start + length] += cols[:, :, i, j]
        return out
    for i in range(kh):
        for j in range(kw):
            out[offset(i, j, stride, dilation, cols.shape[4:])] += cols[:, :, i, j]
    return out


def padded_rows(g: np.ndarray, wp: int) -> np.ndarray:
    """(N, O, Ho, Wo) -> (N, O, (Ho-1)*Wp + Wo), rows zero-padded to width Wp: value (y, x) at y*Wp + x.

    At stride 1, y*Wp + x is also where window (y, x) starts in the flattened padded input, so W^T @ this gives
    columns that col2im adds as contiguous runs (the zero padding contributes nothing).
    """
    n, o, ho, wo = g.shape
    rows = np.zeros((n, o, ho, wp), dtype=g.dtype)
    rows[..., :wo] = g
    return rows.reshape(n, o, ho * wp)[..., :(ho - 1) * wp + wo]


def padded_images(gt: np.ndarray, hp: int, wp: int) -> np.ndarray:
    """(O, N, Ho, Wo) -> (O, (N-1)*Hp*Wp + (Ho-1)*Wp + Wo): each image zero-padded to Hp x Wp, all side by side.

    The wide layout's `padded_rows`: at stride 1, value (n, y, x) sits at n*Hp*Wp + y*Wp + x, where window (y, x)
    of image n starts in the (C, N*Hp, Wp) stack of padded inputs, so col2im adds runs as long as the batch.
    """
    o, n, ho, wo = gt.shape
    grid = np.zeros((o, n, hp, wp), dtype=gt.dtype)
    grid[:, :, :ho, :wo] = gt
    return grid.reshape(o, -1)[:, :(n - 1) * hp * wp + (ho - 1) * wp + wo]


def wide_layout(k: int, length: int) -> bool:
    """Columns in the wide (G, K, N*L) order when K > L (small images, many input channels).

    Per sample, dL/dW's N partial products (N, O, K) cost more than the wide order's transposes of the
    gradient-sized arrays (N, O, L) once K > L; the one big product also runs faster than N small ones.
    small_cnn's second conv (K = 32*9 = 288, L = 14*14 = 196) goes wide: at batch 64 its backward took ~14% less
    time than per sample (same forward); its first (K = 9, L = 784) stays per sample.
    """
    return k > length


def crop(xp: np.ndarray, pads: tuple, hw: tuple) -> np.ndarray:
    """The input-sized part of a padded (N, C, Hp, Wp) array."""
    return xp[:, :, pads[0]:pads[0] + hw[0], pads[2]:pads[2] + hw[1]]


class Unfold(Op):
    """cols[n, (c, i, j), y*Wo + x] = xp[n, c, y*sh + i*dh, x*sw + j*dw] (F.unfold)."""

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, dilation):
        out_hw = tuple(out_size(x.shape[2 + a], pads[2 * a], pads[2 * a + 1], kernel[a], stride[a], dilation[a])
                       for a in (0, 1))
        ctx.geom = (x.shape[2:], kernel, stride, pads, dilation)
        cols = np.ascontiguousarray(windows(pad_input(x, pads), kernel, stride, dilation, out_hw))
        return cols.reshape(x.shape[0], -1, out_hw[0] * out_hw[1])

    @staticmethod
    def backward(ctx, g):
        # unfold is linear and fold is its adjoint: dL/dx = fold(G)
        return (apply_any(Fold, g, *ctx.geom),) + (None,) * 4


class Fold(Op):
    """Sum the (N, C*kh*kw, L) columns back into (N, C, H, W) images (F.fold; col2im with the padding cropped)."""

    @staticmethod
    def forward(ctx, cols, hw, kernel, stride, pads, dilation):
        ctx.geom = (kernel, stride, pads, dilation)
        out_hw = tuple(out_size(hw[a], pads[2 * a], pads[2 * a + 1], kernel[a], stride[a], dilation[a]) for a in (0, 1))
        n, c = cols.shape[0], cols.shape[1] // (kernel[0] * kernel[1])
        shape = (n, c, hw[0] + pads[0] + pads[1], hw[1] + pads[2] + pads[3])
        return crop(col2im(cols.reshape((n, c) + kernel + out_hw), shape, stride, dilation), pads, hw)

    @staticmethod
    def backward(ctx, g):
        # fold is the adjoint of unfold: dL/dcols = unfold(G)
        return (apply_any(Unfold, g, *ctx.geom),) + (None,) * 5


class Conv2d(Op):
    """out[n, group g] = W_g @ cols[n, g] + b: one matmul batched over samples and groups."""

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups):
        n, _, h, wd = x.shape
        o, cg, kh, kw = w.shape
        out_hw = (out_size(h, pads[0], pads[1], kh, stride[0], dilation[0]),
                  out_size(wd, pads[2], pads[3], kw, stride[1], dilation[1]))
        k, length = cg * kh * kw, out_hw[0] * out_hw[1]
        xp = pad_input(x, pads)
        view = windows(xp, (kh, kw), stride, dilation, out_hw)
        w3 = w.reshape(groups, o // groups, k)
        wide = wide_layout(k, length)
        if wide:  # (C, kh, kw, N, Ho, Wo) columns; the product still per sample, on strided views of them
            cols = np.ascontiguousarray(view.transpose(1, 2, 3, 0, 4, 5)).reshape(groups, k, n * length)
            per_sample = cols.reshape(groups, k, n, length).transpose(2, 0, 1, 3)
        else:
            cols = per_sample = np.ascontiguousarray(view).reshape(n, groups, k, length)
        out = np.matmul(w3, per_sample).reshape((n, o) + out_hw)
        if b is not None:
            out += b.reshape(1, o, 1, 1)
        ctx.save_for_backward(x, w)  # x only for the in-place check: the columns replace it
        ctx.geom = (stride, pads, dilation, groups, xp.shape)
        ctx.wide = wide
        if ctx.needs_input_grad and ctx.needs_input_grad[1]:
            ctx.cols = cols
        return out

    @staticmethod
    def backward(ctx, g):
        # per sample n and group: out = W @ cols + b, cols = im2col(x)
        # dL/dW = sum_n G_n @ cols_n^T ;  dL/db = sum of G over (N, Ho, Wo) ;  dL/dx = col2im(W^T @ G_n)
        x, w = ctx.saved
        if not isinstance(g, np.ndarray):
            return _conv_backward_on_tensors(ctx, x, w, g)
        gx, gw = (_wide_grads if ctx.wide else _per_sample_grads)(ctx, x, w, g)
        gb = g.sum(axis=(0, 2, 3)) if ctx.needs_input_grad[2] else None
        return gx, gw, gb, None, None, None, None


def _per_sample_grads(ctx, x, w, g):
    """dL/dx and dL/dW with (N, G, K, L) columns: N products each way, dL/dW summed over the batch."""
    stride, pads, dilation, groups, xp_shape = ctx.geom
    nig = ctx.needs_input_grad
    n, o, ho, wo = g.shape
    g4 = g.reshape(n, groups, o // groups, ho * wo)
    w3 = w.reshape(groups, o // groups, -1)
    gx = gw = None
    if nig[0]:
        if stride == (1, 1):  # columns over whole padded rows: a faster col2im
            gr = padded_rows(g, xp_shape[3])  # explicit lengths, not -1: an empty batch must reshape too
            gcols = np.matmul(w3.transpose(0, 2, 1), gr.reshape(n, groups, o // groups, gr.shape[-1]))
            gcols = gcols.reshape((n, x.shape[1]) + w.shape[2:] + (gr.shape[-1],))
        else:
            gcols = np.matmul(w3.transpose(0, 2, 1), g4).reshape((n, x.shape[1]) + w.shape[2:] + (ho, wo))
        gx = crop(col2im(gcols, xp_shape, stride, dilation), pads, x.shape[2:])
    if nig[1]:
        gw = np.matmul(g4, ctx.cols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(w.shape)
    return gx, gw


def _wide_grads(ctx, x, w, g):
    """dL/dx and dL/dW with (G, K, N*L) columns: one product each way over the batch in (O, N, ...) order.

    dL/dx is col2im on (C, N, Hp, Wp) (the padded inputs channel-major), cropped and moved back to (N, C, H, W);
    at stride 1 the images are stacked as one (C, N*Hp, Wp) image so that each kernel offset is one long add.
    """
    stride, pads, dilation, groups, (n, c, hp, wp) = ctx.geom
    nig = ctx.needs_input_grad
    o = g.shape[1]
    gt = np.ascontiguousarray(g.transpose(1, 0, 2, 3))  # (O, N, Ho, Wo)
    w3t = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)
    kernel = tuple(w.shape[2:])
    gx = gw = None
    if nig[0]:
        if stride == (1, 1):
            gr = padded_images(gt, hp, wp).reshape(groups, o // groups, -1)
            gcols = np.matmul(w3t, gr).reshape((1, c) + kernel + (-1,))
            gxp = col2im(gcols, (1, c, n * hp, wp), stride, dilation).reshape(c, n, hp, wp)
        else:
            gcols = np.matmul(w3t, gt.reshape(groups, o // groups, -1)).reshape((c,) + kernel + gt.shape[1:])
            gxp = col2im(gcols.transpose(0, 3, 1, 2, 4, 5), (c, n, hp, wp), stride, dilation)
        gx = np.ascontiguousarray(crop(gxp, pads, x.shape[2:]).transpose(1, 0, 2, 3))
    if nig[1]:
        gw = np.matmul(gt.reshape(groups, o // groups, -1), ctx.cols.transpose(0, 2, 1)).reshape(w.shape)
    return gx, gw


def _conv_backward_on_tensors(ctx, x, w, g):
    """Conv2d's backward with recorded ops (create_graph): Unfold / Fold around the same two products."""
    stride, pads, dilation, groups, _ = ctx.geom
    nig = ctx.needs_input_grad
    n, o, ho, wo = g.shape
    g4 = g.reshape(n, groups, o // groups, ho * wo)
    w3 = w.reshape(groups, o // groups, -1)
    kernel = tuple(w.shape[2:])
    gx = gw = gb = None
    if nig[0]:
        gcols = (w3.swapaxes(-1, -2) @ g4).reshape(n, -1, ho * wo)
        gx = Fold.apply(gcols, tuple(x.shape[2:]), kernel, stride, pads, dilation)
    if nig[1]:
        cols = Unfold.apply(x, kernel, stride, pads, dilation).reshape(n, groups, -1, ho * wo)
        gw = np.sum(g4 @ cols.swapaxes(-1, -2), axis=0).reshape(w.shape)
    if nig[2]:
        gb = np.sum(g, axis=(0, 2, 3))
    return gx, gw, gb, None, None, None, None


def pair(v, name: str, op: str) -> tuple:
    """An int or a 2-sequence of ints as a pair (PyTorch's _pair), with a clear error otherwise."""
    t = (v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(t) != 2 or not all(isinstance(e, (int, np.integer)) for e in t):
        raise ValueError(f"{op}: {name} must be an int or a pair of ints, got {v!r}")
    return int(t[0]), int(t[1])


def same_pads(kernel: tuple, dilation: tuple) -> tuple:
    """(top, bottom, left, right) keeping the size at stride 1; an odd total puts the extra on the bottom/right."""
    th, tw = dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)
    return th // 2, th - th // 2, tw // 2, tw - tw // 2


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """2-D cross-correlation of an (N, C, H, W) or (C, H, W) input with weight (O, C/groups, kh, kw), plus bias.

    padding: an int, a pair, 'valid' (none) or 'same' (output size = input size; stride 1 only).
    """
    xs, ws = shape_of(input), shape_of(weight)
    if len(xs) == 3:
        out = conv2d(input.reshape((1,) + xs), weight, bias, stride, padding, dilation, groups)
        return out.reshape(out.shape[1:])
    if len(xs) != 4:
        raise RuntimeError(f"conv2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got {len(xs)}-D {xs}")
    if len(ws) != 4:
        raise RuntimeError(f"conv2d: weight must be 4-D (out_channels, in_channels/groups, kh, kw), got {ws}")
    st, dil = pair(stride, "stride", "conv2d"), pair(dilation, "dilation", "conv2d")
    if min(st) < 1 or min(dil) < 1:
        raise ValueError(f"conv2d: stride {st} and dilation {dil} must be positive")
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
    _, c, h, w = xs
    o, cg, kh, kw = ws
    if c != cg * groups:
        raise RuntimeError(
            f"conv2d: input {xs} has {c} channels, but weight {ws} with groups={groups} expects "
            f"weight.shape[1] * groups = {cg * groups}"
        )
    if o % groups:
        raise RuntimeError(f"conv2d: weight {ws}: out_channels {o} is not divisible by groups={groups}")
    if bias is not None and shape_of(bias) != (o,):
        raise RuntimeError(f"conv2d: bias has shape {shape_of(bias)}, expected ({o},) = (out_channels,)")
    dts = {str(t.dtype) for t in (input, weight, bias) if t is not None}
    if len(dts) > 1:
        raise RuntimeError(f"conv2d: input, weight and bias must have one dtype, got {sorted(dts)}; use .float()")
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        elif padding == "same":
            if st != (1, 1):
                raise ValueError("conv2d: padding='same' is not supported for strided convolutions")
            pads = same_pads((kh, kw), dil)
        else:
            raise ValueError(f"conv2d: padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
    else:
        ph, pw = pair(padding, "padding", "conv2d")
        if min(ph, pw) < 0:
            raise ValueError(f"conv2d: padding ({ph}, {pw}) must be non-negative")
        pads = (ph, ph, pw, pw)
    eff = (dil[0] * (kh - 1) + 1, dil[1] * (kw - 1) + 1)
    padded = (h + pads[0] + pads[1], w + pads[2] + pads[3])
    if eff[0] > padded[0] or eff[1] > padded[1]:
        raise RuntimeError(
            f"conv2d: kernel ({kh}, {kw}) with dilation {dil} spans {eff}, larger than the padded input {padded} "
            f"(input {xs}, padding (top, bottom, left, right) = {pads}); use a smaller kernel or more padding"
        )
    return Conv2d.apply(input, weight, bias, st, pads, dil, int(groups))
