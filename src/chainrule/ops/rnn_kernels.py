"""The recurrences of RNN (tanh / relu), LSTM and GRU over a whole sequence, forward and BPTT, on ndarrays.

Each `*_forward(xp, h0, [c0,] w_hh, b_hh, bs, reverse)` runs one layer in one direction over time-major input
projections `xp` (T, B, G*H) that the caller computed with ONE matrix product for all time steps (x @ W_ih.T +
b_ih, plus b_hh where it adds outside a gate product). It returns the outputs (T, B, H), the last states and a
cache; `*_backward(cache, dout, dh_n, [dc_n,] w_hh)` walks the steps in reverse (backpropagation through time) and
returns the gradient of `xp` (which the caller turns into dL/dx, dL/dW_ih and dL/db_ih with one product each), of
h0 [and c0], of W_hh (one product over all steps) and of b_hh. The LSTM over full batches (`lstm_forward`,
`lstm_backward`) is the exception: it takes x and the weights and does the projections itself (see there).

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
def lstm_gate_scale(H: int, dtype) -> np.ndarray:
    """(4H,): 0.5 on the sigmoid gates' columns (i, f, o), 1 on g's. sigmoid(x) = 0.5 tanh(0.5 x) + 0.5, so with
    the pre-activations scaled by it one tanh call activates all 4 gates. lstm_forward_packed wants its `xp`
    scaled so; the caller scales the small W_ih^T and bias, not the (T, B, 4H) projections (lstm_forward folds
    the same 0.5 into its own stacked weight)."""
    return _sig_tanh_affine(4, H, 2, dtype)[0]


def _lstm_cell(g, cp, cn, tc, hn, ig, a, b) -> None:
    """One step of lstm_forward_packed from the scaled gate pre-activations g (B, 4H), activated in place:
    c' = f c + i g into cn, tanh(c') into tc, h' = o tanh(c') into hn (ig: scratch for i g)."""
    H = cp.shape[1]
    np.tanh(g, out=g)
    g *= a
    g += b
    np.multiply(g[:, H:2 * H], cp, out=cn)
    np.multiply(g[:, :H], g[:, 2 * H:3 * H], out=ig)
    cn += ig
    np.tanh(cn, out=tc)
    np.multiply(g[:, 3 * H:], tc, out=hn)


def _lstm_factors(i, f, gg, o, tanhc, cprev, Ki, Kf, Kg, Ko, P, tmp) -> None:
    """The steps' local derivatives from the activated gates, into P = o tanh'(c) and the K's: Ki = g sig'(i),
    Kf = c_{t-1} sig'(f), Kg = i tanh'(g), Ko = tanh(c) sig'(o), with sig' = s - s^2 and tanh' = 1 - t^2."""
    np.multiply(tanhc, tanhc, out=P)
    np.subtract(1, P, out=P)
    P *= o
    for s, partner, sigmoid, k in ((i, gg, True, Ki), (f, cprev, True, Kf), (gg, i, False, Kg), (o, tanhc, True, Ko)):
        np.multiply(s, s, out=tmp)
        np.subtract(s if sigmoid else 1, tmp, out=tmp)
        np.multiply(partner, tmp, out=k)


SMALL_MNK = 1_000_000  # OpenBLAS multiplies products with M*N*K up to this without packing (~1.4x faster here)


def _row_chunks(M: int, N: int, K: int) -> list[slice]:
    """Row blocks of an (M, K) @ (K, N) product, each small enough (M_i * N * K <= SMALL_MNK) for OpenBLAS's
    small-matrix kernel, which does not pack (copy) its operands: a step's (4H, I+H+1) @ (I+H+1, B) product runs
    ~1.4x faster as four (H, I+H+1) products than as one, for which OpenBLAS repacks the whole weight every step.
    Blocks of equal size in multiples of 16 rows; a product that is small already, or large enough (over 8 such
    blocks) for packing to pay, stays whole."""
    n = (M * N * K + SMALL_MNK - 1) // SMALL_MNK
    while n <= 8:
        m = (M + n - 1) // n
        m = (m + 15) // 16 * 16
        if m * N * K <= SMALL_MNK or m == 16:
            return [slice(i, min(i + m, M)) for i in range(0, M, m)]
        n += 1
    return [slice(0, M)]


BLOCK = 4  # steps whose factors are made together, just before those steps run (while they are in the cache)

# ---- LSTM over full batches: the batch is the last axis ---------------------------------------------------------
# Inside lstm_forward / lstm_backward a step's gates are (4H, B): each gate is one contiguous (H, B) block, so every
# elementwise op runs over contiguous memory (on (B, 4H) rows a gate is a strided view, ~3x slower in NumPy). The
# gate blocks are kept in the order (g, i, f, o), so that the three sigmoid gates are one block for the forward's
# activation; the backward writes its factors and dgates in PyTorch's order (i, f, g, o), where the three gates
# it multiplies by dL/dc are one block.
_ORDER = (2, 0, 1, 3)  # the kernels' blocks (g, i, f, o) as blocks of PyTorch's (i, f, g, o)


def _reorder(dst: np.ndarray, src: np.ndarray) -> np.ndarray:
    """dst[block j] = src[block _ORDER[j]] over the first axis, in blocks of a quarter."""
    H = src.shape[0] // 4
    for j, k in enumerate(_ORDER):
        dst[j * H:(j + 1) * H] = src[k * H:(k + 1) * H]
    return dst


def lstm_forward(x, h0, c0, w_ih, w_hh, bias, reverse, batch_first=False):
    """Full batches: x (T, B, I), h0 and c0 (B, H). Each step's gates are ONE product, W @ r_t, of the step's
    column block r_t = [x_t; h_{t-1}; 1] (I + H [+ 1], B) with W = [W_ih | W_hh | bias]: the input projection,
    the recurrent product and the bias at once (in row blocks of W, `_row_chunks`). The blocks of all steps live
    in one (T + 1, I + H [+ 1], B) buffer, each step writing its h into the next step's block; the backward
    multiplies every step's [x_t | h_{t-1}] rows once for every weight's gradient. Returns the outputs (T, B, H) (with batch_first a view of a (B, T, H) array), h_n,
    c_n and the backward's cache."""
    T, B, I = x.shape
    G, H = w_hh.shape
    dt = w_hh.dtype
    K = I + H + (bias is not None)
    w = np.empty((G, K), dt)
    _reorder(w[:, :I], w_ih)
    _reorder(w[:, I:I + H], w_hh)
    if bias is not None:
        _reorder(w[:, -1], bias)
    w[H:] *= 0.5  # sigmoid(z) = 0.5 tanh(0.5 z) + 0.5: halved pre-activations let one tanh call do all four gates
    d = 1 if reverse else 0  # step t multiplies block t + d and writes its h into block t + 1 - d
    xh = np.empty((T + 1, K, B), dt)
    np.copyto(xh[d:T + d, :I], x.transpose(0, 2, 1))
    xh[T * (1 - d), :I] = 0  # the block after the last step holds only its h
    xh[T * d, I:I + H] = h0.T
    if bias is not None:
        xh[:, -1] = 1
    gates = np.empty((T, G, B), dt)
    tanhc = np.empty((T, H, B), dt)
    cbuf = np.empty((T + 1, H, B), dt)  # c before and after every step: the states before the steps are a view
    cs, cprev = (cbuf[:T], cbuf[1:]) if reverse else (cbuf[1:], cbuf[:T])
    cbuf[T * d] = c0.T
    ig = np.empty((H, B), dt)
    chunks = [(w[c], c) for c in _row_chunks(G, B, K)]
    for t in _steps(T, reverse):
        g = gates[t]
        r_t = xh[t + d]
        for wc, c in chunks:
            np.matmul(wc, r_t, out=g[c])
        np.tanh(g, out=g)
        sig = g[H:]
        sig *= 0.5
        sig += 0.5
        cn = cs[t]
        np.multiply(g[2 * H:3 * H], cprev[t], out=cn)  # f c
        np.multiply(g[H:2 * H], g[:H], out=ig)  # i g
        cn += ig
        np.tanh(cn, out=tanhc[t])
        np.multiply(g[3 * H:], tanhc[t], out=xh[t + 1 - d, I:I + H])  # h = o tanh(c)
    hs = xh[1 - d:T + 1 - d, I:I + H]  # (T, H, B)
    if batch_first:
        out = np.empty((B, T, H), dt)
        np.copyto(out, hs.transpose(2, 0, 1))
        out = out.transpose(1, 0, 2)
    else:
        out = np.empty((T, B, H), dt)
        np.copyto(out, hs.transpose(0, 2, 1))
    r = np.empty((T, B, I + H), dt)  # every step's [x_t | h_{t-1}] as rows, for the weights' gradients
    r[:, :, :I] = x
    if reverse:
        r[:T - 1, :, I:], r[T - 1, :, I:] = out[1:], h0
    else:
        r[1:, :, I:], r[0, :, I:] = out[:T - 1], h0
    last = 0 if reverse else T - 1
    return out, out[last].copy(), cs[last].T.copy(), (gates, tanhc, cprev, r, bias is not None, reverse, w_ih, w_hh)


def _lstm_block_factors(gates, tanhc, cprev, K, P, sd, tmp) -> None:
    """_lstm_factors for steps of lstm_forward, from gate blocks (g, i, f, o), into K in PyTorch's order (i, f, g,
    o): the three sigmoid gates are one block, so their derivatives s - s^2 take two calls (into sd), not six."""
    H = tanhc.shape[1]
    gg, i = gates[:, :H], gates[:, H:2 * H]
    sig = gates[:, H:]
    np.multiply(sig, sig, out=sd)
    np.subtract(sig, sd, out=sd)
    np.multiply(sd[:, :H], gg, out=K[:, :H])  # i: g sig'(i)
    np.multiply(sd[:, H:2 * H], cprev, out=K[:, H:2 * H])  # f: c_{t-1} sig'(f)
    np.multiply(sd[:, 2 * H:], tanhc, out=K[:, 3 * H:])  # o: tanh(c) sig'(o)
    np.multiply(gg, gg, out=tmp)
    np.subtract(1, tmp, out=tmp)
    np.multiply(i, tmp, out=K[:, 2 * H:3 * H])  # g: i tanh'(g)
    np.multiply(tanhc, tanhc, out=P)
    np.subtract(1, P, out=P)
    P *= gates[:, 3 * H:]  # o tanh'(c)


def lstm_backward(cache, dout, dh_n, dc_n, need_dx: bool):
    """Backpropagation through lstm_forward: (dL/dx or None, dL/dh0, dL/dc0, dL/dW_ih, dL/dW_hh, dL/dbias or None),
    in PyTorch's layouts."""
    # dL/dc_t += dL/dh_t o tanh'(c_t);  dg = dc i, di = dc g, df = dc c_{t-1}, do = dh tanh(c_t), each times the
    # gate's activation derivative (the K's);  dL/dc_{t-1} = dc f;  dL/dh_{t-1} = W_hh^T dgates
    gates, tanhc, cprev, r, bias, reverse, w_ih, w_hh = cache
    T, G, B = gates.shape
    H, I = G // 4, w_ih.shape[1]
    dt = gates.dtype
    # dL/dgates of every step side by side, in PyTorch's gate order: (4H, T, B), step t's (4H, B) a strided
    # slice; the weights' gradients are then one product, with no reordering or transposing copy
    dg2 = np.empty((G, T, B), dt)
    Kb, Pb, tmp = np.empty((BLOCK, G, B), dt), np.empty((BLOCK, H, B), dt), np.empty((BLOCK, H, B), dt)
    sb = np.empty((BLOCK, 3 * H, B), dt)
    e, dct, dhb, dcb = (np.empty((H, B), dt) for _ in range(4))
    dh, dc = dh_n.T, dc_n.T  # read only: the steps write their gradients into dhb and dcb
    whh_t = w_hh.T
    order = list(_steps(T, not reverse))
    for b0 in range(0, T, BLOCK):
        block = order[b0:b0 + BLOCK]
        lo, k = min(block), len(block)
        _lstm_block_factors(gates[lo:lo + k], tanhc[lo:lo + k], cprev[lo:lo + k], Kb[:k], Pb[:k], sb[:k], tmp[:k])
        for t in block:
            j = t - lo
            np.add(dh, dout[t].T, out=e)
            np.multiply(e, Pb[j], out=dct)
            dct += dc
            dg = dg2[:, t]
            np.multiply(Kb[j, :3 * H].reshape(3, H, B), dct, out=dg[:3 * H].reshape(3, H, B))  # i, f, g
            np.multiply(Kb[j, 3 * H:], e, out=dg[3 * H:])  # o
            np.multiply(dct, gates[t, 2 * H:3 * H], out=dcb)
            np.matmul(whh_t, dg, out=dhb)  # (not in row blocks: on the strided dg they run slower)
            dh, dc = dhb, dcb
    dg2 = dg2.reshape(G, T * B)
    dw = dg2 @ r.reshape(T * B, I + H)  # [dL/dW_ih | dL/dW_hh]
    db = dg2 @ np.ones(T * B, dt) if bias else None
    dx = (dg2.T @ w_ih).reshape(T, B, I) if need_dx else None
    return dx, dh.T.copy(), dc.T.copy(), np.ascontiguousarray(dw[:, :I]), np.ascontiguousarray(dw[:, I:]), db


def lstm_forward_packed(xp, h0, c0, w_hh, bs, reverse):
    """Variable lengths (bs: the active rows per step) over the scaled input projections xp (T, B, 4H) (which
    become the activated gates in place): rows keep their state while inactive, so the full (B, H) states are
    carried and each step's inputs recorded."""
    T, B, G = xp.shape
    H = G // 4
    dt = xp.dtype
    a, b = _sig_tanh_affine(4, H, 2, dt)
    whh_s = np.empty((H, G), dt)
    np.multiply(w_hh.T, a, out=whh_s)  # C order: hp @ whh_s runs ~2x faster than on the F-order view
    gates = xp
    out, tanhc, cs = np.zeros((T, B, H), dt), np.zeros((T, B, H), dt), np.zeros((T, B, H), dt)
    hprev, cprev = np.zeros_like(out), np.zeros_like(out)
    hg, ig = np.empty((B, G), dt), np.empty((B, H), dt)  # scratch for h W^T and i g, reused by every step
    h, c = h0.copy(), c0.copy()
    for t in _steps(T, reverse):
        n = _n(bs, t, B)
        hp, cp = h[:n], c[:n]
        hprev[t, :n] = hp
        cprev[t, :n] = cp
        g = gates[t, :n]
        np.matmul(hp, whh_s, out=hg[:n])
        g += hg[:n]
        _lstm_cell(g, cp, cs[t, :n], tanhc[t, :n], out[t, :n], ig[:n], a, b)
        h[:n] = out[t, :n]
        c[:n] = cs[t, :n]
    return out, h, c, (gates, tanhc, cprev, hprev, bs, reverse)


def lstm_backward_packed(cache, dout, dh_n, dc_n, w_hh):
    """Backpropagation through lstm_forward_packed: (dL/dxp, dL/dh0, dL/dc0, dL/dW_hh)."""
    gates, tanhc, cprev, hprev, bs, reverse = cache
    T, B, G = gates.shape
    H = G // 4
    dt = gates.dtype
    g4 = gates.reshape(T, B, 4, H)
    i, f, gg, o = g4[:, :, 0], g4[:, :, 1], g4[:, :, 2], g4[:, :, 3]
    K = np.empty((T, B, 4, H), dt)  # (Ki, Kf, Kg, Ko) per step
    P = np.empty((T, B, H), dt)
    _lstm_factors(i, f, gg, o, tanhc, cprev, K[:, :, 0], K[:, :, 1], K[:, :, 2], K[:, :, 3], P,
                  np.empty((T, B, H), dt))
    dgates = np.zeros((T, B, 4, H), dtype=dt)  # inactive rows stay zero
    dh, dc = dh_n.copy(), dc_n.copy()
    for t in _steps(T, not reverse):
        n = _n(bs, t, B)
        dhc = dh[:n] + dout[t, :n]
        dct = dhc * P[t, :n]
        dct += dc[:n]
        dg = dgates[t, :n]
        np.multiply(K[t, :n, :3], dct[:, None, :], out=dg[:, :3])
        np.multiply(dhc, K[t, :n, 3], out=dg[:, 3])
        dc[:n] = dct * f[t, :n]
        dh[:n] = dg.reshape(n, G) @ w_hh
    dgates = dgates.reshape(T, B, G)
    return dgates, dh, dc, dgates.reshape(-1, G).T @ hprev.reshape(-1, H)


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
