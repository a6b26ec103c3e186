"""Tensors as MPI buffers (no pickling) and PyTorch's ReduceOp as MPI reduction operations.

A tensor goes over MPI as its ndarray's memory: mpi4py reads the buffer protocol, so only the bytes move.
MPI has no float16 type: float16 travels as 16-bit words, reduced by small user-defined MPI ops that add (or
compare) in float16, as PyTorch's CPU backend does. bool reduces with MPI's logical ops (SUM and MAX are OR).
"""

from __future__ import annotations

import enum

import numpy as np

from ..tensor import Tensor
from .group import mpi


class ReduceOp(enum.Enum):
    """How all_reduce / reduce / reduce_scatter combine the ranks' values (PyTorch's names).

    AVG is SUM followed by a division by the group size (floating dtypes only; MPI has no AVG).

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> t = cr.tensor([2.0, 8.0])
        >>> dist.all_reduce(t, op=dist.ReduceOp.MAX)
        >>> t
        tensor([2., 8.])
        >>> [op.name for op in dist.ReduceOp][:5]
        ['SUM', 'AVG', 'PRODUCT', 'MIN', 'MAX']
        >>> dist.destroy_process_group()
    """

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"
    BAND = "band"
    BOR = "bor"
    BXOR = "bxor"

    def __repr__(self) -> str:
        return f"<ReduceOp.{self.name}>"


_F16_OPS: dict = {}


def _f16_op(name: str):
    """A user-defined MPI op on float16 stored as uint16 words."""
    if name not in _F16_OPS:
        MPI = mpi()
        fn = {"sum": np.add, "product": np.multiply, "max": np.maximum, "min": np.minimum}[name]

        def apply(inbuf, inoutbuf, datatype, fn=fn):
            a = np.frombuffer(inbuf, dtype=np.float16)
            b = np.frombuffer(inoutbuf, dtype=np.float16)
            fn(a, b, out=b)

        _F16_OPS[name] = MPI.Op.Create(apply, commute=True)
    return _F16_OPS[name]


def mpi_op(op, dtype: np.dtype, who: str):
    """The MPI reduction for ReduceOp `op` on arrays of `dtype`, or a TypeError saying what works."""
    MPI = mpi()
    if not isinstance(op, ReduceOp):
        raise TypeError(f"{who}: op must be a chainrule.distributed.ReduceOp (e.g. ReduceOp.SUM), got {op!r}")
    name = "sum" if op is ReduceOp.AVG else op.value
    kind = dtype.kind
    if op is ReduceOp.AVG and kind not in "fc":
        raise TypeError(f"{who}: ReduceOp.AVG needs a floating tensor, got {dtype}; use ReduceOp.SUM and divide "
                        "by the world size")
    if kind == "b":
        return {"sum": MPI.LOR, "max": MPI.LOR, "bor": MPI.LOR, "product": MPI.LAND, "min": MPI.LAND,
                "band": MPI.LAND, "bxor": MPI.LXOR}[name]
    if name in ("band", "bor", "bxor"):
        if kind not in "iu":
            raise TypeError(f"{who}: ReduceOp.{op.name} needs an integer or bool tensor, got {dtype}")
        return {"band": MPI.BAND, "bor": MPI.BOR, "bxor": MPI.BXOR}[name]
    if kind == "c" and name in ("max", "min"):
        raise TypeError(f"{who}: ReduceOp.{op.name} is undefined for complex tensors ({dtype})")
    if dtype == np.float16:
        return _f16_op(name)
    return {"sum": MPI.SUM, "product": MPI.PROD, "max": MPI.MAX, "min": MPI.MIN}[name]


def datatype(dtype: np.dtype):
    """The MPI datatype that carries `dtype` (float16 as 16-bit words, bool as C_BOOL)."""
    MPI = mpi()
    if dtype == np.float16:
        return MPI.UINT16_T
    return MPI.Datatype.fromcode(np.dtype(dtype).char)


def flat(arr: np.ndarray) -> np.ndarray:
    """A 1-d view of a C-contiguous array (0-d included), float16 seen as uint16 words."""
    v = arr.reshape(-1)
    return v.view(np.uint16) if v.dtype == np.float16 else v


def spec(arr: np.ndarray):
    """The MPI buffer for a C-contiguous array: [memory, MPI datatype]."""
    return [flat(arr), datatype(arr.dtype)]


def vspec(arr: np.ndarray, counts: list[int]):
    """The MPI buffer for a vector collective: [memory, (counts, displacements), MPI datatype]."""
    displs = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int).tolist() if counts else []
    return [flat(arr), (list(counts), displs), datatype(arr.dtype)]


def contiguous(t, who: str, name: str = "tensor", writable: bool = True):
    """(array to communicate, write-back function or None) for Tensor t; refuses non-tensors clearly."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{who}: {name} must be a chainrule Tensor, got {type(t).__name__}")
    a = t._data
    if writable and not a.flags.writeable:
        raise ValueError(f"{who}: {name} is read-only (a DataLoader batch or a broadcast view); pass "
                         f"{name}.clone()")
    if a.flags.c_contiguous:
        return a, None
    buf = np.ascontiguousarray(a)

    def back(buf=buf, a=a):
        a[...] = buf

    return buf, back


def bump(t) -> None:
    """Mark a tensor edited in place (its version counter), as any in-place op does."""
    t._bump()
