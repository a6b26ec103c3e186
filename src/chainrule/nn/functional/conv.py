"""conv2d, the 2-D poolings and dropout2d for nn.functional (the ops live in chainrule.ops.conv / ops.pool)."""

from __future__ import annotations

import warnings

from ...ops._util import shape_of
from ...ops.conv import Fold, Unfold, conv2d, out_size, pair
from ...ops.dropout import Dropout, dropout_mask
from ...ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from ...tensor import Tensor
from ...ops._declare import case, declare

__all__ = ["adaptive_avg_pool2d", "avg_pool2d", "conv2d", "dropout2d", "fold", "max_pool2d", "unfold"]


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of an (N, C, H, W) (or (C, H, W)) input with probability p and scale the rest by
    1/(1-p); the identity when `training` is False. The functional form of `nn.Dropout2d`.

    Args:
        input: (N, C, H, W) or (C, H, W).
        p: the probability of zeroing a channel (default 0.5), in [0, 1].
        training: apply dropout (default True).
        inplace: modify `input` in place (default False).

    Returns:
        A tensor of the input's shape.

    Raises:
        ValueError: p outside [0, 1].
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: probability has to be between 0 and 1, but got {p}")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"dropout2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got {tuple(input.shape)}")
    if not training or p == 0.0:
        return input
    x = input._data
    if input.ndim == 3:  # PyTorch 2.x reads 3-D input as (N, C, L) and drops channels of it
        warnings.warn("dropout2d: a 3-D input is treated as (N, C, L) (channel-wise 1-D dropout), as PyTorch "
                      "does; use a 4-D (N, C, H, W) input for 2-D dropout", UserWarning, stacklevel=2)
    if inplace:  # the same product, written into input (autograd/views.py)
        from ...autograd.views import inplace as _inplace

        return _inplace(input, "dropout2d_", _mul, Tensor._wrap(dropout_mask(x, p, True)))
    return Dropout.apply(input, p, True)


def _geometry(op: str, kernel_size, dilation, padding, stride) -> tuple:
    k, d = pair(kernel_size, "kernel_size", op), pair(dilation, "dilation", op)
    p, s = pair(padding, "padding", op), pair(stride, "stride", op)
    if min(k + d + s) < 1 or min(p) < 0:
        raise ValueError(f"{op}: kernel_size {k}, dilation {d}, stride {s} must be positive, padding {p} >= 0")
    return k, d, (p[0], p[0], p[1], p[1]), s


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extracts sliding blocks (im2col): (N, C, H, W) -> (N, C * kh * kw, L), L the number of block positions.

    A convolution is a matrix product with this: `W.view(out, -1) @ unfold(x, k)`. Its adjoint is `fold`.

    Args:
        input: (N, C, H, W).
        kernel_size: the block size, an int or (kh, kw).
        dilation: spacing between block elements (default 1).
        padding: zero padding on each side (default 0).
        stride: the step between blocks (default 1).

    Returns:
        (N, C * kh * kw, L).
    """
    k, d, pads, s = _geometry("unfold", kernel_size, dilation, padding, stride)
    xs = shape_of(input)
    if len(xs) == 3:
        return unfold(input.reshape((1,) + xs), k, d, padding, s)[0]
    if len(xs) != 4:
        raise RuntimeError(f"unfold: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got {len(xs)}-D {xs}")
    blocks = [out_size(xs[2 + a], pads[2 * a], pads[2 * a + 1], k[a], s[a], d[a]) for a in (0, 1)]
    if min(blocks) < 1:
        raise RuntimeError(f"unfold: input {xs} with padding {padding} is smaller than the kernel {k} (dilation {d})")
    return Unfold.apply(input, k, s, pads, d)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sums sliding blocks back into images (col2im): (N, C * kh * kw, L) -> (N, C, H, W); the adjoint of
    `unfold`, so overlapping blocks add up (the backward of a convolution with respect to its input).

    Args:
        input: (N, C * kh * kw, L).
        output_size: the image size (H, W).
        kernel_size: the block size, an int or (kh, kw).
        dilation: spacing between block elements (default 1).
        padding: padding that was added on each side (default 0).
        stride: the step between blocks (default 1).

    Returns:
        (N, C, H, W).
    """
    k, d, pads, s = _geometry("fold", kernel_size, dilation, padding, stride)
    hw = pair(output_size, "output_size", "fold")
    xs = shape_of(input)
    if len(xs) == 2:
        return fold(input.reshape((1,) + xs), hw, k, d, padding, s)[0]
    blocks = [out_size(hw[a], pads[2 * a], pads[2 * a + 1], k[a], s[a], d[a]) for a in (0, 1)]
    if len(xs) != 3 or xs[1] % (k[0] * k[1]) or xs[2] != blocks[0] * blocks[1]:
        raise RuntimeError(
            f"fold: expected an input (N, C*{k[0]}*{k[1]}, {blocks[0] * blocks[1]}) for output_size {hw}, "
            f"kernel {k}, dilation {d}, padding {padding}, stride {s}; got {xs}"
        )
    return Fold.apply(input, hw, k, s, pads, d)


def _mul(a, b):
    return a * b


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

declare(dropout2d, namespaces=("F",), differentiable=True)
declare(unfold, namespaces=("F",), cases=[
    case(lambda m, x: m.F.unfold(x, 2, padding=1, stride=2), (1, 2, 4, 4))])
declare(fold, namespaces=("F",), cases=[case(lambda m, x: m.F.fold(x, (3, 3), 2), (1, 8, 4))])
