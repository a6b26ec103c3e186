"""Fused layer ops: Linear (one matmul + bias node), BatchNorm and LayerNorm (analytic backward), PReLU.

nn.functional wraps these with argument checks; the losses are in nn_loss.py. Each backward also runs on Tensors
(create_graph): BatchNorm and LayerNorm then recompute their normalised input from x, so second derivatives
are exact.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from .nn_loss import (
    BCE,
    L1,
    MSE,
    NLL,
    BCEWithLogits,
    CrossEntropy,
    Huber,
    MultiMargin,
)

__all__ = [
    "BCE",
    "L1",
    "MSE",
    "NLL",
    "BCEWithLogits",
    "BatchNorm",
    "CrossEntropy",
    "Huber",
    "LayerNorm",
    "Linear",
    "MultiMargin",
    "PReLU",
]


def gemm_transposed(shape: tuple, x_dtype, w_dtype) -> bool:
    """Whether Linear computes x @ W.T as (W @ x.T).T: for a short, wide float batch (n <= 128 rows of >= 512
    features) OpenBLAS then packs the small x instead of the wide W.T each call, 30-40% faster at batch 32.
    The same products are summed in the same order (the same bits). chainrule.compile's Linear kernel asks
    this too, so that a replay computes what eager mode does."""
    return len(shape) == 2 and shape[0] <= 128 and shape[1] >= 512 and x_dtype == w_dtype and x_dtype.kind == "f"


class Linear(Op):
    """y = x @ W.T + b for x of shape (..., in), W (out, in), b (out,) or None: one node."""
    node_name = "AddmmBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        if gemm_transposed(x.shape, x.dtype, w.dtype):  # (W @ x.T).T, written C-ordered as x @ W.T would be
            t = (w @ x.T).T
            out = np.empty(t.shape, t.dtype)
            if b is None:
                np.copyto(out, t)
            else:
                np.add(t, b, out=out)  # the bias added on the way
            return out
        if x.ndim == 2:
            out = x @ w.T
        else:
            out = (x.reshape(-1, x.shape[-1]) @ w.T).reshape(x.shape[:-1] + (w.shape[0],))
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dX = G @ W ; dL/dW = G^T @ X ; dL/db = sum of G over rows (leading dims flattened into rows)
        x, w = ctx.saved
        nig = ctx.needs_input_grad
        g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        gx = gw = gb = None
        if nig[0]:
            gx = g2 @ w
            if x.ndim != 2:
                gx = gx.reshape(x.shape)
        if nig[1]:
            gw = g2.T @ (x if x.ndim == 2 else x.reshape(-1, x.shape[-1]))
        if nig[2]:
            gb = g2.sum(axis=0)
        return gx, gw, gb


def _channel(ndim: int) -> tuple:
    """Axes reduced by batch norm (all but 1) and the shape that broadcasts a (C,) vector along axis 1."""
    return (0,) + tuple(range(2, ndim)), (1, -1) + (1,) * (ndim - 2)


def _rows(a: np.ndarray) -> np.ndarray:
    """The (N, C, L) view of an (N, C, *) array (L = 1 for (N, C)); a copy only if `a` is not laid out as one."""
    return a.reshape(a.shape[0], a.shape[1], math.prod(a.shape[2:]))  # not -1: N or C may be 0


def _flat(a3: np.ndarray) -> np.ndarray:
    """The (N, C*L) view of an (N, C, L) array, for per-channel elementwise ops with a `_spread` vector."""
    return a3.reshape(a3.shape[0], a3.shape[1] * a3.shape[2])


def _spread(v: np.ndarray, length: int) -> np.ndarray:
    """A per-channel (C,) vector repeated to (C*L,), each value L times: the row that `_flat` arrays broadcast.

    NumPy's elementwise loops pay ~0.25 us per inner run, so x3 (N, C, L) * v[:, None] (N*C runs of L) costs
    twice x3 * a scalar at L = 784 and more at shorter L; (N, C*L) * spread is N runs of C*L (the same values,
    the same bits)."""
    return v if length == 1 else np.repeat(v, length)


def _csum(a3: np.ndarray) -> np.ndarray:
    """Per-channel sum of an (N, C, L) array: einsum reads it once in memory order, unlike sum(axis=(0, 2))."""
    return np.einsum("ncl->c", a3)


def _cdot(a3: np.ndarray, b3: np.ndarray) -> np.ndarray:
    """Per-channel sum of a3 * b3 (both (N, C, L)) without making the product array."""
    if a3.shape[2] < 128:  # short rows: einsum's own loop beats one BLAS call per row
        return np.einsum("ncl,ncl->c", a3, b3)
    return (a3[:, :, None, :] @ b3[:, :, :, None]).sum(axis=(0, 2, 3))  # one BLAS dot per (n, c) row


class BatchNorm(Op):
    """Batch norm over axis 1 of any (N, C, *) input; updates the running statistics (ndarrays) in training.

    Works on the (N, C, L) view of the input, so that every per-channel sum is one contiguous pass (einsum or
    BLAS) instead of a strided reduction over axes (0, 2, 3). The arrays are large and the passes memory-bound,
    so each op writes one new full-size array (forward: the output, built in place from x - mean; backward: dL/dx,
    built in place from x - mean again) and saves only x and the per-channel statistics.
    """
    node_name = "NativeBatchNormBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, w, b, running_mean, running_var, training, momentum, eps):
        x3 = _rows(x)
        n, _, length = x3.shape
        m = n * length  # values per channel
        if training:
            mean = _csum(x3) / m  # batch mean
            out = _flat(x3) - _spread(mean, length)  # xc = x - mean: centred first (two-pass variance)
            var = _cdot(out.reshape(x3.shape), out.reshape(x3.shape)) / m  # biased batch variance
            invstd = 1.0 / np.sqrt(var + eps)
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += (momentum * m / max(m - 1, 1)) * var  # the unbiased batch variance, as PyTorch
        else:
            mean = running_mean.astype(x.dtype)  # a copy: later edits to the buffer leave this backward alone
            invstd = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype, copy=False)
            out = _flat(x3) - _spread(mean, length)  # xc = x - running_mean
        scale = invstd if w is None else w * invstd
        out *= _spread(scale, length)  # xhat * w = xc * (invstd * w)
        if b is not None:
            out += _spread(b, length)  # y = xhat * w + b
        ctx.save_for_backward(x, w, mean)
        ctx.invstd, ctx.training, ctx.eps, ctx.m = invstd, training, eps, m
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, g):
        # with xc = x - mean, xhat = xc * invstd, scale = w * invstd, sums over all axes but 1 (m values each):
        # dL/db = sum(G) ;  dL/dw = sum(G * xhat)
        # dL/dx = scale * (G - sum(G)/m - xhat * sum(G * xhat)/m)   (training: mean and invstd depend on x)
        # dL/dx = scale * G                                         (eval: running statistics are constants)
        if type(g) is Tensor:  # create_graph: the same formulas on Tensors
            return _batch_norm_backward_graph(ctx, g)
        x, w, mean = ctx.saved
        invstd, m, nig, train = ctx.invstd, ctx.m, ctx.needs_input_grad, ctx.training
        g3 = _rows(g)
        length = g3.shape[2]
        gb = _csum(g3) if train or nig[2] else None  # dL/db = sum(G)
        xc = gw = gx = None
        if train or nig[1]:
            xc = _flat(_rows(x)) - _spread(mean, length)  # x - mean, a new buffer (it becomes dL/dx in training)
            gw = _cdot(g3, xc.reshape(g3.shape)) * invstd  # dL/dw = sum(G * xhat) = sum(G * xc) * invstd
        if nig[0]:
            scale = invstd if w is None else w * invstd
            g2 = _flat(g3)
            if train:
                gx = xc
                gx *= _spread(gw * (invstd / m), length)  # xhat * sum(G * xhat)/m = xc * invstd * dL/dw / m
                gx += _spread(gb / m, length)  # ... + sum(G)/m
                np.subtract(g2, gx, out=gx)  # G - sum(G)/m - xhat * sum(G * xhat)/m
                gx *= _spread(scale, length)  # dL/dx = (...) * w * invstd
            else:  # dL/dx = G * w * invstd (into xc's buffer once dL/dw is done with it)
                gx = np.multiply(g2, _spread(scale, length), out=xc)
            gx = gx.reshape(g.shape)
        return gx, (gw if nig[1] else None), (gb if nig[2] else None), None, None, None, None, None


def _batch_norm_backward_graph(ctx, g):
    """BatchNorm's backward on Tensors (create_graph): xhat is rebuilt from x so that it is differentiated too."""
    # training: dL/dx = w*invstd * (G - mean(G) - xhat * mean(G*xhat)), means over all axes but 1
    # eval:     dL/dx = G * w * invstd ;   dL/dw = sum(G * xhat) ;   dL/db = sum(G)
    x, w, mean = ctx.saved
    axes, bshape = _channel(g.ndim)
    invstd = ctx.invstd
    if ctx.training:
        xc = x - x.mean(axis=axes, keepdims=True)
        invstd = 1.0 / np.sqrt((xc * xc).mean(axis=axes) + ctx.eps)
        xhat = xc * invstd.reshape(bshape)
    else:
        xhat = (x - mean.reshape(bshape)) * invstd.reshape(bshape)  # mean: the running mean at forward
    nig = ctx.needs_input_grad
    gb = g.sum(axis=axes)
    gw = (g * xhat).sum(axis=axes)
    gx = None
    if nig[0]:
        scale = invstd if w is None else w * invstd
        if ctx.training:
            m = ctx.m
            gx = (g - (gb / m).reshape(bshape) - xhat * (gw / m).reshape(bshape)) * scale.reshape(bshape)
        else:
            gx = g * scale.reshape(bshape)
    return gx, (gw if nig[1] else None), (gb if nig[2] else None), None, None, None, None, None


class LayerNorm(Op):
    """Layer norm over the last `k` axes; weight and bias have the shape of those axes (or are None).

    Works on the (rows, n) view of the input. Every per-row mean is a matrix-vector product with a vector of
    1/n (NumPy's reductions over short rows pay per row: 64 features cost 5x a product), and the backward's
    per-row sums that involve w are products with w itself, so Gh = G * w never has to exist.
    """
    node_name = "NativeLayerNormBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, w, b, k, eps):
        n = math.prod(x.shape[x.ndim - k:])
        x2 = x.reshape(math.prod(x.shape[:x.ndim - k]), n)  # not -1: the array may be empty
        avg = np.full(n, 1.0 / n, dtype=x.dtype) if n else np.zeros(0, x.dtype)
        xhat = x2 - (x2 @ avg)[:, None]  # x - mean
        invstd = 1.0 / np.sqrt(np.square(xhat) @ avg + x.dtype.type(eps))  # biased variance, as PyTorch
        xhat *= invstd[:, None]
        xhat = xhat.reshape(x.shape)
        ctx.save_for_backward(x, w, xhat)
        ctx.invstd, ctx.k, ctx.eps = invstd, k, eps
        out = xhat * w if w is not None else xhat.copy()  # never alias the saved xhat
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dx = invstd * (Gh - mean(Gh) - xhat * mean(Gh * xhat)), Gh = G * w, means over the normalised axes
        # dL/dw = sum over rows of G * xhat ; dL/db = sum over rows of G
        x, w, xhat = ctx.saved
        if type(g) is Tensor:  # create_graph: rebuild xhat from x so that it is differentiated
            return _layer_norm_backward_graph(ctx, g)
        nig, k = ctx.needs_input_grad, ctx.k
        n = math.prod(x.shape[x.ndim - k:])
        r = math.prod(x.shape[:x.ndim - k])
        g2, xh2 = g.reshape(r, n), xhat.reshape(r, n)
        w1 = None if w is None else w.reshape(n)
        gxh = g2 * xh2  # G * xhat, per element
        gx = gw = gb = None
        if nig[0]:
            wn = np.full(n, 1.0 / n, dtype=g.dtype) if w is None else w1 / g.dtype.type(max(n, 1))
            m_gh = g2 @ wn  # mean(Gh) per row = (G @ w) / n
            m_ghx = gxh @ wn  # mean(Gh * xhat) per row = (G * xhat) @ w / n
            gx = xh2 * m_ghx[:, None]
            gx += m_gh[:, None]
            gx = np.subtract(g2 if w is None else g2 * w1, gx, out=gx)
            gx *= ctx.invstd[:, None]
            gx = gx.reshape(x.shape)
        rows = np.ones(g2.shape[0], dtype=g.dtype)
        if nig[1]:
            gw = (rows @ gxh).reshape(w.shape)  # one matrix-vector product sums the rows
        if nig[2]:
            gb = (rows @ g2).reshape(w.shape if w is not None else g.shape[g.ndim - k:])
        return gx, gw, gb, None, None


def _layer_norm_backward_graph(ctx, g):
    """LayerNorm's backward on Tensors (create_graph): xhat is rebuilt from x so that it is differentiated too."""
    # dL/dx = invstd * (Gh - mean(Gh) - xhat * mean(Gh * xhat)), Gh = G * w ; dL/dw = G * xhat ; dL/db = G
    x, w, _ = ctx.saved
    axes = tuple(range(x.ndim - ctx.k, x.ndim))
    xc = x - x.mean(axis=axes, keepdims=True)
    invstd = 1.0 / np.sqrt((xc * xc).mean(axis=axes, keepdims=True) + ctx.eps)
    xhat = xc * invstd
    nig = ctx.needs_input_grad
    gx = None
    if nig[0]:
        gh = g if w is None else g * w
        gx = (gh - gh.mean(axis=axes, keepdims=True) - xhat * (gh * xhat).mean(axis=axes, keepdims=True))
        gx = gx * invstd
    gw = g * xhat if nig[1] else None  # the engine sums them over the leading axes
    return gx, gw, (g if nig[2] else None), None, None


class PReLU(Op):
    """max(x, 0) + w * min(x, 0) with one slope per channel (axis 1; axis 0 for 1-D input) or one shared."""
    node_name = "PreluKernelBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, w):
        shape = [1] * x.ndim
        if w.size != 1:
            shape[1 if x.ndim >= 2 else 0] = w.size
        ctx.save_for_backward(x, w)
        ctx.wshape = tuple(shape)
        return np.where(x > 0, x, x * w.reshape(shape))

    @staticmethod
    def backward(ctx, g):
        # dL/dx = G where x > 0 else G * w ;  dL/dw = sum over all but the channel axis of G * min(x, 0)
        x, w = ctx.saved
        pos = (x._data if type(x) is Tensor else x) > 0
        neg = (~pos).astype(g.dtype)
        gx = g * (pos + neg * w.reshape(ctx.wshape))
        gwb = g * (x * neg)
        axes = tuple(i for i, s in enumerate(ctx.wshape) if s == 1)
        return gx, (gwb.sum(axis=axes) if axes else gwb).reshape(w.shape)
