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

    Constructor arguments:
        num_groups: the number of groups (must divide num_channels). num_channels: C.
        eps: added to the variance (default 1e-5). affine: learn weight (ones) and bias (zeros) of shape (C,)
        (default True). bias: with affine, learn the bias too (default True; keyword only).

    Shape:
        - Input: (N, C, *). Output: the same shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.GroupNorm(2, 4)(cr.randn(3, 4, 5)).shape
        chainrule.Size([3, 4, 5])
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
    """Instance norm over (N, C, L) or (C, L) (see _InstanceNorm; defaults affine=False,
    track_running_stats=False, as PyTorch)."""

    _ndims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance norm over (N, C, H, W) or (C, H, W) (style transfer's usual normalisation)."""

    _ndims = (3, 4)
