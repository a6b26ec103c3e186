"""Keep freed NumPy buffers in the process heap (glibc): `keep_freed_memory()` runs once when chainrule is imported.

Why: a training step allocates and frees the same large arrays (activations, im2col columns, gradients of a few
MB each) every step. glibc's defaults hand such blocks back to the kernel as soon as the heap's free top grows
past its trim threshold (twice the largest block freed so far), so the next step faults every page in again:
the small CNN's eager step took ~5,000 page faults and ~15 ms of system time per step (about a fifth of the
step), PyTorch's own step none. With the mmap threshold at glibc's maximum (32 MiB) and a trim threshold of
`CHAINRULE_MALLOC_TRIM` bytes (default 256 MiB), blocks up to 32 MiB come from the heap and up to that much
freed memory stays there for the next step: no page faults. The price is a resident size that stays at the
high-water mark (up to the trim threshold above what is in use), as with PyTorch's caching allocators.

Set CHAINRULE_MALLOC_TRIM=0 before importing chainrule to leave glibc's settings alone. Other C libraries
(macOS, Windows, musl) are left alone.
"""

from __future__ import annotations

import os

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers (malloc.h)
MMAP_MAX = 32 << 20  # glibc's upper limit for M_MMAP_THRESHOLD on 64-bit systems
DEFAULT_TRIM = 256 << 20
ENV = "CHAINRULE_MALLOC_TRIM"


def glibc() -> bool:
    """Whether the C library is GNU libc (os.confstr is cheap; platform.libc_ver reads the executable)."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):
        return False


def keep_freed_memory(trim: int | None = None) -> bool:
    """Set glibc's mmap threshold to 32 MiB and its trim threshold to `trim` bytes (default: $CHAINRULE_MALLOC_TRIM,
    else 256 MiB). trim <= 0 changes nothing. Returns whether the settings were applied (False off glibc)."""
    if trim is None:
        raw = os.environ.get(ENV, "")
        try:
            trim = int(raw) if raw.strip() else DEFAULT_TRIM
        except ValueError:
            raise ValueError(f"{ENV} must be a number of bytes (0 leaves malloc alone), got {raw!r}") from None
    if trim <= 0 or not glibc():
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_MAX)) and bool(mallopt(M_TRIM_THRESHOLD, min(trim, 2**31 - 1)))
