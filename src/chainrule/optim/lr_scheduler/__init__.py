"""Learning-rate schedulers with PyTorch's API (plus InverseTimeLR), and momentum schedulers.

`chainrule.optim.lr_scheduler` is a package; every scheduler is importable from here as in PyTorch.
"""

from .base import LRScheduler
from .compose import ChainedScheduler, SequentialLR
from .cyclic import CyclicLR, OneCycleLR
from .decay import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    InverseTimeLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .momentum import MomentumScheduler, StepMomentum
from .plateau import ReduceLROnPlateau

_LRScheduler = LRScheduler

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "InverseTimeLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MomentumScheduler",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
    "StepMomentum",
]

# PyTorch's schedulers live in one module, so they print as `<torch.optim.lr_scheduler.StepLR object at 0x...>`;
# naming this package as their module makes ours print `<chainrule.optim.lr_scheduler.StepLR object at 0x...>`
# (and pickle by the same public path).
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
