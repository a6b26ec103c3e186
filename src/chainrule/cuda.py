"""`chainrule.cuda`: present so `"cuda" if torch.cuda.is_available() else "cpu"` runs; there is no GPU backend."""


def is_available() -> bool:
    """Always False: chainrule computes with NumPy on the CPU."""
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """No-op (there is no CUDA generator)."""


manual_seed_all = manual_seed
