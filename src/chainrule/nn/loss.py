"""Loss modules: hold the options, call nn.functional. `reduction` is 'mean', 'sum' or 'none' everywhere."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .functional.losses import _reduction
from .module import Module


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction(type(self).__name__, reduction, size_average, reduce)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: mean((input - target)^2), the regression loss (pair it with an identity output).

    The gradient is 2 (input - target) / n for reduction="mean".

    Args:
        reduction: "mean" (default): the mean over the elements; "sum": their sum; "none": one loss per
            element, in the input's shape.
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Shape:
        - Input: (*), any shape.
        - Target: (*), the input's shape.
        - Output: a scalar, or (*) with reduction="none".

    Raises:
        ValueError: `reduction` is not "mean", "sum" or "none", or the target's shape does not match the input's
            (the message names both shapes and the likely fix, e.g. a stray (N, 1)).

    Examples:
        >>> import chainrule as cr
        >>> loss = cr.nn.MSELoss()
        >>> loss(cr.tensor([1.0, 2.0]), cr.tensor([1.5, 1.0]))
        tensor(0.6250)
        >>> cr.nn.MSELoss(reduction="none")(cr.tensor([1.0, 2.0]), cr.tensor([1.5, 1.0]))
        tensor([0.2500, 1.0000])
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: mean(|input - target|); its gradient is sign(input - target) / n (0 at 0).

    Args:
        reduction: "mean" (default): the mean over the elements; "sum": their sum; "none": one loss per
            element, in the input's shape.
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Shape:
        - Input: (*). Target: (*), the input's shape. Output: a scalar, or (*) with reduction="none".

    Raises:
        ValueError: `reduction` is not "mean", "sum" or "none", or the target's shape does not match the input's
            (the message names both shapes and the likely fix, e.g. a stray (N, 1)).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.L1Loss()(cr.tensor([1.0, 2.0]), cr.tensor([1.5, 1.0]))
        tensor(0.7500)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Huber loss: 0.5 d^2 where |d| <= delta, else delta (|d| - delta / 2), with d = input - target.

    Quadratic near the target and linear far from it, so outliers pull with a bounded gradient (at most delta).

    Args:
        reduction: "mean" (default), "sum" or "none".
        delta: where the quadratic part turns linear (default 1.0).

    Shape:
        - Input: (*). Target: (*), the input's shape. Output: a scalar, or (*) with reduction="none".

    Raises:
        ValueError: `reduction` is not "mean", "sum" or "none", or the target's shape does not match the input's
            (the message names both shapes and the likely fix, e.g. a stray (N, 1)).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.HuberLoss(reduction="none")(cr.tensor([0.5, 3.0]), cr.tensor([0.0, 0.0]))
        tensor([0.1250, 2.5000])
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss: 0.5 d^2 / beta where |d| < beta, else |d| - beta / 2 (d = input - target).

    Equals HuberLoss(delta=beta) / beta; with beta=0 it is L1Loss.

    Args:
        reduction: "mean" (default): the mean over the elements; "sum": their sum; "none": one loss per
            element, in the input's shape.
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.
        beta: where the quadratic part turns linear (default 1.0).

    Shape:
        - Input: (*). Target: (*), the input's shape. Output: a scalar, or (*) with reduction="none".

    Raises:
        ValueError: `reduction` is not "mean", "sum" or "none", or the target's shape does not match the input's
            (the message names both shapes and the likely fix, e.g. a stray (N, 1)).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.SmoothL1Loss(reduction="none")(cr.tensor([0.5, 3.0]), cr.tensor([0.0, 0.0]))
        tensor([0.1250, 2.5000])
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy between logits and class targets: log-softmax and the negative log-likelihood in one node.

    For logits z of one sample and its class y: loss = -log softmax(z)[y] = logsumexp(z) - z[y]. The fused node
    is stable for any logits (it subtracts the row maximum) and its backward is (softmax(z) - onehot(y)) / N for
    reduction="mean". Give it raw scores: do not put a Softmax layer in front of it.

    Args:
        weight: a rescaling weight per class, shape (C,) (default None: all 1). With reduction="mean" the result
            is divided by the summed weights of the targets, as in PyTorch.
        ignore_index: a target value that contributes neither to the loss nor to the gradient (default -100).
        reduction: "mean" (default), "sum", or "none" (one loss per sample).
        label_smoothing: in [0, 1]; the target becomes (1 - label_smoothing) on the class plus
            label_smoothing / C on every class (default 0.0).
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Shape:
        - Input: (N, C) logits, or (N, C, d1, ...) for per-pixel classification, or (C,) for one sample.
        - Target: class indices (N,) or (N, d1, ...), integers in [0, C); or class probabilities in the
          input's shape (float).
        - Output: a scalar, or (N,) / (N, d1, ...) with reduction="none".

    Raises:
        IndexError: a class index is outside [0, C) (and is not ignore_index).
        ValueError: an invalid `reduction`, or target and input shapes that do not fit together.

    Examples:
        >>> import chainrule as cr
        >>> loss = cr.nn.CrossEntropyLoss()
        >>> logits = cr.tensor([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]], requires_grad=True)
        >>> out = loss(logits, cr.tensor([0, 2]))
        >>> out
        tensor(0.2845, grad_fn=<NllLossBackward0>)
        >>> out.backward()
        >>> logits.grad.shape
        chainrule.Size([2, 3])
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood: -weight[t] * input[n, t], for inputs that are already log-probabilities.

    `NLLLoss()(log_softmax(z, dim=1), t)` equals `CrossEntropyLoss()(z, t)`; prefer the latter (one fused node).

    Args:
        weight: a rescaling weight per class, shape (C,) (default None: all 1); "mean" divides by the summed
            weights of the targets.
        ignore_index: a target value that is skipped (default -100).
        reduction: "mean" (default), "sum" or "none".
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Shape:
        - Input: (N, C) or (N, C, d1, ...) log-probabilities. Target: (N,) or (N, d1, ...) class indices.
        - Output: a scalar, or the target's shape with reduction="none".

    Raises:
        IndexError: a class index is outside [0, C) (and is not ignore_index).
        ValueError: an invalid `reduction`.

    Examples:
        >>> import chainrule as cr
        >>> log_p = cr.nn.functional.log_softmax(cr.tensor([[2.0, 1.0, 0.1]]), dim=1)
        >>> cr.nn.NLLLoss()(log_p, cr.tensor([0]))
        tensor(0.4170)
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy on probabilities: -w (t log x + (1 - t) log(1 - x)), logs clamped at -100.

    Takes probabilities (after a sigmoid). BCEWithLogitsLoss takes the logits instead and is stable for any
    value; prefer it.

    Args:
        weight: a rescaling weight, broadcast to the input's shape (default None).
        reduction: "mean" (default): the mean over the elements; "sum": their sum; "none": one loss per
            element, in the input's shape.
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Shape:
        - Input: (*) probabilities in [0, 1]. Target: (*), the input's shape, in [0, 1].
        - Output: a scalar, or (*) with reduction="none".

    Raises:
        ValueError: `reduction` is not "mean", "sum" or "none", or the target's shape does not match the input's
            (the message names both shapes and the likely fix, e.g. a stray (N, 1)).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.BCELoss()(cr.tensor([0.9, 0.2]), cr.tensor([1.0, 0.0]))
        tensor(0.1643)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits: BCE(sigmoid(x), t), computed as max(x, 0) - x t + log(1 + exp(-|x|)).

    Stable for any logit, and its gradient is sigmoid(x) - t: no saturation when the prediction is confidently
    wrong (unlike sigmoid followed by MSELoss).

    Args:
        weight: a rescaling weight, broadcast to the input's shape (default None).
        pos_weight: a weight on the positive term, one per class (broadcast along the last dimension); > 1 raises
            recall (default None).
        reduction: "mean" (default): the mean over the elements; "sum": their sum; "none": one loss per
            element, in the input's shape.
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Shape:
        - Input: (*) logits. Target: (*), the input's shape, in [0, 1].
        - Output: a scalar, or (*) with reduction="none".

    Raises:
        ValueError: `reduction` is not "mean", "sum" or "none", or the target's shape does not match the input's
            (the message names both shapes and the likely fix, e.g. a stray (N, 1)).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.BCEWithLogitsLoss()(cr.tensor([2.0, -1.0]), cr.tensor([1.0, 0.0]))
        tensor(0.2201)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean",
                 pos_weight=None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class MultiMarginLoss(_WeightedLoss):
    """The multi-class SVM (hinge) loss: sum over i != y of max(0, margin - x[y] + x[i])^p, divided by C.

    Args:
        p: 1 (default) or 2, the power of the hinge.
        margin: the required gap between the true class's score and the others (default 1.0).
        weight: a rescaling weight per class, shape (C,) (default None).
        reduction: "mean" (default): the mean over the elements; "sum": their sum; "none": one loss per
            element, in the input's shape.
        size_average: deprecated (as in PyTorch); use `reduction`.
        reduce: deprecated (as in PyTorch); use `reduction`.

    Shape:
        - Input: (N, C) scores or (C,). Target: (N,) class indices or ().
        - Output: a scalar, or (N,) with reduction="none".

    Raises:
        ValueError: p is not 1 or 2, or an invalid `reduction`.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.MultiMarginLoss()(cr.tensor([[0.1, 0.2, 0.4, 0.8]]), cr.tensor([3]))
        tensor(0.3250)
    """

    def __init__(self, p: int = 1, margin: float = 1.0, weight=None, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got p={p}")
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                   reduction=self.reduction)
