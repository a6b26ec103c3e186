"""DataLoader(num_workers > 0): real worker processes, PyTorch's seeding, order, errors and clean shutdown.

Tiny datasets and fork (Linux's default start method, as PyTorch's): each test costs a few process starts.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

import numpy as np
import pytest

import chainrule as cr
from chainrule.utils.data import (
    DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="worker tests use fork (Linux)")

_INIT = []  # set by worker_init_fn inside a worker


class Probe(Dataset):
    """Sample i: (i, the worker id, its seed, a chainrule random number, a NumPy random number, the pid, init)."""

    def __init__(self, n=12, fail_at=None, die_at=None, sleep=0.0):
        self.n, self.fail_at, self.die_at, self.sleep = n, fail_at, die_at, sleep

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ValueError(f"bad sample {i}")
        if i == self.die_at:
            os._exit(3)
        time.sleep(self.sleep)
        info = get_worker_info()
        wid, seed = (-1, 0) if info is None else (info.id, info.seed)
        return {"i": i, "wid": wid, "seed": seed, "cr": cr.rand(1).item(), "np": float(np.random.rand()),
                "pid": os.getpid(), "init": _INIT[-1] if _INIT else -1}


def _no_children():
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not multiprocessing.active_children()


def _ids(loader):
    return [b["i"].tolist() for b in loader]


def test_batches_come_in_sampler_order_from_real_workers():
    loader = DataLoader(Probe(), batch_size=3, num_workers=2)
    batches = list(loader)
    assert [b["i"].tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert [b["wid"].tolist() for b in batches] == [[0] * 3, [1] * 3, [0] * 3, [1] * 3]  # round robin
    assert {p for b in batches for p in b["pid"].tolist()}.isdisjoint({os.getpid()})
    assert batches[0]["i"].dtype == cr.int64 and batches[0]["cr"].dtype == cr.float64
    assert get_worker_info() is None and _no_children()


def test_same_batches_as_without_workers():
    ds = TensorDataset(cr.arange(40.0).reshape(20, 2), cr.arange(20))
    for kw in ({"shuffle": True, "generator": cr.Generator().manual_seed(3)}, {"shuffle": False}):
        a = [[t.tolist() for t in b] for b in DataLoader(ds, batch_size=6, **kw)]
        kw2 = dict(kw, generator=cr.Generator().manual_seed(3)) if "generator" in kw else kw
        b = [[t.tolist() for t in b] for b in DataLoader(ds, batch_size=6, num_workers=2, **kw2)]
        assert a == b
    got = list(DataLoader(ds, batch_size=None, num_workers=2))  # unbatched: one sample at a time
    assert len(got) == 20 and got[3][1].item() == 3 and got[3][0].shape == (2,)


def test_worker_seeding_as_pytorch():
    loader = DataLoader(Probe(8), batch_size=2, num_workers=2, generator=cr.Generator().manual_seed(0))
    e1 = list(loader)
    seeds = {w: s for b in e1 for w, s in zip(b["wid"].tolist(), b["seed"].tolist())}
    assert seeds[1] == seeds[0] + 1  # worker seed = base_seed + worker_id
    draws = [b["cr"].tolist() + b["np"].tolist() for b in e1]
    assert len({x for d in draws for x in d}) == 16  # workers draw different numbers (chainrule and NumPy)
    again = list(DataLoader(Probe(8), batch_size=2, num_workers=2, generator=cr.Generator().manual_seed(0)))
    assert [b["cr"].tolist() for b in again] == [b["cr"].tolist() for b in e1]  # reproducible under a seed
    e2 = list(loader)
    assert [b["seed"][0].item() for b in e2] != [b["seed"][0].item() for b in e1]  # a new base seed per epoch


def test_worker_init_fn_and_persistent_workers():
    loader = DataLoader(Probe(6), batch_size=2, num_workers=2, persistent_workers=True, prefetch_factor=1,
                        worker_init_fn=lambda wid: _INIT.append(100 + wid))
    e1, e2 = list(loader), list(loader)
    assert [b["init"].tolist() for b in e1] == [[100, 100], [101, 101], [100, 100]]
    pids = [{p for b in e for p in b["pid"].tolist()} for e in (e1, e2)]
    assert pids[0] == pids[1] and len(pids[0]) == 2  # the same two processes serve both epochs
    assert _ids(loader) == [[0, 1], [2, 3], [4, 5]]
    it = iter(loader)
    next(it)  # abandon an epoch half way: the next one starts clean
    assert _ids(loader) == [[0, 1], [2, 3], [4, 5]]
    assert len(multiprocessing.active_children()) == 2
    del loader, it
    assert _no_children()


class Stream(IterableDataset):
    def __init__(self, n, shard=True):
        self.n, self.shard = n, shard

    def __iter__(self):
        info = get_worker_info()
        if info is None or not self.shard:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))  # PyTorch's documented sharding


def test_iterable_dataset_in_workers():
    got = [b.tolist() for b in DataLoader(Stream(10), batch_size=3, num_workers=2)]
    assert sorted(x for b in got for x in b) == list(range(10))
    assert got == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]  # PyTorch's order: workers alternate, each batches
    dup = [x for b in DataLoader(Stream(4, shard=False), batch_size=2, num_workers=2) for x in b.tolist()]
    assert sorted(dup) == [0, 0, 1, 1, 2, 2, 3, 3]  # without sharding every worker yields all of it
    assert [b.tolist() for b in DataLoader(Stream(5), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert [b.tolist() for b in DataLoader(Stream(5), batch_size=2, drop_last=True)] == [[0, 1], [2, 3]]
    persistent = DataLoader(Stream(6), batch_size=2, num_workers=2, persistent_workers=True)
    assert [b.tolist() for b in persistent] == [b.tolist() for b in persistent]  # restarted each epoch
    del persistent
    assert _no_children()


def test_worker_exception_is_reraised_with_the_worker_id():
    with pytest.raises(ValueError, match=r"(?s)Caught ValueError in DataLoader worker process 1.*bad sample 2"):
        list(DataLoader(Probe(8, fail_at=2), batch_size=2, num_workers=2))  # batch 1: worker 1
    assert _no_children()
    loader = DataLoader(Probe(8, fail_at=0), batch_size=2, num_workers=2, persistent_workers=True)
    with pytest.raises(ValueError, match="worker process 0"):
        list(loader)
    del loader
    assert _no_children()


def test_dead_worker_and_timeout_raise():
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+.*\) exited unexpectedly"):
        list(DataLoader(Probe(4, die_at=1), batch_size=1, num_workers=1))
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.2 seconds"):
        list(DataLoader(Probe(2, sleep=1.0), batch_size=1, num_workers=1, timeout=0.2))
    assert _no_children()


def test_break_out_of_an_epoch_leaves_no_process():
    for _ in DataLoader(Probe(), batch_size=1, num_workers=2):
        break
    assert _no_children()


def test_out_of_order_and_large_arrays_through_shared_memory():
    slow_first = Probe(6, sleep=0.0)
    got = [b["i"].tolist() for b in DataLoader(slow_first, batch_size=2, num_workers=2, in_order=False)]
    assert sorted(x for b in got for x in b) == list(range(6))
    big = TensorDataset(cr.arange(600_000.0).reshape(2000, 300))
    before = set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()
    batches = [x for (x,) in DataLoader(big, batch_size=1000, num_workers=2)]  # 1.2 MB each: shared memory
    assert cr.cat(batches).tolist() == big.tensors[0].tolist() and batches[0].dtype == cr.float32
    batches[0][0, 0] = -1.0  # an ordinary, writable tensor
    assert big.tensors[0][0, 0].item() == 0.0
    if os.path.isdir("/dev/shm"):
        assert set(os.listdir("/dev/shm")) <= before  # every block was unlinked
