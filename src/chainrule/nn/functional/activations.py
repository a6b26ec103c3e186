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
from ...ops._declare import case, declare


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """Parametric ReLU: max(x, 0) + weight * min(x, 0). The functional form of `nn.PReLU`.

    Args:
        input: any shape; channels on dim 1 when weight has more than one element.
        weight: the negative slopes: one element, or one per channel.

    Returns:
        A tensor of the input's shape.
    """
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
    """max(x, 0) written into input (in place); returns input, whose version counter is bumped.

    Args:
        input: a tensor of any shape; a leaf that requires grad is refused (RuntimeError), as in PyTorch.
    """
    return relu(input, inplace=True)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), elementwise, stable for any x (no log of 0).

    Args:
        input: any shape.

    Returns:
        A tensor of the input's shape; its gradient is 1 - sigmoid(x).
    """
    return -softplus(-input)


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

declare(prelu, namespaces=("F",), cases=[case(lambda m, x, w: m.F.prelu(x, w), (3, 4), (4,), kinds="away0")])
declare(relu_, namespaces=("F",), differentiable=True)
declare(logsigmoid, namespaces=("F",), cases=[case(lambda m, x: m.F.logsigmoid(x), (3, 4))])
