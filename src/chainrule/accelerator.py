"""`chainrule.accelerator` (torch.accelerator): chainrule has no accelerator, so programs fall back to the CPU."""

from __future__ import annotations


def is_available() -> bool:
    """False: chainrule computes on the CPU with NumPy.

    Examples:
        >>> import chainrule as cr
        >>> cr.accelerator.is_available()
        False
    """
    return False


def current_accelerator(check_available: bool = False):
    """None: there is no accelerator (PyTorch returns None on a CPU-only machine).

    Args:
        check_available: accepted for PyTorch compatibility.

    Examples:
        >>> import chainrule as cr
        >>> device = cr.accelerator.current_accelerator() or cr.device("cpu")
        >>> device
        device(type='cpu')
    """
    return


def device_count() -> int:
    """0: there is no accelerator device.

    Examples:
        >>> import chainrule as cr
        >>> cr.accelerator.device_count()
        0
    """
    return 0
