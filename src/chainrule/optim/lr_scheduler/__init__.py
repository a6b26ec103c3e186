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
