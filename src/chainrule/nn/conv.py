"""Conv2d and its 2-D companions BatchNorm2d and Dropout2d (PyTorch's names, arguments, init and state keys)."""

from __future__ import annotations

import math

from ..ops.conv import pair
from ..ops.shape import pad
from ..tensor import Tensor
from . import init
from .dropout import Dropout
from .functional.conv import conv2d, dropout2d
from .module import Module
from .normalization import _BatchNorm
from .parameter import empty_parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Conv2d(Module):
    """A 2-D convolution (strictly, cross-correlation, as in every framework) over (N, C, H, W) inputs.

    Each output channel is the sum over its input channels of the input correlated with a kh x kw filter, plus
    a bias. Computed as im2col (unfold) and one matrix product per group; backward is the matrix-product rule on
    the unfolded patches, folded back with overlapping patches added. Weights and bias start uniform on
    [-1/sqrt(fan_in), 1/sqrt(fan_in)], fan_in = in_channels / groups * kh * kw (PyTorch's default).

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output (the number of filters).
        kernel_size: the filter size, an int or (kh, kw).
        stride: the step between filter positions, an int or a pair (default 1).
        padding: zeros (or `padding_mode`) added on each side: an int, a pair, "valid" (0) or "same" (output size
            = input size; stride 1 only) (default 0).
        dilation: spacing between filter taps (default 1).
        groups: split the channels into this many independent groups (default 1; in_channels gives a
            depthwise convolution).
        bias: learn a bias per output channel (default True).
        padding_mode: "zeros" (default), "reflect", "replicate" or "circular".
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (N, in_channels, H, W), or (in_channels, H, W) for one sample.
        - Output: (N, out_channels, H_out, W_out), with H_out = floor((H + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1 (likewise W_out).

    Attributes:
        weight: shape (out_channels, in_channels / groups, kh, kw).
        bias: shape (out_channels,), or None.

    Raises:
        ValueError: in_channels or out_channels not divisible by groups, an unknown padding_mode, or
            padding="same" with a stride.

    Examples:
        >>> import chainrule as cr
        >>> conv = cr.nn.Conv2d(1, 8, kernel_size=3, padding=1)
        >>> conv(cr.randn(4, 1, 28, 28)).shape
        chainrule.Size([4, 8, 28, 28])
        >>> cr.nn.Conv2d(3, 6, kernel_size=5, stride=2)(cr.randn(2, 3, 32, 32)).shape
        chainrule.Size([2, 6, 14, 14])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__()
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: in_channels {in_channels} and out_channels {out_channels} must both be divisible by "
                f"groups={groups}"
            )
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"Conv2d: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d")
        self.stride, self.dilation = pair(stride, "stride", "Conv2d"), pair(dilation, "dilation", "Conv2d")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Conv2d: padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("Conv2d: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = pair(padding, "padding", "Conv2d")
        self.padding_mode, self.transposed, self.output_padding = padding_mode, False, (0, 0)
        self._reversed_padding_repeated_twice = self._reversed_padding()
        kh, kw = self.kernel_size
        self.weight = empty_parameter(out_channels, in_channels // groups, kh, kw, dtype=dtype, device=device)
        if bias:
            self.bias = empty_parameter(out_channels, dtype=dtype, device=device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _reversed_padding(self) -> tuple:
        """F.pad widths (left, right, top, bottom) for the non-zero padding modes."""
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            out = []
            for d, k in zip(self.dilation[::-1], self.kernel_size[::-1]):
                total = d * (k - 1)
                out += [total // 2, total - total // 2]
            return tuple(out)
        return (self.padding[1], self.padding[1], self.padding[0], self.padding[0])

    def reset_parameters(self) -> None:
        """Draw weight and bias again from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in_channels / groups *
        kh * kw (PyTorch's init).

        Examples:
            >>> import chainrule as cr
            >>> conv = cr.nn.Conv2d(1, 2, 3)
            >>> with cr.no_grad():
            ...     _ = conv.bias.fill_(5.0)
            >>> conv.reset_parameters()
            >>> bool(conv.bias.abs().max() <= 1 / 3)
            True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # = U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        if self.bias is not None:
            fan_in = (self.in_channels // self.groups) * self.kernel_size[0] * self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        """The convolution with given weights (PyTorch's hook for subclasses that transform the weight)."""
        if self.padding_mode != "zeros":
            x = pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv2d(x, weight, bias, self.stride, 0, self.dilation, self.groups)
        return conv2d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class BatchNorm2d(_BatchNorm):
    """Batch normalisation for images (N, C, H, W): statistics per channel C over N, H and W (one fused node).

    In training mode each channel is normalised by the batch's mean and (biased) variance and the running
    estimates are updated; in eval mode the running estimates are used. Then y = weight * x_hat + bias.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for stability (default 1e-5).
        momentum: weight of the new batch in the running estimates (default 0.1); None: a cumulative average.
        affine: learn a per-channel scale (weight, from 1) and shift (bias, from 0) (default True).
        track_running_stats: keep running estimates for eval mode (default True); without them eval mode uses the
            batch's statistics too.
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).
        bias: with affine, learn the shift too (keyword-only; default True).

    Shape:
        - Input: (N, C, H, W). Output: the same shape.

    Raises:
        ValueError: an input that is not 4-D or whose channel count is not num_features.

    Examples:
        >>> import chainrule as cr
        >>> bn = cr.nn.BatchNorm2d(3)
        >>> y = bn(cr.randn(8, 3, 5, 5) * 4 + 2)
        >>> round(y.mean().item(), 4), round(y.std().item(), 2)
        (0.0, 1.0)
    """

    _ndims = (4,)


class Dropout2d(Dropout):
    """Zeroes whole channels with probability p while training (one draw per sample and channel), and scales the
    kept channels by 1/(1-p); identity in eval mode.

    Args:
        p: the probability of zeroing a channel (default 0.5), in [0, 1].
        inplace: write the result into the input and return it (default False); refused, as in PyTorch, on
            a leaf that requires grad or a view of one.

    Shape:
        - Input: (N, C, H, W) or (C, H, W). Output: the same shape.

    Raises:
        ValueError: p outside [0, 1].

    Examples:
        >>> import chainrule as cr
        >>> drop = cr.nn.Dropout2d(p=0.5)
        >>> y = drop(cr.ones(1, 6, 2, 2))
        >>> sorted(set(y.flatten().tolist())) in ([0.0, 2.0], [2.0], [0.0])
        True
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout2d(input, self.p, self.training, self.inplace)
