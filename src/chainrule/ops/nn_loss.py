"""Fused losses: each is one node whose backward is the closed-form gradient (cross-entropy: (softmax - q) g / D).

Forward arguments after the tensors are plain values (weight arrays, ignore_index, reduction strings); the
checks and PyTorch's argument handling are in nn.functional, which passes ignore_index=None when no target
can be ignored. `D` is what 'mean' divides by: the number of elements, or the summed target weights for
class-index cross-entropy / NLL.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._rows import rowmax, rowsum


def _reduce(ctx, loss, reduction: str, denom):
    """Apply the reduction; remember (reduction, denom) for backward."""
    ctx.reduction, ctx.denom = reduction, denom
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "mean":
        if denom:
            total = total / denom
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                total = total / denom  # 0/0 (every target ignored) is nan, as in PyTorch
    return np.asarray(total, dtype=loss.dtype)


def _coef(ctx, g):
    """dL/d(per-element loss): g itself ('none', 'sum' broadcasts a 0-d g) or g / D ('mean')."""
    if ctx.reduction == "mean":
        return g / float(ctx.denom) if type(g) is Tensor else g / g.dtype.type(ctx.denom)
    return g


def _class_targets(target, weight, ignore_index: int | None, dtype):
    """Per element: safe class index t, valid mask, target weight w[t] (0 where ignored; None: none ignored)."""
    valid = np.ones(target.shape, bool) if ignore_index is None else target != ignore_index
    t = np.where(valid, target, 0)
    wt = valid.astype(dtype) if weight is None else weight[t] * valid
    return t, valid, wt


def _onehot(t, n_classes: int, dtype):
    """(N, C, *) one-hot of class indices t of shape (N, *)."""
    shape = (1, n_classes) + (1,) * (t.ndim - 1)
    return (np.expand_dims(t, 1) == np.arange(n_classes).reshape(shape)).astype(dtype)


def _bshape(ndim: int, n: int) -> tuple:
    return (1, n) + (1,) * (ndim - 2)


class CrossEntropy(Op):
    """Stable log-softmax over axis 1 + NLL (class indices) or soft targets, with weights and label smoothing."""
    node_name = "NllLossBackward0"  # PyTorch's node

    rows = None  # set by the common case's forward: arange(N), to index z[n, t]

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, smoothing, prob):
        n_classes = x.shape[1]
        rows2 = x.ndim == 2  # the classes are the last axis: the short-row reductions (_rows)
        z = x - (rowmax(x) if rows2 else np.maximum.reduce(x, axis=1, keepdims=True))  # exp cannot overflow
        p = np.exp(z)
        lse = rowsum(p) if rows2 else np.add.reduce(p, axis=1, keepdims=True)
        p /= lse  # softmax
        np.log(lse, out=lse)  # log-sum-exp of z
        wb = None if weight is None else weight.reshape(_bshape(x.ndim, n_classes))
        if prob:
            q = target if smoothing == 0 else target * (1 - smoothing) + smoothing / n_classes
            if wb is not None:
                q = q * wb
            loss = (q * (lse - z)).sum(axis=1)  # sum_c q_c * (-log p_c)
            ctx.q, ctx.s = q, q.sum(axis=1)
            nig = ctx.needs_input_grad
            if len(nig) > 1 and nig[1]:
                ctx.logp = z - lse
            denom = loss.size
        elif x.ndim == 2 and weight is None and smoothing == 0 and ignore_index is None:
            # the common case (class indices, no weights or smoothing, no target ignored): nll = lse - z[n, t]
            rows = np.arange(len(target))
            loss = lse[:, 0] - z.reshape(-1).take(rows * n_classes + target)
            ctx.rows, ctx.t = rows, target
            denom = len(target)
        else:
            t, valid, wt = _class_targets(target, weight, ignore_index, x.dtype)
            nll = (lse - np.take_along_axis(z, np.expand_dims(t, 1), axis=1)).squeeze(1)
            loss = (1 - smoothing) * wt * nll
            s = (1 - smoothing) * wt
            if smoothing:
                wsum = n_classes if wb is None else weight.sum()
                zsum = z.sum(axis=1) if wb is None else (z * wb).sum(axis=1)
                smooth = (lse.squeeze(1) * wsum - zsum) * valid
                loss = loss + (smoothing / n_classes) * smooth
                s = s + (smoothing / n_classes) * wsum * valid
            ctx.t, ctx.valid, ctx.wt, ctx.s = t, valid, wt, s
            denom = wt.sum()
        ctx.save_for_backward(x, p)
        ctx.wb, ctx.smoothing, ctx.prob = wb, smoothing, prob
        return _reduce(ctx, loss, reduction, denom)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = (s * softmax(x) - q) * g / D, q the (weighted, smoothed) target distribution, s = sum_c q_c
        # (class indices, no weights or smoothing: (softmax - onehot) * g / N)
        x, p = ctx.saved
        fast = type(g) is not Tensor  # an ndarray; a Tensor under create_graph
        if ctx.rows is not None:  # the common case: (softmax - onehot) * g / N
            if fast:
                c = _coef(ctx, g)
                gx = p * (c[:, None] if c.ndim else c)
                gx[ctx.rows, ctx.t] -= c  # one hit per row: no need for np.subtract.at
                return gx, None, None, None, None, None, None
            ctx.valid = np.ones(len(ctx.t), bool)  # create_graph: the general path below, with unit weights
            ctx.wt = ctx.s = np.ones(len(ctx.t), p.dtype)
        if not fast:  # create_graph: softmax rebuilt from x so that it is differentiated too
            e = np.exp(x - x._data.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
        c = np.expand_dims(_coef(ctx, g) * np.ones(ctx.s.shape, ctx.s.dtype), 1)  # (N, 1, *)
        eps, n_classes = ctx.smoothing, p.shape[1]
        gt = None
        if ctx.prob:
            gx = (p * np.expand_dims(ctx.s, 1) - ctx.q) * c
            if ctx.needs_input_grad[1]:  # dL/dtarget_c = -(1 - eps) * w_c * log p_c * g / D
                w = 1 if ctx.wb is None else ctx.wb
                gt = -(1 - eps) * (ctx.logp * w) * c
            return gx, gt, None, None, None, None, None
        t1 = np.expand_dims(ctx.t, 1)
        hit = np.expand_dims((1 - eps) * ctx.wt, 1) * c  # the one-hot part of q, times g / D
        if fast:
            gx = p * (np.expand_dims(ctx.s, 1) * c)
            np.put_along_axis(gx, t1, np.take_along_axis(gx, t1, axis=1) - hit, axis=1)
        else:
            gx = p * (np.expand_dims(ctx.s, 1) * c) - _onehot(ctx.t, n_classes, p.dtype) * hit
        if eps:
            w = 1.0 if ctx.wb is None else ctx.wb
            gx = gx - (eps / n_classes) * w * (np.expand_dims(ctx.valid, 1) * c)
        return gx, None, None, None, None, None, None


class NLL(Op):
    """-w[t] * input[n, t] over log-probabilities input (N, C, *), with ignore_index."""
    node_name = "NllLossBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction):
        t, _, wt = _class_targets(target, weight, ignore_index, x.dtype)
        loss = -wt * np.take_along_axis(x, np.expand_dims(t, 1), axis=1).squeeze(1)
        ctx.t, ctx.wt, ctx.n_classes = t, wt, x.shape[1]
        return _reduce(ctx, loss, reduction, wt.sum())

    @staticmethod
    def backward(ctx, g):
        # dL/dx[n, c] = -w[t_n] * g_n / D where c = t_n, else 0
        hit = np.expand_dims(-ctx.wt * _coef(ctx, g), 1)
        t1 = np.expand_dims(ctx.t, 1)
        if type(g) is not Tensor:
            gx = np.zeros(ctx.t.shape[:1] + (ctx.n_classes,) + ctx.t.shape[1:], dtype=g.dtype)
            np.put_along_axis(gx, t1, hit, axis=1)
            return gx, None, None, None, None
        return _onehot(ctx.t, ctx.n_classes, g.dtype) * hit, None, None, None, None


class BCE(Op):
    """-w * (t log x + (1 - t) log(1 - x)) on probabilities x, each log clamped at -100 (PyTorch's rule)."""
    node_name = "BinaryCrossEntropyBackward0"  # PyTorch's node

    differentiable_backward = False

    @staticmethod
    def forward(ctx, x, t, w, reduction, denom):
        with np.errstate(divide="ignore"):
            logx = np.maximum(np.log(x), -100)
            log1mx = np.maximum(np.log(1 - x), -100)
        loss = -(log1mx + t * (logx - log1mx))
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, t)
        ctx.w, ctx.logs = w, (logx, log1mx)
        return _reduce(ctx, loss, reduction, loss.size if denom is None else denom)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = w (x - t) / max(x (1 - x), 1e-12) * g ;  dL/dt = w (log(1 - x) - log x) * g
        x, t = ctx.saved
        c = _coef(ctx, g) if ctx.w is None else _coef(ctx, g) * ctx.w
        nig = ctx.needs_input_grad
        gx = (x - t) / np.maximum((1 - x) * x, 1e-12) * c if nig[0] else None
        gt = (ctx.logs[1] - ctx.logs[0]) * c if nig[1] else None
        return gx, gt, None, None, None


def _softplus_neg(x):
    """log(1 + exp(-x)), stable for any x (on arrays, and on Tensors when differentiating twice)."""
    if type(x) is not Tensor:
        return np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)
    ax = np.abs(x)
    return np.log(1 + np.exp(-ax)) + (ax - x) * 0.5


class BCEWithLogits(Op):
    """w * [(1 - t) x + (1 + (pw - 1) t) log(1 + exp(-x))]: sigmoid + BCE in one stable node."""
    node_name = "BinaryCrossEntropyWithLogitsBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, t, w, pos_weight, reduction):
        sp = _softplus_neg(x)
        loss = (1 - t) * x + (sp if pos_weight is None else (1 + (pos_weight - 1) * t) * sp)
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, t)
        ctx.w, ctx.pw = w, pos_weight
        return _reduce(ctx, loss, reduction, loss.size)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = w * (sigmoid(x) - t) * g  (pos_weight: w * ((1 - t) - (1 + (pw - 1) t)(1 - sigmoid(x))) * g)
        # dL/dt = w * (-x + (pw - 1) log(1 + exp(-x))) * g
        x, t = ctx.saved
        c = _coef(ctx, g) if ctx.w is None else _coef(ctx, g) * ctx.w
        nig = ctx.needs_input_grad
        gx = gt = None
        if nig[0]:
            sig = np.tanh(x * 0.5) * 0.5 + 0.5
            if ctx.pw is None:
                gx = (sig - t) * c
            else:
                gx = ((1 - t) - (1 + (ctx.pw - 1) * t) * (1 - sig)) * c
        if nig[1]:
            gt = -x * c if ctx.pw is None else (-x + (ctx.pw - 1) * _softplus_neg(x)) * c
        return gx, gt, None, None, None


class MSE(Op):
    """w * (x - t)^2."""
    node_name = "MseLossBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, t, w, reduction, denom):
        d = x - t
        loss = d * d if w is None else d * d * w
        ctx.save_for_backward(x, t)
        ctx.w = w
        return _reduce(ctx, loss, reduction, loss.size if denom is None else denom)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = 2 w (x - t) g ;  dL/dt = -dL/dx
        x, t = ctx.saved
        c = _coef(ctx, g) if ctx.w is None else _coef(ctx, g) * ctx.w
        gx = 2 * (x - t) * c
        return gx, (-gx if ctx.needs_input_grad[1] else None), None, None, None


class L1(Op):
    """w * |x - t|."""
    node_name = "MeanBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, t, w, reduction, denom):
        loss = np.abs(x - t)
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, t)
        ctx.w = w
        return _reduce(ctx, loss, reduction, loss.size if denom is None else denom)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = w sign(x - t) g ;  dL/dt = -dL/dx
        x, t = ctx.saved
        c = _coef(ctx, g) if ctx.w is None else _coef(ctx, g) * ctx.w
        gx = np.sign((x - t)._data if type(x) is Tensor else x - t) * c
        return gx, (-gx if ctx.needs_input_grad[1] else None), None, None, None


class Huber(Op):
    """scale * w * (0.5 d^2 if |d| <= delta else delta (|d| - delta / 2)), d = x - t (SmoothL1: scale=1/beta)."""
    node_name = "HuberLossBackward0"  # PyTorch's node

    @staticmethod
    def forward(ctx, x, t, w, reduction, delta, scale, denom):
        d = x - t
        ad = np.abs(d)
        loss = np.where(ad <= delta, 0.5 * d * d, delta * (ad - 0.5 * delta))
        if scale != 1:
            loss *= scale
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, t)
        ctx.w, ctx.delta, ctx.scale = w, delta, scale
        return _reduce(ctx, loss, reduction, loss.size if denom is None else denom)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = scale * w * clip(x - t, -delta, delta) * g ;  dL/dt = -dL/dx
        x, t = ctx.saved
        c = _coef(ctx, g) if ctx.w is None else _coef(ctx, g) * ctx.w
        gx = np.clip(x - t, -ctx.delta, ctx.delta) * (c * ctx.scale if ctx.scale != 1 else c)
        return gx, (-gx if ctx.needs_input_grad[1] else None), None, None, None, None, None


class MultiMargin(Op):
    """sum_{i != t} w[t] max(0, margin - x[t] + x[i])^p / C per row (the multi-class SVM hinge)."""
    node_name = "MultiMarginLossBackward0"  # PyTorch's node

    differentiable_backward = False

    @staticmethod
    def forward(ctx, x, target, weight, p, margin, reduction):
        n_classes = x.shape[1]
        t1 = target.reshape(-1, 1)
        h = margin - np.take_along_axis(x, t1, axis=1) + x
        np.put_along_axis(h, t1, 0, axis=1)
        np.maximum(h, 0, out=h)
        wt = np.ones(x.shape[0], x.dtype) if weight is None else weight[target]
        loss = (h if p == 1 else h * h).sum(axis=1) * (wt / n_classes)
        ctx.h, ctx.t1, ctx.wt, ctx.p = h, t1, wt, p
        return _reduce(ctx, loss, reduction, loss.size)

    @staticmethod
    def backward(ctx, g):
        # dL/dx_i = w[t] p h_i^(p-1) [h_i > 0] g / C (i != t) ;  dL/dx_t = -sum_i dL/dx_i
        h = ctx.h
        c = np.expand_dims(_coef(ctx, g) * ctx.wt / h.shape[1], 1)
        gh = ((h > 0) if ctx.p == 1 else 2 * h) * c
        np.put_along_axis(gh, ctx.t1, -gh.sum(axis=1, keepdims=True), axis=1)
        return gh, None, None, None, None, None
