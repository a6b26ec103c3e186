"""The examples of the elementwise math (ops/elementwise.py, unary.py, trig.py, special.py, arithmetic.py);
see __init__.py."""

EXAMPLES = {
    "exp": """
        >>> x = chainrule.tensor([0.0, 1.0, 2.0], requires_grad=True)
        >>> chainrule.exp(x)
        tensor([1.0000, 2.7183, 7.3891], grad_fn=<ExpBackward0>)
        >>> chainrule.exp(x).sum().backward()
        >>> x.grad  # d e^x = e^x
        tensor([1.0000, 2.7183, 7.3891])
    """,
    "log": """
        >>> x = chainrule.tensor([0.5, 1.0, 2.0], requires_grad=True)
        >>> chainrule.log(x)
        tensor([-0.6931,  0.0000,  0.6931], grad_fn=<LogBackward0>)
        >>> chainrule.log(x).sum().backward()
        >>> x.grad  # d log x = 1 / x
        tensor([2.0000, 1.0000, 0.5000])
    """,
    "sqrt": """
        >>> x = chainrule.tensor([0.25, 1.0, 4.0], requires_grad=True)
        >>> chainrule.sqrt(x)
        tensor([0.5000, 1.0000, 2.0000], grad_fn=<SqrtBackward0>)
        >>> chainrule.sqrt(x).sum().backward()
        >>> x.grad  # 1 / (2 sqrt(x))
        tensor([1.0000, 0.5000, 0.2500])
    """,
    "abs": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0], requires_grad=True)
        >>> chainrule.abs(x)
        tensor([2., 0., 3.], grad_fn=<AbsBackward0>)
        >>> chainrule.abs(x).sum().backward()
        >>> x.grad  # sign(x): 0 at 0
        tensor([-1.,  0.,  1.])
    """,
    "sin": """
        >>> x = chainrule.tensor([0.0, 1.0, 2.0], requires_grad=True)
        >>> chainrule.sin(x)
        tensor([0.0000, 0.8415, 0.9093], grad_fn=<SinBackward0>)
        >>> chainrule.sin(x).sum().backward()
        >>> x.grad  # cos(x)
        tensor([ 1.0000,  0.5403, -0.4161])
    """,
    "cos": """
        >>> x = chainrule.tensor([0.0, 1.0, 2.0], requires_grad=True)
        >>> chainrule.cos(x)
        tensor([ 1.0000,  0.5403, -0.4161], grad_fn=<CosBackward0>)
        >>> chainrule.cos(x).sum().backward()
        >>> x.grad  # -sin(x)
        tensor([-0.0000, -0.8415, -0.9093])
    """,
    "tanh": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> chainrule.tanh(x)
        tensor([-0.7616,  0.0000,  0.9640], grad_fn=<TanhBackward0>)
        >>> chainrule.tanh(x).sum().backward()
        >>> x.grad  # 1 - tanh(x)^2
        tensor([0.4200, 1.0000, 0.0707])
    """,
    "sigmoid": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> chainrule.sigmoid(x)
        tensor([0.2689, 0.5000, 0.8808], grad_fn=<SigmoidBackward0>)
        >>> chainrule.sigmoid(x).sum().backward()
        >>> x.grad  # s (1 - s)
        tensor([0.1966, 0.2500, 0.1050])
    """,
    "clamp": """
        >>> x = chainrule.tensor([-2.0, 0.5, 3.0], requires_grad=True)
        >>> chainrule.clamp(x, min=-1.0, max=1.0)
        tensor([-1.0000,  0.5000,  1.0000], grad_fn=<ClampBackward0>)
        >>> chainrule.clamp(x, min=-1.0, max=1.0).sum().backward()
        >>> x.grad  # 1 inside [min, max], 0 outside
        tensor([0., 1., 0.])
    """,
    "maximum": """
        >>> a = chainrule.tensor([1.0, 5.0, 3.0], requires_grad=True)
        >>> b = chainrule.tensor([4.0, 2.0, 3.0])
        >>> chainrule.maximum(a, b)
        tensor([4., 5., 3.], grad_fn=<MaximumBackward0>)
        >>> chainrule.maximum(a, b).sum().backward()
        >>> a.grad  # ties share: 0.5
        tensor([0.0000, 1.0000, 0.5000])
    """,
    "minimum": """
        >>> a = chainrule.tensor([1.0, 5.0, 3.0], requires_grad=True)
        >>> b = chainrule.tensor([4.0, 2.0, 3.0])
        >>> chainrule.minimum(a, b)
        tensor([1., 2., 3.], grad_fn=<MinimumBackward0>)
        >>> chainrule.minimum(a, b).sum().backward()
        >>> a.grad  # ties share: 0.5
        tensor([1.0000, 0.0000, 0.5000])
    """,
    "where": """
        >>> x = chainrule.tensor([-1.0, 2.0, -3.0], requires_grad=True)
        >>> chainrule.where(x > 0, x, chainrule.zeros(3))
        tensor([0., 2., 0.], grad_fn=<WhereBackward0>)
        >>> chainrule.where(x > 0, x, 0.0).sum().backward()
        >>> x.grad
        tensor([0., 1., 0.])
    """,
    "sign": """
        >>> chainrule.sign(chainrule.tensor([-2.5, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """,
    "log1p": """
        >>> x = chainrule.tensor([0.0, 1e-4, 1.0], requires_grad=True)
        >>> chainrule.log1p(x)
        tensor([0.0000e+00, 9.9995e-05, 6.9315e-01], grad_fn=<Log1PBackward0>)
        >>> chainrule.log1p(x).sum().backward()
        >>> x.grad  # 1 / (1 + x)
        tensor([1.0000, 0.9999, 0.5000])
    """,
    "expm1": """
        >>> x = chainrule.tensor([0.0, 1e-4, 1.0], requires_grad=True)
        >>> chainrule.expm1(x)
        tensor([0.0000e+00, 1.0000e-04, 1.7183e+00], grad_fn=<Expm1Backward0>)
        >>> chainrule.expm1(x).sum().backward()
        >>> x.grad  # e^x
        tensor([1.0000, 1.0001, 2.7183])
    """,
    "exp2": """
        >>> x = chainrule.tensor([0.0, 1.0, 3.0], requires_grad=True)
        >>> chainrule.exp2(x)
        tensor([1., 2., 8.], grad_fn=<Exp2Backward0>)
        >>> chainrule.exp2(x).sum().backward()
        >>> x.grad  # 2^x ln 2
        tensor([0.6931, 1.3863, 5.5452])
    """,
    "log2": """
        >>> x = chainrule.tensor([1.0, 2.0, 8.0], requires_grad=True)
        >>> chainrule.log2(x)
        tensor([0., 1., 3.], grad_fn=<Log2Backward0>)
        >>> chainrule.log2(x).sum().backward()
        >>> x.grad  # 1 / (x ln 2)
        tensor([1.4427, 0.7213, 0.1803])
    """,
    "log10": """
        >>> x = chainrule.tensor([1.0, 10.0, 100.0], requires_grad=True)
        >>> chainrule.log10(x)
        tensor([0.0000, 1.0000, 2.0000], grad_fn=<Log10Backward0>)
        >>> chainrule.log10(x).sum().backward()
        >>> x.grad  # 1 / (x ln 10)
        tensor([0.4343, 0.0434, 0.0043])
    """,
    "rsqrt": """
        >>> x = chainrule.tensor([0.25, 1.0, 4.0], requires_grad=True)
        >>> chainrule.rsqrt(x)
        tensor([2.0000, 1.0000, 0.5000], grad_fn=<RsqrtBackward0>)
        >>> chainrule.rsqrt(x).sum().backward()
        >>> x.grad  # -x^(-3/2) / 2
        tensor([-4.0000, -0.5000, -0.0625])
    """,
    "reciprocal": """
        >>> x = chainrule.tensor([0.5, 1.0, 4.0], requires_grad=True)
        >>> chainrule.reciprocal(x)
        tensor([2.0000, 1.0000, 0.2500], grad_fn=<ReciprocalBackward0>)
        >>> chainrule.reciprocal(x).sum().backward()
        >>> x.grad  # -1 / x^2
        tensor([-4.0000, -1.0000, -0.0625])
    """,
    "square": """
        >>> x = chainrule.tensor([-2.0, 0.5, 3.0], requires_grad=True)
        >>> chainrule.square(x)
        tensor([4.0000, 0.2500, 9.0000], grad_fn=<PowBackward0>)
        >>> chainrule.square(x).sum().backward()
        >>> x.grad  # 2x
        tensor([-4.,  1.,  6.])
    """,
    "erf": """
        >>> x = chainrule.tensor([-1.0, 0.0, 0.5], requires_grad=True)
        >>> chainrule.erf(x)
        tensor([-0.8427,  0.0000,  0.5205], grad_fn=<ErfBackward0>)
        >>> chainrule.erf(x).sum().backward()
        >>> x.grad  # 2/sqrt(pi) exp(-x^2)
        tensor([0.4151, 1.1284, 0.8788])
    """,
    "frac": """
        >>> x = chainrule.tensor([-1.5, 0.25, 2.75], requires_grad=True)
        >>> chainrule.frac(x)
        tensor([-0.5000,  0.2500,  0.7500], grad_fn=<FracBackward0>)
        >>> chainrule.frac(x).sum().backward()
        >>> x.grad  # 1
        tensor([1., 1., 1.])
    """,
    "floor": """
        >>> x = chainrule.tensor([-1.5, 0.25, 2.75], requires_grad=True)
        >>> chainrule.floor(x)
        tensor([-2.,  0.,  2.], grad_fn=<FloorBackward0>)
        >>> chainrule.floor(x).sum().backward()
        >>> x.grad  # 0: piecewise constant
        tensor([0., 0., 0.])
    """,
    "ceil": """
        >>> x = chainrule.tensor([-1.5, 0.25, 2.75], requires_grad=True)
        >>> chainrule.ceil(x)
        tensor([-1.,  1.,  3.], grad_fn=<CeilBackward0>)
        >>> chainrule.ceil(x).sum().backward()
        >>> x.grad  # 0: piecewise constant
        tensor([0., 0., 0.])
    """,
    "trunc": """
        >>> x = chainrule.tensor([-1.5, 0.25, 2.75], requires_grad=True)
        >>> chainrule.trunc(x)
        tensor([-1.,  0.,  2.], grad_fn=<TruncBackward0>)
        >>> chainrule.trunc(x).sum().backward()
        >>> x.grad  # 0: piecewise constant
        tensor([0., 0., 0.])
    """,
    "round": """
        >>> chainrule.round(chainrule.tensor([0.5, 1.5, 2.5, -0.5]))  # half to even
        tensor([0., 2., 2., -0.])
        >>> chainrule.round(chainrule.tensor([1.2345, 9.8765]), decimals=2)
        tensor([1.2300, 9.8800])
    """,
    "add": """
        >>> a = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> b = chainrule.tensor([10.0, 20.0], requires_grad=True)
        >>> chainrule.add(a, b)  # a + b, b broadcast over rows
        tensor([[11., 22.],
                [13., 24.]], grad_fn=<AddBackward0>)
        >>> (a + b).sum().backward()
        >>> b.grad  # summed back to b's shape
        tensor([2., 2.])
    """,
    "sub": """
        >>> a = chainrule.tensor([5.0, 7.0], requires_grad=True)
        >>> b = chainrule.tensor([1.0, 2.0], requires_grad=True)
        >>> chainrule.sub(a, b)  # a - b
        tensor([4., 5.], grad_fn=<SubBackward0>)
        >>> (a - b).sum().backward()
        >>> a.grad, b.grad
        (tensor([1., 1.]), tensor([-1., -1.]))
    """,
    "mul": """
        >>> a = chainrule.tensor([2.0, 3.0], requires_grad=True)
        >>> b = chainrule.tensor([4.0, 5.0], requires_grad=True)
        >>> chainrule.mul(a, b)  # a * b
        tensor([ 8., 15.], grad_fn=<MulBackward0>)
        >>> (a * b).sum().backward()
        >>> a.grad, b.grad  # b, a
        (tensor([4., 5.]), tensor([2., 3.]))
    """,
    "true_divide": """
        >>> a = chainrule.tensor([1.0, 6.0], requires_grad=True)
        >>> b = chainrule.tensor([2.0, 3.0], requires_grad=True)
        >>> chainrule.true_divide(a, b)  # a / b
        tensor([0.5000, 2.0000], grad_fn=<DivBackward0>)
        >>> (a / b).sum().backward()
        >>> a.grad, b.grad  # 1/b, -a/b^2
        (tensor([0.5000, 0.3333]), tensor([-0.2500, -0.6667]))
        >>> chainrule.true_divide(chainrule.tensor([7, 8]), 2)  # integers divide to float
        tensor([3.5000, 4.0000])
    """,
    "pow": """
        >>> x = chainrule.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> chainrule.pow(x, 2)  # x ** 2
        tensor([1., 4., 9.], grad_fn=<PowBackward0>)
        >>> (x ** 2).sum().backward()
        >>> x.grad  # 2x
        tensor([2., 4., 6.])
    """,
    "floor_divide": """
        >>> chainrule.floor_divide(chainrule.tensor([7, -7]), 2)  # a // b rounds down
        tensor([ 3, -4])
        >>> chainrule.tensor([7.5, -7.5]) // 2
        tensor([ 3., -4.])
    """,
    "remainder": """
        >>> chainrule.remainder(chainrule.tensor([7, -7]), 3)  # a % b has the sign of b
        tensor([1, 2])
        >>> chainrule.tensor([5.5, -5.5]) % 2
        tensor([1.5000, 0.5000])
    """,
    "neg": """
        >>> x = chainrule.tensor([1.0, -2.0], requires_grad=True)
        >>> chainrule.neg(x)  # -x
        tensor([-1.,  2.], grad_fn=<NegBackward0>)
        >>> (-x).sum().backward()
        >>> x.grad
        tensor([-1., -1.])
    """,
    "rsub": """
        >>> x = chainrule.tensor([1.0, 2.0], requires_grad=True)
        >>> chainrule.rsub(x, 10)  # 10 - x
        tensor([9., 8.], grad_fn=<SubBackward0>)
        >>> (10 - x).sum().backward()
        >>> x.grad
        tensor([-1., -1.])
    """,
    "tan": """
        >>> x = chainrule.tensor([-1.0, 0.0, 0.5], requires_grad=True)
        >>> chainrule.tan(x)
        tensor([-1.5574,  0.0000,  0.5463], grad_fn=<TanBackward0>)
        >>> chainrule.tan(x).sum().backward()
        >>> x.grad  # 1 / cos(x)^2
        tensor([3.4255, 1.0000, 1.2984])
    """,
    "asin": """
        >>> x = chainrule.tensor([-0.5, 0.0, 0.5], requires_grad=True)
        >>> chainrule.asin(x)
        tensor([-0.5236,  0.0000,  0.5236], grad_fn=<AsinBackward0>)
        >>> chainrule.asin(x).sum().backward()
        >>> x.grad  # 1 / sqrt(1 - x^2)
        tensor([1.1547, 1.0000, 1.1547])
    """,
    "acos": """
        >>> x = chainrule.tensor([-0.5, 0.0, 0.5], requires_grad=True)
        >>> chainrule.acos(x)
        tensor([2.0944, 1.5708, 1.0472], grad_fn=<AcosBackward0>)
        >>> chainrule.acos(x).sum().backward()
        >>> x.grad  # -1 / sqrt(1 - x^2)
        tensor([-1.1547, -1.0000, -1.1547])
    """,
    "atan": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> chainrule.atan(x)
        tensor([-0.7854,  0.0000,  1.1071], grad_fn=<AtanBackward0>)
        >>> chainrule.atan(x).sum().backward()
        >>> x.grad  # 1 / (1 + x^2)
        tensor([0.5000, 1.0000, 0.2000])
    """,
    "sinh": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> chainrule.sinh(x)
        tensor([-1.1752,  0.0000,  3.6269], grad_fn=<SinhBackward0>)
        >>> chainrule.sinh(x).sum().backward()
        >>> x.grad  # cosh(x)
        tensor([1.5431, 1.0000, 3.7622])
    """,
    "cosh": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> chainrule.cosh(x)
        tensor([1.5431, 1.0000, 3.7622], grad_fn=<CoshBackward0>)
        >>> chainrule.cosh(x).sum().backward()
        >>> x.grad  # sinh(x)
        tensor([-1.1752,  0.0000,  3.6269])
    """,
    "asinh": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> chainrule.asinh(x)
        tensor([-0.8814,  0.0000,  1.4436], grad_fn=<AsinhBackward0>)
        >>> chainrule.asinh(x).sum().backward()
        >>> x.grad  # 1 / sqrt(x^2 + 1)
        tensor([0.7071, 1.0000, 0.4472])
    """,
    "acosh": """
        >>> x = chainrule.tensor([1.5, 2.0, 4.0], requires_grad=True)
        >>> chainrule.acosh(x)
        tensor([0.9624, 1.3170, 2.0634], grad_fn=<AcoshBackward0>)
        >>> chainrule.acosh(x).sum().backward()
        >>> x.grad  # 1 / sqrt(x^2 - 1)
        tensor([0.8944, 0.5774, 0.2582])
    """,
    "atanh": """
        >>> x = chainrule.tensor([-0.5, 0.0, 0.5], requires_grad=True)
        >>> chainrule.atanh(x)
        tensor([-0.5493,  0.0000,  0.5493], grad_fn=<AtanhBackward0>)
        >>> chainrule.atanh(x).sum().backward()
        >>> x.grad  # 1 / (1 - x^2)
        tensor([1.3333, 1.0000, 1.3333])
    """,
    "erfc": """
        >>> x = chainrule.tensor([-1.0, 0.0, 3.0], requires_grad=True)
        >>> chainrule.erfc(x)
        tensor([1.8427e+00, 1.0000e+00, 2.2090e-05], grad_fn=<ErfcBackward0>)
        >>> chainrule.erfc(x).sum().backward()
        >>> x.grad  # -2/sqrt(pi) exp(-x^2)
        tensor([-4.1511e-01, -1.1284e+00, -1.3925e-04])
    """,
    "erfinv": """
        >>> x = chainrule.tensor([-0.5, 0.0, 0.9], requires_grad=True)
        >>> chainrule.erfinv(x)
        tensor([-0.4769,  0.0000,  1.1631], grad_fn=<ErfinvBackward0>)
        >>> chainrule.erfinv(x).sum().backward()
        >>> x.grad  # sqrt(pi)/2 exp(erfinv(x)^2)
        tensor([1.1126, 0.8862, 3.4280])
    """,
    "lgamma": """
        >>> x = chainrule.tensor([0.5, 1.0, 5.0], requires_grad=True)
        >>> chainrule.lgamma(x)
        tensor([0.5724, 0.0000, 3.1781], grad_fn=<LgammaBackward0>)
        >>> chainrule.lgamma(x).sum().backward()
        >>> x.grad  # digamma(x)
        tensor([-1.9635, -0.5772,  1.5061])
    """,
    "digamma": """
        >>> x = chainrule.tensor([0.5, 1.0, 5.0], requires_grad=True)
        >>> chainrule.digamma(x)
        tensor([-1.9635, -0.5772,  1.5061], grad_fn=<DigammaBackward0>)
        >>> chainrule.digamma(x).sum().backward()
        >>> x.grad  # polygamma(1, x)
        tensor([4.9348, 1.6449, 0.2213])
    """,
    "polygamma": """
        >>> x = chainrule.tensor([0.5, 1.0, 5.0])
        >>> chainrule.polygamma(0, x)  # digamma
        tensor([-1.9635, -0.5772,  1.5061])
        >>> chainrule.polygamma(1, x)  # trigamma
        tensor([4.9348, 1.6449, 0.2213])
    """,
}
