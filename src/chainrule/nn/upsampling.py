"""Upsample (and its fixed-mode forms), PixelShuffle, PixelUnshuffle, ChannelShuffle, CosineSimilarity and
PairwiseDistance: Modules over the functional ops, with PyTorch's arguments and reprs."""

from __future__ import annotations

from ..ops.distance import (
    channel_shuffle,
    cosine_similarity,
    pairwise_distance,
    pixel_shuffle,
    pixel_unshuffle,
)
from ..ops.interpolate import interpolate
from ..tensor import Tensor
from .module import Module


class Upsample(Module):
    """Resize (N, C, L), (N, C, H, W) or (N, C, D, H, W) inputs by `size` or `scale_factor` (F.interpolate).

    Args:
        size: the output spatial size, an int or a tuple (default None; give size or scale_factor, not both).
        scale_factor: the multiplier of each spatial size, a float or one per spatial dim (default None).
        mode: "nearest" (default), "nearest-exact", "linear", "bilinear", "bicubic" or "trilinear".
        align_corners: for the linear and cubic modes, align the corner pixels' centres of input and output
            (default None, which means False).
        recompute_scale_factor: compute the scale used from the output size instead of scale_factor (default
            None); see `nn.functional.interpolate`.

    Shape:
        - Input: (N, C, L), (N, C, H, W) or (N, C, D, H, W).
        - Output: (N, C, L_out) and so on, L_out = size or floor(L * scale_factor).

    Raises:
        ValueError: neither or both of size and scale_factor.
        NotImplementedError: a mode that does not fit the input's rank (e.g. "bilinear" for a 3-D input).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.Upsample(scale_factor=2)(cr.tensor([[[1.0, 2.0]]]))
        tensor([[[1., 1., 2., 2.]]])
        >>> cr.nn.Upsample(size=3, mode="linear", align_corners=True)(cr.tensor([[[1.0, 2.0]]]))
        tensor([[[1.0000, 1.5000, 2.0000]]])
    """

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest", align_corners=None,
                 recompute_scale_factor=None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample(size, scale_factor, mode="nearest") for (N, C, H, W): each pixel repeated.

    Args:
        size: the output (H_out, W_out), or an int for both (default None).
        scale_factor: the multiplier of H and W (default None; give size or scale_factor).

    Shape:
        - Input: (N, C, H, W).
        - Output: (N, C, H_out, W_out).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.UpsamplingNearest2d(scale_factor=2)(cr.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample(size, scale_factor, mode="bilinear", align_corners=True) for (N, C, H, W).

    Args:
        size: the output (H_out, W_out), or an int for both (default None).
        scale_factor: the multiplier of H and W (default None; give size or scale_factor).

    Shape:
        - Input: (N, C, H, W).
        - Output: (N, C, H_out, W_out).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.UpsamplingBilinear2d(size=3)(cr.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))
        tensor([[[[1.0000, 1.5000, 2.0000],
                  [2.0000, 2.5000, 3.0000],
                  [3.0000, 3.5000, 4.0000]]]])
    """

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """Rearranges (*, C r^2, H, W) into (*, C, H r, W r): the sub-pixel convolution's upsampling (Shi et al.).

    Output pixel (h r + i, w r + j) of channel c is input channel c r^2 + i r + j at (h, w).

    Args:
        upscale_factor: r.

    Shape:
        - Input: (*, C r^2, H, W).
        - Output: (*, C, H r, W r).

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.PixelShuffle(2)(cr.arange(8.0).reshape(1, 4, 1, 2))
        tensor([[[[0., 2., 1., 3.],
                  [4., 6., 5., 7.]]]])
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Rearranges (*, C, H r, W r) into (*, C r^2, H, W): the inverse of PixelShuffle.

    Args:
        downscale_factor: r (H and W must be multiples of it).

    Shape:
        - Input: (*, C, H r, W r).
        - Output: (*, C r^2, H, W).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.arange(16.0).reshape(1, 1, 4, 4)
        >>> cr.nn.PixelUnshuffle(2)(x).shape
        chainrule.Size([1, 4, 2, 2])
        >>> cr.equal(cr.nn.PixelShuffle(2)(cr.nn.PixelUnshuffle(2)(x)), x)
        True
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Interleaves the channels of `groups` groups (ShuffleNet): channel order g0c0, g1c0, ..., g0c1, g1c1,
    ...

    Args:
        groups: the number of groups (C must be a multiple of it).

    Shape:
        - Input: (N, C, *).
        - Output: (N, C, *), the channels reordered.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.ChannelShuffle(2)(cr.arange(4.0).reshape(1, 4, 1, 1)).flatten()
        tensor([0., 2., 1., 3.])
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


class CosineSimilarity(Module):
    """Cosine similarity of two inputs along dim: x1 . x2 / (max(||x1||, eps) max(||x2||, eps)).

    Args:
        dim: the dimension the vectors lie along (default 1).
        eps: a lower bound on each norm, against division by zero (default 1e-8).

    Shape:
        - Input1, Input2: (*1, D, *2), broadcastable to one shape, D along dim.
        - Output: (*1, *2), dim removed.

    Examples:
        >>> import chainrule as cr
        >>> cos = cr.nn.CosineSimilarity(dim=1)
        >>> cos(cr.tensor([[1.0, 0.0], [1.0, 1.0]]), cr.tensor([[1.0, 0.0], [-1.0, 0.0]]))
        tensor([ 1.0000, -0.7071])
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """The p-norm distance of each pair of rows: ||x1 - x2 + eps||_p over the last dim.

    Args:
        p: the norm degree (default 2.0).
        eps: added to the difference, against a zero norm's infinite gradient (default 1e-6).
        keepdim: keep the last dimension with size 1 (default False).

    Shape:
        - Input1, Input2: (N, D) or (D,), broadcastable.
        - Output: (N,) (or (N, 1) with keepdim), () for 1-D inputs.

    Examples:
        >>> import chainrule as cr
        >>> cr.nn.PairwiseDistance()(cr.tensor([[0.0, 0.0], [1.0, 1.0]]), cr.tensor([[3.0, 4.0], [1.0, 3.0]]))
        tensor([5.0000, 2.0000])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
