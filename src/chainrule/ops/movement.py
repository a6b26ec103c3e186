"""Shape ops: reshape/view, transpose/permute, squeeze/unsqueeze, expand, flatten. Forward returns views."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import norm_dim


class Reshape(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        # reshaping moves no values: reshape the gradient back
        return g.reshape(ctx.shape), None


class Permute(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        # apply the inverse permutation
        return np.transpose(g, tuple(int(d) for d in np.argsort(ctx.dims))), None


class Expand(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        # the engine sums the broadcast gradient back to the input's shape
        return g, None


def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def reshape(input, *shape):
    """Same data, new shape (one dimension may be -1)."""
    shape = _shape_arg(shape)
    try:
        return Reshape.apply(input, shape)
    except ValueError:
        raise RuntimeError(f"reshape: shape {list(shape)} is invalid for input of size {input.numel()} "
                           f"(shape {tuple(input.shape)})") from None


view = reshape


def view_as(input, other):
    """View with the shape of other."""
    return reshape(input, other.shape)


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    """Merge dims start_dim..end_dim into one."""
    shape = input._data.shape if isinstance(input, Tensor) else np.shape(input)
    if not shape:
        return reshape(input, (1,))
    s, e = norm_dim((start_dim, end_dim), len(shape), "flatten")
    if s > e:
        raise RuntimeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    new = shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:]
    return reshape(input, new)


def unflatten(input, dim: int, sizes):
    """Split one dimension into `sizes`."""
    (d,) = norm_dim(dim, input.ndim, "unflatten")
    return reshape(input, input.shape[:d] + tuple(sizes) + input.shape[d + 1:])


def permute(input, *dims):
    """Reorder dimensions."""
    dims = _shape_arg(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute: {len(dims)} dims given for a tensor of {input.ndim} dimensions")
    return Permute.apply(input, norm_dim(dims, input.ndim, "permute"))


def transpose(input, dim0: int, dim1: int):
    """Swap two dimensions."""
    n = input.ndim
    if n == 0:
        return input
    d0, d1 = norm_dim((dim0, dim1), n, "transpose")
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims))


swapaxes = swapdims = transpose


def t(input):
    """Transpose of a tensor of at most 2 dimensions."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, got {input.ndim}")
    return input if input.ndim < 2 else transpose(input, 0, 1)


def numpy_T(input):
    """`.T`: reverse all dimensions."""
    return input if input.ndim < 2 else Permute.apply(input, tuple(range(input.ndim - 1, -1, -1)))


def squeeze(input, dim=None):
    """Drop dimensions of size 1 (all, or the given ones)."""
    shape = input.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = norm_dim(dim, len(shape), "squeeze")
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return input if new == shape else reshape(input, new)


def unsqueeze(input, dim: int):
    """Insert a dimension of size 1 at `dim`."""
    n = input.ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"unsqueeze: dimension {dim} is out of range for a result of {n} dimensions")
    d = dim % n
    return reshape(input, input.shape[:d] + (1,) + input.shape[d:])


def expand(input, *sizes):
    """Broadcast to a larger shape without copying (-1 keeps a dimension)."""
    sizes = _shape_arg(sizes)
    shape = input.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(f"expand: the number of sizes ({len(sizes)}) is smaller than the tensor's dims "
                           f"({len(shape)})")
    new = tuple(shape[i - lead] if (s == -1 and i >= lead) else s for i, s in enumerate(sizes))
    try:
        return Expand.apply(input, new)
    except ValueError:
        raise RuntimeError(f"expand: cannot expand shape {shape} to {new}") from None


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, shape):
    return expand(input, tuple(shape))


def contiguous(input):
    """Chainrule tensors need no contiguity for correctness; returns the tensor itself."""
    return input


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)
