"""Keep freed array memory in the process for the next training step (glibc's malloc, Linux), set at import.

A training step allocates its activations and gradients afresh and frees them at the end. With glibc's default
settings, blocks above an adaptive threshold (128 KiB at start) are mmap'ed and unmapped at every free, and the
top of the heap is handed back to the kernel past 2x that threshold; the next step then takes a page fault (and a
page the kernel zero-fills) for every 4 KiB it touches. The LSTM language model of benchmarks/seq_bench.py took
about 790 page faults and 1.4 ms of system time in a 12 ms step this way (PyTorch, whose tensors in that step are
smaller: 22 faults). Raising the mmap threshold to glibc's 64-bit maximum (32 MiB) and the trim threshold to
256 MiB keeps such blocks on the heap's free lists, where the next step reuses them: 0 faults, no system time.

The price: up to 256 MiB of freed memory at the top of the heap stays in the process instead of going back to
the OS (the peak, which is what a step needs, is unchanged). Opt out with the environment variable
CHAINRULE_KEEP_FREED_MEMORY=0; nothing is changed either when any MALLOC_*_ tunable of glibc is set in the
environment (the user chose), or when the C library has no `mallopt` (not glibc).
"""

from __future__ import annotations

import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h> parameter numbers
MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest allowed value on 64-bit (HEAP_MAX_SIZE / 2)
TRIM_THRESHOLD = 256 * 1024 * 1024
_GLIBC_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_",
              "GLIBC_TUNABLES")


def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds as the module docstring says; True when they were set."""
    if not sys.platform.startswith("linux") or os.environ.get("CHAINRULE_KEEP_FREED_MEMORY", "1") == "0":
        return False
    if any(name in os.environ for name in _GLIBC_ENV):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


APPLIED = keep_freed_memory()
