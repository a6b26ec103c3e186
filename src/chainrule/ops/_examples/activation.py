"""The examples of the activations (ops/activation.py, activation_more.py, nn/functional/activations.py);
see __init__.py."""

EXAMPLES = {
    "relu": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> chainrule.relu(x)
        tensor([0., 0., 2.], grad_fn=<ReluBackward0>)
        >>> chainrule.relu(x).sum().backward()
        >>> x.grad  # 1 where x > 0
        tensor([0., 0., 1.])
    """,
    "leaky_relu": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0], requires_grad=True)
        >>> F.leaky_relu(x, negative_slope=0.1)
        tensor([-0.2000,  0.0000,  3.0000], grad_fn=<LeakyReluBackward0>)
        >>> F.leaky_relu(x, negative_slope=0.1).sum().backward()
        >>> x.grad  # negative_slope where x <= 0
        tensor([0.1000, 0.1000, 1.0000])
    """,
    "elu": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0], requires_grad=True)
        >>> F.elu(x)
        tensor([-0.8647,  0.0000,  3.0000], grad_fn=<EluBackward0>)
        >>> F.elu(x).sum().backward()
        >>> x.grad  # alpha e^x where x <= 0
        tensor([0.1353, 1.0000, 1.0000])
    """,
    "gelu": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> F.gelu(x)
        tensor([-0.1587,  0.0000,  1.9545], grad_fn=<GeluBackward0>)
        >>> F.gelu(x, approximate='tanh')
        tensor([-0.1588,  0.0000,  1.9546], grad_fn=<GeluBackward0>)
        >>> F.gelu(x).sum().backward()
        >>> x.grad
        tensor([-0.0833,  0.5000,  1.0852])
    """,
    "silu": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> F.silu(x)
        tensor([-0.2689,  0.0000,  1.7616], grad_fn=<SiluBackward0>)
        >>> F.silu(x).sum().backward()
        >>> x.grad  # s (1 + x (1 - s)), s = sigmoid(x)
        tensor([0.0723, 0.5000, 1.0908])
    """,
    "softplus": """
        >>> x = chainrule.tensor([-1.0, 0.0, 30.0], requires_grad=True)
        >>> F.softplus(x)
        tensor([ 0.3133,  0.6931, 30.0000], grad_fn=<SoftplusBackward0>)
        >>> F.softplus(x).sum().backward()
        >>> x.grad  # sigmoid(x); x > threshold: 1
        tensor([0.2689, 0.5000, 1.0000])
    """,
    "hardtanh": """
        >>> x = chainrule.tensor([-2.0, 0.5, 3.0], requires_grad=True)
        >>> F.hardtanh(x)
        tensor([-1.0000,  0.5000,  1.0000], grad_fn=<HardtanhBackward0>)
        >>> F.hardtanh(x).sum().backward()
        >>> x.grad  # 1 strictly inside [-1, 1]
        tensor([0., 1., 0.])
    """,
    "relu6": """
        >>> x = chainrule.tensor([-1.0, 3.0, 8.0], requires_grad=True)
        >>> F.relu6(x)
        tensor([0., 3., 6.], grad_fn=<HardtanhBackward0>)
        >>> F.relu6(x).sum().backward()
        >>> x.grad  # 1 on (0, 6)
        tensor([0., 1., 0.])
    """,
    "softmin": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        >>> F.softmin(x, dim=1)
        tensor([[0.6652, 0.2447, 0.0900]], grad_fn=<SoftmaxBackward0>)
        >>> F.softmin(x, dim=1)[0, 0].backward()
        >>> x.grad
        tensor([[-0.2227,  0.1628,  0.0599]])
    """,
    "softmax": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        >>> p = chainrule.softmax(x, dim=1)
        >>> p
        tensor([[0.0900, 0.2447, 0.6652]], grad_fn=<SoftmaxBackward0>)
        >>> p[0, 2].backward()
        >>> x.grad  # p_2 (onehot_2 - p)
        tensor([[-0.0599, -0.1628,  0.2227]])
    """,
    "log_softmax": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        >>> chainrule.log_softmax(x, dim=1)
        tensor([[-2.4076, -1.4076, -0.4076]], grad_fn=<LogSoftmaxBackward0>)
        >>> chainrule.log_softmax(x, dim=1)[0, 2].backward()
        >>> x.grad  # onehot_2 - softmax(x)
        tensor([[-0.0900, -0.2447,  0.3348]])
    """,
    "celu": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0], requires_grad=True)
        >>> chainrule.celu(x, alpha=1.0)
        tensor([-0.8647,  0.0000,  3.0000], grad_fn=<CELUBackward0>)
        >>> chainrule.celu(x, alpha=1.0).sum().backward()
        >>> x.grad  # exp(x / alpha) where x < 0
        tensor([0.1353, 1.0000, 1.0000])
    """,
    "selu": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0], requires_grad=True)
        >>> chainrule.selu(x)
        tensor([-1.5202,  0.0000,  3.1521], grad_fn=<CELUBackward0>)
        >>> chainrule.selu(x).sum().backward()
        >>> x.grad  # scale, or scale alpha e^x where x < 0
        tensor([0.2379, 1.7581, 1.0507])
    """,
    "mish": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> F.mish(x)
        tensor([-0.3034,  0.0000,  1.9440], grad_fn=<MishBackward0>)
        >>> F.mish(x).sum().backward()
        >>> x.grad
        tensor([0.0592, 0.6000, 1.0693])
    """,
    "hardswish": """
        >>> x = chainrule.tensor([-4.0, 0.0, 1.0, 4.0], requires_grad=True)
        >>> F.hardswish(x)
        tensor([-0.0000, 0.0000, 0.6667, 4.0000], grad_fn=<HardswishBackward0>)
        >>> F.hardswish(x).sum().backward()
        >>> x.grad  # (2x + 3) / 6 on (-3, 3)
        tensor([0.0000, 0.5000, 0.8333, 1.0000])
    """,
    "hardsigmoid": """
        >>> x = chainrule.tensor([-4.0, 0.0, 1.0, 4.0], requires_grad=True)
        >>> F.hardsigmoid(x)
        tensor([0.0000, 0.5000, 0.6667, 1.0000], grad_fn=<HardsigmoidBackward0>)
        >>> F.hardsigmoid(x).sum().backward()
        >>> x.grad  # 1/6 on (-3, 3)
        tensor([0.0000, 0.1667, 0.1667, 0.0000])
    """,
    "softsign": """
        >>> x = chainrule.tensor([-3.0, 0.0, 1.0], requires_grad=True)
        >>> F.softsign(x)
        tensor([-0.7500,  0.0000,  0.5000], grad_fn=<DivBackward0>)
        >>> F.softsign(x).sum().backward()
        >>> x.grad  # 1 / (1 + |x|)^2
        tensor([0.0625, 1.0000, 0.2500])
    """,
    "tanhshrink": """
        >>> x = chainrule.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> F.tanhshrink(x)
        tensor([-0.2384,  0.0000,  1.0360], grad_fn=<SubBackward0>)
        >>> F.tanhshrink(x).sum().backward()
        >>> x.grad  # tanh(x)^2
        tensor([0.5800, 0.0000, 0.9293])
    """,
    "softshrink": """
        >>> x = chainrule.tensor([-2.0, 0.25, 1.0], requires_grad=True)
        >>> F.softshrink(x, lambd=0.5)
        tensor([-1.5000,  0.0000,  0.5000], grad_fn=<ShrinkBackward0>)
        >>> F.softshrink(x, lambd=0.5).sum().backward()
        >>> x.grad  # 1 where |x| > lambd
        tensor([1., 0., 1.])
    """,
    "hardshrink": """
        >>> x = chainrule.tensor([-2.0, 0.25, 1.0], requires_grad=True)
        >>> chainrule.hardshrink(x, lambd=0.5)
        tensor([-2.,  0.,  1.], grad_fn=<ShrinkBackward0>)
        >>> chainrule.hardshrink(x, lambd=0.5).sum().backward()
        >>> x.grad  # 1 where |x| > lambd
        tensor([1., 0., 1.])
    """,
    "threshold": """
        >>> x = chainrule.tensor([-2.0, 0.25, 1.0], requires_grad=True)
        >>> chainrule.threshold(x, 0.5, -1.0)
        tensor([-1., -1.,  1.], grad_fn=<ThresholdBackward0>)
        >>> chainrule.threshold(x, 0.5, -1.0).sum().backward()
        >>> x.grad  # 1 where x > threshold
        tensor([0., 0., 1.])
    """,
    "rrelu": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0])
        >>> chainrule.rrelu(x, training=False)  # slope (lower + upper) / 2
        tensor([-0.4583,  0.0000,  3.0000])
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.rrelu(x, training=True)  # a random slope in [lower, upper]
        tensor([-0.5154,  0.0000,  3.0000])
    """,
    "glu": """
        >>> x = chainrule.tensor([[1.0, 2.0, 0.0, 100.0]], requires_grad=True)
        >>> F.glu(x)  # a * sigmoid(b), halves a = x[:, :2], b = x[:, 2:]
        tensor([[0.5000, 2.0000]], grad_fn=<MulBackward0>)
        >>> F.glu(x).sum().backward()
        >>> x.grad
        tensor([[0.5000, 1.0000, 0.2500, 0.0000]])
    """,
    "celu_": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0])
        >>> chainrule.celu_(x)
        tensor([-0.8647,  0.0000,  3.0000])
        >>> x  # changed in place
        tensor([-0.8647,  0.0000,  3.0000])
    """,
    "selu_": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0])
        >>> chainrule.selu_(x)
        tensor([-1.5202,  0.0000,  3.1521])
        >>> x  # changed in place
        tensor([-1.5202,  0.0000,  3.1521])
    """,
    "threshold_": """
        >>> x = chainrule.tensor([-2.0, 0.25, 1.0])
        >>> chainrule.threshold_(x, 0.5, 0.0)
        tensor([0., 0., 1.])
        >>> x  # changed in place
        tensor([0., 0., 1.])
    """,
    "rrelu_": """
        >>> x = chainrule.tensor([-2.0, 0.0, 3.0])
        >>> chainrule.rrelu_(x, training=False)
        tensor([-0.4583,  0.0000,  3.0000])
        >>> x  # changed in place
        tensor([-0.4583,  0.0000,  3.0000])
    """,
    "prelu": """
        >>> x = chainrule.tensor([-2.0, 3.0])
        >>> weight = chainrule.tensor([0.25], requires_grad=True)
        >>> F.prelu(x, weight)
        tensor([-0.5000,  3.0000], grad_fn=<PreluKernelBackward0>)
        >>> F.prelu(x, weight).sum().backward()
        >>> weight.grad  # the sum of the negative inputs
        tensor([-2.])
    """,
    "relu_": """
        >>> x = chainrule.tensor([-1.0, 0.5, 2.0])
        >>> F.relu_(x)
        tensor([0.0000, 0.5000, 2.0000])
        >>> x  # changed in place
        tensor([0.0000, 0.5000, 2.0000])
    """,
    "logsigmoid": """
        >>> x = chainrule.tensor([-200.0, 0.0, 2.0], requires_grad=True)
        >>> F.logsigmoid(x)
        tensor([-2.0000e+02, -6.9315e-01, -1.2693e-01], grad_fn=<NegBackward0>)
        >>> F.logsigmoid(x).sum().backward()
        >>> x.grad  # sigmoid(-x); finite even at -200
        tensor([1.0000, 0.5000, 0.1192])
    """,
}
