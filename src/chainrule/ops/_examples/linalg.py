"""The examples of the matrix products (ops/linalg.py, matmul_family.py, einsum.py); see __init__.py."""

EXAMPLES = {
    "einsum": """
        >>> a = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> b = chainrule.tensor([[1.0, 0.0], [1.0, 1.0]])
        >>> chainrule.einsum('ij,jk->ik', a, b)  # a @ b
        tensor([[3., 2.],
                [7., 4.]], grad_fn=<EinsumBackward0>)
        >>> chainrule.einsum('ii->', a)  # the trace
        tensor(5., grad_fn=<EinsumBackward0>)
        >>> chainrule.einsum('ij,jk->ik', a, b).sum().backward()
        >>> a.grad  # ones @ b.T
        tensor([[1., 2.],
                [1., 2.]])
    """,
    "outer": """
        >>> a = chainrule.tensor([1.0, 2.0], requires_grad=True)
        >>> b = chainrule.tensor([1.0, 10.0, 100.0])
        >>> chainrule.outer(a, b)
        tensor([[  1.,  10., 100.],
                [  2.,  20., 200.]], grad_fn=<MulBackward0>)
        >>> chainrule.outer(a, b).sum().backward()
        >>> a.grad  # sum(b)
        tensor([111., 111.])
    """,
    "matmul": """
        >>> a = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> b = chainrule.tensor([[1.0], [1.0]], requires_grad=True)
        >>> chainrule.matmul(a, b)  # a @ b
        tensor([[3.],
                [7.]], grad_fn=<MmBackward0>)
        >>> (a @ b).sum().backward()
        >>> a.grad, b.grad  # G @ b.T, a.T @ G
        (tensor([[1., 1.],
                [1., 1.]]), tensor([[4.],
                [6.]]))
        >>> chainrule.matmul(chainrule.ones(4, 2, 3), chainrule.ones(3)).shape  # batched @ vector
        chainrule.Size([4, 2])
    """,
    "mm": """
        >>> a = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> b = chainrule.tensor([[0.0, 1.0], [1.0, 0.0]])
        >>> chainrule.mm(a, b)  # swaps a's columns
        tensor([[2., 1.],
                [4., 3.]], grad_fn=<MmBackward0>)
        >>> chainrule.mm(a, b).sum().backward()
        >>> a.grad
        tensor([[1., 1.],
                [1., 1.]])
    """,
    "bmm": """
        >>> a = chainrule.ones(2, 1, 3)
        >>> b = chainrule.arange(12.0).reshape(2, 3, 2)
        >>> chainrule.bmm(a, b)  # one matmul per batch entry
        tensor([[[ 6.,  9.]],
        <BLANKLINE>
                [[24., 27.]]])
    """,
    "dot": """
        >>> a = chainrule.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> chainrule.dot(a, chainrule.tensor([4.0, 5.0, 6.0]))
        tensor(32., grad_fn=<MmBackward0>)
        >>> chainrule.dot(a, chainrule.tensor([4.0, 5.0, 6.0])).backward()
        >>> a.grad
        tensor([4., 5., 6.])
    """,
    "mv": """
        >>> m = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> v = chainrule.tensor([1.0, -1.0])
        >>> chainrule.mv(m, v)
        tensor([-1., -1.], grad_fn=<MvBackward0>)
        >>> chainrule.mv(m, v).sum().backward()
        >>> m.grad  # outer(g, v)
        tensor([[ 1., -1.],
                [ 1., -1.]])
    """,
    "addmm": """
        >>> bias = chainrule.tensor([10.0, 20.0])
        >>> a = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> b = chainrule.eye(2)
        >>> chainrule.addmm(bias, a, b)  # bias + a @ b
        tensor([[11., 22.],
                [13., 24.]])
        >>> chainrule.addmm(bias, a, b, beta=0.5, alpha=2)
        tensor([[ 7., 14.],
                [11., 18.]])
    """,
    "addmv": """
        >>> m = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> chainrule.addmv(chainrule.tensor([1.0, 1.0]), m, chainrule.tensor([1.0, 1.0]))  # input + m @ vec
        tensor([4., 8.])
    """,
    "baddbmm": """
        >>> out = chainrule.baddbmm(chainrule.ones(2, 1, 1), chainrule.ones(2, 1, 3), chainrule.ones(2, 3, 1))
        >>> out  # 1 + 3 per batch
        tensor([[[4.]],
        <BLANKLINE>
                [[4.]]])
        >>> out.shape
        chainrule.Size([2, 1, 1])
    """,
    "kron": """
        >>> chainrule.kron(chainrule.tensor([[1.0, 2.0]]), chainrule.tensor([[1.0], [10.0]]))
        tensor([[ 1.,  2.],
                [10., 20.]])
    """,
}
