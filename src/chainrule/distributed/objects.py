"""broadcast_object_list and all_gather_object: Python objects between ranks without pickle.

Objects travel in chainrule's checkpoint format (safetensors: tensors and arrays as raw bytes, the rest as
JSON), so a receiver never runs code from the wire. They may hold tensors, arrays, numbers, strings, None,
lists, tuples and dicts - what chainrule.save stores; anything else raises TypeError on every rank.
"""

from __future__ import annotations

import io

import numpy as np

from .. import serialization
from .group import mpi, resolve
from .work import wait_all


def _encode(obj, who: str) -> tuple[np.ndarray, str]:
    """(bytes as uint8 array, error message or '')."""
    buf = io.BytesIO()
    try:
        serialization.save(obj, buf)
    except TypeError as e:
        return np.empty(0, np.uint8), f"{who}: {e}"
    return np.frombuffer(buf.getvalue(), dtype=np.uint8), ""


def _decode(raw: np.ndarray):
    return serialization.load(io.BytesIO(raw.tobytes()))


def broadcast_object_list(object_list: list, src: int = 0, group=None, device=None) -> None:
    """In place: every rank's object_list becomes rank `src`'s (same length on every rank).

    The objects travel in chainrule.save's format (Tensors, numbers, strings, lists, dicts), never pickled.

    Args:
        object_list: the list to fill (rank src: the objects to send).
        src: the sending rank (default 0).
        group: the group (default None: the world).
        device: accepted for PyTorch compatibility.

    Raises:
        TypeError: an object that cannot be encoded.
        ValueError: the lists' lengths differ between ranks.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> config = [{"lr": 0.1, "epochs": 5}] if dist.get_rank() == 0 else [None]
        >>> dist.broadcast_object_list(config, src=0)       # every rank now has rank 0's config
        >>> config
        [{'lr': 0.1, 'epochs': 5}]
        >>> dist.destroy_process_group()
    """
    MPI = mpi()
    g = resolve(group, "broadcast_object_list")
    root = g.group_rank(src, "broadcast_object_list")
    size = np.zeros(1, dtype=np.int64)
    if g.rank() == root:
        payload, err = _encode(list(object_list), "broadcast_object_list")
        size[0] = -1 if err else payload.size
    wait_all([g.comm.Ibcast([size, MPI.INT64_T], root=root)], g, "broadcast_object_list", g.timeout)
    if size[0] < 0:
        raise TypeError(err if g.rank() == root else
                        f"broadcast_object_list: rank {src} could not encode its objects (see its error)")
    if g.rank() != root:
        payload = np.empty(int(size[0]), dtype=np.uint8)
    wait_all([g.comm.Ibcast([payload, MPI.BYTE], root=root)], g, "broadcast_object_list", g.timeout)
    if g.rank() != root:
        objs = _decode(payload)
        if len(objs) != len(object_list):
            raise ValueError(f"broadcast_object_list: rank {src} sent {len(objs)} objects; this rank's list has "
                             f"{len(object_list)} slots (the lists must have the same length on every rank)")
        object_list[:] = objs


def all_gather_object(object_list: list, obj, group=None) -> None:
    """object_list[i] becomes rank i's `obj` (object_list has one slot per rank).

    Args:
        object_list: a list of world_size slots, filled in rank order.
        obj: this rank's object.
        group: the group (default None: the world).

    Raises:
        TypeError: an object that cannot be encoded.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> results = [None] * dist.get_world_size()
        >>> dist.all_gather_object(results, {"rank": dist.get_rank(), "accuracy": 0.9})
        >>> results
        [{'rank': 0, 'accuracy': 0.9}]
        >>> dist.destroy_process_group()
    """
    MPI = mpi()
    g = resolve(group, "all_gather_object")
    if len(object_list) != g.size():
        raise ValueError(f"all_gather_object: object_list has {len(object_list)} slots; the group has {g.size()} "
                         "ranks")
    payload, err = _encode(obj, "all_gather_object")
    sizes = np.zeros(g.size(), dtype=np.int64)
    mine = np.array([-1 if err else payload.size], dtype=np.int64)
    wait_all([g.comm.Iallgather([mine, MPI.INT64_T], [sizes, MPI.INT64_T])], g, "all_gather_object", g.timeout)
    if (sizes < 0).any():
        bad = np.flatnonzero(sizes < 0).tolist()
        raise TypeError(err or f"all_gather_object: ranks {bad} could not encode their objects (see their errors)")
    counts = sizes.tolist()
    recv = np.empty(sum(counts), dtype=np.uint8)
    displs = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int).tolist()
    req = g.comm.Iallgatherv([payload, MPI.BYTE], [recv, (counts, displs), MPI.BYTE])
    wait_all([req], g, "all_gather_object", g.timeout)
    for i, start in enumerate(displs):
        object_list[i] = _decode(recv[start : start + counts[i]])
