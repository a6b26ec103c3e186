"""`chainrule.backends.mps`: Apple's Metal backend is not part of chainrule."""


def is_available() -> bool:
    """False: chainrule computes on the CPU with NumPy.

    Examples:
        >>> import chainrule
        >>> chainrule.backends.mps.is_available()
        False
    """
    return False


def is_built() -> bool:
    """False: chainrule has no MPS backend.

    Examples:
        >>> import chainrule
        >>> chainrule.backends.mps.is_built()
        False
    """
    return False
