"""The examples of the reductions, extrema, sorting, running (cumulative) ops and statistics (ops/reduce.py,
extrema.py, sorting.py, cumulative.py, stats.py); see __init__.py."""

EXAMPLES = {
    "amax": """
        >>> x = chainrule.tensor([[1.0, 5.0, 5.0], [4.0, 2.0, 0.0]], requires_grad=True)
        >>> chainrule.amax(x, dim=1)
        tensor([5., 4.], grad_fn=<AmaxBackward0>)
        >>> chainrule.amax(x, dim=1).sum().backward()
        >>> x.grad  # ties share the gradient
        tensor([[0.0000, 0.5000, 0.5000],
                [1.0000, 0.0000, 0.0000]])
    """,
    "amin": """
        >>> x = chainrule.tensor([[1.0, 5.0, 1.0], [4.0, 2.0, 0.0]], requires_grad=True)
        >>> chainrule.amin(x, dim=1)
        tensor([1., 0.], grad_fn=<AminBackward0>)
        >>> chainrule.amin(x, dim=1).sum().backward()
        >>> x.grad  # ties share the gradient
        tensor([[0.5000, 0.0000, 0.5000],
                [0.0000, 0.0000, 1.0000]])
    """,
    "max": """
        >>> x = chainrule.tensor([[1.0, 5.0, 2.0], [4.0, 2.0, 0.0]], requires_grad=True)
        >>> chainrule.max(x)
        tensor(5., grad_fn=<AmaxBackward0>)
        >>> values, indices = chainrule.max(x, dim=1)
        >>> values, indices
        (tensor([5., 4.], grad_fn=<MaxBackward0>), tensor([1, 0]))
        >>> values.sum().backward()
        >>> x.grad
        tensor([[0., 1., 0.],
                [1., 0., 0.]])
        >>> chainrule.max(x, chainrule.tensor([3.0, 3.0, 3.0]))  # two tensors: as maximum
        tensor([[3., 5., 3.],
                [4., 3., 3.]], grad_fn=<MaximumBackward0>)
    """,
    "min": """
        >>> x = chainrule.tensor([[1.0, 5.0, 2.0], [4.0, 2.0, 0.0]], requires_grad=True)
        >>> chainrule.min(x)
        tensor(0., grad_fn=<AminBackward0>)
        >>> values, indices = chainrule.min(x, dim=1)
        >>> values, indices
        (tensor([1., 0.], grad_fn=<MinBackward0>), tensor([0, 2]))
        >>> values.sum().backward()
        >>> x.grad
        tensor([[1., 0., 0.],
                [0., 0., 1.]])
    """,
    "argmax": """
        >>> x = chainrule.tensor([[1.0, 5.0, 2.0], [4.0, 2.0, 0.0]])
        >>> chainrule.argmax(x)  # of the flattened tensor
        tensor(1)
        >>> chainrule.argmax(x, dim=1)
        tensor([1, 0])
    """,
    "argmin": """
        >>> x = chainrule.tensor([[1.0, 5.0, 2.0], [4.0, 2.0, 0.0]])
        >>> chainrule.argmin(x)  # of the flattened tensor
        tensor(5)
        >>> chainrule.argmin(x, dim=1)
        tensor([0, 2])
    """,
    "sum": """
        >>> x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> chainrule.sum(x)
        tensor(10., grad_fn=<SumBackward0>)
        >>> chainrule.sum(x, dim=0)
        tensor([4., 6.], grad_fn=<SumBackward0>)
        >>> chainrule.sum(x, dim=1, keepdim=True)
        tensor([[3.],
                [7.]], grad_fn=<SumBackward0>)
        >>> chainrule.sum(x).backward()
        >>> x.grad
        tensor([[1., 1.],
                [1., 1.]])
    """,
    "mean": """
        >>> x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> chainrule.mean(x)
        tensor(2.5000, grad_fn=<MeanBackward0>)
        >>> chainrule.mean(x, dim=1)
        tensor([1.5000, 3.5000], grad_fn=<MeanBackward0>)
        >>> chainrule.mean(x).backward()
        >>> x.grad  # 1 / N
        tensor([[0.2500, 0.2500],
                [0.2500, 0.2500]])
    """,
    "var": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        >>> chainrule.var(x)  # unbiased: / (N - 1)
        tensor(1.6667, grad_fn=<VarBackward0>)
        >>> chainrule.var(x, correction=0)  # / N
        tensor(1.2500, grad_fn=<VarBackward0>)
        >>> chainrule.var(x).backward()
        >>> x.grad  # 2 (x - mean) / (N - 1)
        tensor([-1.0000, -0.3333,  0.3333,  1.0000])
    """,
    "std": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        >>> chainrule.std(x)
        tensor(1.2910, grad_fn=<StdBackward0>)
        >>> chainrule.std(x, correction=0)
        tensor(1.1180, grad_fn=<StdBackward0>)
        >>> chainrule.std(x).backward()
        >>> x.grad
        tensor([-0.3873, -0.1291,  0.1291,  0.3873])
    """,
    "logsumexp": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]], requires_grad=True)
        >>> chainrule.logsumexp(x, dim=1)  # no overflow
        tensor([   3.4076, 1001.0986], grad_fn=<LogsumexpBackward0>)
        >>> chainrule.logsumexp(x, dim=1).sum().backward()
        >>> x.grad  # softmax(x)
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """,
    "prod": """
        >>> x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> chainrule.prod(x)
        tensor(24., grad_fn=<ProdBackward0>)
        >>> chainrule.prod(x, dim=1)
        tensor([ 2., 12.], grad_fn=<ProdBackward0>)
        >>> chainrule.prod(x).backward()
        >>> x.grad  # product of the others
        tensor([[24., 12.],
                [ 8.,  6.]])
    """,
    "norm": """
        >>> x = chainrule.tensor([[3.0, 4.0], [0.0, 1.0]], requires_grad=True)
        >>> chainrule.norm(x)
        tensor(5.0990, grad_fn=<LinalgVectorNormBackward0>)
        >>> chainrule.norm(x, dim=1)
        tensor([5., 1.], grad_fn=<LinalgVectorNormBackward0>)
        >>> chainrule.norm(x, p=1)
        tensor(8., grad_fn=<LinalgVectorNormBackward0>)
        >>> chainrule.norm(x, dim=1).sum().backward()
        >>> x.grad  # x / ||x||
        tensor([[0.6000, 0.8000],
                [0.0000, 1.0000]])
    """,
    "cumsum": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> chainrule.cumsum(x, dim=0)
        tensor([1., 3., 6.], grad_fn=<CumsumBackward0>)
        >>> chainrule.cumsum(x, dim=0).sum().backward()
        >>> x.grad  # how many running sums include x_i
        tensor([3., 2., 1.])
    """,
    "sort": """
        >>> x = chainrule.tensor([3.0, 1.0, 2.0], requires_grad=True)
        >>> values, indices = chainrule.sort(x)
        >>> values, indices
        (tensor([1., 2., 3.], grad_fn=<SortBackward0>), tensor([1, 2, 0]))
        >>> chainrule.sort(x, descending=True).values
        tensor([3., 2., 1.], grad_fn=<SortBackward0>)
        >>> (values * chainrule.tensor([1.0, 10.0, 100.0])).sum().backward()
        >>> x.grad  # each element gets the gradient of its sorted place
        tensor([100.,   1.,  10.])
    """,
    "argsort": """
        >>> x = chainrule.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
        >>> chainrule.argsort(x)
        tensor([[1, 2, 0],
                [0, 2, 1]])
        >>> chainrule.argsort(x, dim=0, descending=True)
        tensor([[0, 1, 1],
                [1, 0, 0]])
    """,
    "msort": """
        >>> chainrule.msort(chainrule.tensor([[3.0, 1.0], [1.0, 2.0], [2.0, 0.0]]))  # each column sorted
        tensor([[1., 0.],
                [2., 1.],
                [3., 2.]])
    """,
    "topk": """
        >>> x = chainrule.tensor([1.0, 5.0, 3.0, 4.0], requires_grad=True)
        >>> values, indices = chainrule.topk(x, 2)
        >>> values, indices
        (tensor([5., 4.], grad_fn=<TopkBackward0>), tensor([1, 3]))
        >>> chainrule.topk(x, 2, largest=False).values
        tensor([1., 3.], grad_fn=<TopkBackward0>)
        >>> values.sum().backward()
        >>> x.grad
        tensor([0., 1., 0., 1.])
    """,
    "kthvalue": """
        >>> x = chainrule.tensor([[4.0, 1.0, 3.0], [9.0, 7.0, 8.0]])
        >>> chainrule.kthvalue(x, 2)  # the 2nd smallest per row
        kthvalue(values=tensor([3., 8.]), indices=tensor([2, 2]))
    """,
    "median": """
        >>> x = chainrule.tensor([[1.0, 5.0, 3.0, 4.0]], requires_grad=True)
        >>> chainrule.median(x)  # the lower of the middle two
        tensor(3., grad_fn=<MedianBackward0>)
        >>> chainrule.median(x, dim=1)
        median(values=tensor([3.], grad_fn=<MedianBackward1>), indices=tensor([2]))
        >>> chainrule.median(x).backward()
        >>> x.grad
        tensor([[0., 0., 1., 0.]])
    """,
    "nanmedian": """
        >>> chainrule.nanmedian(chainrule.tensor([1.0, float('nan'), 3.0, 2.0]))
        tensor(2.)
        >>> chainrule.median(chainrule.tensor([1.0, float('nan'), 3.0, 2.0]))  # median propagates NaN
        tensor(nan)
    """,
    "mode": """
        >>> chainrule.mode(chainrule.tensor([[1, 2, 2, 3], [4, 4, 5, 5]]))  # ties: the smallest value
        mode(values=tensor([2, 4]), indices=tensor([2, 1]))
    """,
    "unique": """
        >>> x = chainrule.tensor([3, 1, 3, 2, 1])
        >>> chainrule.unique(x)
        tensor([1, 2, 3])
        >>> values, inverse, counts = chainrule.unique(x, return_inverse=True, return_counts=True)
        >>> inverse, counts
        (tensor([2, 0, 2, 1, 0]), tensor([2, 1, 2]))
    """,
    "cumprod": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        >>> chainrule.cumprod(x, dim=0)
        tensor([ 1.,  2.,  6., 24.], grad_fn=<CumprodBackward0>)
        >>> chainrule.cumprod(x, dim=0)[-1].backward()
        >>> x.grad  # product of the others
        tensor([24., 12.,  8.,  6.])
    """,
    "cummax": """
        >>> chainrule.cummax(chainrule.tensor([1.0, 3.0, 2.0, 5.0, 4.0]), dim=0)
        cummax(values=tensor([1., 3., 3., 5., 5.]), indices=tensor([0, 1, 1, 3, 3]))
    """,
    "cummin": """
        >>> chainrule.cummin(chainrule.tensor([5.0, 3.0, 4.0, 1.0, 2.0]), dim=0)
        cummin(values=tensor([5., 3., 3., 1., 1.]), indices=tensor([0, 1, 1, 3, 3]))
    """,
    "logcumsumexp": """
        >>> x = chainrule.tensor([0.0, 0.0, 1.0], requires_grad=True)
        >>> chainrule.logcumsumexp(x, dim=0)  # log(cumsum(exp(x)))
        tensor([0.0000, 0.6931, 1.5514], grad_fn=<LogcumsumexpBackward0>)
        >>> chainrule.logcumsumexp(x, dim=0)[1].backward()
        >>> x.grad  # softmax of x[:2], then 0
        tensor([0.5000, 0.5000, 0.0000])
        >>> chainrule.logcumsumexp(chainrule.tensor([0.0, 1000.0]), dim=0)  # no overflow
        tensor([   0., 1000.])
    """,
    "std_mean": """
        >>> chainrule.std_mean(chainrule.tensor([1.0, 2.0, 3.0, 4.0]))
        (tensor(1.2910), tensor(2.5000))
    """,
    "var_mean": """
        >>> chainrule.var_mean(chainrule.tensor([[1.0, 2.0], [3.0, 5.0]]), dim=1)
        (tensor([0.5000, 2.0000]), tensor([1.5000, 4.0000]))
    """,
    "nan_to_num": """
        >>> x = chainrule.tensor([float('nan'), float('inf'), -float('inf'), 1.0])
        >>> chainrule.nan_to_num(x)
        tensor([ 0.0000e+00,  3.4028e+38, -3.4028e+38,  1.0000e+00])
        >>> chainrule.nan_to_num(x, nan=0.0, posinf=1e3, neginf=-1e3)
        tensor([    0.,  1000., -1000.,     1.])
    """,
    "clamp_min": """
        >>> x = chainrule.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        >>> chainrule.clamp_min(x, 0.0)
        tensor([0.0000, 0.5000, 2.0000], grad_fn=<ClampBackward0>)
        >>> chainrule.clamp_min(x, 0.0).sum().backward()
        >>> x.grad  # 1 where x > min
        tensor([0., 1., 1.])
    """,
    "clamp_max": """
        >>> x = chainrule.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        >>> chainrule.clamp_max(x, 1.0)
        tensor([-1.0000,  0.5000,  1.0000], grad_fn=<ClampBackward0>)
        >>> chainrule.clamp_max(x, 1.0).sum().backward()
        >>> x.grad  # 1 where x < max
        tensor([1., 1., 0.])
    """,
    "isposinf": """
        >>> chainrule.isposinf(chainrule.tensor([1.0, float('inf'), -float('inf')]))
        tensor([False,  True, False])
    """,
    "isneginf": """
        >>> chainrule.isneginf(chainrule.tensor([1.0, float('inf'), -float('inf')]))
        tensor([False, False,  True])
    """,
    "isreal": """
        >>> chainrule.isreal(chainrule.tensor([1.0, 2.0]))  # real dtypes: True everywhere
        tensor([True, True])
    """,
}
