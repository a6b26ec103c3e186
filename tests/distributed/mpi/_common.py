"""Shared by the files run under mpirun: the process group (initialised once) and per-rank test data."""

import numpy as np

import chainrule.distributed as dist

if not dist.is_initialized():
    dist.init_process_group()

RANK, WORLD = dist.get_rank(), dist.get_world_size()


def data(rank: int, shape, dtype, salt: int = 0) -> np.ndarray:
    """What rank `rank` holds: every rank can compute every rank's data, so results are checked locally."""
    rng = np.random.default_rng([rank, salt, len(shape), np.dtype(dtype).num])
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.random(shape) < 0.5
    if dt.kind in "iu":
        return rng.integers(0, 6, size=shape).astype(dt)
    if dt.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt)
    return rng.standard_normal(shape).astype(dt)
