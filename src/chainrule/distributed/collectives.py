"""Collectives with PyTorch's names and signatures, each one non-blocking MPI call on the tensors' memory.

Every call returns None, or with async_op=True a Work whose wait() finishes it. Every rank of the group must
make the same calls in the same order. `src`/`dst` are global ranks, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from .buffers import ReduceOp, bump, contiguous, mpi_op, spec, vspec
from .group import mpi, resolve
from .work import Work


def _run(requests, group, what: str, finish, async_op: bool, outputs=()):
    w = Work(requests, group, what, finish, outputs)
    if async_op:
        return w
    w.wait()
    return None


def _finisher(pairs, avg_over: int = 0):
    """After the MPI call: AVG's division, copies back into non-contiguous tensors, version bumps."""

    def finish():
        for t, a, back in pairs:
            if avg_over:
                np.divide(a, avg_over, out=a)
            if back is not None:
                back()
            bump(t)

    return finish


def _same_dtype(who: str, ref: np.dtype, tensors, name: str) -> None:
    for i, t in enumerate(tensors):
        if t._data.dtype != ref:
            raise TypeError(f"{who}: {name}[{i}] has dtype {t._data.dtype}, the input has {ref}; all must match")


def _check_len(who: str, seq, n: int, name: str) -> list:
    seq = list(seq)
    if len(seq) != n:
        raise ValueError(f"{who}: {name} has {len(seq)} tensors; the group has {n} ranks (one per rank)")
    return seq


def barrier(group=None, async_op: bool = False, device_ids=None):
    """Wait until every rank of the group has reached this call.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> dist.barrier()
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "barrier")
    return _run([g.comm.Ibarrier()], g, "barrier", None, async_op)


def all_reduce(tensor, op: ReduceOp = ReduceOp.SUM, group=None, async_op: bool = False):
    """In place: every rank's `tensor` becomes the reduction (SUM, AVG, PRODUCT, MIN, MAX, ...) over ranks.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> grad = cr.tensor([0.5, -1.0]) * (dist.get_rank() + 1)     # rank r holds (r + 1) * [0.5, -1]
        >>> dist.all_reduce(grad, op=dist.ReduceOp.SUM)               # with 2 ranks: [1.5, -3.0]
        >>> grad
        tensor([ 0.5000, -1.0000])
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "all_reduce")
    a, back = contiguous(tensor, "all_reduce")
    req = g.comm.Iallreduce(mpi().IN_PLACE, spec(a), op=mpi_op(op, a.dtype, "all_reduce"))
    avg = g.size() if op is ReduceOp.AVG else 0
    return _run([req], g, "all_reduce", _finisher([(tensor, a, back)], avg), async_op, [tensor])


def reduce(tensor, dst: int, op: ReduceOp = ReduceOp.SUM, group=None, async_op: bool = False):
    """The reduction over ranks lands in `tensor` on rank `dst`; other ranks' tensors are left unchanged.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> t = cr.tensor([float(dist.get_rank())])
        >>> dist.reduce(t, dst=0)                     # rank 0 gets 0 + 1 + ... + (N - 1)
        >>> t
        tensor([0.])
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "reduce")
    root = g.group_rank(dst, "reduce")
    a, back = contiguous(tensor, "reduce")
    mop = mpi_op(op, a.dtype, "reduce")
    if g.rank() == root:
        req = g.comm.Ireduce(mpi().IN_PLACE, spec(a), op=mop, root=root)
        finish = _finisher([(tensor, a, back)], g.size() if op is ReduceOp.AVG else 0)
    else:
        req = g.comm.Ireduce(spec(a), None, op=mop, root=root)
        finish = None
    return _run([req], g, "reduce", finish, async_op, [tensor])


def broadcast(tensor, src: int, group=None, async_op: bool = False):
    """Every rank's `tensor` becomes rank `src`'s (same shape and dtype on every rank).

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> weights = cr.tensor([0.1, 0.2]) if dist.get_rank() == 0 else cr.zeros(2)
        >>> dist.broadcast(weights, src=0)            # every rank starts from rank 0's weights
        >>> weights
        tensor([0.1000, 0.2000])
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "broadcast")
    root = g.group_rank(src, "broadcast")
    mine = g.rank() == root
    a, back = contiguous(tensor, "broadcast", writable=not mine)
    req = g.comm.Ibcast(spec(a), root=root)
    finish = None if mine else _finisher([(tensor, a, back)])
    return _run([req], g, "broadcast", finish, async_op, [tensor])


def all_gather(tensor_list, tensor, group=None, async_op: bool = False):
    """tensor_list[i] becomes rank i's `tensor`; sizes may differ between ranks (tensor_list says which).

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> n = dist.get_world_size()
        >>> parts = [cr.zeros(2) for _ in range(n)]
        >>> dist.all_gather(parts, cr.tensor([1.0, 2.0]) + dist.get_rank())
        >>> parts
        [tensor([1., 2.])]
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "all_gather")
    outs = _check_len("all_gather", tensor_list, g.size(), "tensor_list")
    a, _ = contiguous(tensor, "all_gather", writable=False)
    _same_dtype("all_gather", a.dtype, outs, "tensor_list")
    counts = [t._data.size for t in outs]
    if counts[g.rank()] != a.size:
        raise ValueError(f"all_gather: tensor has {a.size} elements but tensor_list[{g.rank()}] (this rank's "
                         f"slot) has {counts[g.rank()]}")
    recv = np.empty(sum(counts), dtype=a.dtype)
    req = g.comm.Iallgatherv(spec(a), vspec(recv, counts))
    return _run([req], g, "all_gather", _scatter_into(outs, recv, counts), async_op, outs)


def _scatter_into(outs, recv: np.ndarray, counts: list[int]):
    """Finish: copy consecutive pieces of the flat receive buffer into the output tensors."""

    def finish():
        start = 0
        for t, n in zip(outs, counts):
            t._data[...] = recv[start : start + n].reshape(t._data.shape)
            bump(t)
            start += n

    return finish


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op: bool = False):
    """output_tensor (world_size * input's numel elements, e.g. (world * n, ...) or (world, n, ...)) gets the
    ranks' inputs concatenated in rank order.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> out = cr.zeros(dist.get_world_size(), 3)
        >>> dist.all_gather_into_tensor(out, cr.arange(3.0))
        >>> out
        tensor([[0., 1., 2.]])
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "all_gather_into_tensor")
    a, _ = contiguous(input_tensor, "all_gather_into_tensor", "input_tensor", writable=False)
    o, back = contiguous(output_tensor, "all_gather_into_tensor", "output_tensor")
    if o.dtype != a.dtype or o.size != a.size * g.size():
        raise ValueError(f"all_gather_into_tensor: output_tensor {o.dtype} {tuple(o.shape)} must hold "
                         f"{g.size()} x input {a.dtype} {tuple(a.shape)} = {a.size * g.size()} elements of {a.dtype}")
    req = g.comm.Iallgather(spec(a), spec(o))
    return _run([req], g, "all_gather_into_tensor", _finisher([(output_tensor, o, back)]), async_op,
                [output_tensor])


def reduce_scatter(output, input_list, op: ReduceOp = ReduceOp.SUM, group=None, async_op: bool = False):
    """Rank i's `output` becomes the reduction over ranks of their input_list[i] (sizes may differ by i).

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> n = dist.get_world_size()
        >>> out = cr.zeros(2)
        >>> dist.reduce_scatter(out, [cr.tensor([1.0, 2.0]) * (i + 1) for i in range(n)])
        >>> out
        tensor([1., 2.])
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "reduce_scatter")
    ins = _check_len("reduce_scatter", input_list, g.size(), "input_list")
    o, back = contiguous(output, "reduce_scatter", "output")
    _same_dtype("reduce_scatter", o.dtype, ins, "input_list")
    counts = [t._data.size for t in ins]
    if counts[g.rank()] != o.size:
        raise ValueError(f"reduce_scatter: output has {o.size} elements but input_list[{g.rank()}] has "
                         f"{counts[g.rank()]}; they must match")
    send = np.concatenate([t._data.reshape(-1) for t in ins]) if ins else np.empty(0, o.dtype)
    req = g.comm.Ireduce_scatter(spec(send), spec(o), counts, op=mpi_op(op, o.dtype, "reduce_scatter"))
    avg = g.size() if op is ReduceOp.AVG else 0
    return _run([req], g, "reduce_scatter", _finisher([(output, o, back)], avg), async_op, [output])


def reduce_scatter_tensor(output, input, op: ReduceOp = ReduceOp.SUM, group=None, async_op: bool = False):
    """input holds world_size equal chunks (along dim 0); rank i's `output` becomes the reduction of chunk i.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> n = dist.get_world_size()
        >>> out = cr.zeros(2)
        >>> dist.reduce_scatter_tensor(out, cr.arange(2.0 * n))
        >>> out
        tensor([0., 1.])
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "reduce_scatter_tensor")
    a, _ = contiguous(input, "reduce_scatter_tensor", "input", writable=False)
    o, back = contiguous(output, "reduce_scatter_tensor", "output")
    if o.dtype != a.dtype or a.size != o.size * g.size():
        raise ValueError(f"reduce_scatter_tensor: input {a.dtype} {tuple(a.shape)} must hold {g.size()} x "
                         f"output {o.dtype} {tuple(o.shape)} elements of one dtype")
    req = g.comm.Ireduce_scatter_block(spec(a), spec(o), op=mpi_op(op, o.dtype, "reduce_scatter_tensor"))
    avg = g.size() if op is ReduceOp.AVG else 0
    return _run([req], g, "reduce_scatter_tensor", _finisher([(output, o, back)], avg), async_op, [output])


def gather(tensor, gather_list=None, dst: int = 0, group=None, async_op: bool = False):
    """On rank `dst`, gather_list[i] becomes rank i's `tensor` (sizes may differ); others pass no list.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> rank, n = dist.get_rank(), dist.get_world_size()
        >>> gathered = [cr.zeros(1) for _ in range(n)] if rank == 0 else None
        >>> dist.gather(cr.tensor([10.0 + rank]), gathered, dst=0)
        >>> gathered
        [tensor([10.])]
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "gather")
    root = g.group_rank(dst, "gather")
    a, _ = contiguous(tensor, "gather", writable=False)
    if g.rank() != root:
        if gather_list:
            raise ValueError(f"gather: gather_list is only given on the destination rank {dst}")
        return _run([g.comm.Igatherv(spec(a), None, root=root)], g, "gather", None, async_op, [])
    if gather_list is None:
        raise ValueError(f"gather: rank {dst} (the destination) must pass gather_list, one tensor per rank")
    outs = _check_len("gather", gather_list, g.size(), "gather_list")
    _same_dtype("gather", a.dtype, outs, "gather_list")
    counts = [t._data.size for t in outs]
    recv = np.empty(sum(counts), dtype=a.dtype)
    req = g.comm.Igatherv(spec(a), vspec(recv, counts), root=root)
    return _run([req], g, "gather", _scatter_into(outs, recv, counts), async_op, outs)


def scatter(tensor, scatter_list=None, src: int = 0, group=None, async_op: bool = False):
    """Rank i's `tensor` becomes scatter_list[i] of rank `src` (sizes may differ); others pass no list.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> rank, n = dist.get_rank(), dist.get_world_size()
        >>> chunks = [cr.full((2,), float(i)) for i in range(n)] if rank == 0 else None
        >>> mine = cr.zeros(2)
        >>> dist.scatter(mine, chunks, src=0)           # rank i gets [i, i]
        >>> mine
        tensor([0., 0.])
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "scatter")
    root = g.group_rank(src, "scatter")
    o, back = contiguous(tensor, "scatter")
    if g.rank() != root:
        if scatter_list:
            raise ValueError(f"scatter: scatter_list is only given on the source rank {src}")
        req = g.comm.Iscatterv(None, spec(o), root=root)
    else:
        if scatter_list is None:
            raise ValueError(f"scatter: rank {src} (the source) must pass scatter_list, one tensor per rank")
        ins = _check_len("scatter", scatter_list, g.size(), "scatter_list")
        _same_dtype("scatter", o.dtype, ins, "scatter_list")
        counts = [t._data.size for t in ins]
        if counts[root] != o.size:
            raise ValueError(f"scatter: tensor has {o.size} elements but scatter_list[{root}] has {counts[root]}")
        send = np.concatenate([t._data.reshape(-1) for t in ins])
        req = g.comm.Iscatterv(vspec(send, counts), spec(o), root=root)
    return _run([req], g, "scatter", _finisher([(tensor, o, back)]), async_op, [tensor])


def send(tensor, dst: int, group=None, tag: int = 0) -> None:
    """Send `tensor` to rank `dst` (returns when the buffer may be reused).

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> rank, n = dist.get_rank(), dist.get_world_size()
        >>> inbox = cr.zeros(2)
        >>> pending = dist.irecv(inbox, src=(rank - 1) % n)      # a ring: receive from the left neighbour ...
        >>> dist.send(cr.tensor([1.0, 2.0]) * (rank + 1), dst=(rank + 1) % n)   # ... send to the right one
        >>> _ = pending.wait()
        >>> inbox
        tensor([1., 2.])
        >>> dist.destroy_process_group()
    """
    isend(tensor, dst, group, tag).wait()


def isend(tensor, dst: int, group=None, tag: int = 0) -> Work:
    """Start sending `tensor` to rank `dst`; don't edit the tensor until the Work's wait() returns.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> rank, n = dist.get_rank(), dist.get_world_size()
        >>> out = dist.isend(cr.tensor([float(rank)]), dst=(rank + 1) % n)
        >>> got = cr.zeros(1)
        >>> dist.recv(got, src=(rank - 1) % n)
        0
        >>> _ = out.wait()
        >>> got
        tensor([0.])
        >>> dist.destroy_process_group()
    """
    g = resolve(group, "isend")
    a, _ = contiguous(tensor, "isend", writable=False)
    return Work([g.comm.Isend(spec(a), dest=g.group_rank(dst, "isend"), tag=tag)], g, f"send to rank {dst}")


def recv(tensor, src: int | None = None, group=None, tag: int = 0) -> int:
    """Receive into `tensor` from rank `src` (any rank when None); returns the sender's rank.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> rank, n = dist.get_rank(), dist.get_world_size()
        >>> out = dist.isend(cr.tensor([7.0]), dst=(rank + 1) % n)
        >>> got = cr.zeros(1)
        >>> dist.recv(got)                              # from any rank: returns who sent it
        0
        >>> _ = out.wait()
        >>> got
        tensor([7.])
        >>> dist.destroy_process_group()
    """
    w = irecv(tensor, src, group, tag)
    w.wait()
    return w.source


def irecv(tensor, src: int | None = None, group=None, tag: int = 0) -> Work:
    """Start receiving into `tensor` from rank `src` (any when None); the Work's `.source` is the sender.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> rank, n = dist.get_rank(), dist.get_world_size()
        >>> got = cr.zeros(1)
        >>> work = dist.irecv(got)
        >>> dist.send(cr.tensor([3.0]), dst=(rank + 1) % n)
        >>> _ = work.wait()
        >>> work.source, got
        (0, tensor([3.]))
        >>> dist.destroy_process_group()
    """
    MPI = mpi()
    g = resolve(group, "irecv")
    o, back = contiguous(tensor, "irecv")
    source = MPI.ANY_SOURCE if src is None else g.group_rank(src, "irecv")
    req = g.comm.Irecv(spec(o), source=source, tag=tag)

    def finish():
        if back is not None:
            back()
        bump(tensor)

    w = _RecvWork([req], g, f"recv from rank {'any' if src is None else src}", finish, [tensor])
    w._statuses = [MPI.Status()]
    return w


class _RecvWork(Work):
    """A receive: also knows its sender once complete."""

    @property
    def source(self) -> int:
        self.wait()
        return self._group.world_ranks[self._source]

    def _complete(self) -> None:
        self._source = self._statuses[0].Get_source()
        super()._complete()


__all__ = [
    "ReduceOp", "all_gather", "all_gather_into_tensor", "all_reduce", "barrier", "broadcast",
    "gather", "irecv", "isend", "recv", "reduce", "reduce_scatter", "reduce_scatter_tensor", "scatter", "send",
]
