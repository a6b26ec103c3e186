"""Data-parallel scaling on this machine: epoch time of `chainrule train --distributed` on 1 vs N ranks, plus the
all-reduce time of a model-sized buffer (the ring cost model of docs/distributed.md is checked against it).

    python benchmarks/distributed.py --ranks 1 2 --repeats 2           # MNIST MLP and small CNN, interleaved
    mpirun -n 2 python benchmarks/distributed.py --allreduce           # all-reduce time per size (one job)
    mpirun -n 2 python benchmarks/distributed.py --steps 40            # DDP step: compute vs waiting for MPI
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def epoch_time(ranks: int, model: str, subset: int, batch: int) -> float:
    """Median epoch time (s) printed by `chainrule train --distributed` over 2 epochs."""
    cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", str(ranks), sys.executable, "-m",
           "chainrule.cli", "train", "--distributed", "--dataset", "mnist", "--model", model, "--epochs", "2",
           "--subset", str(subset), "--batch-size", str(batch), "--threads", "1", "--no-progress"]
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    times = [float(t) for t in re.findall(r"time ([0-9.]+)s", out)]
    return float(np.median(times))


def allreduce_times() -> None:
    """Time one all-reduce of float32 buffers of several sizes (run under mpirun)."""
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    for n in (1, 1_000, 100_000, 535_818, 1_000_000, 10_000_000):
        buf = np.ones(n, np.float32)
        comm.Barrier()
        reps = 20 if n < 1_000_000 else 5
        t0 = time.perf_counter()
        for _ in range(reps):
            comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
        dt = (time.perf_counter() - t0) / reps
        if comm.Get_rank() == 0:
            print(f"allreduce {n:>10,} floats ({n * 4 / 1e6:8.3f} MB): {dt * 1e6:10.1f} us  "
                  f"({n * 4 / dt / 1e9:.2f} GB/s algorithm bandwidth)", flush=True)


def ddp_steps(steps: int, model_kind: str, batch: int, one_sync: bool = False) -> None:
    """Time DDP training steps on random MNIST-shaped data (run under mpirun -n N; N=1 is the baseline).

    Prints the step time, the part of it backward spent waiting for the all-reduce after its last gradient,
    and one plain MPI all-reduce of the gradient bytes, for the cost model in docs/distributed.md.
    one_sync: plain BatchNorm and broadcast_buffers=False, so the gradient all-reduce is the step's only
    collective (SyncBatchNorm adds two per BatchNorm layer, the buffer broadcast one).
    """
    from mpi4py import MPI

    import chainrule as cr
    import chainrule.distributed as dist
    from chainrule import models, nn
    from chainrule.nn.parallel import DistributedDataParallel
    from chainrule.utils.threads import blas_threads

    dist.init_process_group()
    rank, world = dist.get_rank(), dist.get_world_size()
    cr.manual_seed(0)
    if model_kind == "cnn":
        model = models.small_cnn(in_channels=1, num_classes=10)
        shape = (batch // world, 1, 28, 28)
    else:
        model = models.mlp((784, 512, 256, 10), activation="relu", dropout=0.2, batchnorm=True)
        shape = (batch // world, 784)
    if one_sync:
        ddp = DistributedDataParallel(model, broadcast_buffers=False)
    else:
        ddp = DistributedDataParallel(nn.SyncBatchNorm.convert_sync_batchnorm(model))
    opt = cr.optim.AdamW(ddp.parameters(), lr=1e-3)
    rng = np.random.default_rng(rank)
    x = cr.tensor(rng.standard_normal(shape).astype(np.float32))
    y = cr.tensor(rng.integers(0, 10, shape[0]))
    loss_fn = nn.CrossEntropyLoss()
    n_params = sum(p.numel() for p in model.parameters())
    with blas_threads(1):
        for i in range(steps + 5):
            if i == 5:  # warm-up done
                dist.barrier()
                t0, w0 = time.perf_counter(), ddp.reducer.wait_seconds
            opt.zero_grad()
            loss_fn(ddp(x), y).backward()
            opt.step()
        step = (time.perf_counter() - t0) / steps
        wait = (ddp.reducer.wait_seconds - w0) / steps
    buf = np.ones(n_params, np.float32)
    dist.barrier()
    t1 = time.perf_counter()
    for _ in range(10):
        MPI.COMM_WORLD.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
    plain = (time.perf_counter() - t1) / 10
    if rank == 0:
        print(f"{model_kind}: {n_params:,} parameters ({n_params * 4 / 1e6:.2f} MB), {len(ddp.reducer.buckets)} "
              f"buckets, {world} rank(s), global batch {batch}: step {step * 1e3:.1f} ms, of which waiting for "
              f"the all-reduce after backward {wait * 1e3:.2f} ms; one plain all-reduce of the gradients "
              f"{plain * 1e3:.2f} ms{' (one collective per step)' if one_sync else ''}", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--allreduce", action="store_true")
    p.add_argument("--steps", type=int, default=0, help="time this many DDP steps (under mpirun)")
    p.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--one-sync", action="store_true", help="plain BatchNorm, no buffer broadcast")
    args = p.parse_args()
    if args.allreduce:
        allreduce_times()
        return
    if args.steps:
        ddp_steps(args.steps, args.model, args.batch, args.one_sync)
        return
    for model, subset, batch in (("mlp", 20000, 128), ("cnn", 4000, 128)):
        res = {r: [] for r in args.ranks}
        for _ in range(args.repeats):  # interleaved: the machine's load drifts
            for r in args.ranks:
                res[r].append(epoch_time(r, model, subset, batch))
        base = np.median(res[args.ranks[0]])
        for r in args.ranks:
            m = np.median(res[r])
            print(f"{model} ({subset} samples, global batch {batch}): {r} rank(s) {m:.2f} s/epoch "
                  f"(runs {', '.join(f'{t:.2f}' for t in res[r])}), speed-up {base / m:.2f}x", flush=True)


if __name__ == "__main__":
    main()
