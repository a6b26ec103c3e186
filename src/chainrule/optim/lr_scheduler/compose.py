"""Schedules made of schedules: SequentialLR (one after another) and ChainedScheduler (all at once)."""

from __future__ import annotations

from bisect import bisect_right

from .base import LRScheduler, group_values
from .plateau import ReduceLROnPlateau


def _check(owner: str, optimizer, schedulers) -> None:
    if len(schedulers) < 1:
        raise ValueError(f"{owner} expects at least one scheduler, but got none")
    for i, s in enumerate(schedulers):
        if isinstance(s, ReduceLROnPlateau):
            raise ValueError(  # noqa: TRY004 - PyTorch raises ValueError here
                f"{owner} does not support ReduceLROnPlateau (its step needs a metric); index {i}")
        if getattr(s, "optimizer", None) is not optimizer:
            raise ValueError(
                f"{owner} expects all schedulers to belong to the same optimizer; index {i} does not")


class _Composite(LRScheduler):
    def get_lr(self) -> list:
        """The groups' current lr: the schedulers inside set it, each in its own step()."""
        return group_values(self.optimizer, "lr")

    def state_dict(self) -> dict:
        sd = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        sd["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return sd

    def load_state_dict(self, state_dict: dict) -> None:
        sd = dict(state_dict)
        saved = sd.pop("_schedulers")
        self.__dict__.update(sd)
        for s, st in zip(self._schedulers, saved):
            s.load_state_dict(st)


class SequentialLR(_Composite):
    """Runs schedulers one after another: schedulers[i] from milestones[i-1] on, each starting over (epoch 0) at
    its milestone. The usual use: a warm-up, then a decay.

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        schedulers: the schedulers, all on `optimizer`, in order.
        milestones: the epochs at which to switch to the next scheduler (one fewer than schedulers).
        last_epoch: the index of the last step when resuming (default -1: start fresh).

    Raises:
        ValueError: the schedulers act on another optimizer, or len(milestones) != len(schedulers) - 1.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> warmup = lr_scheduler.LinearLR(optimizer, start_factor=0.5, total_iters=2)
        >>> decay = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
        >>> scheduler = lr_scheduler.SequentialLR(optimizer, [warmup, decay], milestones=[2])
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.05, 0.075, 0.1, 0.05, 0.025]
    """

    def __init__(self, optimizer, schedulers: list, milestones: list, last_epoch: int = -1):
        _check("SequentialLR", optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR expects one milestone fewer than schedulers, got {len(schedulers)} schedulers "
                f"and {len(milestones)} milestones"
            )
        self._schedulers, self._milestones = list(schedulers), list(milestones)
        self.last_epoch, self.optimizer = last_epoch + 1, optimizer
        for group in optimizer.param_groups:  # undo what the sub-schedulers' constructors did
            group["lr"] = group["initial_lr"]
        self._undo(self)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def _undo(self, sched) -> None:
        """Take back the initial step of every (nested) sub-scheduler."""
        if hasattr(sched, "_schedulers"):
            for s in sched._schedulers:
                self._undo(s)
        elif hasattr(sched, "last_epoch"):
            sched.last_epoch -= 1

    def step(self) -> None:
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        sched = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            sched._update_lr(0)
        else:
            sched.step()
        self._last_lr = sched.get_last_lr()


class ChainedScheduler(_Composite):
    """Steps every scheduler at each step(); their (chainable) effects multiply.

    Args:
        schedulers: the schedulers, all on the same optimizer.
        optimizer: that optimizer (default None: the schedulers').

    Raises:
        ValueError: the schedulers act on different optimizers.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.ChainedScheduler([lr_scheduler.ConstantLR(optimizer, factor=0.5, total_iters=2), lr_scheduler.ExponentialLR(optimizer, gamma=0.9)])
        >>> lrs = []
        >>> for epoch in range(3):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.05, 0.045, 0.081]
    """

    def __init__(self, schedulers, optimizer=None):
        optimizer = optimizer or schedulers[0].optimizer
        _check("ChainedScheduler", optimizer, schedulers)
        self._schedulers, self.optimizer = list(schedulers), optimizer
        self._last_lr = group_values(optimizer, "lr")

    def step(self) -> None:
        for s in self._schedulers:
            s.step()
        self._last_lr = group_values(self.optimizer, "lr")
