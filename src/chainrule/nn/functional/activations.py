"""Activation functions for nn.functional: the ops themselves (chainrule.ops), plus prelu and threshold."""

from __future__ import annotations

from ...ops import (  # noqa: F401  (re-exported)
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    tanh,
)
from ...ops.nn_fused import PReLU
from ...tensor import Tensor


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """max(x, 0) + weight * min(x, 0); weight has 1 element or one per channel (dim 1)."""
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.ndim >= 2 else input.shape[0] if input.ndim == 1 else 1
        if weight.ndim != 1 or n != channels:
            raise RuntimeError(
                f"prelu: weight has {n} elements but the input {tuple(input.shape)} has {channels} channels "
                "(dim 1); use PReLU(num_parameters=channels) or a single shared slope"
            )
    return PReLU.apply(input, weight)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), stable for any x."""
    return -softplus(-input)
