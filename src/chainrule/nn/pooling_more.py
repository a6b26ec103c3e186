"""1-D pooling, adaptive max pooling and max unpooling modules over ops/pool_more.py (PyTorch's arguments
and reprs)."""

from __future__ import annotations

from ..ops.pool_more import (
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    max_pool1d,
    max_unpool1d,
    max_unpool2d,
)
from ..tensor import Tensor
from .module import Module
from .pooling import _MaxPoolNd


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling over (N, C, L) or (C, L): the maximum of each kernel_size window.

    The gradient goes to each window's maximum.

    Args:
        kernel_size: the window length.
        stride: the step between windows (default None: kernel_size, non-overlapping windows).
        padding: implicit -inf padding on each side (default 0; at most half the kernel size).
        dilation: spacing between window elements (default 1).
        return_indices: also return each maximum's index in L, an int64 tensor for MaxUnpool1d (default
            False).
        ceil_mode: round the output length up instead of down (default False).

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: (N, C, L_out), L_out = floor((L + 2 * padding - dilation * (kernel_size - 1) - 1) / stride)
          + 1.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> cr.nn.MaxPool1d(2)(x)
        tensor([[[3., 5., 4.]]])
        >>> cr.nn.MaxPool1d(3, stride=1, return_indices=True)(x)
        (tensor([[[3., 5., 5., 5.]]]), tensor([[[1, 3, 3, 3]]]))
    """

    _pool = staticmethod(max_pool1d)


def _single(v):
    return (v,) if isinstance(v, int) else tuple(v)


class AvgPool1d(Module):
    """1-D average pooling over (N, C, L) or (C, L): the mean of each kernel_size window.

    Args:
        kernel_size: the window length.
        stride: the step between windows (default None: kernel_size).
        padding: zero padding on each side (default 0; at most half the kernel size).
        ceil_mode: round the output length up instead of down (default False).
        count_include_pad: count the zero padding in the divisor (default True).

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: (N, C, L_out), L_out = floor((L + 2 * padding - kernel_size) / stride) + 1.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> cr.nn.AvgPool1d(2)(x)
        tensor([[[2.0000, 3.5000, 2.0000]]])
        >>> cr.nn.AvgPool1d(3, stride=2, padding=1)(x)  # the first window is (0 + 1 + 3) / 3
        tensor([[[1.3333, 3.3333, 3.0000]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(Module):
    """Adaptive 1-D average pooling: the mean over each of output_size bins of L, whatever L is.

    Bin i covers [floor(i L / out), ceil((i + 1) L / out)), so bins may overlap when L is not a multiple.

    Args:
        output_size: the output length.

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: (N, C, output_size) or (C, output_size).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.AdaptiveAvgPool1d(4)(cr.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]]))
        tensor([[[2.0000, 2.5000, 4.5000, 2.0000]]])
    """

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _AdaptiveMaxPoolNd(Module):
    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Adaptive 1-D max pooling: the maximum over each of output_size bins of L (bins as in
    AdaptiveAvgPool1d).

    Args:
        output_size: the output length.
        return_indices: also return each maximum's index in L, int64 (default False).

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: (N, C, output_size) or (C, output_size).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.AdaptiveMaxPool1d(2, return_indices=True)(cr.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]]))
        (tensor([[[3., 5.]]]), tensor([[[1, 3]]]))
    """

    def forward(self, input: Tensor):
        return adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Adaptive 2-D max pooling: the maximum over each of the (oh, ow) bins of (N, C, H, W) or (C, H, W).

    Args:
        output_size: (oh, ow), or an int for a square output; None in either place keeps that input size.
        return_indices: also return each maximum's flat H*W index, int64 (default False).

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: (N, C, oh, ow) or (C, oh, ow).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.AdaptiveMaxPool2d((1, 2))(cr.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[13., 15.]]]])
    """

    def forward(self, input: Tensor):
        return adaptive_max_pool2d(input, self.output_size, self.return_indices)


class _MaxUnpoolNd(Module):
    _fn = None
    _n = 1

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        n = self._n
        self.kernel_size = (kernel_size,) * n if isinstance(kernel_size, int) else tuple(kernel_size)
        s = stride if stride is not None else kernel_size
        self.stride = (s,) * n if isinstance(s, int) else tuple(s)
        self.padding = (padding,) * n if isinstance(padding, int) else tuple(padding)

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of MaxPool1d: values placed at their indices, zeros elsewhere.

    Args:
        kernel_size: the pooling window length.
        stride: the pooling step (default None: kernel_size).
        padding: the pooling padding (default 0).

    The forward takes `(input, indices, output_size=None)`: the pooled values, the indices MaxPool1d returned
    with return_indices=True, and optionally the exact output length (when several lengths pool to one size).

    Shape:
        - Input and indices: (N, C, L_in) or (C, L_in).
        - Output: (N, C, L_out), L_out = (L_in - 1) * stride - 2 * padding + kernel_size, or output_size.

    Examples:
        >>> import chainrule as cr
        >>> out, idx = cr.nn.MaxPool1d(2, return_indices=True)(cr.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]]))
        >>> cr.nn.MaxUnpool1d(2)(out, idx)
        tensor([[[0., 3., 0., 5., 4., 0.]]])
    """

    _fn = staticmethod(max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of MaxPool2d: values placed at their flat H*W indices, zeros elsewhere.

    Args:
        kernel_size: the pooling window size, an int or (kh, kw).
        stride: the pooling step (default None: kernel_size).
        padding: the pooling padding (default 0).

    The forward takes `(input, indices, output_size=None)`: the pooled values, the indices MaxPool2d returned
    with return_indices=True, and optionally the exact output size.

    Shape:
        - Input and indices: (N, C, H_in, W_in) or (C, H_in, W_in).
        - Output: (N, C, H_out, W_out), H_out = (H_in - 1) * stride - 2 * padding + kernel_size, or
          output_size.

    Examples:
        >>> import chainrule as cr
        >>> pool, unpool = cr.nn.MaxPool2d(2, return_indices=True), cr.nn.MaxUnpool2d(2)
        >>> out, idx = pool(cr.arange(16.0).reshape(1, 1, 4, 4))
        >>> unpool(out, idx)[0, 0, 1]
        tensor([0., 5., 0., 7.])
    """

    _fn = staticmethod(max_unpool2d)
    _n = 2
