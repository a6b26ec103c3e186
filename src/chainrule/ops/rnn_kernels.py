"""The recurrences of RNN (tanh / relu), LSTM and GRU over a whole sequence, forward and BPTT, on ndarrays.

Each `*_forward(xp, h0, [c0,] w_hh, b_hh, bs, reverse)` runs one layer in one direction over time-major input
projections `xp` (T, B, G*H) that the caller computed with ONE matrix product for all time steps (x @ W_ih.T +
b_ih, plus b_hh where it adds outside a gate product). It returns the outputs (T, B, H), the last states and a
cache; `*_backward(cache, dout, dh_n, [dc_n,] w_hh)` walks the steps in reverse (backpropagation through time) and
returns the gradient of `xp` (which the caller turns into dL/dx, dL/dW_ih and dL/db_ih with one product each), of
h0 [and c0], of W_hh (one product over all steps) and of b_hh.

Variable lengths (packed sequences) come as `bs`: the number of active rows at each step, non-increasing, the
rows sorted by decreasing length (PyTorch's batch_sizes). At step t only rows [:bs[t]] are updated; the others
keep their state, which is what both directions need: a finished row keeps its last state (h_n), a row whose
reverse pass has not started yet keeps h0. Outputs of inactive rows are zero, as pad_packed_sequence pads.

Gate orders are PyTorch's: LSTM (i, f, g, o), GRU (r, z, n).
"""

from __future__ import annotations

import numpy as np


def _steps(T: int, reverse: bool):
    return range(T - 1, -1, -1) if reverse else range(T)


def _n(bs, t: int, B: int) -> int:
    return B if bs is None else int(bs[t])


def _sig_tanh_affine(G: int, H: int, tanh_block: int | None, dtype) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) with sigmoid(x) = a*tanh(a*x)+b on the sigmoid blocks and tanh(x) on `tanh_block` (a=1, b=0)."""
    a = np.full(G * H, 0.5, dtype=dtype)
    b = np.full(G * H, 0.5, dtype=dtype)
    if tanh_block is not None:
        a[tanh_block * H:(tanh_block + 1) * H] = 1
        b[tanh_block * H:(tanh_block + 1) * H] = 0
    return a, b


# ---- plain RNN: h' = act(xp_t + h W_hh^T) ----------------------------------------------------------------------
def rnn_forward(xp, h0, w_hh, bs, reverse, relu=False):
    T, B, H = xp.shape
    out = np.zeros_like(xp)
    hprev = np.zeros_like(xp)
    h = h0.copy()
    whh_t = w_hh.T
    for t in _steps(T, reverse):
        n = _n(bs, t, B)
        hp = h[:n]
        hprev[t, :n] = hp
        a = out[t, :n]
        np.matmul(hp, whh_t, out=a)
        a += xp[t, :n]
        if relu:
            np.maximum(a, 0, out=a)
        else:
            np.tanh(a, out=a)
        h[:n] = a
    return out, h, (out, hprev, bs, reverse, relu)


def rnn_backward(cache, dout, dh_n, w_hh):
    # h_t = act(a_t), a_t = xp_t + h_{t-1} W^T:  dL/da_t = (dL/dh_t) * act'(a_t);  dL/dh_{t-1} = dL/da_t @ W
    out, hprev, bs, reverse, relu = cache
    T, B, H = out.shape
    da = np.zeros_like(out)
    dh = dh_n.copy()
    for t in _steps(T, not reverse):
        n = _n(bs, t, B)
        d = da[t, :n]
        np.add(dh[:n], dout[t, :n], out=d)
        y = out[t, :n]
        if relu:
            d *= y > 0
        else:
            d *= 1 - y * y  # tanh' = 1 - tanh^2
        dh[:n] = d @ w_hh
    dw_hh = da.reshape(-1, H).T @ hprev.reshape(-1, H)  # dL/dW_hh = sum_t da_t^T h_{t-1}
    return da, dh, dw_hh, None


# ---- LSTM: i, f, g, o = sig, sig, tanh, sig (xp_t + h W_hh^T); c' = f c + i g; h' = o tanh(c') ------------------
def lstm_forward(xp, h0, c0, w_hh, bs, reverse):
    T, B, G = xp.shape
    H = G // 4
    a, b = _sig_tanh_affine(4, H, 2, xp.dtype)
    gates = np.empty_like(xp)  # activated gates, per step
    out = np.zeros((T, B, H), dtype=xp.dtype)
    tanhc = np.zeros((T, B, H), dtype=xp.dtype)
    hprev = np.zeros((T, B, H), dtype=xp.dtype)
    cprev = np.zeros((T, B, H), dtype=xp.dtype)
    h, c = h0.copy(), c0.copy()
    whh_t = w_hh.T
    for t in _steps(T, reverse):
        n = _n(bs, t, B)
        hp, cp = h[:n], c[:n]
        hprev[t, :n] = hp
        cprev[t, :n] = cp
        g = gates[t, :n]
        np.matmul(hp, whh_t, out=g)
        g += xp[t, :n]
        g *= a  # sigmoid(x) = 0.5 tanh(0.5 x) + 0.5: one tanh pass for all four gates
        np.tanh(g, out=g)
        g *= a
        g += b
        cn = g[:, H:2 * H] * cp
        cn += g[:, :H] * g[:, 2 * H:3 * H]
        c[:n] = cn
        tc = tanhc[t, :n]
        np.tanh(cn, out=tc)
        hn = out[t, :n]
        np.multiply(g[:, 3 * H:], tc, out=hn)
        h[:n] = hn
    if bs is not None:  # rows never updated at a step hold garbage in `gates`; their gradients must stay 0
        for t in range(T):
            gates[t, int(bs[t]):] = 0
    # the activation's derivative, for all steps at once: sigmoid' = s - s^2, tanh' = 1 - t^2
    deriv = gates * (a == 0.5) + (a == 1) - gates * gates
    return out, h, c, (gates, deriv, tanhc, hprev, cprev, bs, reverse)


def lstm_backward(cache, dout, dh_n, dc_n, w_hh):
    # dL/dc_t += dL/dh_t o tanh'(c_t);  di = dc g, df = dc c_{t-1}, dg = dc i, do = dh tanh(c_t), each times the
    # gate's activation derivative;  dL/dc_{t-1} = dc f;  dL/dh_{t-1} = dgates @ W_hh
    gates, deriv, tanhc, hprev, cprev, bs, reverse = cache
    T, B, G = gates.shape
    H = G // 4
    dgates = np.zeros_like(gates)
    dh, dc = dh_n.copy(), dc_n.copy()
    for t in _steps(T, not reverse):
        n = _n(bs, t, B)
        g = gates[t, :n]
        dhc = dh[:n] + dout[t, :n]
        tc = tanhc[t, :n]
        o = g[:, 3 * H:]
        dct = dc[:n] + dhc * o * (1 - tc * tc)
        dg = dgates[t, :n]
        dg[:, :H] = g[:, 2 * H:3 * H]
        dg[:, H:2 * H] = cprev[t, :n]
        dg[:, 2 * H:3 * H] = g[:, :H]
        dg3 = dg[:, :3 * H].reshape(n, 3, H)
        dg3 *= dct[:, None, :]
        np.multiply(dhc, tc, out=dg[:, 3 * H:])
        dg *= deriv[t, :n]
        dc[:n] = dct * g[:, H:2 * H]
        dh[:n] = dg @ w_hh
    dw_hh = dgates.reshape(-1, G).T @ hprev.reshape(-1, H)
    return dgates, dh, dc, dw_hh, None


# ---- GRU: r, z = sig(xp + h W_hh^T + b_hh); n = tanh(xp_n + r (h W_hn^T + b_hn)); h' = n + z (h - n) --------------
def gru_forward(xp, h0, w_hh, b_hh, bs, reverse):
    T, B, G = xp.shape
    H = G // 3
    gates = np.zeros_like(xp)  # r, z, n per step
    ghn = np.zeros((T, B, H), dtype=xp.dtype)  # h W_hn^T + b_hn, needed for dL/dr
    out = np.zeros((T, B, H), dtype=xp.dtype)
    hprev = np.zeros((T, B, H), dtype=xp.dtype)
    h = h0.copy()
    whh_t = w_hh.T
    for t in _steps(T, reverse):
        n = _n(bs, t, B)
        hp = h[:n]
        hprev[t, :n] = hp
        gh = hp @ whh_t
        if b_hh is not None:
            gh += b_hh
        g = gates[t, :n]
        rz = g[:, :2 * H]
        np.add(xp[t, :n, :2 * H], gh[:, :2 * H], out=rz)
        rz *= 0.5  # sigmoid(x) = 0.5 tanh(0.5 x) + 0.5
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        ghn[t, :n] = gh[:, 2 * H:]
        nn = g[:, 2 * H:]
        np.multiply(rz[:, :H], gh[:, 2 * H:], out=nn)
        nn += xp[t, :n, 2 * H:]
        np.tanh(nn, out=nn)
        hn = out[t, :n]
        np.subtract(hp, nn, out=hn)
        hn *= rz[:, H:]
        hn += nn
        h[:n] = hn
    return out, h, (gates, ghn, hprev, bs, reverse)


def gru_backward(cache, dout, dh_n, w_hh):
    # dn = dh (1-z), dz = dh (h_{t-1} - n), dh_{t-1} = dh z + dgh @ W_hh; with an = pre-activation of n:
    # dan = dn (1-n^2); dgi = (dr*, dz*, dan), dgh = (dr*, dz*, dan r), dr* = dan ghn r(1-r), dz* = dz z(1-z)
    gates, ghn, hprev, bs, reverse = cache
    T, B, G = gates.shape
    H = G // 3
    dgi = np.zeros_like(gates)
    dgh = np.zeros_like(gates)
    dh = dh_n.copy()
    for t in _steps(T, not reverse):
        n = _n(bs, t, B)
        g = gates[t, :n]
        r, z, nn = g[:, :H], g[:, H:2 * H], g[:, 2 * H:]
        hp = hprev[t, :n]
        dhc = dh[:n] + dout[t, :n]
        di = dgi[t, :n]
        dan = di[:, 2 * H:]
        np.multiply(dhc, 1 - z, out=dan)
        dan *= 1 - nn * nn
        di[:, H:2 * H] = dhc * (hp - nn) * (z - z * z)
        di[:, :H] = dan * ghn[t, :n] * (r - r * r)
        dg = dgh[t, :n]
        dg[:, :2 * H] = di[:, :2 * H]
        np.multiply(dan, r, out=dg[:, 2 * H:])
        dhn = dg @ w_hh
        dhn += dhc * z
        dh[:n] = dhn
    dw_hh = dgh.reshape(-1, G).T @ hprev.reshape(-1, H)
    return dgi, dh, dw_hh, dgh.reshape(-1, G).sum(axis=0)
