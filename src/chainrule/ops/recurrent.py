"""RecurrentLayer: one layer of RNN / LSTM / GRU in one direction over a whole sequence, as ONE graph node.

Forward: one matrix product for every time step's input projection (x @ W_ih.T + b_ih), then the recurrence
(`rnn_kernels`). Backward: backpropagation through time inside the node, then one product each for dL/dx,
dL/dW_ih and dL/dW_hh. (An LSTM over full batches runs wholly in its kernel, which multiplies each step's input
and state by one matrix and all the weights' gradients in one product.) The node has several outputs (the outputs, h_n, and c_n for an LSTM), so it is a
`Function` whose forward and backward unwrap to arrays; nn.RNN/LSTM/GRU and the cells build on `recurrent_layer`.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function, once_differentiable
from ..tensor import Tensor
from . import rnn_kernels as K

MODES = ("RNN_TANH", "RNN_RELU", "LSTM", "GRU")
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _arr(t):
    return None if t is None else t._data


class RecurrentLayer(Function):
    """(x (T, B, I), h0 (B, H), c0 | None, W_ih, W_hh, b_ih | None, b_hh | None) -> (out (T, B, H), h_n[, c_n])."""

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, mode, batch_sizes, reverse, batch_first=False):
        xa, wi, wh, bi, bh = x._data, w_ih._data, w_hh._data, _arr(b_ih), _arr(b_hh)
        T, B, _ = xa.shape
        bias = None if bi is None else bi if bh is None or mode == "GRU" else bi + bh  # b_hh adds outside r (GRU)
        ctx.set_materialize_grads(False)
        ctx.x2, ctx.rows, ctx.shape = None, mode == "LSTM" and batch_sizes is None, (T, B, wh.shape[1])
        if ctx.rows:  # full LSTM batches: the kernel does the projections too, one product per step
            out, hn, cn, cache = K.lstm_forward(xa, h0._data, c0._data, wi, wh, bias, reverse, batch_first)
            outs = (Tensor._wrap(out), Tensor._wrap(hn), Tensor._wrap(cn))
        else:
            x2 = ctx.x2 = xa.reshape(T * B, -1)
            wi_t = wi.T
            if mode == "LSTM":  # the kernel wants the sigmoid gates' pre-activations halved: exact, on the weights
                scale = K.lstm_gate_scale(wh.shape[1], wi.dtype)
                wi_t = wi_t * scale
                bias = None if bias is None else bias * scale
            xp = x2 @ wi_t  # every step's input projection in one product
            if bias is not None:
                xp += bias
            xp = xp.reshape(T, B, -1)
            if mode == "LSTM":
                out, hn, cn, cache = K.lstm_forward_packed(xp, h0._data, c0._data, wh, batch_sizes, reverse)
                outs = (Tensor._wrap(out), Tensor._wrap(hn), Tensor._wrap(cn))
            elif mode == "GRU":
                out, hn, cache = K.gru_forward(xp, h0._data, wh, bh, batch_sizes, reverse)
                outs = (Tensor._wrap(out), Tensor._wrap(hn))
            else:
                out, hn, cache = K.rnn_forward(xp, h0._data, wh, batch_sizes, reverse, relu=mode == "RNN_RELU")
                outs = (Tensor._wrap(out), Tensor._wrap(hn))
        ctx.cache, ctx.mode, ctx.w_ih, ctx.w_hh = cache, mode, wi, wh
        ctx.has_b = (bi is not None, bh is not None)
        return outs

    @staticmethod
    @once_differentiable
    def backward(ctx, dout, dhn, dcn=None):
        # BPTT in the kernel gives dL/dxp (every step's gate pre-activations); then, with xp = x W_ih^T + b:
        # dL/dx = dxp @ W_ih ; dL/dW_ih = dxp^T x ; dL/db_ih = sum of dxp over steps and batch
        if ctx.cache is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed). Specify retain_graph=True if you need to backward through the graph "
                "a second time. (The node: RecurrentLayerBackward0.)"
            )
        cache, mode, wh = ctx.cache, ctx.mode, ctx.w_hh
        T, shape_h = ctx.shape[0], ctx.shape[1:]
        zeros_h = None
        if dout is None or dhn is None or (mode == "LSTM" and dcn is None):
            zeros_h = np.zeros(shape_h, dtype=wh.dtype)
        dout = np.zeros((T,) + shape_h, dtype=wh.dtype) if dout is None else dout._data
        dhn = zeros_h if dhn is None else dhn._data
        nig = ctx.needs_input_grad
        dc0 = dw_hh = db_hh = None
        if ctx.rows:  # the whole backward in the kernel, every weight's gradient in one product
            dx, dh0, dc0, dw_ih, dw_hh, db_ih = K.lstm_backward(cache, dout, dhn, zeros_h if dcn is None else dcn._data,
                                                                nig[0])
        else:
            if mode == "LSTM":
                dxp, dh0, dc0, dw_hh = K.lstm_backward_packed(cache, dout, dhn, zeros_h if dcn is None else dcn._data,
                                                              wh)
            elif mode == "GRU":
                dxp, dh0, dw_hh, db_hh = K.gru_backward(cache, dout, dhn, wh)
            else:
                dxp, dh0, dw_hh, db_hh = K.rnn_backward(cache, dout, dhn, wh)
            dxp2 = dxp.reshape(-1, dxp.shape[-1])
            dx = (dxp2 @ ctx.w_ih).reshape(T, -1, ctx.w_ih.shape[1]) if nig[0] else None
            dw_ih = dxp2.T @ ctx.x2 if nig[3] else None
            db_ih = dxp2.sum(axis=0) if ctx.has_b[0] or ctx.has_b[1] else None
        if db_hh is None and ctx.has_b[1]:
            db_hh = db_ih.copy()  # b_hh was folded into xp: the same gradient
        ctx.cache = ctx.x2 = None  # release the sequence's activations (a second backward raises above)
        w = Tensor._wrap
        return (
            w(dx) if dx is not None else None,
            w(dh0) if nig[1] else None,
            w(dc0) if dc0 is not None and nig[2] else None,
            w(dw_ih) if dw_ih is not None else None,
            w(dw_hh) if nig[4] else None,
            w(db_ih) if nig[5] and db_ih is not None else None,
            w(db_hh) if nig[6] and db_hh is not None else None,
            None, None, None, None,
        )


def recurrent_layer(x, h0, c0, w_ih, w_hh, b_ih, b_hh, mode: str, batch_sizes=None, reverse: bool = False,
                    batch_first: bool = False):
    """Run one recurrent layer over time-major x (T, B, I): (out, h_n) or, for "LSTM", (out, h_n, c_n).
    batch_first: the caller turns out into (B, T, H): where the kernel can, out is laid out so in memory (a
    time-major view of it), which saves the copy a following layer would make of the transposed view."""
    return RecurrentLayer.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, mode, batch_sizes, reverse, batch_first)
