"""Builders for the models `chainrule train` knows: an MLP and a small CNN for 28x28 images (MNIST-like).

Both return nn.Sequential, so their state-dict keys ("1.weight", "4.running_mean", ...) equal those of the same
Sequential built with torch.nn: weights trained in PyTorch load with `model.load_state_dict(...)`.
"""

from __future__ import annotations

import itertools

from .. import nn
from ..nn.conv import BatchNorm2d, Conv2d
from ..nn.pooling import MaxPool2d

_ACTIVATIONS = {
    "relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU, "silu": nn.SiLU, "elu": nn.ELU,
    "leaky_relu": nn.LeakyReLU,
}


def _activation(activation):
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"mlp: unknown activation {activation!r}; choose one of {sorted(_ACTIVATIONS)}")
        return _ACTIVATIONS[activation]()
    return activation() if isinstance(activation, type) else activation


def mlp(sizes=(784, 256, 128, 10), activation="relu", dropout: float = 0.0, batchnorm: bool = False) -> nn.Sequential:
    """Flatten, then Linear [-> BatchNorm1d] -> activation [-> Dropout] per hidden layer, and a last Linear.

    >>> mlp((4, 8, 3))
    Sequential(
      (0): Flatten(start_dim=1, end_dim=-1)
      (1): Linear(in_features=4, out_features=8, bias=True)
      (2): ReLU()
      (3): Linear(in_features=8, out_features=3, bias=True)
    )
    """
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"mlp: sizes must list at least an input and an output size (all positive), got {sizes}")
    layers = [nn.Flatten()]
    for n_in, n_out in itertools.pairwise(sizes[:-1]):
        layers.append(nn.Linear(n_in, n_out))
        if batchnorm:
            layers.append(nn.BatchNorm1d(n_out))
        layers.append(_activation(activation))
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)


def small_cnn(in_channels: int = 1, num_classes: int = 10, channels=(32, 64), hidden: int = 0,
              dropout: float = 0.1, image_size: int = 28) -> nn.Sequential:
    """Two blocks conv3x3(pad 1, no bias) -> BatchNorm2d -> MaxPool2d(2) -> ReLU, then the classifier:
    Flatten -> Dropout -> Linear, or with `hidden` units Flatten -> Linear -> ReLU -> Dropout -> Linear.

    Pooling before the ReLU computes exactly conv-BN-ReLU-pool (max and ReLU commute, and so do their
    gradients, ties included) with the ReLU on a quarter of the values; neither layer has state, so the
    state-dict keys are the same either way.

    The defaults (50,282 parameters for 28x28 inputs) were chosen on Fashion-MNIST: 5 epochs of Adam with a
    one-cycle schedule reach 92.5% there (see benchmarks/cnn_train.py); (16, 32) channels, a hidden layer,
    flips or label smoothing did worse in 5 epochs.

    Args:
        in_channels: channels of the input images (default 1).
        num_classes: outputs of the last Linear (default 10).
        channels: (c1, c2), the two convolutions' output channels (default (32, 64)).
        hidden: units of an extra hidden Linear layer, 0 for none (default 0).
        dropout: dropout probability before the classifier's Linear (default 0.1).
        image_size: height and width of the square input images (default 28).

    Returns:
        nn.Sequential mapping (N, in_channels, image_size, image_size) images to (N, num_classes) logits.

    Examples:
        >>> import chainrule
        >>> from chainrule.models import small_cnn
        >>> net = small_cnn()
        >>> sum(p.numel() for p in net.parameters())
        50282
        >>> net(chainrule.zeros(2, 1, 28, 28)).shape
        chainrule.Size([2, 10])
    """
    c1, c2 = channels
    features = c2 * (image_size // 4) ** 2
    layers = [
        Conv2d(in_channels, c1, 3, padding=1, bias=False), BatchNorm2d(c1), MaxPool2d(2), nn.ReLU(),
        Conv2d(c1, c2, 3, padding=1, bias=False), BatchNorm2d(c2), MaxPool2d(2), nn.ReLU(), nn.Flatten(),
    ]
    if hidden:
        layers += [nn.Linear(features, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, num_classes)]
    else:
        layers += [nn.Dropout(dropout), nn.Linear(features, num_classes)]
    return nn.Sequential(*layers)
