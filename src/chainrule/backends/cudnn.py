"""`chainrule.backends.cudnn`: flags programs set for reproducibility; there is no cuDNN, so they change nothing."""

benchmark = False
deterministic = False
enabled = True


def is_available() -> bool:
    """False: there is no cuDNN (no CUDA).

    Examples:
        >>> import chainrule
        >>> chainrule.backends.cudnn.is_available()
        False
        >>> chainrule.backends.cudnn.deterministic = True  # as reproducible programs set it; changes nothing
    """
    return False


def version():
    """None, as PyTorch's CPU-only build answers.

    Examples:
        >>> import chainrule
        >>> print(chainrule.backends.cudnn.version())
        None
    """
    return
