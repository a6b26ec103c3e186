"""`chainrule.backends.cudnn`: flags programs set for reproducibility; there is no cuDNN, so they change nothing."""

benchmark = False
deterministic = False
enabled = True


def is_available() -> bool:
    """False: there is no cuDNN (no CUDA)."""
    return False


def version():
    """None, as PyTorch's CPU-only build answers."""
    return
