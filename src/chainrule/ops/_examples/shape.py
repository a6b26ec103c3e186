"""The examples of the shape and movement ops (ops/movement.py, shape.py, diag.py, cast.py); see
__init__.py."""

EXAMPLES = {
    "clone": """
        >>> x = chainrule.tensor([1.0, 2.0], requires_grad=True)
        >>> y = chainrule.clone(x)
        >>> y
        tensor([1., 2.], grad_fn=<CloneBackward0>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([1., 1.])
    """,
    "reshape": """
        >>> x = chainrule.arange(6.0)
        >>> chainrule.reshape(x, (2, 3))
        tensor([[0., 1., 2.],
                [3., 4., 5.]])
        >>> x.reshape(3, -1)  # -1: inferred
        tensor([[0., 1.],
                [2., 3.],
                [4., 5.]])
    """,
    "view": """
        >>> x = chainrule.arange(6.0)
        >>> v = x.view(2, 3)
        >>> v
        tensor([[0., 1., 2.],
                [3., 4., 5.]])
        >>> v[0, 0] = 100.0  # a view shares x's memory
        >>> x
        tensor([100.,   1.,   2.,   3.,   4.,   5.])
    """,
    "view_as": """
        >>> x = chainrule.arange(4.0)
        >>> x.view_as(chainrule.zeros(2, 2))
        tensor([[0., 1.],
                [2., 3.]])
    """,
    "flatten": """
        >>> x = chainrule.zeros(2, 3, 4)
        >>> chainrule.flatten(x).shape
        chainrule.Size([24])
        >>> chainrule.flatten(x, start_dim=1).shape
        chainrule.Size([2, 12])
    """,
    "unflatten": """
        >>> x = chainrule.arange(6.0)
        >>> chainrule.unflatten(x, 0, (2, 3))
        tensor([[0., 1., 2.],
                [3., 4., 5.]])
    """,
    "permute": """
        >>> x = chainrule.zeros(2, 3, 4)
        >>> chainrule.permute(x, (2, 0, 1)).shape
        chainrule.Size([4, 2, 3])
        >>> x.permute(1, 0, 2).shape
        chainrule.Size([3, 2, 4])
    """,
    "transpose": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> chainrule.transpose(x, 0, 1)
        tensor([[1., 4.],
                [2., 5.],
                [3., 6.]])
    """,
    "t": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> chainrule.t(x)
        tensor([[1., 4.],
                [2., 5.],
                [3., 6.]])
        >>> x.t().shape
        chainrule.Size([3, 2])
    """,
    "squeeze": """
        >>> x = chainrule.zeros(2, 1, 3, 1)
        >>> chainrule.squeeze(x).shape
        chainrule.Size([2, 3])
        >>> chainrule.squeeze(x, 1).shape
        chainrule.Size([2, 3, 1])
    """,
    "unsqueeze": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0])
        >>> chainrule.unsqueeze(x, 0)
        tensor([[1., 2., 3.]])
        >>> chainrule.unsqueeze(x, 1)
        tensor([[1.],
                [2.],
                [3.]])
    """,
    "expand": """
        >>> x = chainrule.tensor([[1.0], [2.0]], requires_grad=True)
        >>> y = x.expand(2, 3)
        >>> y
        tensor([[1., 1., 1.],
                [2., 2., 2.]], grad_fn=<ExpandBackward0>)
        >>> y.sum().backward()
        >>> x.grad  # summed over the expanded dim
        tensor([[3.],
                [3.]])
    """,
    "expand_as": """
        >>> x = chainrule.tensor([1.0, 2.0])
        >>> x.expand_as(chainrule.zeros(3, 2))
        tensor([[1., 2.],
                [1., 2.],
                [1., 2.]])
    """,
    "broadcast_to": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0])
        >>> chainrule.broadcast_to(x, (2, 3))
        tensor([[1., 2., 3.],
                [1., 2., 3.]])
    """,
    "contiguous": """
        >>> x = chainrule.arange(6.0).reshape(2, 3).t()
        >>> x.is_contiguous()
        False
        >>> x.contiguous().is_contiguous()
        True
    """,
    "diagonal": """
        >>> x = chainrule.arange(9.0).reshape(3, 3)
        >>> chainrule.diagonal(x)
        tensor([0., 4., 8.])
        >>> chainrule.diagonal(x, offset=1)
        tensor([1., 5.])
    """,
    "select": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> chainrule.select(x, 1, 2)  # x[:, 2]
        tensor([3., 6.])
    """,
    "cat": """
        >>> a = chainrule.tensor([[1.0, 2.0]], requires_grad=True)
        >>> b = chainrule.tensor([[3.0, 4.0], [5.0, 6.0]])
        >>> chainrule.cat([a, b], dim=0)
        tensor([[1., 2.],
                [3., 4.],
                [5., 6.]], grad_fn=<CatBackward0>)
        >>> chainrule.cat([a, a], dim=1)
        tensor([[1., 2., 1., 2.]], grad_fn=<CatBackward0>)
        >>> chainrule.cat([a, b]).sum().backward()
        >>> a.grad
        tensor([[1., 1.]])
    """,
    "stack": """
        >>> a = chainrule.tensor([1.0, 2.0])
        >>> b = chainrule.tensor([3.0, 4.0])
        >>> chainrule.stack([a, b])
        tensor([[1., 2.],
                [3., 4.]])
        >>> chainrule.stack([a, b], dim=1)
        tensor([[1., 3.],
                [2., 4.]])
    """,
    "hstack": """
        >>> chainrule.hstack([chainrule.tensor([1.0, 2.0]), chainrule.tensor([3.0])])
        tensor([1., 2., 3.])
        >>> chainrule.hstack([chainrule.ones(2, 1), chainrule.zeros(2, 2)])
        tensor([[1., 0., 0.],
                [1., 0., 0.]])
    """,
    "vstack": """
        >>> chainrule.vstack([chainrule.tensor([1.0, 2.0]), chainrule.tensor([3.0, 4.0])])
        tensor([[1., 2.],
                [3., 4.]])
    """,
    "split": """
        >>> x = chainrule.arange(5.0)
        >>> chainrule.split(x, 2)
        (tensor([0., 1.]), tensor([2., 3.]), tensor([4.]))
        >>> chainrule.split(x, [1, 4])
        (tensor([0.]), tensor([1., 2., 3., 4.]))
    """,
    "chunk": """
        >>> x = chainrule.arange(5.0)
        >>> chainrule.chunk(x, 2)
        (tensor([0., 1., 2.]), tensor([3., 4.]))
    """,
    "unbind": """
        >>> x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> chainrule.unbind(x)
        (tensor([1., 2.]), tensor([3., 4.]))
        >>> chainrule.unbind(x, dim=1)
        (tensor([1., 3.]), tensor([2., 4.]))
    """,
    "pad": """
        >>> x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> F.pad(x, (1, 0))  # one zero left of the last dim
        tensor([[0., 1., 2.],
                [0., 3., 4.]], grad_fn=<ConstantPadNdBackward0>)
        >>> F.pad(x, (1, 1, 1, 1), value=9.0)
        tensor([[9., 9., 9., 9.],
                [9., 1., 2., 9.],
                [9., 3., 4., 9.],
                [9., 9., 9., 9.]], grad_fn=<ConstantPadNdBackward0>)
        >>> F.pad(x[None], (1, 1), mode='replicate')  # (C, H, W): edges repeated
        tensor([[[1., 1., 2., 2.],
                 [3., 3., 4., 4.]]], grad_fn=<IndexSelectBackward0>)
        >>> F.pad(x, (0, 1), value=-1.0).sum().backward()
        >>> x.grad
        tensor([[1., 1.],
                [1., 1.]])
    """,
    "flip": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> chainrule.flip(x, (1,))
        tensor([[3., 2., 1.],
                [6., 5., 4.]])
        >>> chainrule.flip(x, (0, 1))
        tensor([[6., 5., 4.],
                [3., 2., 1.]])
    """,
    "fliplr": """
        >>> chainrule.fliplr(chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        tensor([[3., 2., 1.],
                [6., 5., 4.]])
    """,
    "flipud": """
        >>> chainrule.flipud(chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        tensor([[4., 5., 6.],
                [1., 2., 3.]])
    """,
    "repeat": """
        >>> x = chainrule.tensor([1.0, 2.0], requires_grad=True)
        >>> x.repeat(2, 2)
        tensor([[1., 2., 1., 2.],
                [1., 2., 1., 2.]], grad_fn=<RepeatBackward0>)
        >>> x.repeat(3).sum().backward()
        >>> x.grad  # each element used 3 times
        tensor([3., 3.])
    """,
    "tile": """
        >>> chainrule.tile(chainrule.tensor([1.0, 2.0]), (2,))
        tensor([1., 2., 1., 2.])
        >>> chainrule.tile(chainrule.tensor([[1.0], [2.0]]), (1, 3))
        tensor([[1., 1., 1.],
                [2., 2., 2.]])
    """,
    "roll": """
        >>> x = chainrule.arange(5.0)
        >>> chainrule.roll(x, 2)
        tensor([3., 4., 0., 1., 2.])
        >>> chainrule.roll(x.reshape(1, 5), -1, dims=1)
        tensor([[1., 2., 3., 4., 0.]])
    """,
    "tril": """
        >>> x = chainrule.ones(3, 3)
        >>> chainrule.tril(x)
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
        >>> chainrule.tril(x, diagonal=-1)
        tensor([[0., 0., 0.],
                [1., 0., 0.],
                [1., 1., 0.]])
    """,
    "triu": """
        >>> x = chainrule.ones(3, 3)
        >>> chainrule.triu(x)
        tensor([[1., 1., 1.],
                [0., 1., 1.],
                [0., 0., 1.]])
        >>> chainrule.triu(x, diagonal=1)
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """,
    "masked_fill": """
        >>> x = chainrule.tensor([1.0, -2.0, 3.0], requires_grad=True)
        >>> chainrule.masked_fill(x, x < 0, 0.0)
        tensor([1., 0., 3.], grad_fn=<WhereBackward0>)
        >>> chainrule.masked_fill(x, x < 0, 0.0).sum().backward()
        >>> x.grad  # 0 where filled
        tensor([1., 0., 1.])
        >>> scores = chainrule.tensor([[0.5, 2.0], [1.0, 3.0]])
        >>> future = chainrule.tensor([[False, True], [False, False]])
        >>> scores.masked_fill(future, float('-inf'))  # a causal attention mask
        tensor([[0.5000,   -inf],
                [1.0000, 3.0000]])
    """,
    "narrow": """
        >>> x = chainrule.arange(10.0).reshape(2, 5)
        >>> chainrule.narrow(x, 1, 1, 3)  # columns 1, 2, 3
        tensor([[1., 2., 3.],
                [6., 7., 8.]])
    """,
    "movedim": """
        >>> x = chainrule.zeros(2, 3, 4)
        >>> chainrule.movedim(x, 0, -1).shape
        chainrule.Size([3, 4, 2])
        >>> chainrule.movedim(x, (0, 1), (2, 0)).shape
        chainrule.Size([3, 4, 2])
    """,
    "diag_embed": """
        >>> chainrule.diag_embed(chainrule.tensor([[1.0, 2.0], [3.0, 4.0]]))  # one diagonal matrix per row
        tensor([[[1., 0.],
                 [0., 2.]],
        <BLANKLINE>
                [[3., 0.],
                 [0., 4.]]])
    """,
    "diag": """
        >>> chainrule.diag(chainrule.tensor([1.0, 2.0]))  # a vector -> a diagonal matrix
        tensor([[1., 0.],
                [0., 2.]])
        >>> chainrule.diag(chainrule.tensor([[1.0, 2.0], [3.0, 4.0]]))  # a matrix -> its diagonal
        tensor([1., 4.])
    """,
    "diagflat": """
        >>> chainrule.diagflat(chainrule.tensor([[1.0, 2.0]]), offset=1)
        tensor([[0., 1., 0.],
                [0., 0., 2.],
                [0., 0., 0.]])
    """,
    "trace": """
        >>> x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> chainrule.trace(x)
        tensor(5., grad_fn=<TraceBackward0>)
        >>> chainrule.trace(x).backward()
        >>> x.grad  # the identity
        tensor([[1., 0.],
                [0., 1.]])
    """,
}
