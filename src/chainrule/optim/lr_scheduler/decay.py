"""Decaying schedules: Lambda, Multiplicative, Step, MultiStep, Constant, Linear, Exponential, InverseTime,
Polynomial, CosineAnnealing and CosineAnnealingWarmRestarts (the same lr sequences as PyTorch's)."""

from __future__ import annotations

import math

from .base import LRScheduler, group_values, pack_callables, per_group, unpack_callables


class _LambdaBase(LRScheduler):
    def __init__(self, optimizer, lr_lambda, last_epoch: int = -1):
        self.optimizer = optimizer
        self.lr_lambdas = per_group("lr_lambda", optimizer, lr_lambda)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict:
        sd = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        sd["lr_lambdas"] = pack_callables(self.lr_lambdas)
        return sd

    def load_state_dict(self, state_dict: dict) -> None:
        sd = dict(state_dict)
        saved = sd.pop("lr_lambdas", [None] * len(self.lr_lambdas))
        self.__dict__.update(sd)
        unpack_callables(self.lr_lambdas, saved)


class LambdaLR(_LambdaBase):
    """lr = base_lr * lr_lambda(epoch), for any schedule written as a function.

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        lr_lambda: a function of the epoch returning the multiplier, or one function per param group.
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.LambdaLR(optimizer, lambda epoch: 1 / (1 + epoch))
        >>> lrs = []
        >>> for epoch in range(3):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.05, 0.0333]
    """

    def get_lr(self) -> list:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaBase):
    """lr = lr * lr_lambda(epoch) at every step after the first (a multiplicative update).

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        lr_lambda: a function of the epoch returning the factor, or one function per param group.
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.MultiplicativeLR(optimizer, lambda epoch: 0.5)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.05, 0.025]
    """

    def get_lr(self) -> list:
        lrs = group_values(self.optimizer, "lr")
        if self._is_initial:
            return lrs
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas, lrs)]


class StepLR(LRScheduler):
    """Step decay: lr = base_lr * gamma ** (epoch // step_size), e.g. halve every 10 epochs.

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        step_size: epochs between decays.
        gamma: the factor applied at each decay (default 0.1).
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(6):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        lrs = group_values(self.optimizer, "lr")
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lrs
        return [lr * self.gamma for lr in lrs]

    def _closed_form(self) -> list:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Decay at chosen epochs: lr = base_lr * gamma ** (number of milestones <= epoch); a repeated milestone
    counts twice.

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        milestones: the epochs at which to decay.
        gamma: the factor applied at each milestone (default 0.1).
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.MultiStepLR(optimizer, milestones=[1, 3], gamma=0.1)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.01, 0.01, 0.001]
    """

    def __init__(self, optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1):
        self.milestones: dict = {}
        for m in sorted(milestones):
            self.milestones[int(m)] = self.milestones.get(int(m), 0) + 1
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        lrs = group_values(self.optimizer, "lr")
        if self.last_epoch not in self.milestones:
            return lrs
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in lrs]

    def _closed_form(self) -> list:
        n = sum(c for m, c in self.milestones.items() if m <= self.last_epoch)
        return [base * self.gamma**n for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """lr = base_lr * factor until epoch total_iters, then base_lr (a crude warm-up).

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        factor: the multiplier during the first total_iters epochs (default 1/3).
        total_iters: how many epochs it lasts (default 5).
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Raises:
        ValueError: factor outside [0, 1].

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.ConstantLR(optimizer, factor=0.5, total_iters=2)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.05, 0.05, 0.1, 0.1]
    """

    def __init__(self, optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1):
        if not 0 <= factor <= 1.0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        lrs = group_values(self.optimizer, "lr")
        if self.last_epoch == 0:
            return [lr * self.factor for lr in lrs]
        if self.last_epoch != self.total_iters:
            return lrs
        return [lr * (1.0 / self.factor) for lr in lrs]

    def _closed_form(self) -> list:
        f = self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor)
        return [base * f for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Linear warm-up or decay: lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters).

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        start_factor: the multiplier at epoch 0 (default 1/3), in (0, 1].
        end_factor: the multiplier from total_iters on (default 1.0), in [0, 1].
        total_iters: epochs to go from start_factor to end_factor (default 5).
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Raises:
        ValueError: a factor outside its range.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=3)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.025, 0.05, 0.075, 0.1, 0.1]
    """

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1):
        if not 0 < start_factor <= 1.0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        if not 0 <= end_factor <= 1.0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        lrs = group_values(self.optimizer, "lr")
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in lrs]
        if self._is_initial or self.last_epoch > self.total_iters:
            return lrs
        d = self.end_factor - self.start_factor  # ratio of factor(e) to factor(e - 1)
        ratio = 1.0 + d / (self.total_iters * self.start_factor + (self.last_epoch - 1) * d)
        return [lr * ratio for lr in lrs]

    def _closed_form(self) -> list:
        done = min(self.total_iters, self.last_epoch) / self.total_iters
        f = self.start_factor + (self.end_factor - self.start_factor) * done
        return [base * f for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Exponential decay: lr = base_lr * gamma ** epoch.

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        gamma: the factor per epoch.
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.05, 0.025, 0.0125]
    """

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        lrs = group_values(self.optimizer, "lr")
        return lrs if self._is_initial else [lr * self.gamma for lr in lrs]

    def _closed_form(self) -> list:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class InverseTimeLR(LRScheduler):
    """Inverse-time decay lr = a / (b + epoch): the 1/t decay of stochastic approximation (Robbins-Monro), from
    the lecture notes. Not in PyTorch.

    An absolute schedule: it replaces the optimizer's lr (a / b at epoch 0).

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        a: the numerator, one value or one per param group.
        b: the offset, > 0 (the lr at epoch 0 is a / b).
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Raises:
        ValueError: b <= 0.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.InverseTimeLR(optimizer, a=1.0, b=10.0)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.0909, 0.0833]
    """

    def __init__(self, optimizer, a, b: float, last_epoch: int = -1):
        if not b > 0:
            raise ValueError(f"InverseTimeLR: b must be > 0 (the lr at epoch 0 is a / b), got {b}")
        self.a = per_group("a", optimizer, a)
        self.b = b
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        return self._closed_form()

    def _closed_form(self) -> list:
        return [a / (self.b + self.last_epoch) for a in self.a]


class PolynomialLR(LRScheduler):
    """Polynomial decay to zero: lr = base_lr * (1 - min(epoch, total_iters) / total_iters) ** power.

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        total_iters: epochs until the lr reaches 0 (default 5).
        power: the polynomial's power (default 1.0: linear).
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.PolynomialLR(optimizer, total_iters=4)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.075, 0.05, 0.025, 0.0]
    """

    def __init__(self, optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1):
        self.total_iters, self.power = total_iters, power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        lrs = group_values(self.optimizer, "lr")
        if self._is_initial or self.last_epoch > self.total_iters:
            return lrs
        e, t = self.last_epoch, self.total_iters
        f = ((1.0 - e / t) / (1.0 - (e - 1) / t)) ** self.power
        return [lr * f for lr in lrs]

    def _closed_form(self) -> list:
        f = (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
        return [base * f for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing: lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2, computed in
    PyTorch's recursive (chainable) form.

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        T_max: the epochs of half a cosine period (the lr reaches eta_min at epoch T_max).
        eta_min: the lowest lr (default 0.0).
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=4)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.0854, 0.05, 0.0146, 0.0]
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        lrs = group_values(self.optimizer, "lr")
        e, t, lo = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return lrs
        if self._step_count == 1 and e > 0:  # resumed with last_epoch: start from the closed form
            return self._closed_form()
        if (e - 1 - t) % (2 * t) == 0:  # the bottom of the cosine: step back up
            up = (1 - math.cos(math.pi / t)) / 2
            return [lr + (base - lo) * up for lr, base in zip(lrs, self.base_lrs)]
        f = (1 + math.cos(math.pi * e / t)) / (1 + math.cos(math.pi * (e - 1) / t))
        return [f * (lr - lo) + lo for lr in lrs]

    def _closed_form(self) -> list:
        c = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * c for base in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing with warm restarts (SGDR): the cosine restarts from base_lr every T_i epochs, with T_0 first,
    then T_i *= T_mult.

    Args:
        optimizer: the optimizer whose param groups' "lr" the scheduler sets.
        T_0: the epochs of the first cycle.
        T_mult: the growth factor of the cycle length (default 1), an int >= 1.
        eta_min: the lowest lr (default 0.0).
        last_epoch: the index of the last epoch when resuming (default -1: start fresh; resuming needs the
            optimizer's state loaded first, for "initial_lr").

    Raises:
        ValueError: T_0 < 1 or T_mult < 1.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=2)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.05, 0.1, 0.05]
    """

    def __init__(self, optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1):
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        self.T_0, self.T_i, self.T_mult, self.eta_min, self.T_cur = T_0, T_0, T_mult, eta_min, last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        c = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base - self.eta_min) * c for base in self.base_lrs]

    def step(self, epoch=None) -> None:
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        elif epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult**n
        else:
            self.T_i, self.T_cur = self.T_0, epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = group_values(self.optimizer, "lr")
