"""Where downloaded and decoded data live (~/.cache/chainrule or $CHAINRULE_CACHE), and the .npy cache."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np


def cache_root() -> Path:
    """$CHAINRULE_CACHE, else ~/.cache/chainrule."""
    env = os.environ.get("CHAINRULE_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "chainrule"


def save_npy_atomic(path: Path, array: np.ndarray) -> None:
    """np.save to a temp file in the same folder, then os.replace: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".npy.part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, np.ascontiguousarray(array), allow_pickle=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cached(source: Path, folder: Path, decode: Callable[[Path], np.ndarray]) -> np.ndarray:
    """decode(source), memoised as folder/<name>-<key>.npy; the key changes when the source file does."""
    st = source.stat()
    key = hashlib.sha1(f"{source.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:12]
    stem = source.name.removesuffix(".gz")
    target = folder / f"{stem}-{key}.npy"
    if target.exists():
        try:
            return np.load(target, allow_pickle=False)
        except (OSError, ValueError):
            pass  # a damaged cache file is rebuilt below
    array = decode(source)
    try:
        save_npy_atomic(target, array)
        for old in folder.glob(f"{stem}-*.npy"):  # copies decoded from an older version of the source
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # an unwritable cache only costs speed
    return array
