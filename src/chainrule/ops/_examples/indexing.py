"""The examples of the indexing, gather/scatter and masking ops (ops/indexing.py, gather.py, scatter.py,
masking.py); see __init__.py."""

EXAMPLES = {
    "getitem": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        >>> x[1]  # row 1
        tensor([4., 5., 6.], grad_fn=<SliceBackward0>)
        >>> x[:, ::2]  # every other column
        tensor([[1., 3.],
                [4., 6.]], grad_fn=<SliceBackward0>)
        >>> x[x > 2.5]  # a bool mask
        tensor([3., 4., 5., 6.], grad_fn=<IndexBackward0>)
        >>> x[0, [2, 0]].sum().backward()
        >>> x.grad  # 1 where an element was picked
        tensor([[1., 0., 1.],
                [0., 0., 0.]])
    """,
    "setitem": """
        >>> x = chainrule.zeros(2, 3)
        >>> x[0, 1] = 5.0
        >>> x[1] = chainrule.tensor([1.0, 2.0, 3.0])
        >>> x
        tensor([[0., 5., 0.],
                [1., 2., 3.]])
        >>> x[x > 2] = -1.0  # a bool mask
        >>> x
        tensor([[ 0., -1.,  0.],
                [ 1.,  2., -1.]])
    """,
    "gather": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        >>> index = chainrule.tensor([[2, 0], [1, 1]])
        >>> chainrule.gather(x, 1, index)  # out[i][j] = x[i][index[i][j]]
        tensor([[3., 1.],
                [5., 5.]], grad_fn=<GatherBackward0>)
        >>> chainrule.gather(x, 1, index).sum().backward()
        >>> x.grad  # how often each element was picked
        tensor([[1., 0., 1.],
                [0., 2., 0.]])
    """,
    "scatter_add": """
        >>> x = chainrule.zeros(2, 3)
        >>> index = chainrule.tensor([[0, 2, 0]])
        >>> src = chainrule.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        >>> chainrule.scatter_add(x, 1, index, src)  # repeated indices add up
        tensor([[4., 0., 2.],
                [0., 0., 0.]], grad_fn=<ScatterAddBackward0>)
        >>> chainrule.scatter_add(x, 1, index, src).sum().backward()
        >>> src.grad
        tensor([[1., 1., 1.]])
    """,
    "index_select": """
        >>> x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
        >>> chainrule.index_select(x, 0, chainrule.tensor([2, 0, 2]))
        tensor([[5., 6.],
                [1., 2.],
                [5., 6.]], grad_fn=<IndexSelectBackward0>)
        >>> chainrule.index_select(x, 0, chainrule.tensor([2, 0, 2])).sum().backward()
        >>> x.grad
        tensor([[1., 1.],
                [0., 0.],
                [2., 2.]])
    """,
    "take_along_dim": """
        >>> x = chainrule.tensor([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
        >>> chainrule.take_along_dim(x, chainrule.argsort(x, dim=1), dim=1)  # each row sorted
        tensor([[10., 20., 30.],
                [40., 50., 60.]])
        >>> chainrule.take_along_dim(x, chainrule.argmax(x, dim=1, keepdim=True), dim=1)
        tensor([[30.],
                [60.]])
    """,
    "scatter": """
        >>> x = chainrule.zeros(2, 3)
        >>> index = chainrule.tensor([[2, 0, 1]])
        >>> src = chainrule.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        >>> chainrule.scatter(x, 1, index, src)  # out[0][index[0][j]] = src[0][j]
        tensor([[2., 3., 1.],
                [0., 0., 0.]], grad_fn=<ScatterBackward0>)
        >>> chainrule.scatter(x, 0, chainrule.tensor([[1, 0, 1]]), value=7.0)
        tensor([[0., 7., 0.],
                [7., 0., 7.]])
        >>> chainrule.scatter(x, 1, index, src).sum().backward()
        >>> src.grad
        tensor([[1., 1., 1.]])
    """,
    "scatter_reduce": """
        >>> x = chainrule.tensor([0.0, 0.0, 0.0])
        >>> src = chainrule.tensor([1.0, 5.0, 2.0, 4.0])
        >>> index = chainrule.tensor([0, 0, 2, 2])
        >>> chainrule.scatter_reduce(x, 0, index, src, reduce='amax')
        tensor([5., 0., 4.])
        >>> chainrule.scatter_reduce(x, 0, index, src, reduce='mean', include_self=False)
        tensor([3., 0., 3.])
    """,
    "index_add": """
        >>> x = chainrule.zeros(3, 2)
        >>> source = chainrule.tensor([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
        >>> chainrule.index_add(x, 0, chainrule.tensor([0, 2, 0]), source)  # source rows 0 and 2 add to row 0
        tensor([[4., 4.],
                [0., 0.],
                [2., 2.]])
    """,
    "index_copy": """
        >>> x = chainrule.zeros(3, 2)
        >>> chainrule.index_copy(x, 0, chainrule.tensor([2, 0]), chainrule.tensor([[1.0, 1.0], [2.0, 2.0]]))
        tensor([[2., 2.],
                [0., 0.],
                [1., 1.]])
    """,
    "index_fill": """
        >>> x = chainrule.ones(2, 3)
        >>> chainrule.index_fill(x, 1, chainrule.tensor([0, 2]), -1.0)
        tensor([[-1.,  1., -1.],
                [-1.,  1., -1.]])
    """,
    "masked_select": """
        >>> x = chainrule.tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
        >>> chainrule.masked_select(x, x > 0)
        tensor([1., 4.], grad_fn=<MaskedSelectBackward0>)
        >>> chainrule.masked_select(x, x > 0).sum().backward()
        >>> x.grad
        tensor([[1., 0.],
                [0., 1.]])
    """,
    "masked_scatter": """
        >>> x = chainrule.zeros(2, 2)
        >>> mask = chainrule.tensor([[True, False], [True, True]])
        >>> chainrule.masked_scatter(x, mask, chainrule.tensor([1.0, 2.0, 3.0, 4.0]))  # source read in order
        tensor([[1., 0.],
                [2., 3.]])
    """,
    "nonzero": """
        >>> x = chainrule.tensor([[0.0, 1.0], [2.0, 0.0]])
        >>> chainrule.nonzero(x)
        tensor([[0, 1],
                [1, 0]])
        >>> chainrule.nonzero(x, as_tuple=True)
        (tensor([0, 1]), tensor([1, 0]))
    """,
    "argwhere": """
        >>> chainrule.argwhere(chainrule.tensor([[0.0, 1.0], [2.0, 0.0]]))
        tensor([[0, 1],
                [1, 0]])
    """,
    "take": """
        >>> x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> chainrule.take(x, chainrule.tensor([0, 3, -1]))  # flattened positions
        tensor([1., 4., 4.])
    """,
    "repeat_interleave": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0])
        >>> chainrule.repeat_interleave(x, 2)
        tensor([1., 1., 2., 2., 3., 3.])
        >>> chainrule.repeat_interleave(x, chainrule.tensor([1, 0, 2]))
        tensor([1., 3., 3.])
    """,
}
