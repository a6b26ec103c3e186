"""More loss modules (KL divergence, margins and embeddings, likelihoods, CTC): hold the options, call
nn.functional. Constructor signatures and defaults are PyTorch's."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .functional.losses import _reduction
from .loss import _Loss
from .module import Module

__all__ = [
    "CTCLoss", "CosineEmbeddingLoss", "GaussianNLLLoss", "HingeEmbeddingLoss", "KLDivLoss", "MarginRankingLoss",
    "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "PoissonNLLLoss", "SoftMarginLoss", "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
]


class KLDivLoss(Module):
    """The Kullback-Leibler divergence loss, target * (log(target) - input) for log-probability inputs.

    Constructor arguments:
        reduction: "batchmean" (the KL divergence: sum / N), "sum", "none", or "mean" (default; divides by every
            element and warns, as PyTorch does).
        size_average, reduce: deprecated (as in PyTorch). log_target: the target is log-probabilities (False).

    Examples:
        >>> import chainrule as cr
        >>> loss = cr.nn.KLDivLoss(reduction="batchmean")
        >>> loss(cr.tensor([[0.5, 0.5]]).log(), cr.tensor([[0.25, 0.75]]))
        tensor(0.1308)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _reduction("KLDivLoss", reduction, size_average, reduce)
        self.reduction, self.log_target = reduction, log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MarginRankingLoss(_Loss):
    """max(0, -y (x1 - x2) + margin): x1 should rank above x2 where y = 1 (below where y = -1).

    Args:
        margin: default 0.0. reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated.
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x where y = 1, max(0, margin - x) where y = -1: for distances x between similar / dissimilar pairs.

    Args:
        margin: default 1.0. reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated.
    """

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + exp(-y x)): the two-class logistic loss for targets y = 1 / -1.

    Args:
        reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1.

    Args:
        margin: in [-1, 1] (default 0.0). reduction: "mean" (default), "sum" or "none". size_average, reduce:
            deprecated.

    Shape: inputs (N, D) with target (N,), or (D,) with a 0-d target.
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(a, p) - d(a, n)) with d the p-norm pairwise distance.

    Constructor arguments:
        margin: > 0 (default 1.0). p: the norm (default 2.0). eps: added to differences (1e-6). swap: the
            distance swap of Balntas et al. (default False). reduction: "mean" (default), "sum" or "none".
        size_average, reduce: deprecated.
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                     swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """max(0, margin + d(a, p) - d(a, n)) with any distance function (default: the pairwise distance).

    Args (keyword-only):
        distance_function: a function of two tensors (default None: Euclidean). margin: > 0 (1.0).
        swap: default False. reduction: "mean" (default), "sum" or "none".
    """

    def __init__(self, *, distance_function=None, margin: float = 1.0, swap: bool = False,
                 reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        if margin <= 0:
            raise ValueError(
                f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} instead")
        self.distance_function, self.margin, self.swap = distance_function, margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(anchor, positive, negative,
                                                   distance_function=self.distance_function, margin=self.margin,
                                                   swap=self.swap, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """The Poisson negative log-likelihood: exp(x) - y x (log_input), or x - y log(x + eps).

    Args:
        log_input: default True. full: add Stirling's term (default False). eps: default 1e-8.
        reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated.
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None, eps: float = 1e-8,
                 reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """The Gaussian negative log-likelihood 0.5 (log(var) + (x - y)^2 / var), var clamped at eps.

    Args (keyword-only):
        full: add 0.5 log(2 pi) (default False). eps: default 1e-6. reduction: "mean" (default), "sum", "none".
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge: sum over target classes j and others i of max(0, 1 - (x[j] - x[i])) / C.

    Args:
        reduction: "mean" (default), "sum" or "none". size_average, reduce: deprecated.

    Shape: input (N, C) or (C,); target int64 of the same shape, the target classes first, ended by -1.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_Loss):
    """Multi-label one-versus-all logistic loss, averaged over the C classes.

    Args:
        weight: a rescaling weight per class, (C,) (default None). reduction: "mean" (default), "sum" or
            "none". size_average, reduce: deprecated.
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class CTCLoss(_Loss):
    """The Connectionist Temporal Classification loss (see nn.functional.ctc_loss).

    Args:
        blank: the blank class (default 0). reduction: "mean" (default), "sum" or "none".
        zero_infinity: zero infinite losses and their gradients (default False).

    Shape: log_probs (T, N, C) or (T, C); targets (N, S) or concatenated; input and target lengths (N,).
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths, target_lengths) -> Tensor:
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
