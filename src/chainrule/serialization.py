"""chainrule.save / chainrule.load: checkpoints in the safetensors format - no pickle: loading runs no code.

Tensors are stored under dotted keys ("fc1.weight", "optimizer.state.0.exp_avg"); everything else (numbers,
strings, lists, tuples, dicts with any keys) goes into the header's metadata as JSON under "chainrule", with
each tensor replaced by {"__tensor__": key}. A model state dict is stored under its own names, so the file
loads with `safetensors.torch.load_file` into the matching PyTorch model, and a file written by
`safetensors.torch.save_file` loads here. Files are written atomically: a temporary file in the same
directory, fsync'ed, then renamed over the target - a crash leaves the old checkpoint or the new one. The
temporary file's name carries the writer's process id; a save removes the ones whose writer has died (a
SIGKILL mid-save), so they do not pile up. `save` refuses what `load` could not read back (nesting deeper than
MAX_DEPTH, a tensor inside a dict key); `load` refuses metadata nested deeper than MAX_DEPTH, saying so.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time

import numpy as np

from .tensor import Tensor

_META_KEY = "chainrule"
_MARKERS = ("__tensor__", "__ndarray__", "__tuple__", "__dict__")
_SCALARS = (type(None), bool, int, float, str)
MAX_DEPTH = 100  # levels of nested lists / tuples / dicts in a checkpoint (a state dict needs about 4)
_RESERVED = "__metadata__"  # safetensors' header key: no tensor may have that name


def save(obj, f) -> None:
    """Write obj (a state dict, an optimizer state dict, or a dict of several) to path or file object `f`.

    The file is safetensors (no pickle: loading it cannot run code); a path is written atomically (a temporary
    file renamed into place).

    Args:
        obj: a Tensor, or nested dicts / lists / tuples of Tensors, numbers, strings, bools and None.
        f: a path (str or os.PathLike) or a binary file object opened for writing.

    Raises:
        FileNotFoundError: the path's directory does not exist.
        TypeError: obj holds something that cannot be saved (a Module, an arbitrary object).

    Examples:
        >>> import chainrule as cr
        >>> cr.save({"w": cr.tensor([1.0, 2.0]), "step": 3}, "checkpoint.pt")
        >>> cr.load("checkpoint.pt")
        {'w': tensor([1., 2.]), 'step': 3}
    """
    from safetensors.numpy import save as st_save
    from safetensors.numpy import save_file

    tensors: dict = {}
    tree = _encode(obj, "", tensors, "")
    metadata = {"format": "pt", _META_KEY: json.dumps(tree)}
    if hasattr(f, "write"):
        f.write(st_save(tensors, metadata=metadata))
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"chainrule.save: cannot write '{path}': directory '{directory}' does not exist")
    _remove_orphans(directory, os.path.basename(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        mode = os.stat(tmp).st_mode & 0o777  # 0o666 less the umask; save_file itself would leave 0o600
        save_file(tensors, tmp, metadata=metadata)
        os.chmod(tmp, mode)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)


def load(f, map_location=None, weights_only: bool = True, mmap=None):
    """Read what save() wrote (or any safetensors file: {name: Tensor}). CPU only: map_location is ignored.

    bfloat16 tensors, which NumPy lacks, load as float32 (exactly: bfloat16 is float32's upper half).

    Args:
        f: a path or a binary file object opened for reading.
        map_location: accepted for PyTorch compatibility and ignored (everything loads on the CPU).
        weights_only: accepted for PyTorch compatibility (chainrule's format holds only data, never code).
        mmap: accepted and ignored.

    Returns:
        What save() was given: the same nesting of dicts, lists and values, with Tensors.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not a chainrule / safetensors file (e.g. a pickled PyTorch checkpoint).

    Examples:
        >>> import chainrule as cr
        >>> model = cr.nn.Linear(2, 1)
        >>> cr.save(model.state_dict(), "linear.pt")
        >>> state = cr.load("linear.pt")
        >>> sorted(state), state["weight"].shape
        (['bias', 'weight'], chainrule.Size([1, 2]))
        >>> _ = model.load_state_dict(state)
    """
    from safetensors import deserialize

    if hasattr(f, "read"):
        name = getattr(f, "name", "<file object>")
        data = f.read()
        try:
            metadata = _header_metadata(data)
            arrays = {k: _to_numpy(k, v["dtype"], v["shape"], v["data"]) for k, v in deserialize(data)}
        except _DtypeError:
            raise
        except Exception as e:  # noqa: BLE001 - any parse failure means a bad file
            raise _bad_file(name, data[:8], e) from None
    else:
        name = os.fspath(f)
        arrays, metadata = _load_path(name)
    tree = (metadata or {}).get(_META_KEY)
    if tree is None:
        return {k: Tensor._wrap(_writable(a)) for k, a in arrays.items()}
    try:
        return _decode(json.loads(tree), arrays, 0)
    except RecursionError:
        raise ValueError(f"chainrule.load: '{name}' has chainrule metadata nested deeper than {MAX_DEPTH} "
                         "levels; chainrule.save never writes that: the file was altered") from None
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"chainrule.load: '{name}' has corrupt chainrule metadata: {e}") from None


# ---- files ----------------------------------------------------------------------------------------------
def _load_path(path: str):
    from safetensors import safe_open

    if not os.path.exists(path):
        raise FileNotFoundError(f"chainrule.load: no such file: '{path}'")
    if os.path.isdir(path):
        raise IsADirectoryError(f"chainrule.load: '{path}' is a directory, not a checkpoint file")
    try:
        with safe_open(path, framework="numpy") as fh:
            metadata = fh.metadata()
            arrays = {}
            for k in fh.keys():  # noqa: SIM118 - safe_open has no __iter__
                try:
                    arrays[k] = fh.get_tensor(k)
                except (TypeError, AttributeError, KeyError):  # a dtype NumPy lacks (bfloat16): read below
                    arrays[k] = None
    except Exception as e:  # noqa: BLE001 - safetensors raises its own error types
        with open(path, "rb") as raw:
            head = raw.read(8)
        raise _bad_file(path, head, e) from None
    missing = [k for k, a in arrays.items() if a is None]
    if missing:
        with open(path, "rb") as raw:
            n = int.from_bytes(raw.read(8), "little")
            header = json.loads(raw.read(n))
            for k in missing:
                start, end = header[k]["data_offsets"]
                raw.seek(8 + n + start)
                arrays[k] = _to_numpy(k, header[k]["dtype"], header[k]["shape"], raw.read(end - start))
    return arrays, metadata


_NUMPY_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "U64": "<u8", "I32": "<i4",
                 "U32": "<u4", "I16": "<i2", "U16": "<u2", "I8": "i1", "U8": "u1", "BOOL": "?"}


class _DtypeError(ValueError):
    pass


def _to_numpy(key: str, dtype: str, shape, raw) -> np.ndarray:
    """One tensor's bytes as an array; bfloat16 becomes float32 (its bits shifted into the upper half)."""
    if dtype == "BF16":
        return (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32).reshape(shape)
    if dtype not in _NUMPY_DTYPES:
        raise _DtypeError(f"chainrule.load: tensor '{key}' has dtype {dtype}, which chainrule cannot load")
    return np.frombuffer(raw, dtype=_NUMPY_DTYPES[dtype]).reshape(shape)


def _bad_file(name: str, head: bytes, err: Exception) -> ValueError:
    hint = ""
    if head[:2] == b"PK" or head[:1] == b"\x80":
        hint = (" It looks like a torch.save/pickle file; chainrule loads only safetensors, which cannot run "
                "code. Convert it in PyTorch with safetensors.torch.save_file(model.state_dict(), path).")
    return ValueError(
        f"chainrule.load: '{name}' is not a valid safetensors file (truncated or corrupt?): {err}.{hint}"
    )


def _header_metadata(data: bytes):
    n = int.from_bytes(data[:8], "little")
    if len(data) < 8 or n > len(data) - 8:
        raise ValueError("header length exceeds the file size")
    return json.loads(data[8 : 8 + n]).get("__metadata__")


def _remove_orphans(directory: str, basename: str) -> None:
    """Delete temporary files of earlier saves to `basename` whose writer process is gone (killed mid-save).

    A live writer's file (another process, or another thread of this one) is kept; so is a pid-less one
    (from an older chainrule) younger than an hour.
    """
    pattern = re.compile(rf"\.{re.escape(basename)}\.(?:(\d+)\.)?[0-9a-f]{{12}}\.tmp")
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for entry in names:
        m = pattern.fullmatch(entry)
        if m is None:
            continue
        full = os.path.join(directory, entry)
        try:
            if m.group(1):
                stale = not _alive(int(m.group(1)))
            else:
                stale = time.time() - os.stat(full).st_mtime > 3600
            if stale:
                os.unlink(full)
        except OSError:
            pass  # gone already, or not ours to delete


def _alive(pid: int) -> bool:
    """Whether process `pid` exists (on this machine)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # exists but is not ours, or cannot be asked: keep its file
    return True


def _fsync_dir(directory: str) -> None:
    """Make the rename durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _writable(a: np.ndarray) -> np.ndarray:
    return a if a.flags.writeable else a.copy()


# ---- the object tree <-> JSON ---------------------------------------------------------------------------
def _encode(obj, path: str, tensors: dict, where: str, depth: int = 0):
    """JSON-able form of obj; tensors and arrays go into `tensors` under their dotted path."""
    if depth > MAX_DEPTH:
        raise ValueError(f"chainrule.save: '{where[:200]}' is nested deeper than {MAX_DEPTH} levels, which "
                         "chainrule.load refuses; flatten the structure")
    if isinstance(obj, (Tensor, np.ndarray)):
        arr = obj._data if isinstance(obj, Tensor) else obj
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"chainrule.save: cannot store an array of dtype {arr.dtype} at '{where}'")
        key, i = path or "tensor", 1
        while key in tensors or key == _RESERVED:
            key, i = f"{path}.{i}", i + 1
        tensors[key] = arr if arr.flags.c_contiguous else arr.copy(order="C")  # (not ascontiguousarray: 0-d)
        return {"__tensor__" if isinstance(obj, Tensor) else "__ndarray__": key}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, _SCALARS):
        return obj
    d = depth + 1
    if isinstance(obj, (list, tuple)):
        items = [_encode(v, _join(path, i), tensors, _join(where, i), d) for i, v in enumerate(obj)]
        return {"__tuple__": items} if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj) and not (len(obj) == 1 and next(iter(obj)) in _MARKERS):
            return {k: _encode(v, _join(path, k), tensors, _join(where, k), d) for k, v in obj.items()}
        pairs = []
        for k, v in obj.items():
            _check_key(k, where)
            value = _encode(v, _join(path, k), tensors, _join(where, k), d)
            pairs.append([_encode(k, "", {}, where, d), value])
        return {"__dict__": pairs}
    raise TypeError(
        f"chainrule.save: cannot store a {type(obj).__name__} at '{where or '<root>'}': only tensors, "
        "arrays, numbers, strings, None, lists, tuples and dicts are saved (no pickle); save a state_dict()."
    )


def _check_key(key, where: str) -> None:
    """A dict key load can rebuild: None, bool, int, float, str, or a tuple of those (tuples nest)."""
    stack = [key]
    while stack:
        k = stack.pop()
        if isinstance(k, tuple):
            stack.extend(k)
        elif not isinstance(k, _SCALARS):
            raise TypeError(f"chainrule.save: cannot store a dict key {type(key).__name__} holding a "
                            f"{type(k).__name__} at '{where or '<root>'}': keys may be numbers, strings, "
                            "None or tuples of those")


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def _decode(node, arrays: dict, depth: int):
    if depth > MAX_DEPTH:
        raise RecursionError  # load() turns it into the ValueError that says so
    d = depth + 1
    if isinstance(node, list):
        return [_decode(v, arrays, d) for v in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (k, v), = node.items()
        if k == "__tensor__":
            return Tensor._wrap(_writable(arrays[v]))
        if k == "__ndarray__":
            return _writable(arrays[v])
        if k == "__tuple__":
            return tuple(_decode(x, arrays, d) for x in v)
        if k == "__dict__":
            return {_hashable(_decode(a, arrays, d)): _decode(b, arrays, d) for a, b in v}
    return {k: _decode(v, arrays, d) for k, v in node.items()}


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, (list, tuple)) else key
