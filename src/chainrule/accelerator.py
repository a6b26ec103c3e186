"""`chainrule.accelerator` (torch.accelerator): chainrule has no accelerator, so programs fall back to the CPU."""

from __future__ import annotations


def is_available() -> bool:
    """False: chainrule computes on the CPU with NumPy."""
    return False


def current_accelerator(check_available: bool = False):
    """None: there is no accelerator (PyTorch returns None on a CPU-only machine)."""
    return


def device_count() -> int:
    """0: there is no accelerator device."""
    return 0
