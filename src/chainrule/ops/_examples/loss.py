"""The examples of the losses (nn/functional/losses*.py, ctc.py); see __init__.py."""

EXAMPLES = {
    "cross_entropy": """
        >>> logits = chainrule.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]], requires_grad=True)
        >>> target = chainrule.tensor([0, 1])
        >>> loss = F.cross_entropy(logits, target)
        >>> loss
        tensor(0.3069, grad_fn=<NllLossBackward0>)
        >>> loss.backward()
        >>> logits.grad  # (softmax - onehot) / N
        tensor([[-0.1705,  0.1212,  0.0493],
                [ 0.0556, -0.0893,  0.0337]])
        >>> F.cross_entropy(logits, target, label_smoothing=0.1)
        tensor(0.4302, grad_fn=<NllLossBackward0>)
    """,
    "nll_loss": """
        >>> log_probs = chainrule.tensor([[-0.5, -1.0], [-2.0, -0.1]], requires_grad=True)
        >>> F.nll_loss(log_probs, chainrule.tensor([1, 1]))  # mean of -log_probs[n, target[n]]
        tensor(0.5500, grad_fn=<NllLossBackward0>)
        >>> F.nll_loss(log_probs, chainrule.tensor([1, 1])).backward()
        >>> log_probs.grad
        tensor([[ 0.0000, -0.5000],
                [ 0.0000, -0.5000]])
    """,
    "mse_loss": """
        >>> x = chainrule.tensor([1.0, 2.0], requires_grad=True)
        >>> F.mse_loss(x, chainrule.tensor([1.5, 1.0]))
        tensor(0.6250, grad_fn=<MseLossBackward0>)
        >>> F.mse_loss(x, chainrule.tensor([1.5, 1.0]), reduction='none')
        tensor([0.2500, 1.0000], grad_fn=<MseLossBackward0>)
        >>> F.mse_loss(x, chainrule.tensor([1.5, 1.0])).backward()
        >>> x.grad  # 2 (x - target) / N
        tensor([-0.5000,  1.0000])
    """,
    "l1_loss": """
        >>> x = chainrule.tensor([1.0, 2.0], requires_grad=True)
        >>> F.l1_loss(x, chainrule.tensor([1.5, 1.0]))
        tensor(0.7500, grad_fn=<MeanBackward0>)
        >>> F.l1_loss(x, chainrule.tensor([1.5, 1.0])).backward()
        >>> x.grad  # sign(x - target) / N
        tensor([-0.5000,  0.5000])
    """,
    "huber_loss": """
        >>> x = chainrule.tensor([0.5, 3.0], requires_grad=True)
        >>> F.huber_loss(x, chainrule.zeros(2), reduction='none')
        tensor([0.1250, 2.5000], grad_fn=<HuberLossBackward0>)
        >>> F.huber_loss(x, chainrule.zeros(2)).backward()
        >>> x.grad  # d / N inside delta, delta sign(d) / N outside
        tensor([0.2500, 0.5000])
    """,
    "smooth_l1_loss": """
        >>> x = chainrule.tensor([0.5, 3.0], requires_grad=True)
        >>> F.smooth_l1_loss(x, chainrule.zeros(2), reduction='none')
        tensor([0.1250, 2.5000], grad_fn=<HuberLossBackward0>)
        >>> F.smooth_l1_loss(x, chainrule.zeros(2)).backward()
        >>> x.grad
        tensor([0.2500, 0.5000])
    """,
    "binary_cross_entropy": """
        >>> p = chainrule.tensor([0.5, 0.9], requires_grad=True)
        >>> F.binary_cross_entropy(p, chainrule.tensor([1.0, 0.0]))
        tensor(1.4979, grad_fn=<BinaryCrossEntropyBackward0>)
        >>> F.binary_cross_entropy(p, chainrule.tensor([1.0, 0.0])).backward()
        >>> p.grad  # (p - t) / (p (1 - p)) / N
        tensor([-1.0000,  5.0000])
    """,
    "binary_cross_entropy_with_logits": """
        >>> z = chainrule.tensor([0.0, -2.0], requires_grad=True)
        >>> F.binary_cross_entropy_with_logits(z, chainrule.tensor([1.0, 0.0]), reduction='none')
        tensor([0.6931, 0.1269], grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
        >>> F.binary_cross_entropy_with_logits(z, chainrule.tensor([1.0, 0.0])).backward()
        >>> z.grad  # (sigmoid(z) - t) / N
        tensor([-0.2500,  0.0596])
    """,
    "multi_margin_loss": """
        >>> x = chainrule.tensor([[0.1, 0.2, 0.4, 0.8]], requires_grad=True)
        >>> F.multi_margin_loss(x, chainrule.tensor([3]))  # sum of max(0, 1 - x[3] + x[i]) / C
        tensor(0.3250, grad_fn=<MultiMarginLossBackward0>)
        >>> F.multi_margin_loss(x, chainrule.tensor([3])).backward()
        >>> x.grad
        tensor([[ 0.2500,  0.2500,  0.2500, -0.7500]])
    """,
    "one_hot": """
        >>> F.one_hot(chainrule.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
        >>> F.one_hot(chainrule.tensor([1, 3])).shape  # num_classes: max + 1
        chainrule.Size([2, 4])
    """,
    "margin_ranking_loss": """
        >>> a = chainrule.tensor([1.0, 2.0, 0.5])
        >>> b = chainrule.tensor([2.0, 1.0, 0.0])
        >>> F.margin_ranking_loss(a, b, chainrule.tensor([1.0, 1.0, -1.0]), reduction='none')
        tensor([1.0000, 0.0000, 0.5000])
    """,
    "hinge_embedding_loss": """
        >>> d = chainrule.tensor([0.3, 0.3, 2.0])  # distances
        >>> F.hinge_embedding_loss(d, chainrule.tensor([1.0, -1.0, -1.0]), reduction='none')
        tensor([0.3000, 0.7000, 0.0000])
    """,
    "soft_margin_loss": """
        >>> x = chainrule.tensor([2.0, -1.0], requires_grad=True)
        >>> F.soft_margin_loss(x, chainrule.tensor([1.0, 1.0]))
        tensor(0.7201, grad_fn=<SoftMarginLossBackward0>)
        >>> F.soft_margin_loss(x, chainrule.tensor([1.0, 1.0])).backward()
        >>> x.grad
        tensor([-0.0596, -0.3655])
    """,
    "cosine_embedding_loss": """
        >>> a = chainrule.tensor([[1.0, 0.0], [1.0, 0.0]])
        >>> b = chainrule.tensor([[1.0, 1.0], [1.0, 1.0]])
        >>> F.cosine_embedding_loss(a, b, chainrule.tensor([1.0, -1.0]), reduction='none')  # 1 - cos; cos
        tensor([0.2929, 0.7071])
    """,
    "triplet_margin_loss": """
        >>> anchor = chainrule.tensor([[0.0, 0.0]])
        >>> positive = chainrule.tensor([[1.0, 0.0]])
        >>> negative = chainrule.tensor([[0.0, 1.5]])
        >>> F.triplet_margin_loss(anchor, positive, negative)  # max(0, 1 + d(a, p) - d(a, n))
        tensor(0.5000)
    """,
    "triplet_margin_with_distance_loss": """
        >>> anchor = chainrule.tensor([[0.0, 0.0]])
        >>> positive = chainrule.tensor([[1.0, 0.0]])
        >>> negative = chainrule.tensor([[0.0, 1.5]])
        >>> F.triplet_margin_with_distance_loss(anchor, positive, negative,
        ...     distance_function=lambda a, b: (a - b).abs().sum(dim=-1))  # L1 distance
        tensor(0.5000)
    """,
    "multilabel_margin_loss": """
        >>> x = chainrule.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> F.multilabel_margin_loss(x, chainrule.tensor([[3, 0, -1, 1]]))  # targets 3, 0; -1 ends them
        tensor(0.8500)
    """,
    "multilabel_soft_margin_loss": """
        >>> x = chainrule.tensor([[2.0, -1.0, 0.0]])
        >>> F.multilabel_soft_margin_loss(x, chainrule.tensor([[1.0, 0.0, 1.0]]))
        tensor(0.3778)
    """,
    "ctc_loss": """
        >>> log_probs = chainrule.full((2, 1, 3), 1 / 3).log()  # (T, N, classes); class 0 is the blank
        >>> F.ctc_loss(log_probs, chainrule.tensor([[1]]), [2], [1])  # -log P('1'): paths 1-, -1, 11 of 9
        tensor(1.0986)
        >>> -chainrule.log(chainrule.tensor(3 / 9))
        tensor(1.0986)
    """,
    "kl_div": """
        >>> log_q = chainrule.tensor([[0.5, 0.5]]).log()
        >>> p = chainrule.tensor([[0.25, 0.75]])
        >>> F.kl_div(log_q, p, reduction='batchmean')  # sum p (log p - log q) / N
        tensor(0.1308)
    """,
    "poisson_nll_loss": """
        >>> rate_log = chainrule.tensor([0.0, 1.0])
        >>> F.poisson_nll_loss(rate_log, chainrule.tensor([1.0, 3.0]))  # mean of exp(x) - t x
        tensor(0.3591)
    """,
    "gaussian_nll_loss": """
        >>> mean = chainrule.tensor([1.0, 2.0])
        >>> var = chainrule.tensor([1.0, 4.0])
        >>> F.gaussian_nll_loss(mean, chainrule.tensor([2.0, 2.0]), var)  # mean (log var + (x-t)^2 / var) / 2
        tensor(0.5966)
    """,
}
