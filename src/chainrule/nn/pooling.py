"""MaxPool2d, AvgPool2d and AdaptiveAvgPool2d: PyTorch's arguments and reprs over the ops in ops/pool.py."""

from __future__ import annotations

from ..tensor import Tensor
from .functional.conv import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from .module import Module


class _MaxPoolNd(Module):
    """The max-pooling modules' arguments, forward and repr; a subclass names its op in `_pool`."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor):
        return self._pool(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling: the maximum of each kernel_size window. The gradient goes to each window's maximum.

    Args:
        kernel_size: the window size, an int or (kh, kw).
        stride: the step between windows (default: kernel_size, non-overlapping windows).
        padding: implicit -inf padding on each side (default 0; at most half the kernel size).
        dilation: spacing between window elements (default 1).
        return_indices: also return the flat H*W index of each maximum (for MaxUnpool) (default False).
        ceil_mode: round the output size up instead of down (default False).

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, H_out, W_out), H_out = floor((H + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1.

    Examples:
        >>> import chainrule as cr
        >>> pool = cr.nn.MaxPool2d(2)
        >>> pool(cr.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    _pool = staticmethod(max_pool2d)


class AvgPool2d(Module):
    """2-D average pooling: the mean of each kernel_size window.

    Args:
        kernel_size: the window size, an int or (kh, kw).
        stride: the step between windows (default: kernel_size).
        padding: zero padding on each side (default 0).
        ceil_mode: round the output size up instead of down (default False).
        count_include_pad: count the zero padding in the divisor (default True).
        divisor_override: divide by this number instead of the window size (default None).

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, H_out, W_out), H_out = floor((H + 2 * padding - kernel_size) / stride) + 1.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.AvgPool2d(2)(cr.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Adaptive average pooling: averages into a fixed (oh, ow) output whatever the input size.

    Args:
        output_size: (oh, ow), or an int for a square output; None in a position keeps that input dimension.

    Shape:
        - Input: (N, C, H, W) or (C, H, W). Output: (N, C, oh, ow).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.AdaptiveAvgPool2d(1)(cr.randn(2, 16, 7, 7)).shape
        chainrule.Size([2, 16, 1, 1])
    """

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
