"""GroupNorm and InstanceNorm1d/2d (PyTorch's arguments, defaults, state keys and reprs) over
ops/group_norm.py."""

from __future__ import annotations

import warnings

from ..ops.group_norm import group_norm, instance_norm
from ..tensor import Tensor
from . import init
from .module import Module
from .normalization import _BatchNorm
from .parameter import empty_parameter


class GroupNorm(Module):
    """Normalise (N, C, *) over groups of C / num_groups channels per sample, then a per-channel affine.

    Each sample's group is normalised by its own mean and (biased) variance, (x - mean) / sqrt(var + eps), so
    the result does not depend on the batch size (unlike batch norm) and is the same in train and eval mode.

    Args:
        num_groups: the number of groups (must divide num_channels).
        num_channels: C, the number of channels.
        eps: added to the variance for stability (default 1e-5).
        affine: learn a per-channel weight (from 1) and bias (from 0), each of shape (C,) (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).
        bias: with affine, learn the bias too (keyword-only; default True).

    Shape:
        - Input: (N, C, *).
        - Output: the same shape.

    Raises:
        ValueError: num_channels not divisible by num_groups.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.GroupNorm(2, 4)(cr.randn(3, 4, 5)).shape
        chainrule.Size([3, 4, 5])
        >>> cr.nn.GroupNorm(1, 2)(cr.tensor([[[1.0, 3.0], [2.0, 6.0]]]))  # one group: all four values
        tensor([[[-1.0690,  0.0000],
                 [-0.5345,  1.6036]]], grad_fn=<...>)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        if affine:
            self.weight = empty_parameter(num_channels, dtype=dtype, device=device)
            if bias:
                self.bias = empty_parameter(num_channels, dtype=dtype, device=device)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight 1 and bias 0 (with affine).

        Examples:
            >>> import chainrule as cr
            >>> gn = cr.nn.GroupNorm(1, 2)
            >>> with cr.no_grad():
            ...     _ = gn.weight.fill_(3.0)
            >>> gn.reset_parameters()
            >>> gn.weight
            Parameter containing:
            tensor([1., 1.], requires_grad=True)
        """
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(_BatchNorm):
    """Instance norm: each (sample, channel) normalised over its positions; running statistics only with
    track_running_stats=True (then used in eval mode)."""

    _ndims: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        name, (unbatched, batched) = type(self).__name__, self._ndims
        if input.ndim not in (unbatched, batched):
            raise ValueError(f"{name}: expected {unbatched}D or {batched}D input (got {input.ndim}D input)")
        dim = 0 if input.ndim == unbatched else 1
        if input.shape[dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={dim} to match num_features ({self.num_features}), "
                                 f"but got: {input.shape[dim]}.")
            warnings.warn(f"input's size at dim={dim} does not match num_features. You can silence this warning "
                          "by not passing in num_features, which is not used because affine=False", stacklevel=2)
        x = input.unsqueeze(0) if input.ndim == unbatched else input
        out = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats,
                            self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if input.ndim == unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation over (N, C, L) or (C, L): each (sample, channel) normalised over its L
    positions.

    y = (x - mean) / sqrt(var + eps) * weight + bias, mean and (biased) variance per sample and channel.
    PyTorch's defaults: no affine parameters and no running statistics.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for stability (default 1e-5).
        momentum: weight of the new statistics in the running estimates (default 0.1; None: a cumulative
            average).
        affine: learn a per-channel scale (weight, from 1) and shift (bias, from 0) (default False).
        track_running_stats: keep running estimates and use them in eval mode (default False: every call uses
            the input's own statistics).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).
        bias: with affine, learn the shift too (keyword-only; default True).

    Shape:
        - Input: (N, C, L) or (C, L).
        - Output: the same shape.

    Raises:
        ValueError: an input of another rank, or (with affine) whose channel count is not num_features.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.InstanceNorm1d(2)(cr.tensor([[[1.0, 3.0], [2.0, 6.0]]]))
        tensor([[[-1.0000,  1.0000],
                 [-1.0000,  1.0000]]])
    """

    _ndims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation over (N, C, H, W) or (C, H, W): each (sample, channel) normalised over its H x W
    positions (style transfer's usual normalisation).

    PyTorch's defaults: no affine parameters and no running statistics.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for stability (default 1e-5).
        momentum: weight of the new statistics in the running estimates (default 0.1; None: a cumulative
            average).
        affine: learn a per-channel scale (weight, from 1) and shift (bias, from 0) (default False).
        track_running_stats: keep running estimates and use them in eval mode (default False: every call uses
            the input's own statistics).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).
        bias: with affine, learn the shift too (keyword-only; default True).

    Shape:
        - Input: (N, C, H, W) or (C, H, W).
        - Output: the same shape.

    Raises:
        ValueError: an input of another rank, or (with affine) whose channel count is not num_features.

    Examples:
        >>> import chainrule as cr
        >>> norm = cr.nn.InstanceNorm2d(3, affine=True)
        >>> y = norm(cr.randn(2, 3, 4, 4) * 5 + 2)
        >>> y.shape, y.mean((2, 3)).abs().max().item() < 1e-5
        (chainrule.Size([2, 3, 4, 4]), True)
    """

    _ndims = (3, 4)
