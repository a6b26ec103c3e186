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

    Constructor arguments:
        kernel_size: the window length. stride: the step (default kernel_size). padding: -inf padding on each
        side (default 0). dilation: spacing of window elements (default 1). return_indices: also return each
        maximum's index in L (default False). ceil_mode: round the output length up (default False).
    """

    _pool = staticmethod(max_pool1d)


def _single(v):
    return (v,) if isinstance(v, int) else tuple(v)


class AvgPool1d(Module):
    """1-D average pooling over (N, C, L) or (C, L).

    Constructor arguments:
        kernel_size, stride (default kernel_size), padding (0), ceil_mode (False), count_include_pad (True).
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
    """Average over output_size bins of L, for (N, C, L) or (C, L)."""

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
    """Max over output_size bins of L, for (N, C, L) or (C, L); return_indices: also each maximum's index."""

    def forward(self, input: Tensor):
        return adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max over the (oh, ow) bins of (N, C, H, W) or (C, H, W); return_indices: also the flat H*W indices."""

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
    """The partial inverse of MaxPool1d: values placed at their indices, zeros elsewhere."""

    _fn = staticmethod(max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of MaxPool2d: values placed at their flat H*W indices, zeros elsewhere.

    Examples:
        >>> import chainrule as cr
        >>> pool, unpool = cr.nn.MaxPool2d(2, return_indices=True), cr.nn.MaxUnpool2d(2)
        >>> out, idx = pool(cr.arange(16.0).reshape(1, 1, 4, 4))
        >>> unpool(out, idx)[0, 0, 1]
        tensor([0., 5., 0., 7.])
    """

    _fn = staticmethod(max_unpool2d)
    _n = 2
