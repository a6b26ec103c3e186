"""The examples of the other nn.functional ops: linear, dropout, embedding, normalisation, attention,
distances (ops/distance.py, group_norm.py, nn/functional/); see __init__.py."""

EXAMPLES = {
    "normalize": """
        >>> x = chainrule.tensor([[3.0, 4.0], [0.0, 0.0]])
        >>> F.normalize(x)  # unit rows; the zero row stays 0
        tensor([[0.6000, 0.8000],
                [0.0000, 0.0000]])
        >>> F.normalize(x, p=1.0)
        tensor([[0.4286, 0.5714],
                [0.0000, 0.0000]])
    """,
    "cosine_similarity": """
        >>> a = chainrule.tensor([[1.0, 0.0], [1.0, 1.0]], requires_grad=True)
        >>> b = chainrule.tensor([[1.0, 0.0], [-1.0, 0.0]])
        >>> chainrule.cosine_similarity(a, b)  # one value per row
        tensor([ 1.0000, -0.7071], grad_fn=<SumBackward0>)
        >>> chainrule.cosine_similarity(a, b).sum().backward()
        >>> a.grad
        tensor([[ 0.0000,  0.0000],
                [-0.3536,  0.3536]])
    """,
    "pairwise_distance": """
        >>> a = chainrule.tensor([[0.0, 0.0], [1.0, 1.0]])
        >>> b = chainrule.tensor([[3.0, 4.0], [1.0, 1.0]])
        >>> chainrule.pairwise_distance(a, b)  # ||a - b + eps||, eps = 1e-6
        tensor([5.0000e+00, 1.4142e-06])
    """,
    "pdist": """
        >>> x = chainrule.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
        >>> chainrule.pdist(x)  # pairs (0, 1), (0, 2), (1, 2)
        tensor([ 5., 10.,  5.])
    """,
    "pixel_shuffle": """
        >>> x = chainrule.arange(4.0).reshape(1, 4, 1, 1)
        >>> chainrule.pixel_shuffle(x, 2)  # 4 channels -> one 2x2 image
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """,
    "pixel_unshuffle": """
        >>> x = chainrule.arange(4.0).reshape(1, 1, 2, 2)
        >>> chainrule.pixel_unshuffle(x, 2).flatten()
        tensor([0., 1., 2., 3.])
    """,
    "channel_shuffle": """
        >>> x = chainrule.arange(6.0).reshape(1, 6, 1, 1)
        >>> chainrule.channel_shuffle(x, 2).flatten()  # channels 0 3 1 4 2 5
        tensor([0., 3., 1., 4., 2., 5.])
    """,
    "group_norm": """
        >>> x = chainrule.tensor([[[1.0], [3.0], [10.0], [30.0]]])  # (N, C, L), C = 4
        >>> chainrule.group_norm(x, 2).flatten()  # channels (0, 1) and (2, 3) normalised together
        tensor([-1.0000,  1.0000, -1.0000,  1.0000])
    """,
    "instance_norm": """
        >>> x = chainrule.tensor([[[1.0, 3.0], [10.0, 30.0]]])  # (N, C, L)
        >>> F.instance_norm(x)  # each channel over its positions
        tensor([[[-1.0000,  1.0000],
                 [-1.0000,  1.0000]]])
    """,
    "scaled_dot_product_attention": """
        >>> q = chainrule.tensor([[[1.0, 0.0]]])  # (N, L, E): one query
        >>> k = chainrule.tensor([[[1.0, 0.0], [0.0, 1.0]]])  # two keys
        >>> v = chainrule.tensor([[[10.0, 0.0], [0.0, 10.0]]])
        >>> F.scaled_dot_product_attention(q, k, v)  # softmax(q k^T / sqrt(2)) v
        tensor([[[6.6976, 3.3024]]])
        >>> mask = chainrule.tensor([[False, True]])  # True: may attend
        >>> F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # key 0 masked out
        tensor([[[ 0., 10.]]])
    """,
    "linear": """
        >>> x = chainrule.tensor([[1.0, 2.0, 3.0]])
        >>> weight = chainrule.tensor([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]], requires_grad=True)
        >>> bias = chainrule.tensor([0.5, -6.0], requires_grad=True)
        >>> F.linear(x, weight, bias)  # x @ weight.T + bias
        tensor([[1.5000, 0.0000]], grad_fn=<AddmmBackward0>)
        >>> F.linear(x, weight, bias).sum().backward()
        >>> weight.grad, bias.grad  # G.T @ x, G summed over the batch
        (tensor([[1., 2., 3.],
                [1., 2., 3.]]), tensor([1., 1.]))
    """,
    "dropout": """
        >>> _ = chainrule.manual_seed(0)
        >>> F.dropout(chainrule.ones(6), p=0.5)  # the kept elements are scaled by 1 / (1 - p)
        tensor([2., 2., 2., 0., 0., 0.])
        >>> F.dropout(chainrule.ones(4), p=0.5, training=False)  # evaluation: the identity
        tensor([1., 1., 1., 1.])
    """,
    "embedding": """
        >>> weight = chainrule.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 4.0]], requires_grad=True)
        >>> F.embedding(chainrule.tensor([[2, 1, 2]]), weight)  # rows of weight
        tensor([[[2., 4.],
                 [1., 1.],
                 [2., 4.]]], grad_fn=<EmbeddingBackward0>)
        >>> F.embedding(chainrule.tensor([2, 1, 2]), weight).sum().backward()
        >>> weight.grad  # each row's count
        tensor([[0., 0.],
                [1., 1.],
                [2., 2.]])
    """,
    "batch_norm": """
        >>> x = chainrule.tensor([[1.0, 10.0], [3.0, 30.0]])  # (N, C)
        >>> running_mean, running_var = chainrule.zeros(2), chainrule.ones(2)
        >>> F.batch_norm(x, running_mean, running_var, training=True)  # each column over the batch
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> running_mean  # moved 10% towards the batch mean
        tensor([0.2000, 2.0000])
    """,
    "layer_norm": """
        >>> x = chainrule.tensor([[1.0, 2.0, 6.0], [10.0, 20.0, 60.0]], requires_grad=True)
        >>> y = F.layer_norm(x, (3,))  # each row over its 3 features: the same result for both rows
        >>> y
        tensor([[-0.9258, -0.4629,  1.3887],
                [-0.9258, -0.4629,  1.3887]], grad_fn=<NativeLayerNormBackward0>)
        >>> y[0, 0].backward()
        >>> x.grad  # the gradient of one output reaches every feature of its row
        tensor([[ 0.1763, -0.2204,  0.0441],
                [ 0.0000,  0.0000,  0.0000]])
    """,
}
