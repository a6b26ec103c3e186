"""The matrix-product family around matmul: mm bmm dot as Tensor methods, mv, addmm addmv baddbmm, kron.

Each checks its operands' ranks with PyTorch's error, then composes matmul, mul, add and reshape (their
gradients are the family's: d(beta C + alpha A B) = beta dC + alpha (dA B + A dB)).
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._declare import case, declare
from ._out import with_out
from ._promote import torch_name
from ._util import shape_of
from .linalg import MatMul, bmm, dot, matmul, mm
from .movement import broadcast_to

__all__ = ["addmm", "addmv", "baddbmm", "kron", "mv"]


def _ranks(op: str, want: tuple, *xs) -> None:
    got = tuple(len(shape_of(x)) for x in xs)
    if got != want:
        shapes = " and ".join(str(shape_of(x)) for x in xs)
        raise RuntimeError(f"{op}: expected tensors of {' and '.join(f'{n}-D' for n in want)}, got {shapes}")


def _same_dtypes(op: str, input, a, b) -> None:
    """PyTorch refuses mixed dtypes in the add-matmul family (it does not promote), with these messages."""
    da, db, dc = (x._data.dtype if isinstance(x, Tensor) else np.asarray(x).dtype for x in (input, a, b))
    if da == db == dc:
        return
    names = [torch_name(d) for d in (da, db, dc)]
    if op == "addmv":
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {', '.join(names[:2])}, and "
                           f"{names[2]}")
    if op == "addmm":
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {names[0]} and {names[2]}"
                           if db == dc else f"expected mat1 and mat2 to have the same dtype, but got: "
                           f"{names[1]} != {names[2]}")
    low = [np.dtype(d).name.replace("int64", "long int").replace("float32", "float").replace("float64", "double")
           .replace("int32", "int") for d in (da, db, dc)]
    raise RuntimeError(f"Input dtypes must be the same, got: input {low[0]}, batch1: {low[1]}, batch2: {low[2]}")


def _scaled_sum(input, prod, beta, alpha):
    """beta * input + alpha * prod, skipping the multiplications by 1 (and input when beta is 0, as PyTorch:
    NaN and inf in input are then ignored). Integer tensors take alpha and beta truncated to integers, as
    PyTorch does."""
    if prod._data.dtype.kind in "iub":
        alpha, beta = int(alpha), int(beta)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        return _broadcast_zero(prod, input)
    return prod + (input if beta == 1 else input * beta)


def _broadcast_zero(prod, input):
    """prod, broadcast with input's shape (beta = 0: input's values do not count, its shape does)."""
    shape = np.broadcast_shapes(tuple(prod.shape), tuple(input.shape))
    return prod if tuple(prod.shape) == shape else broadcast_to(prod, shape)


class Mv(MatMul):
    """mv: MatMul's forward and backward, PyTorch's node name."""


declare(mm, method=True, cases=[case(lambda m, a, b: a.mm(b), (3, 4), (4, 2))])
declare(bmm, method=True, cases=[case(lambda m, a, b: m.bmm(a, b), (2, 3, 4), (2, 4, 5))])
declare(dot, method=True, cases=[case(lambda m, a, b: a.dot(b), (5,), (5,))])


@declare(method=True, cases=[case(lambda m, a, v: a.mv(v), (3, 4), (4,))])
@with_out
def mv(input, vec):
    """Matrix-vector product: input (n, m) @ vec (m,) -> (n,)."""
    _ranks("mv", (2, 1), input, vec)
    matmul(input[:0], vec)  # matmul's checks and errors (dtypes, inner dimension), on no data
    return Mv.apply(input, vec)


@declare(method=True, cases=[case(lambda m, c, a, b: m.addmm(c, a, b), (3, 2), (3, 4), (4, 2)),
                             case(lambda m, c, a, b: c.addmm(a, b, beta=0.5, alpha=2.0), (2,), (3, 4), (4, 2),
                                  suffix="scaled")])
@with_out
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2): mat1 (n, m), mat2 (m, p), input broadcastable to (n, p);
    beta (default 1) and alpha (default 1) numbers. With beta = 0 input's values are ignored."""
    _ranks("addmm", (2, 2), mat1, mat2)
    _same_dtypes("addmm", input, mat1, mat2)
    return _scaled_sum(input, matmul(mat1, mat2), beta, alpha)


@declare(method=True, cases=[case(lambda m, c, a, v: m.addmv(c, a, v, alpha=0.5), (3,), (3, 4), (4,))])
@with_out
def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec): mat (n, m), vec (m,), input broadcastable to (n,)."""
    _ranks("addmv", (2, 1), mat, vec)
    _same_dtypes("addmv", input, mat, vec)
    return _scaled_sum(input, matmul(mat, vec), beta, alpha)


@declare(method=True, cases=[case(lambda m, c, a, b: m.baddbmm(c, a, b, beta=2.0), (2, 3, 5), (2, 3, 4),
                                  (2, 4, 5)),
                             case(lambda m, c, a, b: c.baddbmm(a, b), (3, 1), (2, 3, 4), (2, 4, 5),
                                  suffix="bcast")])
@with_out
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2): batch1 (b, n, m), batch2 (b, m, p), input broadcastable
    to (b, n, p)."""
    _ranks("baddbmm", (3, 3), batch1, batch2)
    _same_dtypes("baddbmm", input, batch1, batch2)
    return _scaled_sum(input, matmul(batch1, batch2), beta, alpha)


@declare(method=True, cases=[case(lambda m, a, b: m.kron(a, b), (2, 3), (3, 2)),
                             case(lambda m, a, b: a.kron(b), (2,), (2, 3, 1), suffix="ranks")])
@with_out(exact=False)
def kron(input, other):
    """The Kronecker product: for ranks padded to equal with leading 1s, out[i*q + k, j*r + l] =
    input[i, j] * other[k, l] (shape: the product of the shapes)."""
    a = input if isinstance(input, Tensor) else Tensor(input)
    b = other if isinstance(other, Tensor) else Tensor(other)
    n = max(a.ndim, b.ndim)
    sa = (1,) * (n - a.ndim) + tuple(a.shape)
    sb = (1,) * (n - b.ndim) + tuple(b.shape)
    a2 = a.reshape(tuple(v for s in sa for v in (s, 1)))
    b2 = b.reshape(tuple(v for s in sb for v in (1, s)))
    return (a2 * b2).reshape(tuple(x * y for x, y in zip(sa, sb)))
