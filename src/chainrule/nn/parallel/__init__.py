"""chainrule.nn.parallel: DistributedDataParallel (data parallelism over MPI, PyTorch's API)."""

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
