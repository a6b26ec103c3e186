"""Every collective against NumPy on the same data, for every dtype and ReduceOp; uneven sizes; 0-d tensors.

Run under mpirun (tests/distributed/test_mpi.py launches it); any number of ranks.
"""

import numpy as np
import pytest
from _common import RANK, WORLD, data

import chainrule as cr
import chainrule.distributed as dist
from chainrule.distributed import ReduceOp

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.uint8, np.int16, np.int32, np.int64, np.bool_,
          np.complex64]
SHAPES = [(), (7,), (3, 4), (0,)]
OPS = list(ReduceOp)


def _expected(op, stacked: np.ndarray, dtype):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return {ReduceOp.SUM: stacked.any(0), ReduceOp.MAX: stacked.any(0), ReduceOp.BOR: stacked.any(0),
                ReduceOp.PRODUCT: stacked.all(0), ReduceOp.MIN: stacked.all(0), ReduceOp.BAND: stacked.all(0),
                ReduceOp.BXOR: np.logical_xor.reduce(stacked, 0)}[op]
    f = {ReduceOp.SUM: np.add, ReduceOp.AVG: np.add, ReduceOp.PRODUCT: np.multiply, ReduceOp.MAX: np.maximum,
         ReduceOp.MIN: np.minimum, ReduceOp.BAND: np.bitwise_and, ReduceOp.BOR: np.bitwise_or,
         ReduceOp.BXOR: np.bitwise_xor}[op]
    out = stacked[0].copy()
    for s in stacked[1:]:
        out = f(out, s).astype(dt)
    return (out / WORLD).astype(dt) if op is ReduceOp.AVG else out


def _valid(op, dtype) -> bool:
    k = np.dtype(dtype).kind
    if op is ReduceOp.AVG:
        return k in "fc"
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR):
        return k in "iub"
    if op in (ReduceOp.MAX, ReduceOp.MIN):
        return k != "c"
    return True


def _close(got, want, dtype):
    dt = np.dtype(dtype)
    assert got.dtype == dt and got.shape == want.shape
    if dt.kind in "fc":
        tol = 2e-3 if dt == np.float16 else 1e-6
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("op", OPS, ids=lambda o: o.name)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_all_reduce_and_reduce(op, dtype):
    for shape in SHAPES:
        stacked = np.stack([data(r, shape, dtype) for r in range(WORLD)])
        t = cr.tensor(data(RANK, shape, dtype))
        if not _valid(op, dtype):
            with pytest.raises(TypeError, match="all_reduce"):
                dist.all_reduce(t, op=op)
            continue
        want = _expected(op, stacked, dtype)
        dist.all_reduce(t, op=op)
        _close(t.numpy(), want, dtype)
        for dst in range(WORLD):
            t = cr.tensor(data(RANK, shape, dtype))
            dist.reduce(t, dst=dst, op=op)
            _close(t.numpy(), want if RANK == dst else data(RANK, shape, dtype), dtype)
        if shape:  # reduce_scatter with uneven pieces: rank i gets i + 1 (+ len) elements
            ins = [cr.tensor(data(RANK, (i + shape[0],), dtype, salt=i)) for i in range(WORLD)]
            out = cr.tensor(np.zeros(RANK + shape[0], dtype))
            dist.reduce_scatter(out, ins, op=op)
            mine = np.stack([data(r, (RANK + shape[0],), dtype, salt=RANK) for r in range(WORLD)])
            _close(out.numpy(), _expected(op, mine, dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_movement_collectives(dtype):
    for src in range(WORLD):
        for shape in SHAPES:
            t = cr.tensor(data(RANK, shape, dtype))
            dist.broadcast(t, src=src)
            _close(t.numpy(), data(src, shape, dtype), dtype)
    # all_gather with uneven sizes: rank r sends r + 1 elements
    outs = [cr.tensor(np.zeros(r + 1, dtype)) for r in range(WORLD)]
    dist.all_gather(outs, cr.tensor(data(RANK, (RANK + 1,), dtype)))
    for r in range(WORLD):
        _close(outs[r].numpy(), data(r, (r + 1,), dtype), dtype)
    outs = [cr.tensor(np.zeros((), dtype)) for _ in range(WORLD)]  # 0-d
    dist.all_gather(outs, cr.tensor(data(RANK, (), dtype)))
    for r in range(WORLD):
        _close(outs[r].numpy(), data(r, (), dtype), dtype)
    big = cr.tensor(np.zeros((WORLD * 2, 3), dtype))
    dist.all_gather_into_tensor(big, cr.tensor(data(RANK, (2, 3), dtype)))
    _close(big.numpy(), np.concatenate([data(r, (2, 3), dtype) for r in range(WORLD)]), dtype)
    for root in range(WORLD):
        lst = [cr.tensor(np.zeros((r + 2,), dtype)) for r in range(WORLD)] if RANK == root else None
        dist.gather(cr.tensor(data(RANK, (RANK + 2,), dtype)), lst, dst=root)
        if RANK == root:
            for r in range(WORLD):
                _close(lst[r].numpy(), data(r, (r + 2,), dtype), dtype)
        pieces = [cr.tensor(data(root, (r + 1, 2), dtype, salt=r)) for r in range(WORLD)] if RANK == root else None
        out = cr.tensor(np.zeros((RANK + 1, 2), dtype))
        dist.scatter(out, pieces, src=root)
        _close(out.numpy(), data(root, (RANK + 1, 2), dtype, salt=RANK), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int64, np.bool_], ids=lambda d: np.dtype(d).name)
def test_point_to_point_ring(dtype):
    right, left = (RANK + 1) % WORLD, (RANK - 1) % WORLD
    box = cr.tensor(np.zeros((2, 3), dtype))
    w = dist.isend(cr.tensor(data(RANK, (2, 3), dtype)), dst=right, tag=7)
    assert dist.recv(box, src=left, tag=7) == left
    w.wait()
    _close(box.numpy(), data(left, (2, 3), dtype), dtype)
    r = dist.irecv(box, src=None)
    dist.send(cr.tensor(data(RANK, (2, 3), dtype, salt=1)), dst=right)
    r.wait()
    assert r.source == left
    _close(box.numpy(), data(left, (2, 3), dtype, salt=1), dtype)


def test_non_contiguous_and_async():
    base = data(RANK, (4, 3), np.float32)
    t = cr.tensor(base).t()  # a transposed view: reduced through a contiguous copy, written back
    assert not t._data.flags.c_contiguous
    w = dist.all_reduce(t, op=ReduceOp.AVG, async_op=True)
    assert isinstance(w, dist.Work)
    w.wait()
    assert w.is_completed()
    want = np.mean([data(r, (4, 3), np.float32) for r in range(WORLD)], axis=0).T
    np.testing.assert_allclose(t.numpy(), want, rtol=1e-6)
    assert w.result()[0] is t
    assert dist.barrier() is None
    dist.barrier(async_op=True).wait()


def test_objects_without_pickle():
    obj = [{"rank": RANK, "t": cr.ones(2) * RANK, "a": np.arange(3) + RANK, "s": ("x", 1.5, None)}]
    got = [None] * WORLD
    dist.all_gather_object(got, obj[0])
    for r in range(WORLD):
        assert got[r]["rank"] == r and got[r]["s"] == ("x", 1.5, None)
        np.testing.assert_array_equal(got[r]["t"].numpy(), np.ones(2, np.float32) * r)
        np.testing.assert_array_equal(got[r]["a"], np.arange(3) + r)
    lst = [RANK, "me"]
    dist.broadcast_object_list(lst, src=WORLD - 1)
    assert lst == [WORLD - 1, "me"]

    class Opaque:
        pass

    bad = [Opaque()] if RANK == 0 else [None]
    with pytest.raises(TypeError, match="broadcast_object_list"):
        dist.broadcast_object_list(bad, src=0)


def test_groups_and_errors():
    assert dist.get_backend() == "mpi" and dist.is_initialized() and dist.group.WORLD.size() == WORLD
    g = dist.new_group([0])
    if RANK == 0:
        t = cr.ones(3)
        dist.all_reduce(t, group=g)
        np.testing.assert_array_equal(t.numpy(), np.ones(3))
        assert dist.get_world_size(g) == 1
    else:
        assert g is None
    with pytest.raises(ValueError, match="one per rank"):
        dist.all_gather([cr.ones(1)] * (WORLD + 1), cr.ones(1))
    with pytest.raises(ValueError, match="not in this group"):
        dist.broadcast(cr.ones(1), src=WORLD)
    with pytest.raises(TypeError, match="ReduceOp"):
        dist.all_reduce(cr.ones(1), op="sum")
    with pytest.raises(ValueError, match="read-only"):
        ro = cr.ones(2)
        ro._data.flags.writeable = False
        dist.all_reduce(ro)
    with pytest.raises(RuntimeError, match="twice"):
        dist.init_process_group()
