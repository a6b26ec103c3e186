"""ReduceLROnPlateau: multiply the lr by `factor` when a metric stops improving for `patience` epochs."""

from __future__ import annotations

import math
import warnings

from ..optimizer import Optimizer
from .base import _EPOCH_WARNING, LRScheduler, group_values


class ReduceLROnPlateau(LRScheduler):
    """Reduces the learning rate when a metric stops improving: after more than `patience` epochs without
    improvement, lr = max(lr * factor, min_lr). Step it with the metric: `scheduler.step(val_loss)`.

    Args:
        optimizer: the optimizer whose param groups' "lr" it lowers.
        mode: "min" (default: lower is better, a loss) or "max" (an accuracy).
        factor: the multiplier at each reduction (default 0.1), < 1.
        patience: epochs without improvement to tolerate before reducing (default 10).
        threshold: the smallest change that counts as an improvement (default 1e-4).
        threshold_mode: "rel" (default: relative to the best value) or "abs".
        cooldown: epochs to wait after a reduction before counting again (default 0).
        min_lr: the lowest lr, one value or one per group (default 0).
        eps: reductions smaller than this are skipped (default 1e-8).

    Raises:
        ValueError: factor >= 1, an unknown mode or threshold_mode, or min_lr of the wrong length.
        TypeError: `optimizer` is not an Optimizer.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> plateau = lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
        >>> for val_loss in [1.0, 0.9, 0.9, 0.9, 0.9]:
        ...     plateau.step(val_loss)
        >>> optimizer.param_groups[0]["lr"]   # halved once: after the second epoch without improvement
        0.05
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0, min_lr=0,
                 eps: float = 1e-8):
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown! Use 'min' or 'max'")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown! Use 'rel' or 'abs'")
        self.optimizer, self.factor = optimizer, factor
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f"expected {n} min_lrs, got {len(min_lr)}")
            self.default_min_lr, self.min_lrs = None, list(min_lr)
        else:
            self.default_min_lr, self.min_lrs = min_lr, [min_lr] * n
        self.patience, self.cooldown, self.eps = patience, cooldown, eps
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = group_values(optimizer, "lr")
        self._reset()

    def _reset(self) -> None:
        self.best, self.cooldown_counter, self.num_bad_epochs = self.mode_worse, 0, 0

    @property
    def in_cooldown(self) -> bool:
        """True during the `cooldown` epochs after a reduction, when bad epochs are not counted.

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
            >>> scheduler = cr.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, cooldown=2)
            >>> scheduler.step(1.0)                 # the first value is the best so far
            >>> scheduler.step(1.0)                 # no improvement: lr * 0.1, then 2 epochs of cooldown
            >>> scheduler.in_cooldown, scheduler.get_last_lr()
            (True, [0.1])
        """
        return self.cooldown_counter > 0

    def is_better(self, a: float, best: float) -> bool:
        """a beats best by more than the threshold (relative or absolute).

        Args:
            a: the new metric value.
            best: the best value so far.

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
            >>> scheduler = cr.optim.lr_scheduler.ReduceLROnPlateau(optimizer)   # "min", threshold 1e-4
            >>> scheduler.is_better(0.5, 1.0), scheduler.is_better(0.99995, 1.0)
            (True, False)
        """
        t = self.threshold
        if self.mode == "min":
            return a < best * (1.0 - t) if self.threshold_mode == "rel" else a < best - t
        return a > best * (t + 1.0) if self.threshold_mode == "rel" else a > best + t

    def get_lr(self) -> list:
        """The groups' current lr: step(metrics) lowers it when the metric stops improving."""
        return group_values(self.optimizer, "lr")

    def step(self, metrics, epoch=None) -> None:  # type: ignore[override]
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(_EPOCH_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self.is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = group_values(self.optimizer, "lr")

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"ReduceLROnPlateau: the optimizer has {len(groups)} param groups but min_lr has "
                    f"{len(self.min_lrs)} values (a group was added?): update `min_lrs`"
                )
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new
