"""Fetch a file from a list of mirrors with urllib, check its MD5, then move it into place atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from collections.abc import Sequence
from pathlib import Path

CHUNK = 1 << 20


def md5sum(path: str | os.PathLike) -> str:
    """The hex MD5 of a file, read in 1 MiB chunks."""
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def download(filename: str, mirrors: Sequence[str], folder: str | os.PathLike, md5: str,
             timeout: float = 60.0) -> Path:
    """Fetch `filename` into `folder` from the first mirror that serves the right MD5; returns its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    errors = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
                while block := response.read(CHUNK):
                    out.write(block)
            got = md5sum(tmp)
            if got != md5:
                errors.append(f"{url}: MD5 {got} != expected {md5} (corrupt or altered download)")
                continue
            os.replace(tmp, target)
            return target
        except OSError as e:  # URLError, HTTPError and timeouts are OSErrors
            errors.append(f"{url}: {e}")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    tried = "\n  ".join(errors) or "(no mirrors given)"
    raise RuntimeError(f"download: could not fetch {filename} into {folder}:\n  {tried}")
