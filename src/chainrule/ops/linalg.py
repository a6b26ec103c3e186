"""Matrix multiplication (1-D, 2-D, batched with broadcast batch dimensions)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ._util import dtype_of, shape_of
from ._promote import kernel_missing


class MatMul(Op):
    node_name = "MmBackward0"  # PyTorch's node
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        # dL/dA = G @ B^T ; dL/dB = A^T @ G  (1-D operands are promoted to matrices and back)
        a, b = ctx.saved
        nig = ctx.needs_input_grad
        if a.ndim == 2 and b.ndim == 2:
            return (g @ b.T if nig[0] else None), (a.T @ g if nig[1] else None)
        if a.ndim == 1 and b.ndim == 1:
            return (g * b if nig[0] else None), (g * a if nig[1] else None)
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        g2 = np.expand_dims(g, -2) if a.ndim == 1 else g
        g2 = np.expand_dims(g2, -1) if b.ndim == 1 else g2
        ga = g2 @ b2.swapaxes(-1, -2) if nig[0] else None
        gb = a2.swapaxes(-1, -2) @ g2 if nig[1] else None
        if gb is not None and b.ndim == 1:
            gb = gb[..., 0]  # drop b's promoted trailing axis; the engine sums the batch dims
        return ga, gb  # the engine sums broadcast batch dims and a's promoted leading axis back


def matmul(input, other):
    """Matrix product with NumPy's/PyTorch's rules for 1-D and batched operands."""
    sa, sb = shape_of(input), shape_of(other)
    if not sa or not sb:
        raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got {sa} @ {sb}")
    ka = sa[-1]
    kb = sb[0] if len(sb) == 1 else sb[-2]
    if ka != kb:
        raise RuntimeError(f"matmul: {sa} @ {sb}: inner dimensions {ka} != {kb}")
    da, db = dtype_of(input), dtype_of(other)
    if da != db:  # PyTorch does not promote matrix products
        raise RuntimeError(f"matmul: expected both operands to have the same dtype, got {da} and {db}; "
                           "convert one with .to(other.dtype)")
    if da == np.bool_:
        raise kernel_missing("addmm_impl_cpu_", np.bool_, prefix="matmul: ", hint="; convert with .int() or .float()")
    try:
        return MatMul.apply(input, other)
    except ValueError:
        raise RuntimeError(f"matmul: {sa} @ {sb}: batch dimensions cannot be broadcast together") from None


def mm(input, mat2):
    """2-D matrix product."""
    if len(shape_of(input)) != 2 or len(shape_of(mat2)) != 2:
        raise RuntimeError(f"mm: expected 2-D tensors, got {shape_of(input)} and {shape_of(mat2)}")
    return matmul(input, mat2)


def bmm(input, mat2):
    """Batched 3-D matrix product."""
    if len(shape_of(input)) != 3 or len(shape_of(mat2)) != 3:
        raise RuntimeError(f"bmm: expected 3-D tensors, got {shape_of(input)} and {shape_of(mat2)}")
    return matmul(input, mat2)


def dot(input, other):
    """Inner product of two 1-D tensors."""
    if len(shape_of(input)) != 1 or len(shape_of(other)) != 1:
        raise RuntimeError(f"dot: expected 1-D tensors, got {shape_of(input)} and {shape_of(other)}")
    return matmul(input, other)
