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
    """2-D cross-correlation: weight (out, in/groups, kh, kw), bias (out,); init kaiming_uniform_(a=sqrt(5))."""

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
    """Batch norm for (N, C, H, W) inputs: statistics per channel C over N, H and W (one fused node)."""

    _ndims = (4,)


class Dropout2d(Dropout):
    """Zero whole channels with probability p (one draw per sample and channel), scale the rest by 1/(1-p)."""

    def forward(self, input: Tensor) -> Tensor:
        return dropout2d(input, self.p, self.training, self.inplace)
