"""Fused replay kernels for the layers a training step spends its time in: Linear (+ ReLU) and cross-entropy.

Each writes into buffers allocated once (`out=`), passes transposed GEMM operands as views, and computes what
the eager ops compute in the same order, so that the numbers are the same bit for bit:
- Linear: out = x @ W.T (W.T a view), out += b, and a ReLU that only reads that output runs in place on it
  (bias + activation in one buffer). Backward: the ReLU mask, dL/dx = G @ W, and dL/dW = G.T @ x and
  dL/db = sum(G) written straight into the optimizer's flat gradient buffer when the parameter's .grad is empty.
- Cross-entropy (class indices, no weight, smoothing or ignored target): shifted logits, exp, sums, log and the
  picked logits in preallocated arrays; backward (softmax - onehot) * g / N in one buffer.
"""

from __future__ import annotations

import numpy as np

from ..autograd.flow import _sum
from ..ops._rows import rowmax, rowsum
from ..ops._util import zeros_for
from ..ops.nn_fused import gemm_transposed
from ..tensor import Tensor
from .generic import Env, deliver


def sink(env: Env, target, fresh: bool = False):
    """A function taking one gradient computed into a plan buffer (or made `fresh`) and sending it where
    target says: None (no gradient wanted), ('op', slot), ('arg', index), ('leaf', tensor) or ('ret', index)
    (returned to the engine by a graph node, node.py). A buffer is never adopted by a leaf (it is overwritten
    next step): leaves get a copy or an in-place sum, and the engine gets a view (which it copies)."""
    if target is None:
        return None
    kind, where = target
    G, A = env.G, env.A
    if kind == "ret":
        R = env.R

        def to_engine(gi):
            prev = R[where]
            R[where] = (gi if fresh else gi.view()) if prev is None else _sum(prev, gi)
        return to_engine
    if kind == "op":
        def to_op(gi):
            prev = G[where]
            G[where] = gi if prev is None else _sum(prev, gi)
        return to_op
    if kind == "arg":
        return lambda gi: deliver(A[where], gi, False)
    return lambda gi: deliver(where, gi, False)


def param_grad(p: Tensor, flat_view):
    """Write a parameter's gradient: into the optimizer's flat buffer view when .grad is empty (then .grad wraps
    that view, as after zero_grad(set_to_none=False)), else computed fresh and added as the engine does."""
    if flat_view is None:
        return None, None
    return flat_view, Tensor._wrap(flat_view)


class Linear:
    """x @ W.T + b for 2-D x, optionally followed by an in-place ReLU; see the module docstring."""

    def __init__(self, env: Env, k: int, relu_k, x_slot: int, x_shape: tuple, w: Tensor, b, nig: tuple,
                 x_target, w_view, b_view, w_target=None, b_target=None, t_out: bool = False):
        n, out = x_shape[0], w._data.shape[0]
        dt = w._data.dtype
        # A short, wide batch (ops.nn_fused.gemm_transposed, as eager mode decides): out.T = W @ x.T into an
        # (out, n) buffer. With t_out (only Linear ops read the output) the kernel's output is that buffer's
        # transpose, else the bias add writes it C-ordered into buf, as eager mode does. The ReLU mask and its
        # gradient stay C-ordered: NumPy's loops over mixed layouts are slow, and the bias gradient must sum
        # rows in eager's order.
        self.gemm_t = gemm_transposed(x_shape, dt, dt)
        self.t_out = t_out and self.gemm_t
        self.bufT = np.empty((out, n), dt) if self.gemm_t else None
        self.buf = self.bufT.T if self.t_out else np.empty((n, out), dt)
        self.mask = np.empty((n, out), bool) if relu_k is not None else None
        self.gz = np.empty((n, out), dt) if relu_k is not None else None
        self.gx = np.empty(x_shape, dt) if nig[0] and x_target is not None else None
        self.buffers = ([(f"linear{k}.out.T", self.bufT)] if self.gemm_t else []) + (
            [] if self.t_out else [(f"linear{k}.out", self.buf)]) + [
            (f"linear{k}.{name}", a) for name, a in (("relu_mask", self.mask), ("grad_relu", self.gz),
                                                       ("grad_x", self.gx)) if a is not None]
        env.V[k] = self.buf
        if relu_k is not None:
            env.V[relu_k] = self.buf
        self.env, self.k, self.relu_k, self.xs, self.w, self.b, self.nig = env, k, relu_k, x_slot, w, b, nig
        self.reads = [x_slot]  # value slots its forward and backward read (the plan's liveness)
        self.x_sink = sink(env, x_target) if nig[0] else None
        self.w_view, self.w_wrap = param_grad(w, w_view)
        self.b_view, self.b_wrap = param_grad(b, b_view) if b is not None else (None, None)
        ret = ("ret",)
        self.w_sink = sink(env, w_target, True) if w_target and w_target[:1] == ret else None
        self.b_sink = sink(env, b_target, True) if b_target and b_target[:1] == ret else None

    def forward(self):
        V, xs, buf, wT = self.env.V, self.xs, self.buf, self.w._data.T
        b = None if self.b is None else self.b._data
        relu = self.relu_k is not None
        zeros = zeros_for(buf) if relu and not self.t_out else None
        if self.gemm_t:
            if self.t_out:
                zeros = zeros_for(self.bufT).T if relu else None  # laid out as buf: maximum's contiguous loop
            return self._forward_t(V, xs, buf, self.bufT, self.w._data, b, zeros)

        def run():
            np.matmul(V[xs], wT, out=buf)
            if b is not None:
                np.add(buf, b, out=buf)
            if relu:
                np.maximum(buf, zeros, out=buf)

        return run

    @staticmethod
    def _forward_t(V, xs, buf, bufT, W, b, zeros):
        first = buf if buf.base is bufT else bufT.T  # the GEMM result as (n, out); then written into buf

        def run():
            np.matmul(W, V[xs].T, out=bufT)  # out.T = W @ x.T
            if b is not None:
                np.add(first, b, out=buf)
            elif first is not buf:
                np.copyto(buf, first)
            if zeros is not None:
                np.maximum(buf, zeros, out=buf)

        return run

    def backward(self):
        env, k = self.env, (self.k if self.relu_k is None else self.relu_k)
        V, G, xs, buf, mask, gz, gx = env.V, env.G, self.xs, self.buf, self.mask, self.gz, self.gx
        w, b, nig, x_sink = self.w, self.b, self.nig, self.x_sink
        W = w._data
        w_view, w_wrap, b_view, b_wrap = self.w_view, self.w_wrap, self.b_view, self.b_wrap
        w_sink, b_sink = self.w_sink, self.b_sink

        def run():
            g = G[k]
            if g is None:
                return
            G[k] = None
            if mask is not None:  # ReLU: dL/dz = G * (out != 0)
                np.not_equal(buf, 0, out=mask)
                g = np.multiply(g, mask, out=gz)
            x = V[xs]
            if x_sink is not None:  # dL/dx = G @ W
                x_sink(np.matmul(g, W, out=gx))
            if nig[1]:  # dL/dW = G.T @ x
                if w_sink is not None:
                    w_sink(g.T @ x)
                elif w._grad is None and w_view is not None:
                    np.matmul(g.T, x, out=w_view)
                    w._grad = w_wrap
                else:
                    deliver(w, g.T @ x, True)
            if b is not None and nig[2]:  # dL/db = sum of G over rows
                if b_sink is not None:
                    b_sink(g.sum(axis=0))
                elif b._grad is None and b_view is not None:
                    np.add.reduce(g, axis=0, out=b_view)
                    b._grad = b_wrap
                else:
                    deliver(b, g.sum(axis=0), True)

        return run


class CrossEntropy:
    """Mean (or summed) cross-entropy of 2-D logits x against class indices t; see the module docstring."""

    def __init__(self, env: Env, k: int, x_slot: int, x_shape: tuple, dt, t_slot: int, reduction: str, x_target):
        n, c = x_shape
        self.mx, self.lse = np.empty((n, 1), dt), np.empty((n, 1), dt)
        self.z, self.p, self.gx = np.empty((n, c), dt), np.empty((n, c), dt), np.empty((n, c), dt)
        self.zt, self.loss = np.empty(n, dt), np.empty(n, dt)
        self.rows_c = np.arange(n) * c
        self.idx = np.empty(n, np.intp)
        self.buffers = [(f"cross_entropy{k}.{name}", getattr(self, name))
                        for name in ("z", "p", "gx", "mx", "lse", "zt", "loss", "idx")]
        self.env, self.k, self.xs, self.ts, self.reduction, self.n = env, k, x_slot, t_slot, reduction, n
        self.reads = [x_slot, t_slot]  # value slots its forward reads (the plan's liveness)
        self.x_sink = sink(env, x_target)

    def forward(self):
        V, k, xs, ts, n, mean = self.env.V, self.k, self.xs, self.ts, self.n, self.reduction == "mean"
        mx, lse, z, p, zt, loss, rows_c, idx = (self.mx, self.lse, self.z, self.p, self.zt, self.loss,
                                                 self.rows_c, self.idx)
        zf, l0 = z.reshape(-1), lse[:, 0]

        def run():
            x = V[xs]
            rowmax(x, out=mx)  # as eager's CrossEntropy (ops._rows), bit for bit
            np.subtract(x, mx, out=z)  # shifted logits: exp cannot overflow
            np.exp(z, out=p)
            rowsum(p, out=lse)
            np.divide(p, lse, out=p)  # softmax
            np.log(lse, out=lse)  # log-sum-exp of z
            np.add(rows_c, V[ts], out=idx)
            np.take(zf, idx, out=zt)  # z[n, t[n]]
            np.subtract(l0, zt, out=loss)  # nll = lse - z[n, t]
            total = loss.sum()
            if mean:
                total = total / n
            V[k] = np.asarray(total, dtype=loss.dtype)

        return run

    def backward(self):
        G, k, n, mean, p, gx, idx, x_sink = (self.env.G, self.k, self.n, self.reduction == "mean", self.p,
                                             self.gx, self.idx, self.x_sink)
        gxf = gx.reshape(-1)

        def run():
            g = G[k]
            if g is None:
                return
            G[k] = None
            c = g / g.dtype.type(n) if mean else g  # dL/dx = (softmax - onehot) * g / N
            np.multiply(p, c, out=gx)
            gxf[idx] -= c
            x_sink(gx)

        return run
