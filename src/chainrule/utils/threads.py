"""How many threads NumPy's BLAS uses: `blas_threads(n)` pins it for a block.

On a small, busy machine the default (one BLAS thread per core) makes the small matrix products of an MLP wait
on each other; one thread is often several times faster. The CLI's `--threads`, the experiments and the
benchmarks use this.
"""

from __future__ import annotations

import contextlib

_SETTERS = ("openblas_set_num_threads", "scipy_openblas_set_num_threads64_",
            "scipy_openblas_set_num_threads_64_", "scipy_openblas_set_num_threads")


def _openblas():
    """(set, get) ctypes functions of the OpenBLAS that NumPy loaded, or None (Linux; best effort)."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            libs = {p for p in (line.split()[-1] for line in f) if "openblas" in p.lower() and ".so" in p}
    except OSError:
        return None
    for path in sorted(libs):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(lib, name, None)
            getter = getattr(lib, name.replace("set_", "get_"), None)
            if setter is not None and getter is not None:
                return setter, getter
    return None


@contextlib.contextmanager
def blas_threads(n: int = 1):
    """Run NumPy's BLAS on n threads inside the block (threadpoolctl if installed, else OpenBLAS directly).

    The experiments multiply small matrices, where extra BLAS threads only wait on each other: on a busy
    two-core machine one thread ran a 10-layer MLP step 15x faster than OpenBLAS's default.

    Args:
        n: the number of BLAS threads inside the block (default 1); the previous number comes back after it.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.threads import blas_threads
        >>> a = cr.ones(64, 64)
        >>> with blas_threads(1):
        ...     b = a @ a
        >>> b[0, 0]
        tensor(64.)
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(n, user_api="blas"):
            yield
        return
    fns = _openblas()
    if fns is None:
        yield
        return
    setter, getter = fns
    before = getter()
    setter(n)
    try:
        yield
    finally:
        setter(before)
