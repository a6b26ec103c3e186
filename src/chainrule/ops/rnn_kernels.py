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
    T, B, _ = xp.shape
    out = np.zeros_like(xp)
    hprev = np.zeros_like(xp)
    h = h0.copy()
    whh_t = np.ascontiguousarray(w_hh.T)  # C order: h @ whh_t runs ~2x faster than on the F-order view
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
def _shift(seq: np.ndarray, first: np.ndarray, reverse: bool) -> np.ndarray:
    """The state before each step: [first, seq[0], ..., seq[T-2]] (reversed direction: [seq[1:], first])."""
    return np.concatenate([seq[1:], first[None]]) if reverse else np.concatenate([first[None], seq[:-1]])


def lstm_gate_scale(H: int, dtype) -> np.ndarray:
    """(4H,): 0.5 on the sigmoid gates' columns (i, f, o), 1 on g's. sigmoid(x) = 0.5 tanh(0.5 x) + 0.5, so with
    the pre-activations scaled by it one tanh call activates all 4 gates. lstm_forward wants its `xp` scaled so:
    the caller folds the scale into the (small) W_ih^T and bias, not into the (T, B, 4H) projections."""
    return _sig_tanh_affine(4, H, 2, dtype)[0]


def lstm_forward(xp, h0, c0, w_hh, bs, reverse):
    T, B, G = xp.shape
    H = G // 4
    dt = xp.dtype
    a, b = _sig_tanh_affine(4, H, 2, dt)
    gates = xp  # the (scaled: lstm_gate_scale) projections become the activated gates in place (the layer's own)
    whh_s = np.ascontiguousarray(w_hh.T) * a  # C order: hp @ whh_s runs ~2x faster than on the F-order view
    var = bs is not None
    new = np.zeros if var else np.empty
    out, tanhc = new((T, B, H), dt), new((T, B, H), dt)
    hg, ig = np.empty((B, G), dt), np.empty((B, H), dt)  # scratch for h W^T and i g, reused by every step
    hp, cp = h0, c0
    if var:  # rows keep their state while inactive: carry full (B, H) states and record each step's inputs
        h, c = h0.copy(), c0.copy()
        cs = np.zeros((T, B, H), dt)
        hprev, cprev = np.zeros_like(out), np.zeros_like(out)
    else:  # c before and after every step in one buffer: the states before the steps are a view, not a copy
        cbuf = np.empty((T + 1, B, H), dt)
        cs, cprev = (cbuf[:T], cbuf[1:]) if reverse else (cbuf[1:], cbuf[:T])
        cbuf[T if reverse else 0] = c0
    for t in _steps(T, reverse):
        n = _n(bs, t, B)
        if var:
            hp, cp = h[:n], c[:n]
            hprev[t, :n] = hp
            cprev[t, :n] = cp
        g = gates[t, :n]
        gh = hg[:n]
        np.matmul(hp, whh_s, out=gh)
        g += gh
        np.tanh(g, out=g)
        g *= a
        g += b
        cn = cs[t, :n]
        np.multiply(g[:, H:2 * H], cp, out=cn)
        np.multiply(g[:, :H], g[:, 2 * H:3 * H], out=ig[:n])
        cn += ig[:n]
        tc = tanhc[t, :n]
        np.tanh(cn, out=tc)
        hn = out[t, :n]
        np.multiply(g[:, 3 * H:], tc, out=hn)
        if var:
            h[:n] = hn
            c[:n] = cn
        else:
            hp, cp = hn, cn
    if not var:
        last = 0 if reverse else T - 1
        h, c = out[last].copy(), cs[last].copy()
        hprev = _shift(out, h0, reverse)  # a copy: `out` is returned to the caller, who may edit it in place
    return out, h, c, (gates, tanhc, hprev, cprev, bs, reverse)


def lstm_backward(cache, dout, dh_n, dc_n, w_hh):
    # dL/dc_t += dL/dh_t o tanh'(c_t);  di = dc g, df = dc c_{t-1}, dg = dc i, do = dh tanh(c_t), each times the
    # gate's activation derivative;  dL/dc_{t-1} = dc f;  dL/dh_{t-1} = dgates @ W_hh
    gates, tanhc, hprev, cprev, bs, reverse = cache
    T, B, G = gates.shape
    H = G // 4
    dt = gates.dtype
    g4 = gates.reshape(T, B, 4, H)
    i, f, gg, o = g4[:, :, 0], g4[:, :, 1], g4[:, :, 2], g4[:, :, 3]
    # every step's factors at once (few large passes instead of many small ones in the loop):
    # P = o tanh'(c); K = (g sig'(i), c_{t-1} sig'(f), i tanh'(g)); Lo = tanh(c) sig'(o)
    P = 1 - tanhc * tanhc
    P *= o
    K = np.empty((T, B, 3, H), dtype=dt)
    np.multiply(gg, i - i * i, out=K[:, :, 0])
    np.multiply(cprev, f - f * f, out=K[:, :, 1])
    np.multiply(i, 1 - gg * gg, out=K[:, :, 2])
    Lo = tanhc * (o - o * o)
    var = bs is not None
    dgates = (np.zeros if var else np.empty)((T, B, 4, H), dtype=dt)  # full batches write every element
    dhc, dct = np.empty((B, H), dt), np.empty((B, H), dt)  # scratch, reused by every step
    if var:
        dh, dc = dh_n.copy(), dc_n.copy()
    else:  # the states' gradients alternate between the caller's arrays (read only) and two fresh buffers
        dh, dc, dhb, dcb = dh_n, dc_n, np.empty((B, H), dt), np.empty((B, H), dt)
    for t in _steps(T, not reverse):
        n = _n(bs, t, B)
        dhc_t, dct_t = dhc[:n], dct[:n]
        np.add(dh[:n], dout[t, :n], out=dhc_t)
        np.multiply(dhc_t, P[t, :n], out=dct_t)
        dct_t += dc[:n]
        dg = dgates[t, :n]
        np.multiply(K[t, :n], dct_t[:, None, :], out=dg[:, :3])
        np.multiply(dhc_t, Lo[t, :n], out=dg[:, 3])
        if var:
            dc[:n] = dct_t * f[t, :n]
            dh[:n] = dg.reshape(n, G) @ w_hh
        else:
            np.multiply(dct_t, f[t], out=dcb)
            np.matmul(dg.reshape(n, G), w_hh, out=dhb)
            dh, dc = dhb, dcb
    dgates = dgates.reshape(T, B, G)
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
    whh_t = np.ascontiguousarray(w_hh.T)  # C order: h @ whh_t runs ~2x faster than on the F-order view
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
