"""`chainrule.cuda`: present so `"cuda" if torch.cuda.is_available() else "cpu"` runs; there is no GPU backend.

The queries answer as PyTorch's CPU-only build does (no device); calls that need a GPU raise RuntimeError.
"""

from __future__ import annotations


def is_available() -> bool:
    """Always False: chainrule computes with NumPy on the CPU."""
    return False


def device_count() -> int:
    """0: there is no CUDA device."""
    return 0


def is_initialized() -> bool:
    """False: there is nothing to initialise."""
    return False


def manual_seed(seed: int) -> None:
    """No-op, as PyTorch's without a GPU (there is no CUDA generator); seed the CPU with chainrule.manual_seed."""


manual_seed_all = manual_seed


def empty_cache() -> None:
    """No-op: there is no CUDA memory cache."""


def _unavailable(what: str):
    def fn(*args, **kwargs):
        raise RuntimeError(f"chainrule.cuda.{what}(): CUDA is not available; chainrule computes on the CPU with "
                           "NumPy (check chainrule.cuda.is_available() first)")

    fn.__name__ = what
    fn.__doc__ = f"Raises RuntimeError: {what} needs a CUDA device, and chainrule has none."
    return fn


current_device = _unavailable("current_device")
get_device_name = _unavailable("get_device_name")
set_device = _unavailable("set_device")
synchronize = _unavailable("synchronize")
