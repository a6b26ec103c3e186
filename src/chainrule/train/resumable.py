"""The epoch loop of `chainrule train --distributed / --checkpoint / --resume`: data parallel, resumable.

Every rank trains the same model on its DistributedSampler share of each global batch (`batch_size` is the
global batch, split evenly over the ranks), through DistributedDataParallel (and SyncBatchNorm), so N ranks
compute what one process computes on the whole batch. Rank 0 alone prints and writes the checkpoint, after
every epoch and atomically: model, optimizer, scheduler, the epoch, and every rank's random generator state
(safetensors + JSON; nothing is unpickled). A run resumes from it on any number of ranks.
"""

from __future__ import annotations

import time

import numpy as np

from .. import random as cr_random
from ..autograd.grad_mode import no_grad
from .loop import evaluate, step_interval


class Context:
    """Who this process is: rank, world size, and the process group (None when run without MPI)."""

    def __init__(self, distributed: bool) -> None:
        self.group = None
        self.rank, self.world = 0, 1
        if distributed:
            from .. import distributed as dist

            if not dist.is_initialized():
                dist.init_process_group()
            self.group = dist.group.state.world
            self.rank, self.world = dist.get_rank(), dist.get_world_size()

    def sum(self, values: list[float]) -> list[float]:
        """The element-wise sum of `values` over the ranks."""
        if self.group is None:
            return values
        from .. import distributed as dist
        from ..tensor import Tensor

        t = Tensor._wrap(np.asarray(values, dtype=np.float64))
        dist.all_reduce(t)
        return t._data.tolist()

    def gather(self, obj) -> list:
        """[obj of rank 0, obj of rank 1, ...] on every rank."""
        if self.group is None:
            return [obj]
        from .. import distributed as dist

        out = [None] * self.world
        dist.all_gather_object(out, obj)
        return out


def wrap_model(model, ctx: Context):
    """(the model to train, the bare module): DDP over the ranks, BatchNorm made SyncBatchNorm."""
    if ctx.group is None:
        return model, model
    from ..nn import SyncBatchNorm
    from ..nn.parallel import DistributedDataParallel

    model = SyncBatchNorm.convert_sync_batchnorm(model)
    return DistributedDataParallel(model), model


def shard_loader(train_set, batch_size: int, seed: int, ctx: Context):
    """This rank's DataLoader: a DistributedSampler (shuffled from seed + epoch) and batch_size / world."""
    from ..utils.data import DataLoader, DistributedSampler

    if batch_size % ctx.world:
        raise ValueError(f"chainrule train --distributed: the batch size {batch_size} must be divisible by the "
                         f"number of ranks {ctx.world} (it is the global batch, split evenly over the ranks)")
    sampler = DistributedSampler(train_set, ctx.world, ctx.rank, shuffle=True, seed=seed)
    return DataLoader(train_set, batch_size=batch_size // ctx.world, sampler=sampler), sampler


def restore(ckpt: dict, module, opt, sched, ctx: Context, seed: int) -> int:
    """Load a checkpoint's state into the model, optimizer and schedule; returns the epoch to start at."""
    module.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    if sched is not None and ckpt.get("scheduler") is not None:
        sched.load_state_dict(ckpt["scheduler"])
    states = ckpt.get("rng") or []
    if ctx.rank < len(states):
        cr_random.set_rng_state(states[ctx.rank])
    else:  # more ranks than when it was saved: a fresh, rank-specific stream
        cr_random.manual_seed(seed * 1000 + ctx.rank + 7919 * int(ckpt["epoch"]))
    return int(ckpt["epoch"])


def run(model, module, loss_fn, opt, sched, loader, sampler, val_loader, epochs: int, start: int, ctx: Context,
        checkpoint: str | None, meta: dict, say) -> list:
    """Train epochs start+1..epochs; per epoch, rank 0 reports (val_* on `val_loader` when given) and saves
    `checkpoint`. Returns the epochs' training times."""
    from ..serialization import save

    interval = None if sched is None else step_interval(sched)
    times = []
    for epoch in range(start, epochs):
        sampler.set_epoch(epoch)
        model.train()
        lr = opt.param_groups[0]["lr"]
        t0 = time.perf_counter()
        total = correct = n = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            if interval == "batch":
                sched.step()
            b = len(yb)
            total += float(loss.item()) * b
            with no_grad():
                correct += float((out._data.argmax(1) == yb._data).sum())
            n += b
        if interval == "epoch":
            sched.step()
        times.append(time.perf_counter() - t0)
        total, correct, n = ctx.sum([total, correct, n])
        rng = ctx.gather(cr_random.get_rng_state())
        if ctx.rank == 0:
            line = f"epoch {epoch + 1}/{epochs}  loss {total / n:.4g}  accuracy {correct / n * 100:.2f}%"
            if val_loader is not None:
                val = evaluate(module, val_loader, loss_fn)
                line += f"  val_loss {val['loss']:.4g}  val_accuracy {val['accuracy'] * 100:.2f}%"
            say(f"{line}  lr {lr:.4g}  time {times[-1]:.1f}s  ({ctx.world} rank{'s' if ctx.world > 1 else ''})")
            if checkpoint:
                save({"model": module.state_dict(), "optimizer": opt.state_dict(),
                      "scheduler": None if sched is None else sched.state_dict(), "epoch": epoch + 1,
                      "rng": rng, "meta": meta}, checkpoint)
    return times
