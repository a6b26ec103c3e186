"""normalize, cosine_similarity, pairwise_distance, pdist, and the channel rearrangements pixel_shuffle,
pixel_unshuffle and channel_shuffle.

Each is a composition of differentiable ops written as PyTorch writes it (ATen's cosine_similarity,
pairwise_distance and F.normalize are compositions too), so the values, the eps rules and the gradients are
PyTorch's and second derivatives come for free.
"""

from __future__ import annotations

import numpy as np

from ._declare import case, declare
from ._out import write_out
from ._promote import promote_types, torch_name
from ._util import shape_of

__all__ = ["channel_shuffle", "cosine_similarity", "normalize", "pairwise_distance", "pdist", "pixel_shuffle",
           "pixel_unshuffle"]


@declare(namespaces=("F",), cases=[
    case(lambda m, x: m.nn.functional.normalize(x), (3, 4)),
    case(lambda m, x: m.nn.functional.normalize(x, p=1.0, dim=0), (3, 4), kinds="away0", suffix="p1_dim0"),
])
def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None):
    """x / max(||x||_p, eps) along `dim` (default 1): unit vectors, zero vectors stay zero.

    Args:
        input: any shape. p: the norm's exponent (default 2). dim: the dim normalised (default 1).
        eps: the smallest denominator (default 1e-12). out: a Tensor the result is written into (as
            `torch.div(input, denom, out=out)`; not differentiable).
    """
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"normalize: linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {torch_name(input._data.dtype)}")
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps)
    res = input / denom.expand_as(input)
    return res if out is None else write_out("normalize", res, out, exact=False)


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x, y: m.nn.functional.cosine_similarity(x, y), (3, 4), (3, 4)),
    case(lambda m, x, y: m.cosine_similarity(x, y, dim=-1), (2, 3, 4), (3, 4), suffix="broadcast"),
])
def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along `dim` (default 1), after broadcasting.

    Each input is divided by its clamped norm first (PyTorch 2's order, which avoids overflow).
    """
    dt = promote_types(x1.dtype, x2.dtype)  # PyTorch's promotion (float32 with int64 stays float32)
    if not dt.is_floating_point:
        raise RuntimeError(f"cosine_similarity: expected common dtype to be floating point, yet common dtype is "
                           f"{torch_name(dt)}")
    shape = np.broadcast_shapes(shape_of(x1), shape_of(x2))
    x1, x2 = x1.to(dt).expand(*shape), x2.to(dt).expand(*shape)  # one dtype first, as PyTorch
    n1 = (x1 * x1).sum(dim, keepdim=True).clamp(min=eps * eps).sqrt()
    n2 = (x2 * x2).sum(dim, keepdim=True).clamp(min=eps * eps).sqrt()
    return ((x1 / n1) * (x2 / n2)).sum(dim)


@declare(namespaces=("torch", "F"), cases=[
    case(lambda m, x, y: m.nn.functional.pairwise_distance(x, y), (3, 4), (3, 4)),
    case(lambda m, x, y: m.pairwise_distance(x, y, p=1.0, keepdim=True), (3, 4), (4,), kinds="away0",
         suffix="p1_keepdim"),
])
def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    """||x1 - x2 + eps||_p over the last dim (of the broadcast inputs), default p = 2, eps = 1e-6."""
    dim = max(len(shape_of(x1)), len(shape_of(x2))) - 1
    return (x1 - x2 + eps).norm(p, max(dim, 0), keepdim=keepdim)


@declare(namespaces=("torch", "F"), cases=[case(lambda m, x: m.pdist(x), (4, 3))])
def pdist(input, p: float = 2.0):
    """The p-norm distance between each pair of rows of an (N, M) input: N (N - 1) / 2 values, row i against
    rows j > i in order (the upper triangle of cdist, flattened)."""
    xs = shape_of(input)
    if len(xs) != 2:
        raise RuntimeError(f"pdist: only supports 2D tensors, got: {len(xs)}D {xs}")
    if p < 0:
        raise RuntimeError(f"pdist: only supports non-negative p values, got {p}")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"pdist only supports floating-point dtypes, got {input.dtype}")
    i, j = np.triu_indices(xs[0], 1)
    from .gather import index_select

    return (index_select(input, 0, i) - index_select(input, 0, j)).norm(p, 1)


def _check_4d(op, input):
    if input.ndim < 3:
        raise RuntimeError(f"{op}: expected input to have at least 3 dimensions (*, C, H, W), but got input with "
                           f"sizes {list(input.shape)}")


@declare(namespaces=("torch", "F"), cases=[case(lambda m, x: m.pixel_shuffle(x, 2), (2, 8, 3, 2))])
def pixel_shuffle(input, upscale_factor: int):
    """(*, C r^2, H, W) -> (*, C, H r, W r), r = upscale_factor: out[c, h r + i, w r + j] = in[c r^2 + i r + j, h, w]."""
    _check_4d("pixel_shuffle", input)
    r = int(upscale_factor)
    *lead, c, h, w = input.shape
    if r < 1 or c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    k = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


@declare(namespaces=("torch", "F"), cases=[case(lambda m, x: m.pixel_unshuffle(x, 2), (2, 2, 4, 6))])
def pixel_unshuffle(input, downscale_factor: int):
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of pixel_shuffle."""
    _check_4d("pixel_unshuffle", input)
    r = int(downscale_factor)
    *lead, c, h, w = input.shape
    if r < 1 or h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by downscale_factor, but "
                           f"input.size(-2)={h} and input.size(-1)={w} are not divisible by {r}")
    k = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


@declare(namespaces=("torch", "F"), cases=[case(lambda m, x: m.channel_shuffle(x, 3), (2, 6, 2, 2))])
def channel_shuffle(input, groups: int):
    """(N, C, *) with C = g k: channel i k + j moves to j g + i (ShuffleNet's shuffle)."""
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle: expected input to have at least 3 dimensions, got {input.ndim}")
    g = int(groups)
    n, c, *rest = input.shape
    if g < 1 or c % g:
        raise RuntimeError(f"channel_shuffle: number of channels must be divisible by groups. Got {c} channels "
                           f"and {g} groups.")
    x = input.reshape(n, g, c // g, *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)
