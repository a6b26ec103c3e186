"""Shape ops: reshape/view, transpose/permute, squeeze/unsqueeze, expand, flatten. Forward returns views."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import apply_any, norm_dim


class Reshape(Op):
    """x viewed with a new shape (reshape() uses ReshapeCopy when the strides make a view impossible)."""
    node_name = "ViewBackward0"  # PyTorch's node

    is_view = True
    layout_dependent = True  # re-applied to an array of another memory layout it may copy (autograd/views.py)

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape  # not read from ctx.inputs: backward without retain_graph frees those
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        # reshaping moves no values: reshape the gradient back
        return g.reshape(ctx.shape), None


class ReshapeCopy(Reshape):
    """reshape() of a tensor whose strides allow no view: a copy, as in PyTorch."""
    node_name = "UnsafeViewBackward0"  # PyTorch's node

    is_view = False

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape).copy()


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
        # writable like x, as in PyTorch: in-place ops refuse only views where elements share memory
        out = np.broadcast_to(x, shape)
        if x.flags.writeable:
            out.flags.writeable = True
        return out

    @staticmethod
    def backward(ctx, g):
        # the engine sums the broadcast gradient back to the input's shape
        return g, None


def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def reshape(input, *shape):
    """Same data, new shape (one dimension may be -1): a view of input when its strides allow, else a copy."""
    shape = _shape_arg(shape)
    try:
        out = Reshape.apply(input, shape)
    except ValueError:
        raise RuntimeError(f"reshape: shape {list(shape)} is invalid for input of size {input.numel()} "
                           f"(shape {tuple(input.shape)})") from None
    if out._data.size and not np.may_share_memory(out._data, input._data):  # NumPy had to copy
        return ReshapeCopy.apply(input, shape)
    return out


def view(input, *shape):
    """A view with a new shape (one dimension may be -1); raises when the strides make a view impossible."""
    out = reshape(input, *shape)
    if out._view is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return out


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
        return Permute.apply(input, ())
    d0, d1 = norm_dim((dim0, dim1), n, "transpose")
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims))


swapaxes = swapdims = transpose


def t(input):
    """Transpose of a tensor of at most 2 dimensions (a view)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, got {input.ndim}")
    return Permute.apply(input, tuple(range(input.ndim - 1, -1, -1)))


def numpy_T(input):
    """`.T`: reverse all dimensions (a view)."""
    return Permute.apply(input, tuple(range(input.ndim - 1, -1, -1)))


def squeeze(input, dim=None):
    """Drop dimensions of size 1 (all, or the given ones)."""
    shape = input.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = norm_dim(dim, len(shape), "squeeze")
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return reshape(input, new)


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
    """The tensor itself when its memory is C-contiguous, else a contiguous copy (as in PyTorch: an in-place
    edit
    of the copy leaves the input alone)."""
    if input._data.flags.c_contiguous:
        return input
    from .cast import clone

    return clone(input)


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def _diagonal_view(x: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """np.diagonal, but writable when x is (NumPy marks its diagonal views read-only)."""
    v = np.diagonal(x, offset, d1, d2)
    if x.flags.writeable:
        v.flags.writeable = True
    return v


class Diagonal(Op):
    """The diagonal of dims (d1, d2) shifted by offset, as a last dimension: a view."""

    is_view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.args = x.shape, (offset, d1, d2)
        return _diagonal_view(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        # dL/dx = zeros with g on the diagonal
        return apply_any(DiagonalScatter, g, ctx.shape, *ctx.args), None, None, None


class DiagonalScatter(Op):
    """zeros(shape) with g written on a diagonal (Diagonal's adjoint)."""

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = np.zeros(shape, g.dtype)
        _diagonal_view(out, offset, d1, d2)[...] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        # the adjoint of writing on the diagonal is reading it
        return apply_any(Diagonal, gg, *ctx.args), None, None, None, None


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """The diagonal elements of dims (dim1, dim2) (offset > 0: above the main diagonal), as a view whose last
    dimension runs along the diagonal."""
    if input.ndim < 2:
        raise RuntimeError(f"diagonal: expected a tensor of at least 2 dimensions, got shape "
                           f"{tuple(input.shape)}")
    d1, d2 = norm_dim((dim1, dim2), input.ndim, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, int(offset), d1, d2)


def select(input, dim: int, index: int):
    """input[..., index, ...] along dim (removing it), as a view."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    (d,) = norm_dim(dim, input.ndim, "select")
    n = input.shape[d]
    index = int(index)
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    from .indexing import Slice

    return Slice.apply(input, (slice(None),) * d + (index % n, Ellipsis))
