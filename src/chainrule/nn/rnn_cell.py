"""nn.RNNCell, nn.LSTMCell, nn.GRUCell: one time step, as one graph node (the recurrent layer over T = 1).

Parameters as PyTorch's: `weight_ih` (G*H, input_size), `weight_hh` (G*H, hidden_size), `bias_ih`, `bias_hh`,
gates stacked LSTM (i, f, g, o), GRU (r, z, n). Unrolling a cell in a Python loop builds one node per step.
"""

from __future__ import annotations

import math

from .. import creation
from ..ops.recurrent import GATES, recurrent_layer
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import empty_parameter


class RNNCellBase(Module):
    """Shared parameters and checks of the three cells (build RNNCell, LSTMCell or GRUCell instead).

    Args:
        mode: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU".
        input_size: features of the input x.
        hidden_size: features of the hidden state h.
        bias: learn b_ih and b_hh (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Examples:
        >>> import chainrule as cr
        >>> cell = cr.nn.RNNCellBase("GRU", 4, 8)
        >>> [(name, tuple(p.shape)) for name, p in cell.named_parameters()]
        [('weight_ih', (24, 4)), ('weight_hh', (24, 8)), ('bias_ih', (24,)), ('bias_hh', (24,))]
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.mode, self.input_size, self.hidden_size, self.bias = mode, input_size, hidden_size, bias
        G = GATES[mode] * hidden_size
        self.weight_ih = empty_parameter(G, input_size, dtype=dtype, device=device)
        self.weight_hh = empty_parameter(G, hidden_size, dtype=dtype, device=device)
        if bias:
            self.bias_ih = empty_parameter(G, dtype=dtype, device=device)
            self.bias_hh = empty_parameter(G, dtype=dtype, device=device)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias uniform on [-1/sqrt(hidden_size), 1/sqrt(hidden_size)], as PyTorch.

        Examples:
            >>> import chainrule as cr
            >>> cell = cr.nn.GRUCell(3, 4)
            >>> with cr.no_grad():
            ...     _ = cell.weight_ih.fill_(5.0)
            >>> cell.reset_parameters()
            >>> bool(cell.weight_ih.abs().max() <= 0.5)
            True
        """
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv)

    def _step(self, input: Tensor, hx, cx=None):
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if input._data.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got {input._data.shape[-1]} "
                               f"expected {self.input_size}")
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        B = x._data.shape[0]
        states = []
        for h in (hx, cx) if self.mode == "LSTM" else (hx,):
            if h is None:
                h = creation.zeros(B, self.hidden_size, dtype=x.dtype)
            else:
                h = h if batched else h.unsqueeze(0)
                if tuple(h._data.shape) != (B, self.hidden_size):
                    raise RuntimeError(f"{name}: Input batch size {B} doesn't match hidden batch size "
                                       f"{h._data.shape[0]}" if h._data.shape[0] != B else
                                       f"{name}: hidden has inconsistent hidden_size: got {h._data.shape[-1]}, "
                                       f"expected {self.hidden_size}")
            states.append(h)
        res = recurrent_layer(x.unsqueeze(0), states[0], states[1] if len(states) > 1 else None, self.weight_ih,
                              self.weight_hh, self.bias_ih, self.bias_hh, self.mode)
        if self.mode == "LSTM":
            h, c = res[1], res[2]
            return (h, c) if batched else (h.squeeze(0), c.squeeze(0))
        return res[1] if batched else res[1].squeeze(0)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu): forward(input (B, I) or (I,), hx=None) -> h'.

    One step of nn.RNN; loop over time in Python to unroll it (one graph node per step).

    Args:
        input_size: features of the input x.
        hidden_size: features of the hidden state h.
        bias: learn b_ih and b_hh (default True).
        nonlinearity: "tanh" (default) or "relu".
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (B, input_size) or (input_size,).
        - Hx: (B, hidden_size) or (hidden_size,) (default None: zeros).
        - Output: h', the shape of hx.

    Raises:
        ValueError: an input that is neither 1-D nor 2-D.
        RuntimeError: the input's last dimension is not input_size, or a state of the wrong shape.
        ValueError: an unknown nonlinearity.

    Examples:
        >>> import chainrule as cr
        >>> cell = cr.nn.RNNCell(1, 1, bias=False, nonlinearity="relu")
        >>> with cr.no_grad():
        ...     _ = cell.weight_ih.fill_(1.0), cell.weight_hh.fill_(0.5)  # h' = relu(x + 0.5 h)
        >>> h = None
        >>> for x in [1.0, 2.0, 3.0]:
        ...     h = cell(cr.tensor([[x]]), h)
        >>> h
        tensor([[4.2500]], grad_fn=<...>)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, bias,
                         device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, hx)


class LSTMCell(RNNCellBase):
    """One LSTM step: forward(input, (h, c) = None) -> (h', c'); gates i, f, g, o as nn.LSTM.

    Args:
        input_size: features of the input x.
        hidden_size: features of the hidden state h.
        bias: learn b_ih and b_hh (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (B, input_size) or (input_size,).
        - Hx: a pair (h, c), each (B, hidden_size) or (hidden_size,) (default None: zeros).
        - Output: the pair (h', c'), shaped as h and c.

    Raises:
        ValueError: an input that is neither 1-D nor 2-D.
        RuntimeError: the input's last dimension is not input_size, or a state of the wrong shape.

    Examples:
        >>> import chainrule as cr
        >>> cell = cr.nn.LSTMCell(10, 20)
        >>> h, c = cell(cr.randn(3, 10))
        >>> h, c = cell(cr.randn(3, 10), (h, c))
        >>> h.shape, c.shape, cell.weight_ih.shape
        (chainrule.Size([3, 20]), chainrule.Size([3, 20]), chainrule.Size([80, 10]))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx=None):
        h, c = (None, None) if hx is None else hx
        return self._step(input, h, c)


class GRUCell(RNNCellBase):
    """One GRU step: forward(input, hx=None) -> h'; gates r, z, n as nn.GRU.

    Args:
        input_size: features of the input x.
        hidden_size: features of the hidden state h.
        bias: learn b_ih and b_hh (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (B, input_size) or (input_size,).
        - Hx: (B, hidden_size) or (hidden_size,) (default None: zeros).
        - Output: h', the shape of hx.

    Raises:
        ValueError: an input that is neither 1-D nor 2-D.
        RuntimeError: the input's last dimension is not input_size, or a state of the wrong shape.

    Examples:
        >>> import chainrule as cr
        >>> cell = cr.nn.GRUCell(10, 20)
        >>> cell(cr.randn(3, 10)).shape, cell(cr.randn(10)).shape  # batched and unbatched
        (chainrule.Size([3, 20]), chainrule.Size([20]))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__("GRU", input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, hx)
