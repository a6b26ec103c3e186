"""Margin and embedding losses (PyTorch's formulas), composed from differentiable tensor ops.

Each is a few elementwise ops and a reduction, so its gradient (and second derivative) comes from the ops it
is built from; the formulas follow ATen's (aten/src/ATen/native/Loss.cpp), including which branches a target
that is neither 1 nor -1 takes.
"""

from __future__ import annotations

import numpy as np

from ... import ops
from ...ops._declare import FUNCTIONAL, case, declare
from ...ops.nn_loss_margin import ClampMin, MultilabelMarginLoss, SoftMarginLoss
from ...tensor import Tensor
from .losses import _reduction

__all__ = [
    "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss", "soft_margin_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
]


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def reduce_loss(loss: Tensor, reduction: str) -> Tensor:
    """'mean' -> loss.mean(), 'sum' -> loss.sum(), 'none' -> loss (PyTorch's apply_loss_reduction)."""
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _signs(m, x):
    """A case's target of +-1 values, drawn from x's signs (m: chainrule or torch)."""
    return (x > 0).to(x.dtype) * 2 - 1


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, a, b, y: m.nn.functional.margin_ranking_loss(a, b, _signs(m, y), margin=0.3), (6,), (6,), (6,),
         kinds=("normal", "normal", "away0"), gradgrad=False),
    case(lambda m, a, b, y: m.nn.functional.margin_ranking_loss(a, b, _signs(m, y), reduction="none"), (4,), (4,),
         (4,), kinds=("normal", "normal", "away0"), gradgrad=False, suffix="none")])
def margin_ranking_loss(input1, input2, target, margin: float = 0, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """max(0, -target * (input1 - input2) + margin): input1 should rank above input2 where target is 1.

    Args:
        input1, input2: scores, (N,) or () (any shapes that broadcast, with the same number of dimensions).
        target: 1 or -1 per element, the same number of dimensions.
        margin: the required gap (default 0).
        reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated (as in PyTorch).

    Raises:
        RuntimeError: the three tensors differ in their number of dimensions.
    """
    reduction = _reduction("margin_ranking_loss", reduction, size_average, reduce)
    a, b, y = _t(input1), _t(input2), _t(target)
    if not a.ndim == b.ndim == y.ndim:
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: "
            f"{tuple(a.shape)}, input2: {tuple(b.shape)}, target: {tuple(y.shape)} "
        )
    return reduce_loss(ClampMin.apply(-y * (a - b) + margin, 0.0), reduction)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, x, y: m.nn.functional.hinge_embedding_loss(x, _signs(m, y), margin=0.7), (3, 4), (3, 4),
         kinds=("unit", "away0"), gradgrad=False)])
def hinge_embedding_loss(input, target, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """x where target is 1, max(0, margin - x) where target is -1 (for distances x between pairs).

    A target that is neither contributes both terms, as in PyTorch.

    Args:
        input: distances, any shape. target: 1 or -1, broadcastable to the input.
        margin: default 1.0. reduction: "mean" (default), "sum" or "none".
    """
    reduction = _reduction("hinge_embedding_loss", reduction, size_average, reduce)
    x, y = _t(input), _t(target)
    out = ops.where(y != 1, (margin - x).clamp(min=0), 0.0) + ops.where(y != -1, x, 0.0)
    return reduce_loss(out, reduction)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, x, y: m.nn.functional.soft_margin_loss(x, _signs(m, y)), (3, 4), (3, 4),
         kinds=("normal", "away0"), gradgrad=False),
    case(lambda m, x, y: m.nn.functional.soft_margin_loss(x, _signs(m, y), reduction="none"), (5,), (5,),
         kinds=("normal", "away0"), gradgrad=False, suffix="none")])
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target * input)), the two-class logistic loss for targets 1 / -1.

    Args:
        input: scores, any shape. target: 1 or -1, the input's shape.
        reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated (as in PyTorch).
    """
    reduction = _reduction("soft_margin_loss", reduction, size_average, reduce)
    x, y = _t(input), _t(target)
    return SoftMarginLoss.apply(x, np.asarray(y._data, dtype=x._data.dtype), reduction)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, a, b, y: m.nn.functional.cosine_embedding_loss(a, b, _signs(m, y), margin=-0.2), (5, 3),
         (5, 3), (5,), kinds=("normal", "normal", "away0"), gradgrad=False),
    case(lambda m, a, b: m.nn.functional.cosine_embedding_loss(a, b, m.tensor(-1.0, dtype=a.dtype)), (4,), (4,),
         gradgrad=False, suffix="1d")])
def cosine_embedding_loss(input1, input2, target, margin: float = 0, size_average=None, reduce=None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where target is -1.

    cos = sum(x1 * x2) / sqrt((sum(x1^2) + 1e-12) (sum(x2^2) + 1e-12)) over the last dimension.

    Args:
        input1, input2: (N, D) with target (N,), or (D,) with a 0-d target.
        target: 1 or -1. margin: in [-1, 1], default 0.
        reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated (as in PyTorch).

    Raises:
        RuntimeError: a target that is not 0-d or 1-D, or inputs of the wrong number of dimensions.
    """
    reduction = _reduction("cosine_embedding_loss", reduction, size_average, reduce)
    a, b, y = _t(input1), _t(input2), _t(target)
    if y.ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if y.ndim == 1 else 1
    if a.ndim != want or b.ndim != want:
        raise RuntimeError(
            f"{y.ndim}D target tensor expects {want}D input tensors, but found inputs with sizes "
            f"{list(a.shape)} and {list(b.shape)}."
        )
    d = y.ndim
    cos = (a * b).sum(d) / (((a * a).sum(d) + 1e-12) * ((b * b).sum(d) + 1e-12)).sqrt()
    out = ops.where(y == 1, 1 - cos, 0.0) + ops.where(y == -1, ClampMin.apply(cos - margin, 0.0), 0.0)
    return reduce_loss(out, reduction)


def _pairwise_distance(x1: Tensor, x2: Tensor, p: float, eps: float) -> Tensor:
    """PyTorch's pairwise_distance: the p-norm of (x1 - x2 + eps) over the last dimension."""
    d = x1 - x2 + eps
    dim = max(x1.ndim, x2.ndim) - 1
    if p == 2:
        return (d * d).sum(dim).sqrt()
    if p == 1:
        return d.abs().sum(dim)
    if p == float("inf"):
        return d.abs().amax(dim)
    if p <= 0:
        raise ValueError(f"triplet_margin_loss: p must be positive, got {p}")
    return (d.abs() ** p).sum(dim) ** (1.0 / p)


def _triplet(a, pos, neg, dist, margin, swap, reduction):
    if not a.ndim == pos.ndim == neg.ndim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
            f"but got: anchor {a.ndim}D, positive {pos.ndim}D, and negative {neg.ndim}D inputs"
        )
    d_pos, d_neg = dist(a, pos), dist(a, neg)
    if swap:
        d_neg = ops.minimum(d_neg, dist(pos, neg))
    return reduce_loss(ClampMin.apply(margin + d_pos - d_neg, 0.0), reduction)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, a, p, n: m.nn.functional.triplet_margin_loss(a, p, n, margin=2.0), (4, 3), (4, 3), (4, 3),
         gradgrad=False),
    case(lambda m, a, p, n: m.nn.functional.triplet_margin_loss(a, p, n, margin=1.5, p=3, swap=True,
                                                                 reduction="sum"),
         (4, 3), (4, 3), (4, 3), gradgrad=False, suffix="p3_swap"),
    case(lambda m, a, p, n: m.nn.functional.triplet_margin_loss(a, p, n, margin=3.0, p=1, reduction="none"),
         (4, 3), (4, 3), (4, 3), kinds="away0", gradgrad=False, suffix="p1")])
def triplet_margin_loss(anchor, positive, negative, margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the p-norm distance over the last dim.

    Args:
        anchor, positive, negative: (N, D) or (D,), the same number of dimensions.
        margin: > 0 (default 1.0). p: the norm's degree (default 2). eps: added to the difference (1e-6).
        swap: use min(d(a, n), d(p, n)) as the negative distance (Balntas et al.; default False).
        reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated (as in PyTorch).

    Raises:
        ValueError: margin <= 0. RuntimeError: inputs with different numbers of dimensions.
    """
    reduction = _reduction("triplet_margin_loss", reduction, size_average, reduce)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet(_t(anchor), _t(positive), _t(negative), lambda x, y: _pairwise_distance(x, y, p, eps),
                    margin, swap, reduction)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, a, p, n: m.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda x, y: ((x - y) ** 2).sum(-1), margin=4.0, swap=True),
        (4, 3), (4, 3), (4, 3))])
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    """triplet_margin_loss with any distance: max(0, margin + d(a, p) - d(a, n)).

    Args:
        distance_function: a function of two tensors returning their distances (default: the Euclidean
            pairwise distance). margin: > 0 (default 1.0). swap: see triplet_margin_loss.
        reduction: "mean" (default), "sum" or "none".

    Raises:
        ValueError: an invalid reduction or margin <= 0. RuntimeError: inputs of different numbers of dimensions.
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dist = distance_function or (lambda x, y: _pairwise_distance(x, y, 2.0, 1e-6))
    return _triplet(_t(anchor), _t(positive), _t(negative), dist, margin, swap, reduction)


def _multilabel_target(m, x):
    """A case's multilabel target: per row a few class indices, then -1."""
    t = np.full(tuple(x.shape), -1, np.int64)
    rows = t.reshape(-1, t.shape[-1])
    for i in range(rows.shape[0]):
        k = i % (rows.shape[1] - 1) + 1
        rows[i, :k] = (np.arange(k) * 2 + i) % rows.shape[1]
    return m.idx(t)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, x: m.nn.functional.multilabel_margin_loss(x, _multilabel_target(m, x)), (4, 5), gradgrad=False),
    case(lambda m, x: m.nn.functional.multilabel_margin_loss(x, _multilabel_target(m, x), reduction="none"), (5,),
         gradgrad=False, suffix="1d")])
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """sum over target classes j and other classes i of max(0, 1 - (x[j] - x[i])), divided by C.

    Args:
        input: scores (N, C) or (C,).
        target: int64 of the input's shape: each row's target classes first, ended by -1 (later entries are
            ignored).
        reduction: "mean" (default), "sum" or "none" ((N,) or ()). size_average, reduce: deprecated.

    Raises:
        RuntimeError: a target of another shape, or a class index outside [-1, C).
    """
    reduction = _reduction("multilabel_margin_loss", reduction, size_average, reduce)
    x, y = _t(input), _t(target)
    if x.ndim > 2 or tuple(y.shape) != tuple(x.shape):
        raise RuntimeError(
            f"multilabel_margin_loss: inconsistent target size: {list(y.shape)} for input of size {list(x.shape)}"
            " (input (N, C) or (C,), target the same shape, int64 class indices ended by -1)"
        )
    one_d = x.ndim <= 1
    x2 = x.reshape(1, -1) if one_d else x
    t = np.asarray(y._data, dtype=np.int64).reshape(x2.shape)
    n, c = x2.shape
    if t.size and (t.min() < -1 or t.max() >= c):
        raise RuntimeError(f"multilabel_margin_loss: target index out of range: each must be in [-1, {c - 1}]")
    ended = np.cumsum(t == -1, axis=1) > 0  # at and after each row's first -1
    valid = ~ended
    safe = np.where(valid, t, 0)
    is_target = np.zeros((n, c), bool)
    np.logical_or.at(is_target, (np.broadcast_to(np.arange(n)[:, None], safe.shape), safe), valid)
    return MultilabelMarginLoss.apply(x2, safe, valid, is_target, reduction, one_d)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, x, t: m.nn.functional.multilabel_soft_margin_loss(x, t), (3, 4), (3, 4), kinds=("normal", "unit")),
    case(lambda m, x, t, w: m.nn.functional.multilabel_soft_margin_loss(x, t, weight=w, reduction="none"),
         (3, 4), (3, 4), (4,), kinds=("normal", "unit", "pos"), suffix="weight")])
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    """-(t log sigmoid(x) + (1 - t) log sigmoid(-x)), times weight, averaged over the classes (the last dim).

    Args:
        input: scores (N, C) or (C,). target: the input's shape, in [0, 1].
        weight: a rescaling weight broadcast to the input (default None).
        reduction: "mean" (default), "sum" or "none" (the per-sample losses). size_average, reduce: deprecated.
    """
    from .activations import logsigmoid

    reduction = _reduction("multilabel_soft_margin_loss", reduction, size_average, reduce)
    x, t = _t(input), _t(target)
    loss = -(t * logsigmoid(x) + (1 - t) * logsigmoid(-x))
    if weight is not None:
        loss = loss * _t(weight)
    loss = loss.sum(x.ndim - 1) / x.shape[x.ndim - 1]
    return reduce_loss(loss, reduction)
