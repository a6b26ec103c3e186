"""Momentum schedules: change SGD/RMSprop's `momentum` (or Adam's beta1) as training goes. Not in PyTorch.

A classic recipe (Hinton et al. 2012, Sutskever et al. 2013) starts with a low momentum while the gradients
are large and raises it later: `StepMomentum(SGD(params, lr, momentum=0.5), {500: 0.9})` gives 0.5 for the
first 500 steps and 0.9 from then on. Step it where you step the lr scheduler (per batch or per epoch).
"""

from __future__ import annotations

import abc

from ..optimizer import Optimizer


class MomentumScheduler(abc.ABC):
    """Base: step() advances `last_epoch` and writes get_momentum() into each param group.

    The scheduled value is the group's "momentum" (SGD, RMSprop) or the first of its "betas" (Adam, AdamW).
    A group's momentum when the scheduler is created is kept as "initial_momentum" (`base_momentums`).

    Args:
        optimizer: an optimizer with a "momentum" (SGD, RMSprop) or "betas" (Adam, AdamW) option.
        last_epoch: the index of the last step when resuming (default -1).

    Raises:
        TypeError: optimizer is not an Optimizer, or it has no momentum to schedule.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.lr_scheduler import MomentumScheduler
        >>> class RampMomentum(MomentumScheduler):          # 0.5, 0.6, 0.7, ... up to 0.9
        ...     def get_momentum(self):
        ...         return [min(0.9, 0.5 + 0.1 * self.last_epoch) for _ in self.optimizer.param_groups]
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1, momentum=0.5)
        >>> schedule = RampMomentum(optimizer)
        >>> for step in range(3):
        ...     optimizer.step()
        ...     schedule.step()
        ...     print(step, schedule.get_last_momentum())
        0 [0.6]
        1 [0.7]
        2 [0.8]
        >>> saved = schedule.state_dict()
        >>> again = RampMomentum(optimizer)
        >>> again.load_state_dict(saved)
        >>> again.last_epoch
        3
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if "betas" in optimizer.defaults:
            self.use_beta1 = True
        elif "momentum" in optimizer.defaults:
            self.use_beta1 = False
        else:
            raise TypeError(
                f"{type(optimizer).__name__} has no momentum to schedule (no 'momentum' or 'betas' option)")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_momentum", self._get(group))
        self.base_momentums = [group["initial_momentum"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def _get(self, group: dict) -> float:
        return group["betas"][0] if self.use_beta1 else group["momentum"]

    @abc.abstractmethod
    def get_momentum(self) -> list:
        """The momentum of each group at step `last_epoch`: what each schedule defines."""

    def get_last_momentum(self) -> list:
        """The momentums the last step() set, one per param group (see the class example)."""
        return self._last_momentum

    def step(self) -> None:
        """Advance one step and write get_momentum() into each group (see the class example)."""
        self.last_epoch += 1
        for group, m in zip(self.optimizer.param_groups, self.get_momentum()):
            if self.use_beta1:
                group["betas"] = (m, *group["betas"][1:])
            else:
                group["momentum"] = m
        self._last_momentum = [self._get(group) for group in self.optimizer.param_groups]

    def state_dict(self) -> dict:
        """Every attribute except the optimizer (see the class example)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a `state_dict()` of a scheduler of the same class (see the class example)."""
        self.__dict__.update(state_dict)


class StepMomentum(MomentumScheduler):
    """Piecewise-constant momentum: the optimizer's own until the first milestone, then `milestones[m]` from
    step m on; the tutorial's recipe of momentum 0.5 while training is unstable, then 0.9. Not in PyTorch.

    Args:
        optimizer: an optimizer with a momentum (SGD, RMSprop) or betas (Adam, AdamW: beta1 is scheduled).
        milestones: {step: momentum}, each momentum in [0, 1).
        last_epoch: the index of the last step when resuming (default -1).

    Raises:
        ValueError: a momentum outside [0, 1).
        TypeError: `optimizer` is not an Optimizer, or it has no momentum.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.lr_scheduler import StepMomentum
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1, momentum=0.5)
        >>> schedule = StepMomentum(optimizer, {2: 0.9})
        >>> seen = []
        >>> for step in range(4):
        ...     seen.append(optimizer.param_groups[0]["momentum"])
        ...     optimizer.step()
        ...     schedule.step()
        >>> seen
        [0.5, 0.5, 0.9, 0.9]
    """

    def __init__(self, optimizer: Optimizer, milestones: dict, last_epoch: int = -1):
        self.milestones = {int(k): float(v) for k, v in sorted(milestones.items())}
        for m in self.milestones.values():
            if not 0.0 <= m < 1.0:
                raise ValueError(f"StepMomentum: momentum values must lie in [0, 1), got {m}")
        super().__init__(optimizer, last_epoch)

    def get_momentum(self) -> list:
        value = None
        for step, m in self.milestones.items():
            if step <= self.last_epoch:
                value = m
        return list(self.base_momentums) if value is None else [value] * len(self.base_momentums)
