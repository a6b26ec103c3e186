"""nn.RNN, nn.LSTM and nn.GRU: multi-layer, optionally bidirectional recurrent layers with PyTorch's parameters.

Each layer and direction is one graph node (`ops.recurrent.RecurrentLayer`): one matrix product projects every
time step's input, the recurrence and its backpropagation through time run inside the node. Parameter names and
layouts are PyTorch's (`weight_ih_l0` (G*H, I), `weight_hh_l0` (G*H, H), `bias_ih_l0`, `bias_hh_l0`, `_reverse`
for the backward direction; gates stacked as LSTM (i, f, g, o), GRU (r, z, n)), so state dicts interchange with
PyTorch's both ways. An LSTM with proj_size > 0 (`weight_hr_l0`) runs step by step from differentiable ops.
"""

from __future__ import annotations

import math

from .. import creation
from ..ops import cat, stack
from ..ops.recurrent import GATES, recurrent_layer
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import empty_parameter
from .utils.rnn import PackedSequence, packed_to_padded, padded_to_packed


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU (mode "RNN_TANH", "RNN_RELU", "LSTM" or "GRU").

    Build RNN, LSTM or GRU instead; their docstrings describe the arguments in full.

    Args:
        mode: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU".
        input_size: features per step of the input.
        hidden_size: features of the hidden state h.
        num_layers: stacked layers (default 1).
        bias: learn b_ih and b_hh (default True).
        batch_first: (B, T, *) input and output (default False).
        dropout: dropout between layers in training (default 0).
        bidirectional: add a backward direction (default False).
        proj_size: LSTM only: the projected size of h (default 0: none).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Raises:
        ValueError: an argument out of range (see RNN, LSTM).

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.RNNBase("GRU", 4, 8)
        >>> isinstance(cr.nn.GRU(4, 8), cr.nn.RNNBase), [name for name, _ in layer.named_parameters()]
        (True, ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'])
        >>> [[tuple(w.shape) for w in ws] for ws in cr.nn.GRU(4, 8, bidirectional=True).all_weights]
        [[(24, 4), (24, 8), (24,), (24,)], [(24, 4), (24, 8), (24,), (24,)]]
        >>> layer.flatten_parameters()  # nothing to do without cuDNN
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:
        super().__init__()
        if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be an integer greater than zero")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError("num_layers must be an integer greater than zero")
        if not isinstance(proj_size, int) or isinstance(proj_size, bool) or proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        G = GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        real_h = proj_size or hidden_size  # the size of h (the projected size with proj_size > 0)
        self._flat_weights_names = []
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else real_h * dirs
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                shapes = [("weight_ih", (G, in_size)), ("weight_hh", (G, real_h))]
                if bias:
                    shapes += [("bias_ih", (G,)), ("bias_hh", (G,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + sfx, empty_parameter(*shape, dtype=dtype, device=device))
                    self._flat_weights_names.append(name + sfx)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias uniform on [-1/sqrt(hidden_size), 1/sqrt(hidden_size)], as PyTorch.

        Examples:
            >>> import chainrule as cr
            >>> rnn = cr.nn.RNN(3, 4)
            >>> with cr.no_grad():
            ...     _ = rnn.weight_hh_l0.fill_(5.0)
            >>> rnn.reset_parameters()
            >>> bool(rnn.weight_hh_l0.abs().max() <= 0.5)
            True
        """
        stdv = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv)

    @property
    def all_weights(self) -> list:
        """[[w_ih, w_hh, b_ih, b_hh(, w_hr)] per layer and direction], as PyTorch's `all_weights`."""
        per = (4 if self.bias else 2) + (1 if self.proj_size else 0)
        ws = [getattr(self, n) for n in self._flat_weights_names]
        return [ws[i:i + per] for i in range(0, len(ws), per)]

    def flatten_parameters(self) -> None:
        """Accepted for PyTorch compatibility (a cuDNN memory layout; nothing to do on NumPy)."""

    def _layer_params(self, layer: int, d: int) -> tuple:
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        b = (getattr(self, "bias_ih" + sfx), getattr(self, "bias_hh" + sfx)) if self.bias else (None, None)
        return (getattr(self, "weight_ih" + sfx), getattr(self, "weight_hh" + sfx)) + b

    def _check_hidden(self, h: Tensor, B: int, name: str, batched: bool, size: int | None = None) -> Tensor:
        dirs = 2 if self.bidirectional else 1
        want = (self.num_layers * dirs, B, self.hidden_size if size is None else size)
        got = tuple(h._data.shape)
        if (got if batched else (got[0], 1) + got[1:] if len(got) == 2 else got) != want:
            exp = want if batched else (want[0], want[2])
            raise RuntimeError(f"Expected hidden size {exp}, got {list(got)}" if name == "hx"
                               else f"Expected hidden[{name}] size {exp}, got {list(got)}")
        return h if batched else h.unsqueeze(1)

    def forward(self, input, hx=None):
        """Run the layers over `input`; returns (output, h_n), or (output, (h_n, c_n)) for an LSTM.

        Args:
            input: (T, B, input_size) (batch first with batch_first), (T, input_size), or a PackedSequence.
            hx: the initial state (h_0, or (h_0, c_0) for an LSTM), (num_layers * D, B, H) each (default None:
                zeros).
        """
        lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        if packed:
            bs = input.batch_sizes._data
            x = packed_to_padded(input)
            batched, B = True, int(bs[0])
        else:
            bs = None
            if input.dim() not in (2, 3):
                raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D "
                                 "instead")
            batched = input.dim() == 3
            x = input if not batched else input.transpose(0, 1) if self.batch_first else input
            if not batched:
                x = x.unsqueeze(1)
            B = x._data.shape[1]
        if x._data.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {x._data.shape[-1]}")
        dirs = 2 if self.bidirectional else 1
        P = self.proj_size
        if hx is None:
            h0 = creation.zeros(self.num_layers * dirs, B, self.hidden_size, dtype=x.dtype)
            c0 = h0 if lstm else None
            if P:
                h0 = creation.zeros(self.num_layers * dirs, B, P, dtype=x.dtype)
        elif lstm:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise RuntimeError("LSTM: hx must be a tuple (h_0, c_0)")
            h0 = self._check_hidden(hx[0], B, "0", batched, P or None)
            c0 = self._check_hidden(hx[1], B, "1", batched)
        else:
            h0, c0 = self._check_hidden(hx, B, "hx", batched), None
        if packed and input.sorted_indices is not None and hx is not None:
            h0 = h0.index_select(1, input.sorted_indices)
            c0 = c0.index_select(1, input.sorted_indices) if lstm else None
        hs, cs = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                k = layer * dirs + d
                if P:
                    sfx = f"_l{layer}" + ("_reverse" if d else "")
                    res = _lstm_proj_layer(x, h0[k], c0[k], *self._layer_params(layer, d),
                                           getattr(self, "weight_hr" + sfx), bs, bool(d))
                    outs.append(res[0])
                    hs.append(res[1])
                    cs.append(res[2])
                    continue
                res = recurrent_layer(x, h0[k], c0[k] if lstm else None, *self._layer_params(layer, d),
                                      self.mode, bs, bool(d), batched and self.batch_first and dirs == 1)
                outs.append(res[0])
                hs.append(res[1])
                if lstm:
                    cs.append(res[2])
            x = outs[0] if dirs == 1 else cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        h_n = stack(hs, 0)
        c_n = stack(cs, 0) if lstm else None
        if packed:
            out = PackedSequence(padded_to_packed(x, bs), input.batch_sizes, input.sorted_indices,
                                 input.unsorted_indices)
            if input.unsorted_indices is not None:
                h_n = h_n.index_select(1, input.unsorted_indices)
                c_n = c_n.index_select(1, input.unsorted_indices) if lstm else None
        else:
            out = x if batched and not self.batch_first else x.transpose(0, 1) if batched else x.squeeze(1)
            if not batched:
                h_n = h_n.squeeze(1)
                c_n = c_n.squeeze(1) if lstm else None
        return (out, (h_n, c_n)) if lstm else (out, h_n)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        return s


def _lstm_proj_layer(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, bs, reverse: bool):
    """One LSTM layer with projections (PyTorch's proj_size > 0), one direction, step by step from differentiable
    ops (autograd does the backpropagation through time): gates from x_t and the projected h_{t-1};
    c_t = f c_{t-1} + i g; h_t = (o tanh(c_t)) W_hr^T. With batch sizes `bs` (packed input) only rows [:bs[t]]
    step at t; the other rows keep their state and output zeros. Returns (out (T, B, P), h_n (B, P), c_n (B, H))."""
    T, B = x._data.shape[0], x._data.shape[1]
    H = w_hr._data.shape[1]
    xp = x @ w_ih.transpose(0, 1)
    if b_ih is not None:
        xp = xp + b_ih + b_hh
    whh_t, whr_t = w_hh.transpose(0, 1), w_hr.transpose(0, 1)
    h, c = h0, c0
    outs = [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        n = B if bs is None else int(bs[t])
        hp, cp = (h, c) if n == B else (h[:n], c[:n])
        g = xp[t] if n == B else xp[t][:n]
        g = g + hp @ whh_t
        i, f = g[:, :H].sigmoid(), g[:, H:2 * H].sigmoid()
        gg, o = g[:, 2 * H:3 * H].tanh(), g[:, 3 * H:].sigmoid()
        cn = f * cp + i * gg
        hn = (o * cn.tanh()) @ whr_t
        if n == B:
            h, c, outs[t] = hn, cn, hn
        else:
            h, c = cat([hn, h[n:]], 0), cat([cn, c[n:]], 0)
            outs[t] = cat([hn, creation.zeros(B - n, hn._data.shape[1], dtype=hn.dtype)], 0)
    return stack(outs, 0), h, c


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu with nonlinearity="relu").

    The forward takes `(input, hx=None)` and returns `(output, h_n)`. The whole sequence of each layer and
    direction is one graph node; backpropagation through time runs inside it.

    The arguments below are taken by keyword or in this (PyTorch's) positional order.

    Keyword Args:
        input_size: features per step of the input.
        hidden_size: features of the hidden state h.
        num_layers: stacked layers (default 1); layer k > 0 reads layer k-1's outputs.
        bias: learn b_ih and b_hh (default True).
        batch_first: input and output are (B, T, *) instead of (T, B, *) (default False; h_n stays
            (num_layers * D, B, H)).
        dropout: dropout probability on the outputs of every layer but the last, in training (default 0).
        bidirectional: add a layer running backwards in time (`_reverse` parameters); outputs concatenate both
            directions (default False).
        nonlinearity: "tanh" (default) or "relu" (keyword, or the 4th positional argument as in PyTorch).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (T, B, input_size), (B, T, input_size) with batch_first, (T, input_size) unbatched, or a
          PackedSequence (`nn.utils.rnn.pack_padded_sequence`).
        - Hx (h_0): (num_layers * D, B, hidden_size), D = 2 if bidirectional else 1 (default None: zeros).
        - Output: (T, B, D * hidden_size), the last layer's h_t at every step (batch first with batch_first; a
          PackedSequence for a packed input).
        - H_n: (num_layers * D, B, hidden_size), every layer's final state.

    Attributes:
        weight_ih_l{k}: (G * hidden_size, input_size) for k = 0, (G * hidden_size, D * hidden_size) after.
        weight_hh_l{k}: (G * hidden_size, hidden_size).
        bias_ih_l{k}, bias_hh_l{k}: (G * hidden_size,), G = 1; the backward direction's end in `_reverse`; all
            start U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch's.

    Raises:
        ValueError: dropout outside [0, 1], hidden_size or num_layers not a positive int, or an input that is
            neither 2-D nor 3-D.
        RuntimeError: the input's last dimension is not input_size, or an initial state of the wrong shape.
        ValueError: an unknown nonlinearity.

    Examples:
        >>> import chainrule as cr
        >>> rnn = cr.nn.RNN(10, 20, num_layers=2)
        >>> output, h_n = rnn(cr.randn(5, 3, 10))  # T=5 steps, B=3 sequences
        >>> output.shape, h_n.shape
        (chainrule.Size([5, 3, 20]), chainrule.Size([2, 3, 20]))
        >>> rnn = cr.nn.RNN(1, 1, nonlinearity="relu", bias=False)
        >>> with cr.no_grad():
        ...     _ = rnn.weight_ih_l0.fill_(1.0), rnn.weight_hh_l0.fill_(0.5)  # h_t = relu(x_t + 0.5 h_{t-1})
        >>> output, h_n = rnn(cr.tensor([[[1.0]], [[2.0]], [[3.0]]]))
        >>> output.flatten()
        tensor([1.0000, 2.5000, 4.2500], grad_fn=<...>)
    """

    def __init__(self, *args, nonlinearity: str = "tanh", **kwargs) -> None:
        if len(args) > 3:  # PyTorch's positional order: input_size, hidden_size, num_layers, nonlinearity, ...
            nonlinearity, args = args[3], args[:3] + args[4:]
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)


class LSTM(RNNBase):
    """LSTM: gates i, f, g, o = sigma, sigma, tanh, sigma(x W_ih^T + b_ih + h W_hh^T + b_hh);
    c_t = f c_{t-1} + i g; h_t = o tanh(c_t). forward(input, (h_0, c_0)) -> (output, (h_n, c_n)).

    The gates are stacked in the weights in PyTorch's order (i, f, g, o), so state dicts interchange.

    The arguments below are taken by keyword or in this (PyTorch's) positional order.

    Keyword Args:
        input_size: features per step of the input.
        hidden_size: features of the hidden state h.
        num_layers: stacked layers (default 1); layer k > 0 reads layer k-1's outputs.
        bias: learn b_ih and b_hh (default True).
        batch_first: input and output are (B, T, *) instead of (T, B, *) (default False; h_n stays
            (num_layers * D, B, H)).
        dropout: dropout probability on the outputs of every layer but the last, in training (default 0).
        bidirectional: add a layer running backwards in time (`_reverse` parameters); outputs concatenate both
            directions (default False).
        proj_size: if > 0 (and < hidden_size), h_t = W_hr (o_t * tanh(c_t)) is projected to proj_size
            features (`weight_hr_l{k}` (proj_size, hidden_size); weight_hh becomes (4*hidden_size,
            proj_size));
            this path runs step by step from differentiable ops instead of the fused node (default 0).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (T, B, input_size), (B, T, input_size) with batch_first, (T, input_size) unbatched, or a
          PackedSequence (`nn.utils.rnn.pack_padded_sequence`).
        - Hx = (h_0, c_0): (num_layers * D, B, hidden_size), D = 2 if bidirectional else 1 (default None:
          zeros).
        - Output: (T, B, D * hidden_size), the last layer's h_t at every step (batch first with batch_first; a
          PackedSequence for a packed input).
        - (h_n, c_n): (num_layers * D, B, hidden_size), every layer's final state.
        - With proj_size > 0, h_0, h_n and the output have proj_size features instead of hidden_size (c keeps
          hidden_size).

    Attributes:
        weight_ih_l{k}: (G * hidden_size, input_size) for k = 0, (G * hidden_size, D * hidden_size) after.
        weight_hh_l{k}: (G * hidden_size, hidden_size).
        bias_ih_l{k}, bias_hh_l{k}: (G * hidden_size,), G = 4; the backward direction's end in `_reverse`; all
            start U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch's.

    Raises:
        ValueError: dropout outside [0, 1], hidden_size or num_layers not a positive int, or an input that is
            neither 2-D nor 3-D.
        RuntimeError: the input's last dimension is not input_size, or an initial state of the wrong shape.
        ValueError: proj_size negative or >= hidden_size.

    Examples:
        >>> import chainrule as cr
        >>> lstm = cr.nn.LSTM(10, 20, num_layers=2)
        >>> output, (h_n, c_n) = lstm(cr.randn(5, 3, 10))
        >>> output.shape, h_n.shape, c_n.shape
        (chainrule.Size([5, 3, 20]), chainrule.Size([2, 3, 20]), chainrule.Size([2, 3, 20]))
        >>> [tuple(w.shape) for w in lstm.all_weights[0]]  # layer 0: w_ih, w_hh, b_ih, b_hh
        [(80, 10), (80, 20), (80,), (80,)]
        >>> lstm.flatten_parameters()  # a no-op, for PyTorch code that calls it
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """GRU: r, z = sigma(x W_i{r,z}^T + b_i + h W_h{r,z}^T + b_h); n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn));
    h_t = (1 - z) n + z h_{t-1}.

    The forward takes `(input, hx=None)` and returns `(output, h_n)`; the gates are stacked in PyTorch's order
    (r, z, n).

    The arguments below are taken by keyword or in this (PyTorch's) positional order.

    Keyword Args:
        input_size: features per step of the input.
        hidden_size: features of the hidden state h.
        num_layers: stacked layers (default 1); layer k > 0 reads layer k-1's outputs.
        bias: learn b_ih and b_hh (default True).
        batch_first: input and output are (B, T, *) instead of (T, B, *) (default False; h_n stays
            (num_layers * D, B, H)).
        dropout: dropout probability on the outputs of every layer but the last, in training (default 0).
        bidirectional: add a layer running backwards in time (`_reverse` parameters); outputs concatenate both
            directions (default False).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (T, B, input_size), (B, T, input_size) with batch_first, (T, input_size) unbatched, or a
          PackedSequence (`nn.utils.rnn.pack_padded_sequence`).
        - Hx (h_0): (num_layers * D, B, hidden_size), D = 2 if bidirectional else 1 (default None: zeros).
        - Output: (T, B, D * hidden_size), the last layer's h_t at every step (batch first with batch_first; a
          PackedSequence for a packed input).
        - H_n: (num_layers * D, B, hidden_size), every layer's final state.

    Attributes:
        weight_ih_l{k}: (G * hidden_size, input_size) for k = 0, (G * hidden_size, D * hidden_size) after.
        weight_hh_l{k}: (G * hidden_size, hidden_size).
        bias_ih_l{k}, bias_hh_l{k}: (G * hidden_size,), G = 3; the backward direction's end in `_reverse`; all
            start U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch's.

    Raises:
        ValueError: dropout outside [0, 1], hidden_size or num_layers not a positive int, or an input that is
            neither 2-D nor 3-D.
        RuntimeError: the input's last dimension is not input_size, or an initial state of the wrong shape.

    Examples:
        >>> import chainrule as cr
        >>> gru = cr.nn.GRU(10, 20, batch_first=True, bidirectional=True)
        >>> output, h_n = gru(cr.randn(3, 5, 10))  # B=3, T=5
        >>> output.shape, h_n.shape  # both directions concatenated
        (chainrule.Size([3, 5, 40]), chainrule.Size([2, 3, 20]))
        >>> from chainrule.nn.utils.rnn import pack_sequence
        >>> packed = pack_sequence([cr.randn(4, 10), cr.randn(2, 10)])  # two sequences of lengths 4 and 2
        >>> output, h_n = cr.nn.GRU(10, 20)(packed)
        >>> type(output).__name__, h_n.shape
        ('PackedSequence', chainrule.Size([1, 2, 20]))
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("GRU", *args, **kwargs)
