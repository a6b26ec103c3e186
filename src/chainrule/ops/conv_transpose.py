"""Transposed convolutions (conv_transpose1d/2d) and conv1d, on conv.py's im2col helpers.

A transposed convolution is the adjoint of a convolution with respect to its input: per sample and group,
cols = W_g^T @ x_g (W (C_in, C_out/G, kh, kw)), then col2im adds the (C_out, kh, kw, H, W) columns into the
(zero) output, with stride s, dilation d, cropped by the padding p:
    H_out = (H - 1) * s - 2p + d * (kh - 1) + output_padding + 1.
Its backward is therefore a convolution: dL/dx = conv2d(G, W) (the same weight layout, read as
(O = C_in, C_out/G, kh, kw)), dL/dW = sum_n x_n @ im2col(G_n)^T. The 1-D ops are the 2-D ones on a height-1
input (the same columns and one matmul; no extra pass).
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._declare import case, declare
from ._util import shape_of
from .conv import Unfold, col2im, conv2d, crop, pad_input, pair, windows

__all__ = ["conv1d", "conv_transpose1d", "conv_transpose2d"]


class ConvTranspose2d(Op):
    """out = crop(col2im(W^T @ x)) + b: one matmul batched over samples and groups, then kh*kw strided adds."""

    @staticmethod
    def forward(ctx, x, w, b, stride, padding, dilation, groups, out_hw):
        n, cin, h, wd = x.shape
        _, cog, kh, kw = w.shape
        cout = cog * groups
        wg = w.reshape(groups, cin // groups, cog * kh * kw)
        wt = np.ascontiguousarray(wg.transpose(0, 2, 1))  # a contiguous W^T: the batched product runs ~1.3x faster
        cols = np.matmul(wt, x.reshape(n, groups, cin // groups, h * wd))
        pads = (padding[0], padding[0], padding[1], padding[1])
        full = (n, cout, out_hw[0] + 2 * padding[0], out_hw[1] + 2 * padding[1])
        out = crop(col2im(cols.reshape(n, cout, kh, kw, h, wd), full, stride, dilation), pads, out_hw)
        out = out + b.reshape(1, cout, 1, 1) if b is not None else np.ascontiguousarray(out)
        ctx.save_for_backward(x, w)
        ctx.geom = (stride, pads, dilation, groups)
        return out

    @staticmethod
    def backward(ctx, g):
        # out = col2im(W^T @ x): dL/dx = W @ im2col(G) = conv2d(G, W) ; dL/dW = sum_n x_n @ im2col(G_n)^T ;
        # dL/db = sum of G over (N, H_out, W_out)
        x, w = ctx.saved
        stride, pads, dilation, groups = ctx.geom
        nig = ctx.needs_input_grad
        n, cin, h, wd = x.shape
        kernel = tuple(w.shape[2:])
        if type(g) is Tensor:  # create_graph: the same two products with recorded ops
            gx = conv2d(g, w, None, stride, pads[::2], dilation, groups) if nig[0] else None
            gw = None
            if nig[1]:
                gc = Unfold.apply(g, kernel, stride, pads, dilation).reshape(n, groups, -1, h * wd)
                x3 = x.reshape(n, groups, cin // groups, h * wd)
                gw = (x3 @ gc.swapaxes(-1, -2)).sum(0).reshape(w.shape)
            gb = g.sum((0, 2, 3)) if nig[2] else None
            return gx, gw, gb, None, None, None, None, None
        gcols = np.ascontiguousarray(windows(pad_input(g, pads), kernel, stride, dilation, (h, wd)))
        k = w.shape[1] * kernel[0] * kernel[1]
        gcols = gcols.reshape(n, groups, k, h * wd)  # (N, G, C_out/G*kh*kw, H*W)
        wg = w.reshape(groups, cin // groups, k)
        gx = np.matmul(wg, gcols).reshape(x.shape) if nig[0] else None
        gw = None
        if nig[1]:
            x3 = x.reshape(n, groups, cin // groups, h * wd)
            gw = np.matmul(x3, gcols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(w.shape)
        gb = g.sum(axis=(0, 2, 3)) if nig[2] else None
        return gx, gw, gb, None, None, None, None, None


def _check(op, xs, ws, bias, groups, spatial):
    if len(ws) != 2 + spatial:
        raise RuntimeError(f"{op}: weight must be {2 + spatial}-D (in_channels, out_channels/groups, "
                           f"{'kh, kw' if spatial == 2 else 'k'}), got {ws}")
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    if xs[1] != ws[0]:
        raise RuntimeError(f"{op}: input {xs} has {xs[1]} channels, but weight {ws} expects in_channels = "
                           f"weight.shape[0] = {ws[0]}")
    if ws[0] % groups:
        raise RuntimeError(f"{op}: weight {ws}: in_channels {ws[0]} is not divisible by groups={groups}")
    if bias is not None and shape_of(bias) != (ws[1] * groups,):
        raise RuntimeError(f"{op}: bias has shape {shape_of(bias)}, expected ({ws[1] * groups},) = (out_channels,)")


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x, w, b: m.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1), (2, 4, 3, 3),
         (4, 3, 3, 3), (3,)),
    case(lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, stride=(2, 1), groups=2, dilation=(1, 2)),
         (1, 4, 3, 2), (4, 2, 2, 3), suffix="groups_dilation"),
])
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups: int = 1,
                     dilation=1):
    """2-D transposed convolution ("deconvolution"): the gradient of conv2d with respect to its input.

    Args:
        input: (N, C_in, H, W) or (C_in, H, W).
        weight: (C_in, C_out / groups, kh, kw) (PyTorch's layout: in_channels first).
        bias: (C_out,) or None (default).
        stride, padding, output_padding, dilation: ints or pairs (defaults 1, 0, 0, 1); output_padding adds
            rows/columns at the bottom/right and must be smaller than stride or dilation.
        groups: split the channels into this many independent groups (default 1).

    Returns:
        (N, C_out, H_out, W_out), H_out = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1.
    """
    xs, ws = shape_of(input), shape_of(weight)
    if len(xs) == 3:
        out = conv_transpose2d(input.reshape((1,) + xs), weight, bias, stride, padding, output_padding, groups,
                               dilation)
        return out.reshape(out.shape[1:])
    if len(xs) != 4:
        raise RuntimeError(f"conv_transpose2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got {xs}")
    _check("conv_transpose2d", xs, ws, bias, groups, 2)
    op = "conv_transpose2d"
    st, pd, opd, dil = (pair(stride, "stride", op), pair(padding, "padding", op),
                        pair(output_padding, "output_padding", op), pair(dilation, "dilation", op))
    if min(st) < 1 or min(dil) < 1 or min(pd) < 0 or min(opd) < 0:
        raise ValueError(f"{op}: stride {st} and dilation {dil} must be positive, padding {pd} and "
                         f"output_padding {opd} non-negative")
    if any(o >= s and o >= d for o, s, d in zip(opd, st, dil)):
        raise RuntimeError(
            f"{op}: output padding must be smaller than either stride or dilation, but got output_padding_height: "
            f"{opd[0]} output_padding_width: {opd[1]} stride_height: {st[0]} stride_width: {st[1]} "
            f"dilation_height: {dil[0]} dilation_width: {dil[1]}")
    out_hw = tuple((xs[2 + a] - 1) * st[a] - 2 * pd[a] + dil[a] * (ws[2 + a] - 1) + opd[a] + 1 for a in (0, 1))
    if min(out_hw) < 1:
        raise RuntimeError(f"{op}: Given input size per channel: ({xs[2]} x {xs[3]}). Calculated output size per "
                           f"channel: ({out_hw[0]} x {out_hw[1]}). Output size is too small (weight {ws}, stride "
                           f"{st}, padding {pd}, dilation {dil}); use less padding")
    dts = {str(getattr(t, "_data", t).dtype) for t in (input, weight, bias) if t is not None}
    if len(dts) > 1:
        raise RuntimeError(f"{op}: input, weight and bias must have one dtype, got {sorted(dts)}; use .float()")
    return ConvTranspose2d.apply(input, weight, bias, st, pd, dil, int(groups), out_hw)


def _single(v, name, op):
    t = (v,) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(t) != 1:
        raise ValueError(f"{op}: {name} must be an int or a 1-tuple, got {v!r}")
    return int(t[0])


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x, w, b: m.conv_transpose1d(x, w, b, stride=3, padding=1, output_padding=2), (2, 4, 5),
         (4, 2, 3), (2,)),
])
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups: int = 1,
                     dilation=1):
    """1-D transposed convolution of (N, C_in, L) (or (C_in, L)) with weight (C_in, C_out / groups, k);
    L_out = (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1 (see conv_transpose2d)."""
    xs, ws = shape_of(input), shape_of(weight)
    if len(xs) not in (2, 3) or len(ws) != 3:
        raise RuntimeError(f"conv_transpose1d: expected a 2-D (C, L) or 3-D (N, C, L) input and a 3-D weight "
                           f"(in_channels, out_channels/groups, k), got input {xs}, weight {ws}")
    op = "conv_transpose1d"
    s, p, o, d = (_single(stride, "stride", op), _single(padding, "padding", op),
                  _single(output_padding, "output_padding", op), _single(dilation, "dilation", op))
    out = conv_transpose2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, s), (0, p), (0, o), groups, (1, d))
    return out.squeeze(-2)


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x, w, b: m.conv1d(x, w, b, stride=2, padding=1, groups=2), (2, 4, 7), (6, 2, 3), (6,),
         suffix="groups_stride"),
    case(lambda m, x, w: m.nn.functional.conv1d(x, w, padding="same", dilation=2), (1, 3, 6), (2, 3, 3),
         suffix="same"),
])
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """1-D cross-correlation of (N, C, L) (or (C, L)) with weight (O, C / groups, k), plus bias (O,).

    padding: an int, a 1-tuple, 'valid' or 'same' (stride 1 only). L_out = (L + 2p - d (k - 1) - 1) // s + 1.
    Computed as conv2d on a height-1 input (one im2col and one matmul per group).
    """
    xs, ws = shape_of(input), shape_of(weight)
    if len(xs) not in (2, 3) or len(ws) != 3:
        raise RuntimeError(f"conv1d: expected a 2-D (C, L) or 3-D (N, C, L) input and a 3-D weight "
                           f"(out_channels, in_channels/groups, k), got input {xs}, weight {ws}")
    if isinstance(groups, (int, np.integer)) and ws[0] < groups:
        raise RuntimeError(f"conv1d: Given groups={groups}, expected weight to be at least {groups} at dimension 0, "
                           f"but got weight of size {list(ws)} instead")
    s, d = _single(stride, "stride", "conv1d"), _single(dilation, "dilation", "conv1d")
    p = padding if isinstance(padding, str) else (0, _single(padding, "padding", "conv1d"))
    if p == "same" and s != 1:
        raise ValueError("conv1d: padding='same' is not supported for strided convolutions")
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, s), p, (1, d), groups)
    return out.squeeze(-2)
