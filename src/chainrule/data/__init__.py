"""chainrule.data: chainrule.utils.data re-exported, plus `datasets` (toy sets, MNIST, Fashion-MNIST)."""

from chainrule.utils import data as _utils_data
from chainrule.utils.data import *  # noqa: F403 - the same names, listed once, in utils/data/__init__.py

from . import datasets

__all__ = [*_utils_data.__all__, "datasets"]
