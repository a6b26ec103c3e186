"""Weight initialisation (torch.nn.init): PyTorch's formulas, filling tensors in place without recording a graph.

Fans: fan_in = size(1) * receptive field, fan_out = size(0) * receptive field, receptive field = prod(shape[2:])
(a Linear weight (out, in) has fan_in = in; a conv weight (out, in, kh, kw) has fan_in = in * kh * kw).
"""

from __future__ import annotations

import math

import numpy as np

from ..random import np_rng
from ..tensor import Tensor

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The recommended gain for an activation: the factor that keeps the signal's variance through it.

    1 for linear, conv and sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + a^2)) for leaky_relu with
    negative slope a (default 0.01), 3/4 for selu.

    Args:
        nonlinearity: the activation's name ("linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu").
        param: leaky_relu's negative slope (default None: 0.01).

    Returns:
        The gain, a float.

    Raises:
        ValueError: an unknown nonlinearity, or a param that is not a number.

    Examples:
        >>> from chainrule.nn import init
        >>> init.calculate_gain("relu"), init.calculate_gain("tanh")
        (1.4142135623730951, 1.6666666666666667)
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(
            f"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape {tuple(tensor.shape)})"
        )
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values) -> Tensor:
    """Write values into the tensor's memory (never recorded: this is initialisation, as under no_grad)."""
    np.copyto(tensor._data, values, casting="unsafe")
    tensor._bump()
    return tensor


def _dtype(tensor: Tensor):
    d = tensor._data.dtype
    return d if d in (np.float32, np.float64) else np.float64


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fills the tensor with values drawn uniformly from [a, b).

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        a: the lower bound (default 0.0).
        b: the upper bound (default 1.0).
        generator: a `chainrule.Generator` (default: the default generator, seeded by `chainrule.manual_seed`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.nn.init.uniform_(cr.empty(3, 5), -0.1, 0.1)
        >>> bool((w.abs() <= 0.1).all())
        True
    """
    rng = np_rng(generator)
    u = rng.random(tensor.shape, dtype=_dtype(tensor))
    return _fill(tensor, u * (b - a) + a)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fills the tensor with values drawn from the normal distribution N(mean, std^2).

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        mean: the mean (default 0.0).
        std: the standard deviation (default 1.0).
        generator: a `chainrule.Generator` (default: the default generator, seeded by `chainrule.manual_seed`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.init.normal_(cr.empty(2, 3), std=0.01).shape
        chainrule.Size([2, 3])
    """
    rng = np_rng(generator)
    z = rng.standard_normal(tensor.shape, dtype=_dtype(tensor))
    return _fill(tensor, z * std + mean)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator=None) -> Tensor:
    """Fills the tensor from N(mean, std^2) truncated to [a, b]: draws outside are redrawn.

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        mean: the mean (default 0.0).
        std: the standard deviation (default 1.0).
        a: the lower bound, an absolute value (default -2.0).
        b: the upper bound (default 2.0).
        generator: a `chainrule.Generator` (default: the default generator, seeded by `chainrule.manual_seed`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.nn.init.trunc_normal_(cr.empty(100), std=1.0, a=-1.0, b=1.0)
        >>> bool((w.abs() <= 1.0).all())
        True
    """
    if not a < b:
        raise ValueError(f"trunc_normal_: need a < b, got a={a}, b={b}")
    rng = np_rng(generator)
    out = rng.normal(mean, std, tensor.shape)
    bad = (out < a) | (out > b)
    for _ in range(1000):
        n = int(bad.sum())
        if n == 0:
            break
        out[bad] = rng.normal(mean, std, n)
        bad = (out < a) | (out > b)
    else:
        np.clip(out, a, b, out=out)  # a window far in the tail: clamp what is left
    return _fill(tensor, out)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fills the tensor with the value `val`.

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        val: the value.

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.init.constant_(cr.empty(3), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    return _fill(tensor, val)


def ones_(tensor: Tensor) -> Tensor:
    """Fills the tensor with ones (a normalisation layer's scale starts here).

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.init.ones_(cr.empty(2))
        tensor([1., 1.])
    """
    return _fill(tensor, 1)


def zeros_(tensor: Tensor) -> Tensor:
    """Fills the tensor with zeros (biases usually start here).

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.init.zeros_(cr.empty(2))
        tensor([0., 0.])
    """
    return _fill(tensor, 0)


def eye_(tensor: Tensor) -> Tensor:
    """Fills a 2-D tensor with the identity matrix (ones on the diagonal, also for a non-square one).

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Raises:
        ValueError: the tensor is not 2-D.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.init.eye_(cr.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported, got shape {tuple(tensor.shape)}")
    return _fill(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Xavier/Glorot uniform initialisation (Glorot & Bengio, 2010): U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).

    Keeps the variance of the signal level forward and backward for activations that are linear near 0 (tanh,
    sigmoid). fan_in = size(1) * receptive field, fan_out = size(0) * receptive field.

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        gain: a scale factor (default 1.0; `calculate_gain('tanh')` for tanh).
        generator: a `chainrule.Generator` (default: the default generator, seeded by `chainrule.manual_seed`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Raises:
        ValueError: the tensor has fewer than 2 dimensions (its fans are undefined).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.nn.init.xavier_uniform_(cr.empty(30, 20))
        >>> bool((w.abs() <= (6 / 50) ** 0.5).all())
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Xavier/Glorot normal initialisation: N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)).

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        gain: a scale factor (default 1.0).
        generator: a `chainrule.Generator` (default: the default generator, seeded by `chainrule.manual_seed`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Raises:
        ValueError: the tensor has fewer than 2 dimensions (its fans are undefined).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.nn.init.xavier_normal_(cr.empty(200, 200))
        >>> round(w.std().item(), 2)
        0.07
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator=None) -> Tensor:
    """He/Kaiming uniform initialisation (He et al., 2015): U(-b, b), b = gain * sqrt(3 / fan), with
    gain = calculate_gain(nonlinearity, a).

    For ReLU networks: the gain sqrt(2) compensates for ReLU zeroing half of its inputs, so the variance stays
    level through the layers. `nn.Linear` and `nn.Conv2d` start from kaiming_uniform_(a=sqrt(5)), which is
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        a: the negative slope of the leaky ReLU that follows (default 0).
        mode: "fan_in" (default: keeps the forward variance) or "fan_out" (the backward variance).
        nonlinearity: "relu" or "leaky_relu" (default), or any name `calculate_gain` knows.
        generator: a `chainrule.Generator` (default: the default generator, seeded by `chainrule.manual_seed`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Raises:
        ValueError: the tensor has fewer than 2 dimensions, or mode is not "fan_in" or "fan_out".

    Examples:
        >>> import chainrule as cr
        >>> w = cr.nn.init.kaiming_uniform_(cr.empty(64, 50), nonlinearity="relu")
        >>> bool((w.abs() <= (6 / 50) ** 0.5).all())
        True
    """
    if 0 in tensor.shape:
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator=None) -> Tensor:
    """He/Kaiming normal initialisation: N(0, std^2), std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a).

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        a: the negative slope of the leaky ReLU that follows (default 0).
        mode: "fan_in" (default) or "fan_out".
        nonlinearity: "relu" or "leaky_relu" (default), or any name `calculate_gain` knows.
        generator: a `chainrule.Generator` (default: the default generator, seeded by `chainrule.manual_seed`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Raises:
        ValueError: the tensor has fewer than 2 dimensions, or mode is not "fan_in" or "fan_out".

    Examples:
        >>> import chainrule as cr
        >>> w = cr.nn.init.kaiming_normal_(cr.empty(256, 200), nonlinearity="relu")
        >>> round(w.std().item(), 2)
        0.1
    """
    if 0 in tensor.shape:
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1, generator=None) -> Tensor:
    """Fills the tensor with a (semi-)orthogonal matrix (Saxe et al., 2013), times gain: the QR decomposition of
    a Gaussian matrix, with the tensor's trailing dimensions flattened.

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        gain: a scale factor (default 1).
        generator: a `chainrule.Generator` (default: the default generator, seeded by `chainrule.manual_seed`).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Raises:
        ValueError: the tensor has fewer than 2 dimensions.

    Examples:
        >>> import chainrule as cr
        >>> q = cr.nn.init.orthogonal_(cr.empty(3, 3))
        >>> bool(((q @ q.T) - cr.eye(3)).abs().max() < 1e-5)
        True
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    rng = np_rng(generator)
    flat = rng.standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (q * gain).reshape(tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fills convolution weights (out, in, *k) so that the convolution passes each input channel through
    unchanged (a 1 at the kernel's centre, per group), preserving the identity of the inputs.

    Args:
        tensor: the Tensor to fill in place (a Parameter, usually `layer.weight`).
        groups: the number of groups of the convolution (default 1).

    Returns:
        The same tensor, filled (the fill is not recorded on the graph).

    Raises:
        ValueError: the tensor is not 3-, 4- or 5-D.

    Examples:
        >>> import chainrule as cr
        >>> w = cr.nn.init.dirac_(cr.empty(2, 2, 3, 3))
        >>> x = cr.randn(1, 2, 5, 5)
        >>> bool((cr.nn.functional.conv2d(x, w, padding=1) == x).all())
        True
    """
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_per_group = tensor.shape[0] // groups
    z = np.zeros(tensor.shape)
    centre = tuple(s // 2 for s in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, tensor.shape[1])):
            z[(g * out_per_group + d, d) + centre] = 1
    return _fill(tensor, z)


__all__ = [
    "calculate_gain", "constant_", "dirac_", "eye_", "kaiming_normal_", "kaiming_uniform_", "normal_", "ones_",
    "orthogonal_", "trunc_normal_", "uniform_", "xavier_normal_", "xavier_uniform_", "zeros_",
]
