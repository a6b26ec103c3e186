"""The examples of the binary pointwise ops, comparisons and bitwise ops (ops/pointwise_binary.py,
comparison.py, bitwise.py); see __init__.py."""

EXAMPLES = {
    "eq": """
        >>> a = chainrule.tensor([1, 2, 3])
        >>> chainrule.eq(a, chainrule.tensor([1, 0, 3]))  # a == b
        tensor([ True, False,  True])
        >>> a == 2
        tensor([False,  True, False])
    """,
    "ne": """
        >>> a = chainrule.tensor([1, 2, 3])
        >>> chainrule.ne(a, chainrule.tensor([1, 0, 3]))  # a != b
        tensor([False,  True, False])
        >>> a != 2
        tensor([ True, False,  True])
    """,
    "lt": """
        >>> a = chainrule.tensor([1.0, 2.0, 3.0])
        >>> chainrule.lt(a, 2)  # a < 2
        tensor([ True, False, False])
        >>> a < chainrule.tensor([3.0, 2.0, 1.0])
        tensor([ True, False, False])
    """,
    "le": """
        >>> a = chainrule.tensor([1.0, 2.0, 3.0])
        >>> chainrule.le(a, 2)  # a <= 2
        tensor([ True,  True, False])
    """,
    "gt": """
        >>> a = chainrule.tensor([1.0, 2.0, 3.0])
        >>> chainrule.gt(a, 2)  # a > 2
        tensor([False, False,  True])
    """,
    "ge": """
        >>> a = chainrule.tensor([1.0, 2.0, 3.0])
        >>> chainrule.ge(a, 2)  # a >= 2
        tensor([False,  True,  True])
    """,
    "equal": """
        >>> chainrule.equal(chainrule.tensor([1, 2]), chainrule.tensor([1, 2]))
        True
        >>> chainrule.equal(chainrule.tensor([1, 2]), chainrule.tensor([1, 2, 3]))  # shapes differ
        False
    """,
    "allclose": """
        >>> chainrule.allclose(chainrule.tensor([1.0, 2.0]), chainrule.tensor([1.0, 2.0 + 1e-6]))
        True
        >>> chainrule.allclose(chainrule.tensor([1.0, 2.0]), chainrule.tensor([1.0, 2.1]))
        False
    """,
    "isclose": """
        >>> chainrule.isclose(chainrule.tensor([1.0, 2.0, 3.0]), chainrule.tensor([1.0, 2.0 + 1e-6, 3.1]))
        tensor([ True,  True, False])
    """,
    "isnan": """
        >>> chainrule.isnan(chainrule.tensor([1.0, float('nan'), float('inf')]))
        tensor([False,  True, False])
    """,
    "isinf": """
        >>> chainrule.isinf(chainrule.tensor([1.0, float('nan'), -float('inf')]))
        tensor([False, False,  True])
    """,
    "isfinite": """
        >>> chainrule.isfinite(chainrule.tensor([1.0, float('nan'), float('inf')]))
        tensor([ True, False, False])
    """,
    "logical_and": """
        >>> a = chainrule.tensor([True, True, False])
        >>> b = chainrule.tensor([True, False, False])
        >>> chainrule.logical_and(a, b)
        tensor([ True, False, False])
        >>> chainrule.logical_and(chainrule.tensor([2.0, 0.0]), chainrule.tensor([1, 1]))  # nonzero is True
        tensor([ True, False])
    """,
    "logical_or": """
        >>> a = chainrule.tensor([True, False, False])
        >>> b = chainrule.tensor([False, False, True])
        >>> chainrule.logical_or(a, b)
        tensor([ True, False,  True])
    """,
    "any": """
        >>> x = chainrule.tensor([[0, 1], [0, 0]])
        >>> chainrule.any(x)
        tensor(True)
        >>> chainrule.any(x, dim=1)
        tensor([ True, False])
    """,
    "all": """
        >>> x = chainrule.tensor([[1, 1], [0, 1]])
        >>> chainrule.all(x)
        tensor(False)
        >>> chainrule.all(x, dim=1)
        tensor([ True, False])
    """,
    "logical_not": """
        >>> chainrule.logical_not(chainrule.tensor([True, False]))
        tensor([False,  True])
        >>> chainrule.logical_not(chainrule.tensor([0.0, 2.5]))  # zero is False
        tensor([ True, False])
    """,
    "atan2": """
        >>> y = chainrule.tensor([1.0, 1.0, -1.0], requires_grad=True)
        >>> x = chainrule.tensor([1.0, -1.0, 0.0])
        >>> chainrule.atan2(y, x)  # the angle of the point (x, y)
        tensor([ 0.7854,  2.3562, -1.5708], grad_fn=<Atan2Backward0>)
        >>> chainrule.atan2(y, x).sum().backward()
        >>> y.grad  # x / (x^2 + y^2)
        tensor([ 0.5000, -0.5000,  0.0000])
    """,
    "hypot": """
        >>> a = chainrule.tensor([3.0, 5.0], requires_grad=True)
        >>> chainrule.hypot(a, chainrule.tensor([4.0, 12.0]))
        tensor([ 5., 13.], grad_fn=<HypotBackward0>)
        >>> chainrule.hypot(a, chainrule.tensor([4.0, 12.0])).sum().backward()
        >>> a.grad  # a / hypot
        tensor([0.6000, 0.3846])
    """,
    "copysign": """
        >>> chainrule.copysign(chainrule.tensor([1.0, -2.0, 3.0]), chainrule.tensor([-1.0, 1.0, -0.0]))
        tensor([-1.,  2., -3.])
    """,
    "fmod": """
        >>> chainrule.fmod(chainrule.tensor([7.0, -7.0]), 3)  # the sign of the dividend
        tensor([ 1., -1.])
        >>> chainrule.remainder(chainrule.tensor([7.0, -7.0]), 3)  # compare: the sign of the divisor
        tensor([1., 2.])
    """,
    "logaddexp": """
        >>> a = chainrule.tensor([0.0, 1000.0], requires_grad=True)
        >>> chainrule.logaddexp(a, chainrule.tensor([0.0, 1000.0]))  # log(e^a + e^b) without overflow
        tensor([6.9315e-01, 1.0007e+03], grad_fn=<LogaddexpBackward0>)
        >>> chainrule.logaddexp(a, chainrule.tensor([0.0, 1000.0])).sum().backward()
        >>> a.grad  # e^a / (e^a + e^b)
        tensor([0.5000, 0.5000])
    """,
    "logaddexp2": """
        >>> a = chainrule.tensor([1.0, 3.0])
        >>> chainrule.logaddexp2(a, a)  # log2(2^a + 2^a) = a + 1
        tensor([2., 4.])
    """,
    "xlogy": """
        >>> x = chainrule.tensor([0.0, 1.0, 2.0])
        >>> chainrule.xlogy(x, chainrule.tensor([0.0, 2.0, 3.0]))  # 0 where x == 0
        tensor([0.0000, 0.6931, 2.1972])
    """,
    "lerp": """
        >>> start = chainrule.tensor([0.0, 10.0], requires_grad=True)
        >>> end = chainrule.tensor([10.0, 20.0])
        >>> chainrule.lerp(start, end, 0.25)  # start + 0.25 (end - start)
        tensor([ 2.5000, 12.5000], grad_fn=<LerpBackward0>)
        >>> chainrule.lerp(start, end, 0.25).sum().backward()
        >>> start.grad  # 1 - weight
        tensor([0.7500, 0.7500])
    """,
    "div": """
        >>> a = chainrule.tensor([7.0, -7.0], requires_grad=True)
        >>> chainrule.div(a, 2)
        tensor([ 3.5000, -3.5000], grad_fn=<DivBackward0>)
        >>> chainrule.div(a, 2, rounding_mode='floor')
        tensor([ 3., -4.], grad_fn=<DivBackward2>)
        >>> chainrule.div(a, 2, rounding_mode='trunc')
        tensor([ 3., -3.], grad_fn=<DivBackward2>)
        >>> chainrule.div(a, 2).sum().backward()
        >>> a.grad  # 1 / b
        tensor([0.5000, 0.5000])
    """,
    "bitwise_and": """
        >>> a = chainrule.tensor([12, 10, 3])
        >>> chainrule.bitwise_and(a, 6)  # a & 6
        tensor([4, 2, 2])
        >>> chainrule.tensor([True, True, False]) & chainrule.tensor([True, False, False])
        tensor([ True, False, False])
    """,
    "__rand__": """
        >>> 6 & chainrule.tensor([12, 10, 3])  # a number on the left: Tensor.__rand__
        tensor([4, 2, 2])
    """,
    "bitwise_or": """
        >>> a = chainrule.tensor([12, 10, 3])
        >>> chainrule.bitwise_or(a, 1)  # a | 1
        tensor([13, 11,  3])
    """,
    "__ror__": """
        >>> 1 | chainrule.tensor([12, 10, 3])  # a number on the left: Tensor.__ror__
        tensor([13, 11,  3])
    """,
    "bitwise_xor": """
        >>> a = chainrule.tensor([12, 10, 3])
        >>> chainrule.bitwise_xor(a, 1)  # a ^ 1
        tensor([13, 11,  2])
    """,
    "__rxor__": """
        >>> 1 ^ chainrule.tensor([12, 10, 3])  # a number on the left: Tensor.__rxor__
        tensor([13, 11,  2])
    """,
    "bitwise_left_shift": """
        >>> chainrule.bitwise_left_shift(chainrule.tensor([1, 2, 3]), 2)  # a << 2
        tensor([ 4,  8, 12])
    """,
    "__rlshift__": """
        >>> 1 << chainrule.tensor([0, 1, 4])  # a number on the left: Tensor.__rlshift__
        tensor([ 1,  2, 16])
    """,
    "bitwise_right_shift": """
        >>> chainrule.bitwise_right_shift(chainrule.tensor([12, 10, 3]), 1)  # a >> 1
        tensor([6, 5, 1])
    """,
    "__rrshift__": """
        >>> 64 >> chainrule.tensor([0, 1, 4])  # a number on the left: Tensor.__rrshift__
        tensor([64, 32,  4])
    """,
    "bitwise_not": """
        >>> chainrule.bitwise_not(chainrule.tensor([0, 5, -1]))  # -x - 1
        tensor([-1, -6,  0])
        >>> chainrule.bitwise_not(chainrule.tensor([True, False]))
        tensor([False,  True])
    """,
    "__invert__": """
        >>> ~chainrule.tensor([True, False])
        tensor([False,  True])
        >>> ~chainrule.tensor([0, 5])
        tensor([-1, -6])
    """,
    "logical_xor": """
        >>> a = chainrule.tensor([True, True, False])
        >>> b = chainrule.tensor([True, False, False])
        >>> chainrule.logical_xor(a, b)
        tensor([False,  True, False])
    """,
}
