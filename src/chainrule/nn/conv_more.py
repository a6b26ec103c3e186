"""Conv1d, ConvTranspose1d and ConvTranspose2d: PyTorch's arguments, weight layouts, init, reprs and state keys.

Conv1d's weight is (out_channels, in_channels / groups, k); a transposed convolution's is
(in_channels, out_channels / groups, *kernel) (it is the adjoint of the convolution with that weight). Both
start as PyTorch's: kaiming_uniform_(a=sqrt(5)) on the weight, bias uniform on +-1/sqrt(fan_in), fan_in read
from the weight's dim 1 and kernel as PyTorch's _calculate_fan_in_and_fan_out does.
"""

from __future__ import annotations

import math

from ..ops.conv_transpose import conv1d, conv_transpose1d, conv_transpose2d
from ..ops.shape import pad
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import empty_parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(v, n: int, name: str, cls: str) -> tuple:
    t = (v,) * n if isinstance(v, int) else tuple(v)
    if len(t) != n or not all(isinstance(e, int) for e in t):
        raise ValueError(f"{cls}: {name} must be an int or a {n}-tuple of ints, got {v!r}")
    return t


class _ConvNd(Module):
    """Shared by the convolutions here: parameters, init and repr (n spatial dims, transposed or not)."""

    _n = 1
    _transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None,
                 output_padding=0) -> None:
        super().__init__()
        cls, n = type(self).__name__, self._n
        if groups < 1 or in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {list(_PADDING_MODES)}, but got padding_mode='{padding_mode}'")
        if self._transposed and padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {cls}')
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _tuple(kernel_size, n, "kernel_size", cls)
        self.stride, self.dilation = _tuple(stride, n, "stride", cls), _tuple(dilation, n, "dilation", cls)
        if isinstance(padding, str):
            if padding not in ("same", "valid") or self._transposed:
                raise ValueError(f"{cls}: invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _tuple(padding, n, "padding", cls)
        self.output_padding = _tuple(output_padding, n, "output_padding", cls)
        self.padding_mode, self.transposed = padding_mode, self._transposed
        shape = (in_channels, out_channels // groups) if self._transposed else (out_channels, in_channels // groups)
        self.weight = empty_parameter(*shape, *self.kernel_size, dtype=dtype, device=device)
        if bias:
            self.bias = empty_parameter(out_channels, dtype=dtype, device=device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw weight and bias again from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = weight.shape[1] times
        the kernel size (PyTorch's init).

        Examples:
            >>> import chainrule as cr
            >>> conv = cr.nn.Conv1d(1, 2, 4)
            >>> with cr.no_grad():
            ...     _ = conv.weight.fill_(5.0)
            >>> conv.reset_parameters()
            >>> bool(conv.weight.abs().max() <= 1 / 2)
            True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # = U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        n = self._n
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"  # a string unquoted, as PyTorch prints it
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """A 1-D convolution (cross-correlation) over (N, C, L) inputs: conv2d on a height-1 input.

    Args:
        in_channels: the number of channels of the input.
        out_channels: the number of channels of the output (filters).
        kernel_size: the filter length, an int or a 1-tuple.
        stride: the step of the filter (default 1).
        padding: added on each side, an int or a 1-tuple (default 0), or "same" (output length = input length,
            stride 1 only) or "valid" (no padding).
        dilation: spacing between filter elements (default 1).
        groups: split the channels into independent groups; both channel counts must be multiples (default 1).
        bias: learn a bias (default True).
        padding_mode: "zeros" (default), "reflect", "replicate" or "circular".
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).
        output_padding: used by the transposed convolutions only (default 0).

    Shape:
        - Input: (N, C_in, L) or (C_in, L).
        - Output: (N, C_out, L_out), L_out = floor((L + 2 padding - dilation (kernel_size - 1) - 1) / stride)
          + 1.

    Attributes:
        weight: (out_channels, in_channels / groups, kernel_size), initialised U(-1/sqrt(fan_in),
            1/sqrt(fan_in)).
        bias: (out_channels,) or None.

    Raises:
        ValueError: channels not divisible by groups, an unknown padding_mode or padding string,
            padding="same"
            with a stride, or a size that is not an int or a 1-tuple.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Conv1d(4, 8, 3, padding=1)(cr.randn(2, 4, 10)).shape
        chainrule.Size([2, 8, 10])
        >>> conv = cr.nn.Conv1d(1, 1, 3, padding=1, padding_mode="circular", bias=False)
        >>> with cr.no_grad():
        ...     _ = conv.weight.fill_(1.0)  # each output: the sum of three neighbours, wrapping around
        >>> conv(cr.tensor([[[1.0, 2.0, 3.0, 4.0]]]))
        tensor([[[7., 6., 9., 8.]]], grad_fn=<...>)
    """

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode != "zeros":
            if self.padding == "same":
                total = self.dilation[0] * (self.kernel_size[0] - 1)
                widths = (total // 2, total - total // 2)
            else:
                widths = (0, 0) if self.padding == "valid" else (self.padding[0],) * 2
            x = pad(input, widths, mode=self.padding_mode)
            return conv1d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, output_padding)

    def _output_padding(self, input: Tensor, output_size) -> tuple:
        """The output_padding that gives `output_size` (PyTorch's _ConvTransposeNd._output_padding)."""
        if output_size is None:
            return self.output_padding
        n = self._n
        lead = 2 if input.ndim == n + 2 else 1
        size = tuple(int(v) for v in output_size)
        if len(size) == lead + n:
            size = size[lead:]
        if len(size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.ndim}D input, output_size must have {n} or {lead + n} "
                             f"elements (got {len(size)})")
        lo = [(input.shape[d + lead] - 1) * self.stride[d] - 2 * self.padding[d]
              + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        hi = [lo[d] + self.stride[d] - 1 for d in range(n)]
        for d in range(n):
            if not lo[d] <= size[d] <= hi[d]:
                raise ValueError(f"requested an output size of {list(size)}, but valid sizes range from {lo} to "
                                 f"{hi} (for an input of {list(input.shape[lead:])})")
        return tuple(size[d] - lo[d] for d in range(n))


class ConvTranspose1d(_ConvTransposeNd):
    """A 1-D transposed convolution over (N, C_in, L): the adjoint of Conv1d (upsamples by `stride`).

    Each input position adds kernel_size weighted copies of its value to the output, stride apart: the
    gradient of a Conv1d with respect to its input.

    Args:
        in_channels: the number of channels of the input.
        out_channels: the number of channels of the output.
        kernel_size: the filter length, an int or a 1-tuple.
        stride: the step of the filter, an int or a 1-tuple (default 1).
        padding: zero padding added on each side, an int or a 1-tuple (default 0).
        output_padding: extra size added on one side of the output, smaller than stride or dilation (default
            0); it resolves which of the several output sizes that pool to the input's size is meant.
        groups: split the channels into independent groups (default 1).
        bias: learn a bias (default True).
        dilation: spacing between filter elements (default 1).
        padding_mode: only "zeros" (the default) is accepted, as in PyTorch.
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    The forward takes `(input, output_size=None)`: with output_size (L_out, or (N, C_out, L_out)) the
    output_padding giving that length is chosen.

    Shape:
        - Input: (N, C_in, L) or (C_in, L).
        - Output: (N, C_out, L_out), L_out = (L - 1) stride - 2 padding + dilation (kernel_size - 1) +
          output_padding + 1.

    Attributes:
        weight: (in_channels, out_channels / groups, kernel_size). bias: (out_channels,) or None.

    Raises:
        ValueError: channels not divisible by groups, a padding_mode other than "zeros", or an output_size no
            output_padding reaches.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.ConvTranspose1d(16, 8, 3, stride=2)(cr.randn(4, 16, 10)).shape
        chainrule.Size([4, 8, 21])
        >>> up = cr.nn.ConvTranspose1d(1, 1, 2, stride=2, bias=False)
        >>> with cr.no_grad():
        ...     _ = up.weight.copy_(cr.tensor([[[1.0, 10.0]]]))
        >>> up(cr.tensor([[[1.0, 2.0, 3.0]]]))  # each value x becomes (x, 10 x)
        tensor([[[ 1., 10.,  2., 20.,  3., 30.]]], grad_fn=<...>)
    """

    _n = 1

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        op = self._output_padding(input, output_size)
        return conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    """A 2-D transposed convolution over (N, C_in, H, W): the adjoint of Conv2d (upsamples by `stride`).

    Args:
        in_channels: the number of channels of the input.
        out_channels: the number of channels of the output.
        kernel_size: the filter size, an int or (kh, kw).
        stride: the step of the filter, an int or a 2-tuple (default 1).
        padding: zero padding added on each side, an int or a 2-tuple (default 0).
        output_padding: extra size added on one side of the output, smaller than stride or dilation (default
            0); it resolves which of the several output sizes that pool to the input's size is meant.
        groups: split the channels into independent groups (default 1).
        bias: learn a bias (default True).
        dilation: spacing between filter elements (default 1).
        padding_mode: only "zeros" (the default) is accepted, as in PyTorch.
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    The forward takes `(input, output_size=None)`: with output_size ((H_out, W_out), or with N and C) the
    output_padding giving that size is chosen.

    Shape:
        - Input: (N, C_in, H, W) or (C_in, H, W).
        - Output: (N, C_out, H_out, W_out), H_out = (H - 1) stride - 2 padding + dilation (kh - 1) +
          output_padding + 1 (W_out likewise).

    Raises:
        ValueError: channels not divisible by groups, a padding_mode other than "zeros", or an output_size no
            output_padding reaches.

    Attributes:
        weight: (in_channels, out_channels / groups, kh, kw). bias: (out_channels,) or None.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1)(cr.randn(1, 8, 7, 7)).shape
        chainrule.Size([1, 4, 14, 14])
        >>> up = cr.nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1)
        >>> up(cr.randn(1, 8, 7, 7)).shape, up(cr.randn(1, 8, 7, 7), output_size=(14, 14)).shape
        (chainrule.Size([1, 4, 13, 13]), chainrule.Size([1, 4, 14, 14]))
    """

    _n = 2

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        op = self._output_padding(input, output_size)
        return conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                self.dilation)
