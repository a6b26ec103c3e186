"""Loss functions for nn.functional: argument checks with clear errors, then one fused op each (ops/nn_loss.py)."""

from __future__ import annotations

import warnings

import numpy as np

from ... import _capture
from ...ops import nn_loss as L
from ...tensor import Tensor
from ...ops._declare import case, declare


def _reduction(name: str, reduction: str, size_average=None, reduce=None) -> str:
    """PyTorch's reduction argument, including the legacy size_average/reduce pair."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else "mean" if size_average else "sum"
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{name}: {reduction!r} is not a valid value for reduction; use 'mean', 'sum' or 'none'")
    return reduction


def _input(name: str, input) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: input must be a Tensor, got {type(input).__name__}")
    if input._data.dtype.kind != "f":
        raise TypeError(f"{name}: input has dtype {input._data.dtype}; losses need floating inputs (input.float())")
    return input


def _target(target) -> Tensor:
    return target if isinstance(target, Tensor) else Tensor(target)


def _class_weight(name: str, weight, c: int, dtype):
    if weight is None:
        return None
    w = np.asarray(weight._data if isinstance(weight, Tensor) else weight)
    if w.shape != (c,):
        raise ValueError(f"{name}: weight has shape {tuple(w.shape)}, expected ({c},): one weight per class")
    return w.astype(dtype, copy=False)


def _check_classes(name: str, input: Tensor, target: Tensor, ignore_index: int | None) -> int | None:
    """Class-index targets: an integer tensor of shape (N, d1, ...) with values in [0, C) (or ignore_index).

    Returns the ignore_index to hand to the op, or None when no target can equal it (the ops' shorter path).
    """
    c = input._data.shape[1]
    want = input._data.shape[:1] + input._data.shape[2:]
    if target._data.dtype.kind not in "iu":
        hint = "; class-probability targets must be floating with the input's shape" if name == "cross_entropy" else ""
        raise TypeError(
            f"{name}: target has dtype {target._data.dtype} and shape {tuple(target._data.shape)} for input "
            f"{tuple(input._data.shape)}: class-index targets must be integers of shape {want} (use target.long()){hint}"
        )
    if target._data.shape != want:
        raise ValueError(
            f"{name}: target has shape {tuple(target._data.shape)} but input {tuple(input._data.shape)} needs class indices "
            f"of shape {want} (input is (N, C, d1, ...), target (N, d1, ...)); check for a stray dimension "
            "(target.squeeze(1) / target.view(-1))"
        )
    t = target._data
    if t.size == 0 or (t.min() >= 0 and t.max() < c):  # the common case, in two reductions
        _capture.targets_in_range(target, c)  # a compiled step replays this choice only while it holds
        return None if ignore_index is None or not 0 <= ignore_index < c else int(ignore_index)
    bad = (t < 0) | (t >= c)
    if ignore_index is not None:
        bad &= t != ignore_index
    if bad.any():
        v = int(t[bad].flat[0])
        raise IndexError(
            f"{name}: target contains class index {v}, but the input has {c} classes (shape "
            f"{tuple(input._data.shape)}); class indices must be in [0, {c - 1}]"
            + (f" (or ignore_index={ignore_index})" if ignore_index is not None else "")
        )
    return None if ignore_index is None else int(ignore_index)


def _batched(input: Tensor, target: Tensor, reduction: str):
    """Unbatched (C,) input: add the batch axis (and remove it from a 'none' result)."""
    if input.ndim == 1:
        return input.reshape(1, -1), target.reshape((1,) + tuple(target._data.shape)), reduction == "none"
    return input, target, False


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits and targets: log_softmax over dim 1 and NLL in one stable node.

    See `nn.CrossEntropyLoss` for the formula; the gradient for reduction="mean" is (softmax(input) - onehot) / N.

    Args:
        input: logits (N, C), (N, C, d1, ...), or (C,) for one sample.
        target: class indices (N,) / (N, d1, ...) in [0, C), or class probabilities in the input's shape.
        weight: a rescaling weight per class, (C,) (default None).
        ignore_index: a target value that is skipped (default -100).
        reduction: "mean" (default), "sum", or "none" (no reduction: the per-element or per-sample losses).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.
        label_smoothing: in [0, 1], mixes the target with the uniform distribution (default 0.0).

    Returns:
        A scalar, or the per-sample losses with reduction="none".

    Raises:
        IndexError: a class index outside [0, C).
        ValueError: an invalid reduction or label_smoothing, a 0-d input, or shapes that do not fit.
        TypeError: the input is not a floating-point Tensor.
    """
    name = "cross_entropy"
    reduction = _reduction(name, reduction, size_average, reduce)
    x, t = _input(name, input), _target(target)
    if x.ndim == 0:
        raise ValueError(f"{name}: input must be (C,) or (N, C, d1, ...), got a 0-d tensor")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    x, t, squeeze = _batched(x, t, reduction)
    prob = t._data.dtype.kind == "f" and t._data.shape == x._data.shape
    if prob:
        if t._data.dtype != x._data.dtype:
            t = t.to(x._data.dtype)
    else:
        ignore_index = _check_classes(name, x, t, ignore_index)
    w = _class_weight(name, weight, x._data.shape[1], x._data.dtype)
    out = L.CrossEntropy.apply(x, t, w, ignore_index, reduction, float(label_smoothing), prob)
    return out.reshape(()) if squeeze else out


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
             reduction: str = "mean") -> Tensor:
    """The negative log-likelihood -weight[t] * input[n, t] of class indices under log-probabilities `input`.

    Args:
        input: log-probabilities (N, C), (N, C, d1, ...) or (C,).
        target: class indices (N,), (N, d1, ...) or ().
        weight: a rescaling weight per class, (C,) (default None).
        ignore_index: a target value that is skipped (default -100).
        reduction: "mean" (default), "sum", or "none" (no reduction: the per-element or per-sample losses).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Returns:
        A scalar, or the per-sample losses with reduction="none".

    Raises:
        IndexError: a class index outside [0, C).
        ValueError: an invalid reduction.
    """
    name = "nll_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    x, t = _input(name, input), _target(target)
    x, t, squeeze = _batched(x, t, reduction)
    ignore_index = _check_classes(name, x, t, ignore_index)
    w = _class_weight(name, weight, x._data.shape[1], x._data.dtype)
    out = L.NLL.apply(x, t, w, ignore_index, reduction)
    return out.reshape(()) if squeeze else out


def _same_shape_float(name: str, x: Tensor, t: Tensor, fix: str) -> Tensor:
    if t._data.dtype.kind != "f":
        raise TypeError(
            f"{name}: target has dtype {t._data.dtype}, but it must be floating like the input ({x._data.dtype}): use "
            f"target.float(){fix}"
        )
    if t._data.shape != x._data.shape:
        raise ValueError(
            f"{name}: target size {tuple(t._data.shape)} is different to the input size {tuple(x._data.shape)}; make them "
            "equal, e.g. target.view_as(input) or input.squeeze(-1)"
        )
    return t if t._data.dtype == x._data.dtype or t._rg else t.to(x._data.dtype)


def _elementwise_weight(name: str, weight, x: Tensor, what: str = "weight"):
    if weight is None:
        return None
    w = np.asarray(weight._data if isinstance(weight, Tensor) else weight).astype(x._data.dtype, copy=False)
    try:
        ok = np.broadcast_shapes(w.shape, x._data.shape) == tuple(x._data.shape)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{name}: {what} of shape {tuple(w.shape)} cannot be broadcast to the input {tuple(x._data.shape)}")
    return w


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy -w (t log x + (1 - t) log(1 - x)) for probabilities x in [0, 1] (logs clamped at
    -100). Prefer `binary_cross_entropy_with_logits` on raw scores.

    Args:
        input: probabilities, any shape.
        target: the input's shape, values in [0, 1].
        weight: a rescaling weight broadcast to the input's shape (default None).
        reduction: "mean" (default), "sum", or "none" (no reduction: the per-element or per-sample losses).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Returns:
        A scalar, or the input's shape with reduction="none".

    Raises:
        RuntimeError: input values outside [0, 1].
        ValueError: an invalid reduction, or a target of another shape.
    """
    name = "binary_cross_entropy"
    reduction = _reduction(name, reduction, size_average, reduce)
    x = _input(name, input)
    t = _same_shape_float(name, x, _target(target), "")
    if x.numel() and (x._data.min() < 0 or x._data.max() > 1):
        raise RuntimeError(
            f"{name}: all elements of input should be between 0 and 1 (got values in [{x._data.min():.4g}, "
            f"{x._data.max():.4g}]); apply sigmoid first, or use binary_cross_entropy_with_logits on raw scores"
        )
    return L.BCE.apply(x, t, _elementwise_weight(name, weight, x), reduction, None)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction: str = "mean", pos_weight=None) -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed stably from the logits: max(x, 0) - x t + log(1 + exp(-|x|)).

    The gradient is sigmoid(x) - t (times the weights): no saturation.

    Args:
        input: logits, any shape.
        target: the input's shape, values in [0, 1].
        weight: a rescaling weight broadcast to the input's shape (default None).
        reduction: "mean" (default), "sum", or "none" (no reduction: the per-element or per-sample losses).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.
        pos_weight: a weight on the positive term, broadcast along the last dimension (default None).

    Returns:
        A scalar, or the input's shape with reduction="none".

    Raises:
        ValueError: an invalid reduction, or a target of another shape.
    """
    name = "binary_cross_entropy_with_logits"
    reduction = _reduction(name, reduction, size_average, reduce)
    x = _input(name, input)
    t = _same_shape_float(name, x, _target(target), "")
    pw = _elementwise_weight(name, pos_weight, x, "pos_weight")
    return L.BCEWithLogits.apply(x, t, _elementwise_weight(name, weight, x), pw, reduction)


def _regression_target(name: str, x: Tensor, target) -> Tensor:
    t = _target(target)
    if t._data.dtype.kind not in "f":
        raise TypeError(f"{name}: target has dtype {t._data.dtype}, but the input is {x._data.dtype}; use target.float()")
    if t._data.shape != x._data.shape:
        try:
            shape = np.broadcast_shapes(t._data.shape, x._data.shape)
        except ValueError:
            shape = None
        if shape != tuple(x._data.shape):
            raise ValueError(
                f"{name}: target size {tuple(t._data.shape)} is different to the input size {tuple(x._data.shape)} and "
                f"broadcasting them gives {shape}, not the input's shape: likely a stray dimension (e.g. "
                "(N, 1) vs (N,)); use target.view_as(input) or input.squeeze(-1)"
            )
        warnings.warn(
            f"{name}: using a target size {tuple(t._data.shape)} that is different to the input size "
            f"{tuple(x._data.shape)}; it is broadcast. Please ensure they have the same size.", UserWarning, stacklevel=3,
        )
    return t if t._data.dtype == x._data.dtype or t._rg else t.to(x._data.dtype)


def _pointwise(name: str, cls, input, target, reduction, size_average, reduce, weight, *params,
               weight_mean: bool = True) -> Tensor:
    """Elementwise losses; a weighted 'mean' divides by the summed weights (mse, l1) or the count (huber)."""
    reduction = _reduction(name, reduction, size_average, reduce)
    x = _input(name, input)
    t = _regression_target(name, x, target)
    w = denom = None
    if weight is not None:
        w = np.asarray(weight._data if isinstance(weight, Tensor) else weight).astype(x._data.dtype, copy=False)
        if w.shape != x._data.shape:
            raise ValueError(f"{name}: weights of shape {tuple(w.shape)} and input {tuple(x._data.shape)} must have the same size")
        denom = w.sum() if weight_mean else None
    return cls.apply(x, t, w, reduction, *params, denom)


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None) -> Tensor:
    """Squared error (input - target)^2, reduced. The functional form of `nn.MSELoss`.

    Args:
        input: any shape.
        target: the input's shape.
        reduction: "mean" (default), "sum", or "none" (no reduction: the per-element or per-sample losses).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.
        weight: an elementwise weight (chainrule's addition; a weighted mean divides by the summed weights).

    Returns:
        A scalar, or the input's shape with reduction="none".

    Raises:
        ValueError: an invalid reduction, or a target whose shape does not match (e.g. (N, 1) against (N,)).
    """
    return _pointwise("mse_loss", L.MSE, input, target, reduction, size_average, reduce, weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None) -> Tensor:
    """Absolute error |input - target|, reduced. The functional form of `nn.L1Loss`.

    Args:
        input: any shape.
        target: the input's shape.
        reduction: "mean" (default), "sum", or "none" (no reduction: the per-element or per-sample losses).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.
        weight: an elementwise weight (chainrule's addition; a weighted mean divides by the summed weights).

    Returns:
        A scalar, or the input's shape with reduction="none".

    Raises:
        ValueError: an invalid reduction, or a target of another shape.
    """
    return _pointwise("l1_loss", L.L1, input, target, reduction, size_average, reduce, weight)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None) -> Tensor:
    """Huber loss: 0.5 d^2 where |d| <= delta, else delta (|d| - delta / 2), with d = input - target.

    Args:
        input: any shape.
        target: the input's shape.
        reduction: "mean" (default), "sum" or "none".
        delta: where the quadratic part turns linear (default 1.0), > 0.
        weight: an elementwise weight (chainrule's addition; "mean" divides by the element count).

    Returns:
        A scalar, or the input's shape with reduction="none".

    Raises:
        ValueError: delta <= 0, an invalid reduction, or a target of another shape.
    """
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    return _pointwise("huber_loss", L.Huber, input, target, reduction, None, None, weight, float(delta), 1.0,
                      weight_mean=False)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """Smooth L1 loss: 0.5 d^2 / beta where |d| < beta, else |d| - beta / 2 (= huber_loss(delta=beta) / beta;
    l1_loss when beta is 0).

    Args:
        input: any shape.
        target: the input's shape.
        reduction: "mean" (default), "sum", or "none" (no reduction: the per-element or per-sample losses).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.
        beta: where the quadratic part turns linear (default 1.0), >= 0.

    Returns:
        A scalar, or the input's shape with reduction="none".

    Raises:
        ValueError: beta < 0, an invalid reduction, or a target of another shape.
    """
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    if beta == 0:
        return l1_loss(input, target, size_average, reduce, reduction)
    return _pointwise("smooth_l1_loss", L.Huber, input, target, reduction, size_average, reduce, None,
                      float(beta), 1.0 / beta)


def multi_margin_loss(input, target, p: int = 1, margin: float = 1.0, weight=None, size_average=None,
                      reduce=None, reduction: str = "mean") -> Tensor:
    """The multi-class hinge loss: sum over i != y of w[y] max(0, margin - x[y] + x[i])^p, divided by C.

    Args:
        input: scores (N, C) or (C,).
        target: class indices (N,) or ().
        p: 1 (default) or 2.
        margin: the required gap (default 1.0).
        weight: a rescaling weight per class, (C,) (default None).
        reduction: "mean" (default), "sum", or "none" (no reduction: the per-element or per-sample losses).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Returns:
        A scalar, or (N,) with reduction="none".

    Raises:
        ValueError: p not 1 or 2, an input that is not 1- or 2-D, or an invalid reduction.
        IndexError: a class index outside [0, C).
    """
    name = "multi_margin_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError(f"{name}: only p == 1 and p == 2 are supported, got p={p}")
    x, t = _input(name, input), _target(target)
    if x.ndim not in (1, 2):
        raise ValueError(f"{name}: input must be (C,) or (N, C), got {tuple(x._data.shape)}")
    x, t, squeeze = _batched(x, t, reduction)
    _check_classes(name, x, t, None)
    w = _class_weight(name, weight, x._data.shape[1], x._data.dtype)
    out = L.MultiMargin.apply(x, t, w, int(p), float(margin), reduction)
    return out.reshape(()) if squeeze else out


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """One-hot encoding: an int64 tensor of shape (*tensor.shape, num_classes) with a 1 at each class index.

    Args:
        tensor: integer class indices, any shape, values >= 0.
        num_classes: the number of classes (default -1: the largest index + 1).

    Returns:
        An int64 tensor of shape (*tensor.shape, num_classes).

    Raises:
        TypeError: the tensor is not of an integer dtype.
        RuntimeError: a negative index, an index >= num_classes, or num_classes=-1 with an empty tensor.
    """
    t = _target(tensor)
    if t._data.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected an integer (class index) tensor, got {t._data.dtype}; use tensor.long()")
    a = t._data
    if a.size and a.min() < 0:
        raise RuntimeError(f"one_hot: class values must be non-negative, got {int(a.min())}")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("one_hot: cannot infer num_classes from an empty tensor; pass num_classes")
        num_classes = int(a.max()) + 1
    elif a.size and a.max() >= num_classes:
        raise RuntimeError(f"one_hot: class values must be smaller than num_classes={num_classes}, got {int(a.max())}")
    return Tensor._wrap((a[..., None] == np.arange(num_classes)).astype(np.int64))


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

def _classes(m):
    return m.idx([0, 2, 1])  # targets of the (3, 4) cases


def _probs(m, x):
    return m.tensor([[1.0, 0, 1, 0]] * 3, dtype=x.dtype)


declare(cross_entropy, namespaces=("F",), cases=[
    case(lambda m, x: m.F.cross_entropy(x, _classes(m)), (3, 4))])
declare(nll_loss, namespaces=("F",), cases=[
    case(lambda m, x: m.F.nll_loss(m.F.log_softmax(x, dim=1), _classes(m)), (3, 4))])
declare(mse_loss, namespaces=("F",), cases=[case(lambda m, x, y: m.F.mse_loss(x, y), (3, 4), (3, 4))])
declare(l1_loss, namespaces=("F",), cases=[
    case(lambda m, x, y: m.F.l1_loss(x, y), (3, 4), (3, 4), kinds="distinct")])
declare(huber_loss, namespaces=("F",), cases=[
    case(lambda m, x, y: m.F.huber_loss(x, y, delta=0.5), (3, 4), (3, 4), kinds="distinct")])
declare(smooth_l1_loss, namespaces=("F",), cases=[
    case(lambda m, x, y: m.F.smooth_l1_loss(x, y, beta=0.5), (3, 4), (3, 4), kinds="distinct")])
declare(binary_cross_entropy, namespaces=("F",), cases=[
    case(lambda m, x: m.F.binary_cross_entropy(x.sigmoid(), _probs(m, x)), (3, 4), gradgrad=False)])
declare(binary_cross_entropy_with_logits, namespaces=("F",), cases=[
    case(lambda m, x: m.F.binary_cross_entropy_with_logits(x, _probs(m, x) * 0.7), (3, 4))])
declare(multi_margin_loss, namespaces=("F",), cases=[
    case(lambda m, x: m.F.multi_margin_loss(x, _classes(m)), (3, 4), kinds="distinct", gradgrad=False)])
declare(one_hot, namespaces=("F",), cases=[
    case(lambda m, x: m.F.one_hot((x > 0).long(), 3), (2, 3), grad=False)])
