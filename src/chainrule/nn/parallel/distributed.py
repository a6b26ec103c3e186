"""DistributedDataParallel: the same model on every rank, gradients averaged over ranks during backward."""

from __future__ import annotations

import contextlib

import numpy as np

from ...autograd.grad_mode import state as _grad_state
from ...distributed.buffers import spec
from ...distributed.group import resolve
from ...distributed.work import wait_all
from ..module import Module
from .reducer import Reducer


class DistributedDataParallel(Module):
    """Wrap `module` so that backward averages its gradients over the ranks of `process_group` (MPI).

    At construction rank 0's parameters and buffers are copied to every rank (after checking every rank
    built the same shapes). Each forward first broadcasts rank 0's buffers (BatchNorm's running statistics)
    when `broadcast_buffers`. During backward, gradients are averaged by bucketed non-blocking all-reduce
    overlapped with the rest of backward (see reducer.py), and are complete when `backward()` returns, so
    every rank's optimizer takes the same step.

    Args:
        module: the Module to wrap; all its parameters live on this process.
        device_ids: accepted for PyTorch compatibility (chainrule runs on the CPU).
        output_device: accepted for PyTorch compatibility.
        dim: accepted for PyTorch compatibility (default 0).
        broadcast_buffers: broadcast rank 0's buffers before each forward (default True).
        process_group: the group to average over (default None: the world).
        bucket_cap_mb: the gradient bucket size in MiB (default 25).
        find_unused_parameters: walk the graph of each forward's output to find the parameters that will get
            no gradient (default False: every parameter must get one in every backward).
        check_reduction: accepted for PyTorch compatibility (default False).
        gradient_as_bucket_view: `.grad` tensors are views into the communication buffers, saving one copy
            each (default False).
        static_graph: accepted for PyTorch compatibility (default False).
        init_sync: broadcast rank 0's parameters and buffers at construction (default True).

    Raises:
        RuntimeError: no initialised process group, or ranks that built different models.
        ValueError: a bucket_cap_mb that is not positive.

    Save `ddp.module.state_dict()` to get a checkpoint without the "module." prefix.

    Examples:
        A one-process job (under `mpirun -n 2` every rank runs the same lines and the gradients are averaged):

        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> model = cr.nn.Linear(2, 1, bias=False)
        >>> with cr.no_grad():
        ...     _ = model.weight.fill_(1.0)
        >>> ddp = cr.nn.parallel.DistributedDataParallel(model)
        >>> ddp(cr.tensor([[1.0, 2.0]])).sum().backward()
        >>> model.weight.grad  # the mean over the ranks of each rank's gradient
        tensor([[1., 2.]])
        >>> with ddp.no_sync():  # accumulate locally; the next synchronised backward averages the sum
        ...     ddp(cr.tensor([[1.0, 0.0]])).sum().backward()
        >>> model.weight.grad
        tensor([[2., 2.]])
        >>> dist.destroy_process_group()
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0,
                 broadcast_buffers: bool = True, process_group=None, bucket_cap_mb: float | None = None,
                 find_unused_parameters: bool = False, check_reduction: bool = False,
                 gradient_as_bucket_view: bool = False, static_graph: bool = False, init_sync: bool = True,
                 **kwargs) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: module must be an nn.Module, got {type(module).__name__}")
        group = resolve(process_group, "DistributedDataParallel")
        self.module = module
        self.process_group = group
        self.broadcast_buffers, self.find_unused_parameters = broadcast_buffers, find_unused_parameters
        self.gradient_as_bucket_view, self.static_graph = gradient_as_bucket_view, static_graph
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.bucket_cap_mb = 25 if bucket_cap_mb is None else bucket_cap_mb
        if not self.bucket_cap_mb > 0:
            raise ValueError(f"DistributedDataParallel: bucket_cap_mb must be positive, got {bucket_cap_mb}")
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        _check_same_model(module, group)
        if init_sync:
            _broadcast_coalesced([p for _, p in module.named_parameters()] + _buffers(module), group, "parameters")
        self.reducer = Reducer([p for _, p in named], [n for n, _ in named], group, self.bucket_cap_mb,
                               find_unused_parameters, gradient_as_bucket_view)

    def forward(self, *inputs, **kwargs):
        sync = self.require_backward_grad_sync
        if self.broadcast_buffers and self.require_forward_param_sync and self.process_group.size() > 1:
            bufs = _buffers(self.module)
            if bufs:
                _broadcast_coalesced(bufs, self.process_group, "buffers")
        grad = _grad_state.enabled
        if grad and not self.find_unused_parameters:
            self.reducer.prepare(None, sync)
        out = self.module(*inputs, **kwargs)
        if grad and self.find_unused_parameters:
            self.reducer.prepare(out, sync)
        return out

    @contextlib.contextmanager
    def no_sync(self):
        """Inside, backward only accumulates local gradients (no communication); the first backward after
        the block averages everything accumulated. For gradient accumulation over several micro-batches."""
        old, self.require_backward_grad_sync = self.require_backward_grad_sync, False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def extra_repr(self) -> str:
        n = len(self.reducer.buckets)
        return f"world_size={self.process_group.size()}, buckets={n}, bucket_cap_mb={self.bucket_cap_mb:g}"


def _buffers(module: Module) -> list:
    return [b for _, b in module.named_buffers() if b is not None]


def _check_same_model(module: Module, group) -> None:
    """Every rank must have built the same parameter and buffer shapes (else the broadcast would be garbage)."""
    from ...distributed import all_gather_object

    mine = [[n, list(t.shape), str(t.dtype)] for n, t in list(module.named_parameters())
            + list(module.named_buffers()) if t is not None]
    theirs: list = [None] * group.size()
    all_gather_object(theirs, mine, group=group)
    for r, other in enumerate(theirs):
        if other != mine:
            diff = [(a, b) for a, b in zip(mine, other) if a != b][:3] or f"{len(mine)} vs {len(other)} tensors"
            raise RuntimeError(f"DistributedDataParallel: rank {group.world_ranks[r]} built a different model "
                               f"than rank {group.world_ranks[group.rank()]}: {diff}. Build the same model on "
                               "every rank (same sizes and options) before wrapping it")


def _broadcast_coalesced(tensors: list, group, what: str) -> None:
    """Copy rank 0's tensors to every rank: one flat buffer and one MPI broadcast per dtype."""
    by_dtype: dict = {}
    for t in tensors:
        by_dtype.setdefault(t._data.dtype, []).append(t)
    reqs, jobs = [], []
    for dt, ts in by_dtype.items():
        flat = np.concatenate([t._data.reshape(-1) for t in ts]) if ts else np.empty(0, dt)
        reqs.append(group.comm.Ibcast(spec(flat), root=0))
        jobs.append((ts, flat))
    wait_all(reqs, group, f"DistributedDataParallel broadcast of {what}", group.timeout)
    if group.rank() == 0:
        return
    for ts, flat in jobs:
        start = 0
        for t in ts:
            n = t._data.size
            t._data[...] = flat[start : start + n].reshape(t._data.shape)
            start += n
