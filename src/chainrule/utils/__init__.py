"""Utilities as in torch.utils: `chainrule.utils.data` (datasets, samplers, DataLoader); `threads` pins BLAS."""

from . import data, threads  # noqa: F401
