"""Large arrays of a worker's batch travel through shared memory instead of being pickled through a pipe.

A worker copies each array of at least `min_bytes` into a fresh file in /dev/shm and sends its name, shape and
dtype; the main process maps the file, removes its name at once (the memory stays mapped until the array is
garbage-collected) and wraps it without a copy. One copy instead of pickling, writing to a pipe, reading and
unpickling. Where /dev/shm does not exist, arrays are pickled as usual.
"""

from __future__ import annotations

import glob
import mmap
import os
import uuid
from dataclasses import dataclass

import numpy as np

from chainrule.tensor import Tensor

_DIR = "/dev/shm"
_OK = os.path.isdir(_DIR) and os.access(_DIR, os.W_OK)


@dataclass(frozen=True)
class Shared:
    """An array placed in shared memory by a worker: where, its shape and dtype, and whether it was a Tensor."""

    path: str
    shape: tuple
    dtype: str
    tensor: bool


def prefix(parent_pid: int) -> str:
    """The file-name prefix of one main process's blocks (to clean up what a crash left behind)."""
    return os.path.join(_DIR, f"chainrule-dl-{parent_pid}-")


def pack(obj, min_bytes: int | None):
    """obj with its large arrays (and Tensors) moved to shared memory; containers are rebuilt around them."""
    if not _OK or min_bytes is None:
        return obj
    if type(obj) is Tensor or type(obj) is np.ndarray:
        a = obj._data if type(obj) is Tensor else obj
        if a.nbytes < min_bytes or a.dtype.hasobject:
            return obj
        path = prefix(os.getppid()) + uuid.uuid4().hex
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        try:
            os.ftruncate(fd, a.nbytes)
            with mmap.mmap(fd, a.nbytes) as mm:
                np.frombuffer(mm, dtype=a.dtype, count=a.size).reshape(a.shape)[...] = a
        finally:
            os.close(fd)
        return Shared(path, a.shape, a.dtype.str, type(obj) is Tensor)
    if isinstance(obj, dict):
        return type(obj)({k: pack(v, min_bytes) for k, v in obj.items()}) if type(obj) is dict else obj
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(pack(v, min_bytes) for v in obj))
    if type(obj) in (list, tuple):
        return type(obj)(pack(v, min_bytes) for v in obj)
    return obj


def unpack(obj):
    """Inverse of pack, in the main process: map each block, drop its name, wrap it without copying."""
    if type(obj) is Shared:
        fd = os.open(obj.path, os.O_RDWR)
        try:
            size = int(np.prod(obj.shape)) * np.dtype(obj.dtype).itemsize
            mm = mmap.mmap(fd, size) if size else bytearray(0)
        finally:
            os.close(fd)
            os.unlink(obj.path)
        a = np.frombuffer(mm, dtype=np.dtype(obj.dtype)).reshape(obj.shape)
        return Tensor._wrap(a) if obj.tensor else a
    if type(obj) is dict:
        return {k: unpack(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(unpack(v) for v in obj))
    if type(obj) in (list, tuple):
        return type(obj)(unpack(v) for v in obj)
    return obj


def discard(obj) -> None:
    """Remove the blocks of a packed batch nobody will read (an abandoned epoch)."""
    if type(obj) is Shared:
        try:
            os.unlink(obj.path)
        except FileNotFoundError:
            pass
    elif isinstance(obj, dict):
        for v in obj.values():
            discard(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            discard(v)


def cleanup(parent_pid: int) -> None:
    """Remove any block still named for this main process (workers killed between writing and sending)."""
    if _OK:
        for path in glob.glob(prefix(parent_pid) + "*"):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
