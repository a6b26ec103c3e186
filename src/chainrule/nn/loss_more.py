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

    Args:
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).
        reduction: "batchmean" (the KL divergence: sum / N), "sum", "none", or "mean" (default; divides by every
            element and warns, as PyTorch does).
        log_target: the target is given as log-probabilities (default False).

    Shape:
        - Input: (*), log-probabilities.
        - Target: (*), the input's shape; probabilities (or log-probabilities with log_target).
        - Output: a scalar, or (*) with reduction="none".

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
        margin: the gap required between the two scores (default 0.0).
        reduction: "mean" (default), "sum" or "none" (the loss of each element).
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).

    Shape:
        - Input1, Input2: (N,) or (), scores.
        - Target: the same shape, 1 or -1.
        - Output: a scalar, or (N,) with reduction="none".

    Examples:
        >>> import chainrule as cr
        >>> loss = cr.nn.MarginRankingLoss(margin=0.5)
        >>> loss(cr.tensor([0.5, -1.0, 2.0]), cr.tensor([0.0, 0.0, 1.0]), cr.tensor([1.0, 1.0, -1.0]))
        tensor(1.)
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x where y = 1, max(0, margin - x) where y = -1: for distances x between similar / dissimilar pairs.

    Args:
        margin: how far apart dissimilar pairs should be (default 1.0).
        reduction: "mean" (default), "sum" or "none" (the loss of each element).
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).

    Shape:
        - Input: (*), distances.
        - Target: (*), the input's shape, 1 or -1.
        - Output: a scalar, or (*) with reduction="none".

    Examples:
        >>> import chainrule as cr
        >>> loss = cr.nn.HingeEmbeddingLoss(margin=1.0, reduction="none")
        >>> loss(cr.tensor([0.3, 0.2, 1.5]), cr.tensor([1.0, -1.0, -1.0]))
        tensor([0.3000, 0.8000, 0.0000])
    """

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + exp(-y x)): the two-class logistic loss for targets y = 1 / -1.

    Args:
        reduction: "mean" (default), "sum" or "none" (the loss of each element).
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).

    Shape:
        - Input: (*), scores.
        - Target: (*), the input's shape, 1 or -1.
        - Output: a scalar, or (*) with reduction="none".

    Examples:
        >>> import chainrule as cr
        >>> # the mean of log(1 + exp(-2)) and log(1 + exp(-1))
        >>> cr.nn.SoftMarginLoss()(cr.tensor([2.0, -1.0]), cr.tensor([1.0, -1.0]))
        tensor(0.2201)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1.

    Args:
        margin: in [-1, 1]; dissimilar pairs are penalised above this cosine (default 0.0).
        reduction: "mean" (default), "sum" or "none" (the loss of each element).
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).

    Shape:
        - Input1, Input2: (N, D) or (D,).
        - Target: (N,) or (), 1 or -1.
        - Output: a scalar, or (N,) with reduction="none".

    Examples:
        >>> import chainrule as cr
        >>> loss = cr.nn.CosineEmbeddingLoss(reduction="none")
        >>> x1, x2 = cr.tensor([[1.0, 0.0], [0.0, 1.0]]), cr.tensor([[1.0, 1.0], [1.0, 0.0]])
        >>> loss(x1, x2, cr.tensor([1.0, -1.0]))
        tensor([0.2929, 0.0000])
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(a, p) - d(a, n)) with d the p-norm pairwise distance.

    Args:
        margin: how much closer the positive should be than the negative, > 0 (default 1.0).
        p: the norm degree of the distance (default 2.0).
        eps: added to the differences, against a zero norm's infinite gradient (default 1e-6).
        swap: the distance swap of Balntas et al.: use d(p, n) when it is smaller than d(a, n) (default
            False).
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).
        reduction: "mean" (default), "sum" or "none" (the loss of each triplet).

    Shape:
        - Anchor, Positive, Negative: (N, D) or (D,).
        - Output: a scalar, or (N,) with reduction="none".

    Raises:
        ValueError: margin <= 0.

    Examples:
        >>> import chainrule as cr
        >>> anchor, positive = cr.tensor([[0.0, 0.0]]), cr.tensor([[1.0, 0.0]])
        >>> negative = cr.tensor([[0.0, 1.5]])
        >>> cr.nn.TripletMarginLoss(margin=1.0)(anchor, positive, negative)  # max(0, 1 + 1 - 1.5)
        tensor(0.5000)
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

    Args:
        distance_function: a function of two (N, D) tensors returning (N,) distances (keyword-only; default
            None:
            `nn.PairwiseDistance()`, the Euclidean distance).
        margin: how much closer the positive should be than the negative, > 0 (keyword-only; default 1.0).
        swap: the distance swap of Balntas et al. (keyword-only; default False).
        reduction: "mean" (default), "sum" or "none" (keyword-only).

    Shape:
        - Anchor, Positive, Negative: (N, *) or whatever distance_function accepts.
        - Output: a scalar, or (N,) with reduction="none".

    Raises:
        ValueError: margin <= 0.

    Examples:
        >>> import chainrule as cr
        >>> l1 = lambda u, v: (u - v).abs().sum(-1)
        >>> loss = cr.nn.TripletMarginWithDistanceLoss(distance_function=l1, margin=1.0)
        >>> loss(cr.tensor([[0.0, 0.0]]), cr.tensor([[1.0, 0.0]]), cr.tensor([[0.0, 1.5]]))
        tensor(0.5000)
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
        log_input: the input is the log of the rate, loss exp(x) - y x (default True); with False the input is
            the rate itself, loss x - y log(x + eps).
        full: add Stirling's approximation of log(y!) for targets above 1 (default False).
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).
        eps: keeps log(x + eps) finite when log_input is False (default 1e-8).
        reduction: "mean" (default), "sum" or "none" (the loss of each element).

    Shape:
        - Input: (*), log-rates (or rates).
        - Target: (*), the input's shape, counts.
        - Output: a scalar, or (*) with reduction="none".

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.PoissonNLLLoss()(cr.tensor([0.0, 1.0]), cr.tensor([1.0, 2.0]))  # mean of 1 - 0, e - 2
        tensor(0.8591)
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

    Args:
        full: add the constant 0.5 log(2 pi) (keyword-only; default False).
        eps: the smallest variance used, for stability (keyword-only; default 1e-6).
        reduction: "mean" (default), "sum" or "none" (keyword-only).

    The forward takes `(input, target, var)`: the predicted means, the targets, and the predicted variances
    (positive; the input's shape, or one fewer dimension / a last dimension of 1 for one variance per sample,
    or a float).

    Shape:
        - Input: (N, *) or (*).
        - Target: the input's shape.
        - Var: the input's shape, or with the last dimension 1 or dropped.
        - Output: a scalar, or (N, *) with reduction="none".

    Raises:
        ValueError: a negative variance, or a variance shape that does not fit the input.

    Examples:
        >>> import chainrule as cr
        >>> loss = cr.nn.GaussianNLLLoss()
        >>> loss(cr.tensor([1.0, 2.0]), cr.tensor([1.5, 2.0]), cr.tensor([0.25, 1.0]))
        tensor(-0.0966)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge: sum over target classes j and others i of max(0, 1 - (x[j] - x[i])) / C.

    Args:
        reduction: "mean" (default), "sum" or "none" (the loss of each element).
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).

    Shape:
        - Input: (N, C) or (C,), scores.
        - Target: int64 of the input's shape: the target classes first, ended by -1 (the rest is ignored).
        - Output: a scalar, or (N,) with reduction="none".

    Examples:
        >>> import chainrule as cr
        >>> loss = cr.nn.MultiLabelMarginLoss()
        >>> loss(cr.tensor([[0.1, 0.2, 0.4, 0.8]]), cr.tensor([[3, 0, -1, 1]]))  # targets 3 and 0
        tensor(0.8500)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_Loss):
    """Multi-label one-versus-all logistic loss, averaged over the C classes.

    Args:
        weight: a rescaling weight per class, (C,) (default None: all 1).
        reduction: "mean" (default), "sum" or "none" (the loss of each element).
        size_average: deprecated (PyTorch's old way to say reduction; default None).
        reduce: deprecated (PyTorch's old way to say reduction; default None).

    Shape:
        - Input: (N, C) or (C,), logits.
        - Target: the input's shape, 0 or 1 per class.
        - Output: a scalar, or (N,) with reduction="none".

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.MultiLabelSoftMarginLoss()(cr.tensor([[2.0, -1.0, 0.0]]), cr.tensor([[1.0, 0.0, 1.0]]))
        tensor(0.3778)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class CTCLoss(_Loss):
    """The Connectionist Temporal Classification loss (Graves et al., 2006; see nn.functional.ctc_loss).

    The negative log-likelihood of each target sequence summed over every alignment of it to the T input
    steps (with blanks and repeats), computed by the forward-backward recursion.

    Args:
        blank: the blank class (default 0).
        reduction: "mean" (default: each loss divided by its target length, then the batch mean), "sum" or
            "none" (the loss of each sequence).
        zero_infinity: zero infinite losses (impossible alignments) and their gradients (default False).

    The forward takes `(log_probs, targets, input_lengths, target_lengths)`.

    Shape:
        - Log_probs: (T, N, C) or (T, C), log-softmax outputs over C classes (blank included).
        - Targets: (N, S) padded, or the N target sequences concatenated (sum(target_lengths),); class
          indices,
          never the blank.
        - Input_lengths, Target_lengths: (N,) (ints or int tensors), each input length <= T.
        - Output: a scalar, or (N,) with reduction="none".

    Examples:
        >>> import chainrule as cr
        >>> probs = cr.tensor([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.2, 0.2, 0.6]])  # T=3 steps, C=3 classes
        >>> log_probs = probs.log().unsqueeze(1)  # (T, N=1, C)
        >>> cr.nn.CTCLoss(reduction="sum")(log_probs, cr.tensor([[1, 2]]), [3], [2])  # -log P("1 2")
        tensor(0.8965)
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths, target_lengths) -> Tensor:
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
