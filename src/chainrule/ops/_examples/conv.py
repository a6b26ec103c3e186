"""The examples of the convolutions, pooling and resizing (ops/conv.py, conv_transpose.py, pool.py,
pool_more.py, interpolate.py, nn/functional/conv.py); see __init__.py."""

EXAMPLES = {
    "conv2d": """
        >>> x = chainrule.arange(9.0).reshape(1, 1, 3, 3)  # (N, C, H, W)
        >>> w = chainrule.ones(1, 1, 2, 2, requires_grad=True)  # (out channels, in channels, kh, kw)
        >>> chainrule.conv2d(x, w)  # the sum of each 2x2 window
        tensor([[[[ 8., 12.],
                  [20., 24.]]]], grad_fn=<ConvolutionBackward0>)
        >>> chainrule.conv2d(x, w, padding=1).shape
        chainrule.Size([1, 1, 4, 4])
        >>> chainrule.conv2d(x, w).sum().backward()
        >>> w.grad  # each weight's sum of the inputs it met
        tensor([[[[ 8., 12.],
                  [20., 24.]]]])
    """,
    "max_pool2d": """
        >>> x = chainrule.tensor([[[[1.0, 2.0, 5.0, 6.0], [3.0, 4.0, 7.0, 8.0]]]], requires_grad=True)
        >>> chainrule.max_pool2d(x, 2)  # the max of each 2x2 window
        tensor([[[[4., 8.]]]], grad_fn=<MaxPool2DWithIndicesBackward0>)
        >>> chainrule.max_pool2d(x, 2).sum().backward()
        >>> x.grad  # 1 at each window's max
        tensor([[[[0., 0., 0., 0.],
                  [0., 1., 0., 1.]]]])
        >>> F.max_pool2d(x, 2, return_indices=True)[1]  # flat indices
        tensor([[[[5, 7]]]])
    """,
    "avg_pool2d": """
        >>> x = chainrule.tensor([[[[1.0, 2.0, 5.0, 6.0], [3.0, 4.0, 7.0, 8.0]]]], requires_grad=True)
        >>> F.avg_pool2d(x, 2)
        tensor([[[[2.5000, 6.5000]]]], grad_fn=<AvgPool2DBackward0>)
        >>> F.avg_pool2d(x, 2).sum().backward()
        >>> x.grad  # 1 / 4 everywhere
        tensor([[[[0.2500, 0.2500, 0.2500, 0.2500],
                  [0.2500, 0.2500, 0.2500, 0.2500]]]])
    """,
    "adaptive_avg_pool2d": """
        >>> x = chainrule.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.adaptive_avg_pool2d(x, (2, 2))
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
        >>> F.adaptive_avg_pool2d(x, 1).flatten()  # global average pooling
        tensor([7.5000])
    """,
    "interpolate": """
        >>> x = chainrule.tensor([[[1.0, 2.0, 4.0]]])  # (N, C, L)
        >>> F.interpolate(x, scale_factor=2)  # nearest
        tensor([[[1., 1., 2., 2., 4., 4.]]])
        >>> F.interpolate(x, size=5, mode='linear', align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000, 3.0000, 4.0000]]])
        >>> image = chainrule.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])  # (N, C, H, W)
        >>> F.interpolate(image, size=(3, 3), mode='bilinear', align_corners=True)
        tensor([[[[1.0000, 1.5000, 2.0000],
                  [2.0000, 2.5000, 3.0000],
                  [3.0000, 3.5000, 4.0000]]]])
    """,
    "upsample": """
        >>> F.upsample(chainrule.tensor([[[1.0, 2.0]]]), scale_factor=2)  # deprecated name of interpolate
        tensor([[[1., 1., 2., 2.]]])
    """,
    "upsample_nearest": """
        >>> F.upsample_nearest(chainrule.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), scale_factor=2)
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """,
    "upsample_bilinear": """
        >>> image = chainrule.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> F.upsample_bilinear(image, size=(3, 3))  # bilinear, align_corners=True
        tensor([[[[1.0000, 1.5000, 2.0000],
                  [2.0000, 2.5000, 3.0000],
                  [3.0000, 3.5000, 4.0000]]]])
    """,
    "conv_transpose2d": """
        >>> x = chainrule.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> w = chainrule.ones(1, 1, 2, 2)  # (in, out, kh, kw)
        >>> chainrule.conv_transpose2d(x, w)  # each input spreads over a 2x2 patch
        tensor([[[[ 1.,  3.,  2.],
                  [ 4., 10.,  6.],
                  [ 3.,  7.,  4.]]]])
        >>> chainrule.conv_transpose2d(x, w, stride=2)
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """,
    "conv_transpose1d": """
        >>> x = chainrule.tensor([[[1.0, 2.0, 3.0]]])
        >>> w = chainrule.tensor([[[1.0, 10.0]]])
        >>> chainrule.conv_transpose1d(x, w)
        tensor([[[ 1., 12., 23., 30.]]])
        >>> chainrule.conv_transpose1d(x, w, stride=2)
        tensor([[[ 1., 10.,  2., 20.,  3., 30.]]])
    """,
    "conv1d": """
        >>> x = chainrule.tensor([[[1.0, 2.0, 4.0, 7.0, 11.0]]])  # (N, C, L)
        >>> w = chainrule.tensor([[[-1.0, 1.0]]], requires_grad=True)
        >>> chainrule.conv1d(x, w)  # differences of neighbours
        tensor([[[1., 2., 3., 4.]]], grad_fn=<ViewBackward0>)
        >>> chainrule.conv1d(x, w, stride=2)
        tensor([[[1., 3.]]], grad_fn=<ViewBackward0>)
        >>> chainrule.conv1d(x, w).sum().backward()
        >>> w.grad
        tensor([[[14., 24.]]])
    """,
    "avg_pool1d": """
        >>> x = chainrule.tensor([[[1.0, 3.0, 5.0, 7.0, 9.0]]])
        >>> chainrule.avg_pool1d(x, 2)
        tensor([[[2., 6.]]])
        >>> chainrule.avg_pool1d(x, 3, stride=1)
        tensor([[[3., 5., 7.]]])
    """,
    "max_pool1d": """
        >>> x = chainrule.tensor([[[1.0, 3.0, 2.0, 7.0, 4.0]]], requires_grad=True)
        >>> chainrule.max_pool1d(x, 2)
        tensor([[[3., 7.]]], grad_fn=<ViewBackward0>)
        >>> chainrule.max_pool1d(x, 2).sum().backward()
        >>> x.grad  # the last element is in no window
        tensor([[[0., 1., 0., 1., 0.]]])
    """,
    "adaptive_avg_pool1d": """
        >>> x = chainrule.tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]]])
        >>> chainrule.adaptive_avg_pool1d(x, 2)  # bins [0, 3) and [2, 5)
        tensor([[[2., 4.]]])
    """,
    "adaptive_max_pool2d": """
        >>> x = chainrule.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.adaptive_max_pool2d(x, (2, 2))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> F.adaptive_max_pool2d(x, 1, return_indices=True)
        (tensor([[[[15.]]]]), tensor([[[[15]]]]))
    """,
    "adaptive_max_pool1d": """
        >>> F.adaptive_max_pool1d(chainrule.tensor([[[1.0, 5.0, 2.0, 4.0, 3.0]]]), 2)
        tensor([[[5., 4.]]])
    """,
    "max_unpool2d": """
        >>> x = chainrule.tensor([[[[1.0, 2.0, 5.0, 6.0], [3.0, 4.0, 7.0, 8.0]]]])
        >>> values, indices = F.max_pool2d(x, 2, return_indices=True)
        >>> F.max_unpool2d(values, indices, 2)  # maxima back in place
        tensor([[[[0., 0., 0., 0.],
                  [0., 4., 0., 8.]]]])
    """,
    "max_unpool1d": """
        >>> x = chainrule.tensor([[[1.0, 3.0, 2.0, 7.0]]])
        >>> values, indices = F.max_pool1d(x, 2, return_indices=True)
        >>> F.max_unpool1d(values, indices, 2)
        tensor([[[0., 3., 0., 7.]]])
    """,
    "dropout2d": """
        >>> _ = chainrule.manual_seed(0)
        >>> y = F.dropout2d(chainrule.ones(1, 4, 1, 3), p=0.5)  # (N, C, H, W)
        >>> y.view(4, 3)  # one row per channel: each channel zeroed whole, or kept and scaled by 2
        tensor([[2., 2., 2.],
                [0., 0., 0.],
                [0., 0., 0.],
                [0., 0., 0.]])
        >>> F.dropout2d(chainrule.ones(1, 2, 1, 1), training=False).flatten()  # evaluation: the identity
        tensor([1., 1.])
    """,
    "unfold": """
        >>> x = chainrule.arange(9.0).reshape(1, 1, 3, 3)
        >>> F.unfold(x, kernel_size=2)  # one column per 2x2 block (im2col)
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
        >>> F.unfold(chainrule.ones(2, 3, 5, 5), kernel_size=3).shape  # (N, C kh kw, blocks)
        chainrule.Size([2, 27, 9])
    """,
    "fold": """
        >>> blocks = F.unfold(chainrule.ones(1, 1, 3, 3), 2)
        >>> blocks.shape
        chainrule.Size([1, 4, 4])
        >>> F.fold(blocks, (3, 3), 2)  # each pixel: the number of blocks covering it
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """,
}
