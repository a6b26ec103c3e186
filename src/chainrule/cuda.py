"""`chainrule.cuda`: present so `"cuda" if torch.cuda.is_available() else "cpu"` runs; there is no GPU backend.

The queries answer as PyTorch's CPU-only build does (no device); calls that need a GPU raise RuntimeError.
"""

from __future__ import annotations


def is_available() -> bool:
    """Always False: chainrule computes with NumPy on the CPU.

    Examples:
        >>> import chainrule as cr
        >>> device = "cuda" if cr.cuda.is_available() else "cpu"
        >>> device
        'cpu'
        >>> cr.zeros(2, device=device).device
        device(type='cpu')
    """
    return False


def device_count() -> int:
    """0: there is no CUDA device.

    Examples:
        >>> import chainrule as cr
        >>> cr.cuda.device_count()
        0
    """
    return 0


def is_initialized() -> bool:
    """False: there is nothing to initialise.

    Examples:
        >>> import chainrule as cr
        >>> cr.cuda.is_initialized()
        False
    """
    return False


def manual_seed(seed: int) -> None:
    """No-op, as PyTorch's without a GPU (there is no CUDA generator); seed the CPU with
    chainrule.manual_seed.

    Args:
        seed: accepted and ignored.

    Examples:
        >>> import chainrule as cr
        >>> cr.cuda.manual_seed(0)            # does nothing; the CPU generator is seeded by:
        >>> _ = cr.manual_seed(0)
    """


manual_seed_all = manual_seed


def empty_cache() -> None:
    """No-op: there is no CUDA memory cache.

    Examples:
        >>> import chainrule as cr
        >>> cr.cuda.empty_cache()
    """


def _unavailable(what: str):
    def fn(*args, **kwargs):
        raise RuntimeError(f"chainrule.cuda.{what}(): CUDA is not available; chainrule computes on the CPU with "
                           "NumPy (check chainrule.cuda.is_available() first)")

    fn.__name__ = what
    fn.__doc__ = (f"Raises RuntimeError: {what} needs a CUDA device, and chainrule has none.\n\n"
                  "Raises:\n    RuntimeError: always (test `chainrule.cuda.is_available()` first).\n\n"
                  "Examples:\n    >>> import chainrule as cr\n    >>> try:\n"
                  f"    ...     cr.cuda.{what}()\n    ... except RuntimeError as e:\n"
                  "    ...     print(str(e).split(';')[0])\n"
                  f"    chainrule.cuda.{what}(): CUDA is not available")
    return fn


current_device = _unavailable("current_device")
get_device_name = _unavailable("get_device_name")
set_device = _unavailable("set_device")
synchronize = _unavailable("synchronize")
# doctest finds module-level functions only: the built functions' examples are listed for it here
__test__ = {f.__name__: f for f in (current_device, get_device_name, set_device, synchronize)}
