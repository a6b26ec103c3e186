"""The examples of the Tensor's random methods (chainrule/_random_methods.py): the in-place fills,
bernoulli, multinomial; see __init__.py."""

EXAMPLES = {
    "normal_": """
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.empty(3).normal_(mean=0.0, std=1.0)
        tensor([ 0.1257, -0.1321,  0.6404])
    """,
    "uniform_": """
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.empty(3).uniform_(-1.0, 1.0)
        tensor([ 0.2739, -0.4604, -0.9181])
    """,
    "bernoulli_": """
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.empty(5).bernoulli_(0.5)
        tensor([0., 1., 1., 1., 0.])
    """,
    "random_": """
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.empty(5, dtype=chainrule.int64).random_(0, 10)  # integers in [0, 10)
        tensor([8, 6, 5, 2, 3])
    """,
    "exponential_": """
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.empty(3).exponential_(lambd=2.0)
        tensor([0.3400, 0.5098, 0.0099])
    """,
    "geometric_": """
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.empty(4).geometric_(0.5)  # trials to the first success
        tensor([2., 1., 1., 1.])
    """,
    "log_normal_": """
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.empty(3).log_normal_(mean=0.0, std=0.5)
        tensor([1.0649, 0.9361, 1.3774])
    """,
    "cauchy_": """
        >>> _ = chainrule.manual_seed(0)
        >>> chainrule.empty(3).cauchy_()
        tensor([-0.9517,  6.1051, -1.4814])
    """,
    "bernoulli": """
        >>> _ = chainrule.manual_seed(0)
        >>> p = chainrule.tensor([0.0, 0.5, 1.0, 0.9])
        >>> p.bernoulli()  # 1 with probability p
        tensor([0., 1., 1., 1.])
    """,
    "multinomial": """
        >>> _ = chainrule.manual_seed(0)
        >>> weights = chainrule.tensor([0.1, 0.0, 0.9])
        >>> weights.multinomial(4, replacement=True)  # class indices, drawn by weight
        tensor([2, 2, 0, 0])
    """,
}
