"""Training loops: `fit` with metrics, schedulers, callbacks and a History; `evaluate` in eval mode."""

from .callbacks import Callback, EarlyStopping, ModelCheckpoint
from .history import History
from .loop import evaluate, fit
from .metrics import accuracy

__all__ = ["Callback", "EarlyStopping", "History", "ModelCheckpoint", "accuracy", "evaluate", "fit"]
