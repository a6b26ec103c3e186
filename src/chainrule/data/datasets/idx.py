"""The IDX format of MNIST-style files: read (raw or gzip, every header field checked) and write."""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

# third header byte -> element type (stored big-endian)
DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
          0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049  # uint8 with 3 dims (N, rows, cols); uint8 with 1 dim (N,)
_KIND = {IMAGES_MAGIC: "images (idx3-ubyte)", LABELS_MAGIC: "labels (idx1-ubyte)"}


class IDXError(ValueError):
    """A file that is not a well-formed IDX file; the message names the file, what is wrong and the fix.

    Examples:
        >>> from chainrule.data.datasets import IDXError
        >>> from chainrule.data.datasets.idx import read_idx
        >>> _ = open("not-idx.bin", "wb").write(b"hello world")
        >>> try:
        ...     read_idx("not-idx.bin")
        ... except IDXError as e:
        ...     print(type(e).__name__, isinstance(e, ValueError))
        IDXError True
    """


def read_bytes(path: str | os.PathLike) -> bytes:
    """The file's bytes, gunzipped when it starts with the gzip magic (whatever its name)."""
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as e:
        raise IDXError(f"{path}: corrupt or truncated gzip ({e}); delete it and fetch it again") from None


def read_idx(path: str | os.PathLike, magic: int | None = None) -> np.ndarray:
    """Reads an IDX file (raw or gzip'd, e.g. MNIST's train-images-idx3-ubyte.gz) into a native-endian array.

    Args:
        path: the file.
        magic: the expected magic number, checked when given: 2051 for images, 2049 for labels (default None).

    Returns:
        An ndarray of the file's element type and shape, e.g. uint8 (60000, 28, 28).

    Raises:
        IDXError: a truncated or corrupt file, an unknown element type, a size that does not match the header,
            or the wrong magic number (each message names the file and what was found).

    Examples:
        >>> import numpy as np
        >>> from chainrule.data.datasets import read_idx, write_idx
        >>> write_idx("labels.gz", np.array([5, 0, 4], dtype=np.uint8))
        >>> read_idx("labels.gz", magic=2049)
        array([5, 0, 4], dtype=uint8)
    """
    path = Path(path)
    buf = read_bytes(path)
    if len(buf) < 4:
        raise IDXError(f"{path}: truncated: {len(buf)} bytes, but an IDX header alone is at least 8")
    zero, code, ndim = struct.unpack(">HBB", buf[:4])
    found = int.from_bytes(buf[:4], "big")
    if zero != 0 or code not in DTYPES:
        raise IDXError(f"{path}: not an IDX file: magic number {found} (0x{found:08x}); expected "
                       f"{IMAGES_MAGIC} (images) or {LABELS_MAGIC} (labels); is it the right file?")
    if magic is not None and found != magic:
        what = _KIND.get(found, f"type 0x{code:02x} with {ndim} dims")
        raise IDXError(f"{path}: wrong magic number {found} ({what}), expected {magic} "
                       f"({_KIND.get(magic, '?')}); are the images and labels files swapped?")
    header = 4 + 4 * ndim
    if len(buf) < header:
        raise IDXError(f"{path}: truncated inside the header: {len(buf)} bytes, the header needs {header}")
    dims = struct.unpack(f">{ndim}I", buf[4:header])
    dtype = DTYPES[code]
    need, have = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize, len(buf) - header
    if have != need:
        what, fix = ("truncated", "fetch it again") if have < need else ("corrupt", "trailing bytes")
        raise IDXError(f"{path}: {what}: header says shape {dims} ({need} bytes of data), the file has "
                       f"{have}; {fix}")
    data = np.frombuffer(buf, dtype=dtype, count=need // dtype.itemsize, offset=header).reshape(dims)
    return data.astype(dtype.newbyteorder("="), copy=False)


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Writes `array` as an IDX file, gzip-compressed when the name ends in .gz.

    Args:
        path: the file to write.
        array: uint8, int8, int16, int32, float32 or float64, any number of dimensions.

    Raises:
        IDXError: an element type IDX cannot store.

    Examples:
        >>> import numpy as np
        >>> from chainrule.data.datasets import write_idx
        >>> write_idx("images", np.zeros((2, 28, 28), dtype=np.uint8))
    """
    a = np.asarray(array)
    codes = {dt.newbyteorder("="): c for c, dt in DTYPES.items()}
    code = codes.get(a.dtype.newbyteorder("="))
    if code is None:
        raise IDXError(f"write_idx: dtype {a.dtype} has no IDX code; use one of uint8, int8, int16, int32, "
                       "float32, float64")
    header = struct.pack(f">HBB{a.ndim}I", 0, code, a.ndim, *a.shape)
    payload = header + a.astype(DTYPES[code], copy=False).tobytes()
    path = Path(path)
    path.write_bytes(gzip.compress(payload, mtime=0) if path.name.endswith(".gz") else payload)
