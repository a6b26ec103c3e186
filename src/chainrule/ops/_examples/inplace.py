"""The examples of the in-place variants made by ops/inplace.py's `inplace_of` (`x.tan_()`,
`x.scatter_(...)` ...); see __init__.py."""

EXAMPLES = {
    "tan_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.tan_()
        tensor([0.0000, 0.5463, 1.5574])
        >>> x  # changed in place
        tensor([0.0000, 0.5463, 1.5574])
    """,
    "asin_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.asin_()
        tensor([0.0000, 0.5236, 1.5708])
        >>> x  # changed in place
        tensor([0.0000, 0.5236, 1.5708])
    """,
    "acos_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.acos_()
        tensor([1.5708, 1.0472, 0.0000])
        >>> x  # changed in place
        tensor([1.5708, 1.0472, 0.0000])
    """,
    "atan_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.atan_()
        tensor([0.0000, 0.4636, 0.7854])
        >>> x  # changed in place
        tensor([0.0000, 0.4636, 0.7854])
    """,
    "sinh_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.sinh_()
        tensor([0.0000, 0.5211, 1.1752])
        >>> x  # changed in place
        tensor([0.0000, 0.5211, 1.1752])
    """,
    "cosh_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.cosh_()
        tensor([1.0000, 1.1276, 1.5431])
        >>> x  # changed in place
        tensor([1.0000, 1.1276, 1.5431])
    """,
    "asinh_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.asinh_()
        tensor([0.0000, 0.4812, 0.8814])
        >>> x  # changed in place
        tensor([0.0000, 0.4812, 0.8814])
    """,
    "acosh_": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0])
        >>> x.acosh_()
        tensor([0.0000, 1.3170, 1.7627])
        >>> x  # changed in place
        tensor([0.0000, 1.3170, 1.7627])
    """,
    "atanh_": """
        >>> x = chainrule.tensor([-0.5, 0.0, 0.5])
        >>> x.atanh_()
        tensor([-0.5493,  0.0000,  0.5493])
        >>> x  # changed in place
        tensor([-0.5493,  0.0000,  0.5493])
    """,
    "erfc_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.erfc_()
        tensor([1.0000, 0.4795, 0.1573])
        >>> x  # changed in place
        tensor([1.0000, 0.4795, 0.1573])
    """,
    "erfinv_": """
        >>> x = chainrule.tensor([-0.5, 0.0, 0.5])
        >>> x.erfinv_()
        tensor([-0.4769,  0.0000,  0.4769])
        >>> x  # changed in place
        tensor([-0.4769,  0.0000,  0.4769])
    """,
    "lgamma_": """
        >>> x = chainrule.tensor([0.5, 1.0, 3.0])
        >>> x.lgamma_()
        tensor([0.5724, 0.0000, 0.6931])
        >>> x  # changed in place
        tensor([0.5724, 0.0000, 0.6931])
    """,
    "digamma_": """
        >>> x = chainrule.tensor([0.5, 1.0, 3.0])
        >>> x.digamma_()
        tensor([-1.9635, -0.5772,  0.9228])
        >>> x  # changed in place
        tensor([-1.9635, -0.5772,  0.9228])
    """,
    "atan2_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.atan2_(chainrule.tensor([1.0, 1.0, 1.0]))
        tensor([0.0000, 0.4636, 0.7854])
        >>> x  # changed in place
        tensor([0.0000, 0.4636, 0.7854])
    """,
    "hypot_": """
        >>> x = chainrule.tensor([3.0, 5.0])
        >>> x.hypot_(chainrule.tensor([4.0, 12.0]))
        tensor([ 5., 13.])
        >>> x  # changed in place
        tensor([ 5., 13.])
    """,
    "copysign_": """
        >>> x = chainrule.tensor([1.0, -2.0, 3.0])
        >>> x.copysign_(-1.0)
        tensor([-1., -2., -3.])
        >>> x  # changed in place
        tensor([-1., -2., -3.])
    """,
    "fmod_": """
        >>> x = chainrule.tensor([7.0, -7.0, 2.0])
        >>> x.fmod_(3)
        tensor([ 1., -1.,  2.])
        >>> x  # changed in place
        tensor([ 1., -1.,  2.])
    """,
    "xlogy_": """
        >>> x = chainrule.tensor([0.0, 1.0, 2.0])
        >>> x.xlogy_(chainrule.tensor([5.0, 2.0, 3.0]))
        tensor([0.0000, 0.6931, 2.1972])
        >>> x  # changed in place
        tensor([0.0000, 0.6931, 2.1972])
    """,
    "lerp_": """
        >>> x = chainrule.tensor([0.0, 0.5, 1.0])
        >>> x.lerp_(chainrule.tensor([10.0, 10.0, 10.0]), 0.5)
        tensor([5.0000, 5.2500, 5.5000])
        >>> x  # changed in place
        tensor([5.0000, 5.2500, 5.5000])
    """,
    "div_": """
        >>> x = chainrule.tensor([7.0, -7.0, 4.0])
        >>> x.div_(2, rounding_mode='floor')
        tensor([ 3., -4.,  2.])
        >>> x  # changed in place
        tensor([ 3., -4.,  2.])
    """,
    "cumprod_": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0])
        >>> x.cumprod_(0)
        tensor([1., 2., 6.])
        >>> x  # changed in place
        tensor([1., 2., 6.])
    """,
    "scatter_": """
        >>> x = chainrule.tensor([0.0, 0.0, 0.0])
        >>> x.scatter_(0, chainrule.tensor([2, 0]), chainrule.tensor([1.0, 2.0]))
        tensor([2., 0., 1.])
        >>> x  # changed in place
        tensor([2., 0., 1.])
    """,
    "scatter_reduce_": """
        >>> src = chainrule.tensor([5.0, 3.0, 1.0])
        >>> x = chainrule.tensor([4.0, 4.0, 4.0])
        >>> x.scatter_reduce_(0, chainrule.tensor([0, 0, 2]), src, reduce='amax')
        tensor([5., 4., 4.])
        >>> x  # changed in place
        tensor([5., 4., 4.])
    """,
    "index_add_": """
        >>> x = chainrule.tensor([0.0, 0.0, 0.0])
        >>> x.index_add_(0, chainrule.tensor([0, 0]), chainrule.tensor([1.0, 2.0]))
        tensor([3., 0., 0.])
        >>> x  # changed in place
        tensor([3., 0., 0.])
    """,
    "index_copy_": """
        >>> x = chainrule.tensor([0.0, 0.0, 0.0])
        >>> x.index_copy_(0, chainrule.tensor([2]), chainrule.tensor([9.0]))
        tensor([0., 0., 9.])
        >>> x  # changed in place
        tensor([0., 0., 9.])
    """,
    "index_fill_": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0])
        >>> x.index_fill_(0, chainrule.tensor([0, 2]), -1.0)
        tensor([-1.,  2., -1.])
        >>> x  # changed in place
        tensor([-1.,  2., -1.])
    """,
    "scatter_add_": """
        >>> x = chainrule.tensor([0.0, 0.0, 0.0])
        >>> x.scatter_add_(0, chainrule.tensor([1, 1, 2]), chainrule.tensor([1.0, 2.0, 3.0]))
        tensor([0., 3., 3.])
        >>> x  # changed in place
        tensor([0., 3., 3.])
    """,
    "masked_fill_": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0])
        >>> x.masked_fill_(x > 1.5, 0.0)
        tensor([1., 0., 0.])
        >>> x  # changed in place
        tensor([1., 0., 0.])
    """,
    "masked_scatter_": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0])
        >>> x.masked_scatter_(x > 1.5, chainrule.tensor([20.0, 30.0]))
        tensor([ 1., 20., 30.])
        >>> x  # changed in place
        tensor([ 1., 20., 30.])
    """,
    "bitwise_and_": """
        >>> x = chainrule.tensor([12, 10, 3])
        >>> x.bitwise_and_(6)
        tensor([4, 2, 2])
        >>> x  # changed in place
        tensor([4, 2, 2])
    """,
    "bitwise_or_": """
        >>> x = chainrule.tensor([12, 10, 3])
        >>> x.bitwise_or_(1)
        tensor([13, 11,  3])
        >>> x  # changed in place
        tensor([13, 11,  3])
    """,
    "bitwise_xor_": """
        >>> x = chainrule.tensor([12, 10, 3])
        >>> x.bitwise_xor_(1)
        tensor([13, 11,  2])
        >>> x  # changed in place
        tensor([13, 11,  2])
    """,
    "bitwise_left_shift_": """
        >>> x = chainrule.tensor([1, 2, 3])
        >>> x.bitwise_left_shift_(2)
        tensor([ 4,  8, 12])
        >>> x  # changed in place
        tensor([ 4,  8, 12])
    """,
    "bitwise_right_shift_": """
        >>> x = chainrule.tensor([12, 10, 3])
        >>> x.bitwise_right_shift_(1)
        tensor([6, 5, 1])
        >>> x  # changed in place
        tensor([6, 5, 1])
    """,
    "bitwise_not_": """
        >>> x = chainrule.tensor([True, False])
        >>> x.bitwise_not_()
        tensor([False,  True])
        >>> x  # changed in place
        tensor([False,  True])
    """,
    "clamp_min_": """
        >>> x = chainrule.tensor([-1.0, 0.5, 2.0])
        >>> x.clamp_min_(0.0)
        tensor([0.0000, 0.5000, 2.0000])
        >>> x  # changed in place
        tensor([0.0000, 0.5000, 2.0000])
    """,
    "clamp_max_": """
        >>> x = chainrule.tensor([-1.0, 0.5, 2.0])
        >>> x.clamp_max_(1.0)
        tensor([-1.0000,  0.5000,  1.0000])
        >>> x  # changed in place
        tensor([-1.0000,  0.5000,  1.0000])
    """,
    "nan_to_num_": """
        >>> x = chainrule.tensor([float('nan'), float('inf'), 1.0])
        >>> x.nan_to_num_(nan=0.0, posinf=100.0)
        tensor([  0., 100.,   1.])
        >>> x  # changed in place
        tensor([  0., 100.,   1.])
    """,
}
