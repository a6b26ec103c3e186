"""Utilities as in torch.utils: `chainrule.utils.data` (datasets, samplers, DataLoader)."""

from . import data  # noqa: F401
