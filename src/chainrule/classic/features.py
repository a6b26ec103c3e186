"""Hand-made feature maps that let a linear neuron draw a non-linear boundary."""

from __future__ import annotations

import numpy as np

from chainrule.classic._base import as_array


def feature_map_xor(X) -> np.ndarray:
    """phi(x) = [x1, x2, x1 * x2]: the interaction column makes XOR linearly separable.

    With 0/1 inputs z = x1 + x2 - 2 x1 x2 equals XOR exactly (threshold 0.5); with ±1 inputs z = -x1 x2 does.

    Args:
        X: inputs of shape (n_samples, 2), or one sample (2,); array-like or Tensor.

    Returns:
        A float64 array of shape (n_samples, 3) (or (3,)).

    Raises:
        ValueError: the inputs do not have 2 features.

    Examples:
        >>> feature_map_xor([[0, 1], [1, 1]]).tolist()
        [[0.0, 1.0, 0.0], [1.0, 1.0, 1.0]]
    """
    X = as_array(X)
    if X.ndim not in (1, 2) or X.shape[-1] != 2:
        raise ValueError(f"feature_map_xor: expected inputs of shape (n_samples, 2) or (2,), got {X.shape}")
    return np.concatenate([X, X[..., :1] * X[..., 1:]], axis=-1)
