"""2-D convolution by im2col: one strided copy of the (padded) input and one matrix multiplication (per group).

Shapes: x (N, C, H, W), weight (O, C/G, kh, kw), bias (O,) or None, G groups, out (N, O, Ho, Wo) with
Ho = (H + pad_top + pad_bottom - dil_h * (kh - 1) - 1) // stride_h + 1 (and Wo alike).
The columns are kept for the backward (dL/dW needs them; they are not rebuilt), and dL/dx goes back through
col2im: kh*kw strided adds into the padded input. pool.py reuses the helpers.
Two orders of the same columns (K = C/G*kh*kw, L = Ho*Wo), picked per call by `wide_layout`:
  per sample  (N, G, K, L): out[n] = W @ cols[n], N products; dL/dW sums N partial products (N, O, K).
  wide        (G, K, N*L): dL/dW is one product over the whole batch, at the price of moving G to (O, N, ...)
              order; the forward product stays per sample (strided views of the columns), so the output needs
              no transpose.
Stride-1 convolutions that keep the width (e.g. 3x3 with padding 1) read and write the input through its rows
laid end to end (`row_buffer`): there every kernel offset is one contiguous run of length L, so im2col copies
and col2im adds long runs instead of runs of Wo; the few entries that wrap from one row into the next are
zeroed. dL/dx of any stride-1 conv with Wo <= W goes by kernel rows instead of col2im (`_grad_input_rows`):
G shifted by each kernel column, one product per sample, and kh adds of runs of about H*W. The forward
(im2col, product) and that dL/dx run a chunk of samples at a time, so each chunk's arrays are reused while
still in cache.
Unfold (im2col) and Fold (col2im) are ops too, each the other's VJP: F.unfold / F.fold, and the conv backward
on Tensors (create_graph) is written with them, so convolutions have exact higher derivatives.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import apply_any, shape_of
from ._declare import case, declare

__all__ = ["conv2d"]

CHUNK_BYTES = 1 << 21  # columns per chunk of samples: ~2 MB stay in cache between im2col, product and col2im


def samples_per_chunk(sample_bytes: int) -> int:
    """How many samples' columns (sample_bytes each) make about CHUNK_BYTES; at least one."""
    return max(1, CHUNK_BYTES // max(1, sample_bytes))


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
    """Adjoint of `windows`: add the (N, C, kh, kw, Ho, Wo) columns back onto a zero array of the padded shape."""
    kh, kw = cols.shape[2:4]
    out = np.zeros(shape, dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[offset(i, j, stride, dilation, cols.shape[4:])] += cols[:, :, i, j]
    return out


def keeps_width(kernel: tuple, stride: tuple, pads: tuple, dilation: tuple) -> bool:
    """Stride 1 and Wo = W (left + right padding = dw*(kw-1)): the convolutions `row_buffer` serves."""
    return stride == (1, 1) and pads[2] + pads[3] == dilation[1] * (kernel[1] - 1)


def row_start(pads: tuple, w: int) -> int:
    """Where image row 0 starts in `row_buffer`: after the left padding and the top padding rows."""
    return pads[2] + pads[0] * w


def row_buffer(x: np.ndarray, pads: tuple) -> np.ndarray:
    """(N, C, S) zero-padded images with their rows laid end to end: pl zeros, pt zero rows, the H rows of x,
    pb zero rows, pr zeros (S = pl + (pt + H + pb)*W + pr).

    With stride 1 and Wo = W, element (i, j) of window (y, x) sits at y*W + x + i*dh*W + j*dw: for each kernel
    offset the windows read one run of length L = Ho*W. Where x + j*dw - pl falls outside [0, W) the run reads
    the neighbouring row's end instead of horizontal padding: `wrapped_columns` lists those entries.
    """
    n, c, h, w = x.shape
    lo = row_start(pads, w)
    hi = lo + h * w
    buf = np.empty((n, c, hi + pads[1] * w + pads[3]), dtype=x.dtype)
    buf[:, :, :lo] = 0  # each margin zeroed once: no full zero fill before the copy
    buf[:, :, hi:] = 0
    buf[:, :, lo:hi] = x.reshape(n, c, h * w)
    return buf


def row_windows(buf: np.ndarray, kernel: tuple, dilation: tuple, out_hw: tuple) -> np.ndarray:
    """Read-only (N, C, kh, kw, Ho, W) view of a `row_buffer`:
    [n, c, i, j, y, x] = buf[n, c, y*W + x + i*dh*W + j*dw], so each (n, c, i, j) is one run of Ho*W."""
    sn, sc, se = buf.strides
    w = out_hw[1]
    return as_strided(buf, buf.shape[:2] + tuple(kernel) + tuple(out_hw),
                      (sn, sc, se * dilation[0] * w, se * dilation[1], se * w, se), writeable=False)


def inside_columns(shift: int, w: int) -> tuple:
    """(lo, hi): the columns x of a row of width w whose x + shift stays in [0, w); clamped, so a shift beyond
    the width (large dilation) leaves none."""
    return min(w, max(0, -shift)), max(0, min(w, w - shift))


def wrapped_columns(kw: int, left: int, dw: int, w: int) -> list:
    """[(j, lo, hi)]: for kernel column j, output columns x < lo and x >= hi read a wrapped neighbour (input
    column x + j*dw - left outside [0, W)) in `row_buffer`; those entries belong to the zero padding."""
    edges = []
    for j in range(kw):
        lo, hi = inside_columns(j * dw - left, w)
        if lo > 0 or hi < w:
            edges.append((j, lo, hi))
    return edges


def zero_wrapped(cols6: np.ndarray, edges: list) -> None:
    """Zero the wrapped entries of (N, C, kh, kw, Ho, W) columns (or a view in that axis order), in place."""
    for j, lo, hi in edges:
        cols6[:, :, :, j, :, :lo] = 0
        cols6[:, :, :, j, :, hi:] = 0


def column_source(x: np.ndarray, kernel: tuple, stride: tuple, pads: tuple, dilation: tuple,
                  out_hw: tuple) -> tuple:
    """(view, edges): the (N, C, kh, kw, Ho, Wo) windows to copy into the columns, and the wrapped entries to
    zero after the copy (`wrapped_columns`; none for the padded input).

    Width-keeping stride-1 convolutions read the `row_buffer` (runs of Ho*W: the copy is ~1.2x faster than the
    padded input's runs of Wo at the small CNN's second conv).
    """
    if keeps_width(kernel, stride, pads, dilation):
        view = row_windows(row_buffer(x, pads), kernel, dilation, out_hw)
        return view, wrapped_columns(kernel[1], pads[2], dilation[1], x.shape[3])
    return windows(pad_input(x, pads), kernel, stride, dilation, out_hw), []


def wide_layout(k: int, length: int) -> bool:
    """Columns in the wide (G, K, N*L) order when K > L (small images, many input channels).

    Per sample, dL/dW's N partial products (N, O, K) cost more than the wide order's transpose of the
    gradient (N, O, L) once K > L; the one big product also runs faster than N small ones.
    small_cnn's second conv (K = 32*9 = 288, L = 14*14 = 196) goes wide; its first (K = 9, L = 784) stays per
    sample.
    """
    return k > length


def crop(xp: np.ndarray, pads: tuple, hw: tuple) -> np.ndarray:
    """The input-sized part of a padded (N, C, Hp, Wp) array."""
    return xp[:, :, pads[0]:pads[0] + hw[0], pads[2]:pads[2] + hw[1]]


class Unfold(Op):
    """cols[n, (c, i, j), y*Wo + x] = xp[n, c, y*sh + i*dh, x*sw + j*dw] (F.unfold)."""
    node_name = "Im2ColBackward0"  # PyTorch's node

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
    node_name = "Col2ImBackward0"  # PyTorch's node

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
    node_name = "ConvolutionBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups):
        n, c, h, wd = x.shape
        o, cg, kh, kw = w.shape
        out_hw = (out_size(h, pads[0], pads[1], kh, stride[0], dilation[0]),
                  out_size(wd, pads[2], pads[3], kw, stride[1], dilation[1]))
        k, length = cg * kh * kw, out_hw[0] * out_hw[1]
        wide = wide_layout(k, length)
        source, edges = column_source(x, (kh, kw), stride, pads, dilation, out_hw)
        if wide:  # (C, kh, kw, N, L) columns; the product still per sample, on strided views of them
            cols = np.empty((c, kh, kw, n) + out_hw, dtype=x.dtype)
            cols6 = cols.transpose(3, 0, 1, 2, 4, 5)
            cols = cols.reshape(groups, k, n * length)
            per_sample = cols.reshape(groups, k, n, length).transpose(2, 0, 1, 3)
        else:
            cols = per_sample = np.empty((n, groups, k, length), dtype=x.dtype)
            cols6 = cols.reshape((n, c, kh, kw) + out_hw)
        w3 = w.reshape(groups, o // groups, k)
        out = np.empty((n, groups, o // groups, length), dtype=x.dtype)
        chunk = samples_per_chunk(c * kh * kw * length * x.itemsize)
        for a in range(0, n, chunk):  # im2col a chunk of samples, then its product while it is in cache
            np.copyto(cols6[a:a + chunk], source[a:a + chunk])
            zero_wrapped(cols6[a:a + chunk], edges)
            np.matmul(w3, per_sample[a:a + chunk], out=out[a:a + chunk])
        out = out.reshape((n, o) + out_hw)
        if b is not None:
            out += b.reshape(1, o, 1, 1)
        ctx.save_for_backward(x, w)  # x only for the in-place check: the columns replace it
        ctx.geom = (stride, pads, dilation, groups, out_hw)
        ctx.wide = wide
        if ctx.needs_input_grad and ctx.needs_input_grad[1]:
            ctx.cols = cols
        return out

    @staticmethod
    def backward(ctx, g):
        # per sample n and group: out = W @ cols + b, cols = im2col(x)
        # dL/dW = sum_n G_n @ cols_n^T ;  dL/db = sum of G over (N, Ho, Wo) ;  dL/dx = col2im(W^T @ G_n)
        x, w = ctx.saved
        if type(g) is Tensor:  # create_graph
            return _conv_backward_on_tensors(ctx, x, w, g)
        nig = ctx.needs_input_grad
        gx = _grad_input(ctx, x.shape, w, g) if nig[0] else None
        gw = _grad_weight(ctx, w, g) if nig[1] else None
        gb = g.sum(axis=(0, 2, 3)) if nig[2] else None
        return gx, gw, gb, None, None, None, None


def _grad_weight(ctx, w, g):
    """dL/dW = sum_n G_n @ cols_n^T: one product over (N, L) in the wide order, else N summed products."""
    groups = ctx.geom[3]
    n, o, ho, wo = g.shape  # explicit lengths below, not -1: an empty batch must reshape too
    if ctx.wide:
        gt = np.ascontiguousarray(g.transpose(1, 0, 2, 3)).reshape(groups, o // groups, n * ho * wo)
        # as (cols @ G^T)^T: OpenBLAS runs the tall (K, N*L) @ (N*L, O/G) product ~1.25x faster than
        # G @ cols^T at the small CNN's second conv (O = 64, K = 288, N*L = 12544)
        return np.matmul(ctx.cols, gt.transpose(0, 2, 1)).transpose(0, 2, 1).reshape(w.shape)
    g4 = g.reshape(n, groups, o // groups, ho * wo)
    return np.matmul(g4, ctx.cols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(w.shape)


def _grad_input(ctx, x_shape, w, g):
    """dL/dx: by kernel rows at stride 1 with Wo <= W (`_grad_input_rows`), else col2im(W^T @ G_n) on the
    padded input.

    A stride-1 output narrower than the input (less padding than 'same') is widened to W with zero gradient
    columns, read as a width-keeping conv with more right padding: the new columns add nothing.
    """
    stride, pads, dilation, groups, out_hw = ctx.geom
    n, o = g.shape[:2]
    c, w_in, kernel = x_shape[1], x_shape[3], tuple(w.shape[2:])
    w3t = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)  # (G, K, O/G)
    if stride == (1, 1) and out_hw[1] <= w_in:
        if out_hw[1] < w_in:
            g = np.concatenate([g, np.zeros(g.shape[:3] + (w_in - out_hw[1],), dtype=g.dtype)], axis=3)
            pads, out_hw = pads[:3] + (dilation[1] * (kernel[1] - 1) - pads[2],), (out_hw[0], w_in)
        return _grad_input_rows(w, g, x_shape, pads, dilation, groups)
    g4 = g.reshape(n, groups, o // groups, out_hw[0] * out_hw[1])
    gcols = np.matmul(w3t, g4).reshape((n, c) + kernel + out_hw)
    xp_shape = (n, c, x_shape[2] + pads[0] + pads[1], x_shape[3] + pads[2] + pads[3])
    return crop(col2im(gcols, xp_shape, stride, dilation), pads, x_shape[2:])


def _shifted_columns(dst: np.ndarray, gf: np.ndarray, shift: int, width: int) -> None:
    """dst[..., y*W + s] = gf[..., y*W + s + shift] where column s + shift lies in [0, W), else 0.

    gf and dst are (..., Ho*W): a flat shift of the rows laid end to end (runs of Ho*W), then the columns that
    crossed into a neighbouring row (|shift| of them, on the left or the right) zeroed."""
    length = gf.shape[-1]
    k = min(abs(shift), length)
    if shift >= 0:
        dst[..., :length - k] = gf[..., k:]
        dst[..., length - k:] = 0
    else:
        dst[..., k:] = gf[..., :length - k]
        dst[..., :k] = 0
    rows = dst.reshape(dst.shape[:-1] + (length // width, width))
    lo, hi = inside_columns(shift, width)
    if lo:
        rows[..., :lo] = 0
    if hi < width:
        rows[..., hi:] = 0


def _grad_input_rows(w, g, x_shape, pads, dilation, groups):
    """dL/dx of a stride-1 convolution whose output keeps the input's width (Wo = W), kernel row by kernel row.

    With S_j = G shifted by pl - j*dw columns (zero where that leaves the row) for the kw kernel columns j,
    P_i = sum_j W[:, :, i, j]^T @ S_j is kernel row i's contribution to every input pixel, read Ho rows from
    row i*dh - pt on: one product (kh*C/G, kw*O/G) @ (kw*O/G, L) per sample and group, and kh adds of runs of
    about H*W (instead of kh*kw adds of columns W^T @ G onto a padded buffer, which cost ~3x as much as the
    shifted copies here at the small CNN's second conv). A chunk of samples at a time (about CHUNK_BYTES of
    shifted G), so that each chunk's S and P are reused while in cache.
    """
    n, c, h, wd = x_shape
    o, cg, kh, kw = w.shape
    og, ho = o // groups, g.shape[2]
    length = ho * wd
    (dh, dw), pt, pl = dilation, pads[0], pads[2]
    # wr[grp, (i, c), (j, o)] = W[grp*og + o, c, i, j]
    wr = w.reshape(groups, og, cg, kh, kw).transpose(0, 3, 2, 4, 1).reshape(groups, kh * cg, kw * og)
    gf = g.reshape(n, groups, og, length)
    spans = [(i, max(0, i * dh - pt), min(h, ho + i * dh - pt)) for i in range(kh)]  # input rows [r0, r1)
    spans = [sp for sp in spans if sp[2] > sp[1]]
    full = next((sp for sp in spans if sp[1] == 0 and sp[2] == h), None)  # a kernel row reaching every row
    order = ([full] + [sp for sp in spans if sp is not full]) if full else spans
    gx = (np.empty if full else np.zeros)((n, groups, cg, h * wd), dtype=g.dtype)
    chunk = samples_per_chunk(groups * kw * og * length * g.itemsize)
    shifted = np.empty((min(chunk, n), groups, kw, og, length), dtype=g.dtype)
    rows = np.empty((min(chunk, n), groups, kh * cg, length), dtype=g.dtype)
    for a in range(0, n, chunk):
        m = min(chunk, n - a)
        sj, p = shifted[:m], rows[:m]
        for j in range(kw):
            _shifted_columns(sj[:, :, j], gf[a:a + m], pl - j * dw, wd)
        np.matmul(wr, sj.reshape(m, groups, kw * og, length), out=p)
        p5 = p.reshape(m, groups, kh, cg, length)
        for i, r0, r1 in order:
            y0 = r0 + pt - i * dh  # the output row that lands on input row r0
            src = p5[:, :, i, :, y0 * wd:(y0 + r1 - r0) * wd]
            dst = gx[a:a + m, :, :, r0 * wd:r1 * wd]
            if i == order[0][0] and full:
                np.copyto(dst, src)
            else:
                dst += src
    return gx.reshape(n, c, h, wd)


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
    dts = {str(getattr(t, "_data", t).dtype) for t in (input, weight, bias) if t is not None}
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


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

declare(conv2d, namespaces=("torch", "F"), cases=[
    case(lambda m, x, w, b: m.F.conv2d(x, w, b, stride=1, padding=1), (2, 3, 5, 5), (4, 3, 3, 3), (4,),
         rtol32=1e-4),
    case(lambda m, x, w: m.F.conv2d(x, w, stride=2, groups=2), (1, 4, 6, 6), (2, 2, 3, 3), rtol32=1e-4,
         suffix="stride2_groups")])
