"""Cyclical schedules: CyclicLR (triangular waves) and OneCycleLR (warm up to max_lr, anneal far below).

Both can cycle momentum inversely to the lr: SGD/RMSprop's `momentum`, or beta1 of Adam's `betas`.
"""

from __future__ import annotations

import math

from ..optimizer import Optimizer
from .base import LRScheduler, pack_callables, per_group, unpack_callables


def _set_momentum(group: dict, use_beta1: bool, value: float) -> None:
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


def _init_momentum(sched, optimizer: Optimizer, base_momentum, max_momentum, last_epoch: int) -> tuple:
    """Check the optimizer has a momentum; on a fresh start put max_momentum into every group."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
    sched.use_beta1 = "betas" in optimizer.defaults
    bases = per_group("base_momentum", optimizer, base_momentum)
    maxes = per_group("max_momentum", optimizer, max_momentum)
    if last_epoch == -1:
        for hi, lo, group in zip(maxes, bases, optimizer.param_groups):
            _set_momentum(group, sched.use_beta1, hi)
            group["max_momentum"], group["base_momentum"] = hi, lo
    return bases, maxes


class CyclicLR(LRScheduler):
    """Cyclical learning rate (Smith, 2017): the lr oscillates between base_lr and max_lr, up for step_size_up
    steps and down for step_size_down. Step it once per batch (`fit` does).

    Mode "triangular" keeps the amplitude, "triangular2" halves it every cycle, "exp_range" scales it by
    gamma**iteration; a custom scale_fn(x) with scale_mode "cycle" or "iterations" replaces the mode. With
    cycle_momentum the momentum moves the other way, between max_momentum and base_momentum.

    Args:
        optimizer: the optimizer whose param groups' "lr" (and momentum) the scheduler sets.
        base_lr: the lower bound, one value or one per group.
        max_lr: the upper bound, one value or one per group.
        step_size_up: steps from base_lr to max_lr (default 2000).
        step_size_down: steps back down (default None: step_size_up).
        mode: "triangular" (default), "triangular2" or "exp_range".
        gamma: the decay of "exp_range" (default 1.0).
        scale_fn: a custom amplitude function of the cycle or the iteration (default None).
        scale_mode: "cycle" (default) or "iterations", what scale_fn receives.
        cycle_momentum: cycle the momentum inversely (default True; needs an optimizer with momentum or betas).
        base_momentum: the momentum at the lr's peak (default 0.8).
        max_momentum: the momentum at the lr's trough (default 0.9).
        last_epoch: the index of the last step when resuming (default -1).

    Raises:
        TypeError: `optimizer` is not an Optimizer.
        ValueError: an unknown mode, or cycle_momentum with an optimizer that has no momentum.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        >>> scheduler = lr_scheduler.CyclicLR(optimizer, base_lr=0.01, max_lr=0.05, step_size_up=2)
        >>> lrs = []
        >>> for step in range(5):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.01, 0.03, 0.05, 0.03, 0.01]
    """

    def __init__(self, optimizer: Optimizer, base_lr, max_lr, step_size_up: int = 2000, step_size_down=None,
                 mode: str = "triangular", gamma: float = 1.0, scale_fn=None, scale_mode: str = "cycle",
                 cycle_momentum: bool = True, base_momentum=0.8, max_momentum=0.9, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        base_lrs = per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = per_group("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size, self.step_ratio = up + down, up / (up + down)
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode, self.gamma, self._scale_fn_custom = mode, gamma, scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else (
            "iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.base_momentums, self.max_momentums = _init_momentum(
                self, optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The amplitude factor of cycle (or iteration) x: 1 ("triangular"), 1/2**(x-1) ("triangular2"),
        gamma**x ("exp_range"), or the scale_fn given.

        Args:
            x: the cycle number (from 1) or, for scale_mode "iterations", the iteration.

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
            >>> scheduler = cr.optim.lr_scheduler.CyclicLR(optimizer, base_lr=0.1, max_lr=1.0, step_size_up=2,
            ...                                            mode="triangular2")
            >>> [scheduler.scale_fn(cycle) for cycle in (1, 2, 3)]
            [1.0, 0.5, 0.25]
        """
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def get_lr(self) -> list:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle  # position in the cycle, 0..1
        height = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base + (hi - base) * height * scale for base, hi in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, lo, hi in zip(self.optimizer.param_groups, self.base_momentums, self.max_momentums):
                _set_momentum(group, self.use_beta1, hi - (hi - lo) * height * scale)
        return lrs

    def state_dict(self) -> dict:
        sd = super().state_dict()
        sd["_scale_fn_custom"] = (
            None if self._scale_fn_custom is None else pack_callables([self._scale_fn_custom])[0])
        return sd

    def load_state_dict(self, state_dict: dict) -> None:
        sd = dict(state_dict)
        fn_state = sd.pop("_scale_fn_custom", None)
        super().load_state_dict(sd)
        if fn_state is not None and self._scale_fn_custom is not None:
            unpack_callables([self._scale_fn_custom], [fn_state])


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith and Topin, 2019): the lr rises from max_lr / div_factor to max_lr over pct_start
    of the steps, then falls to max_lr / (div_factor * final_div_factor) (three_phase: back to the start, then
    down); the momentum moves inversely. Step it once per batch: total_steps = epochs * steps_per_epoch.

    Args:
        optimizer: the optimizer whose param groups' "lr" (and momentum) the scheduler sets.
        max_lr: the peak lr, one value or one per group.
        total_steps: the number of steps (or give epochs and steps_per_epoch).
        epochs: with steps_per_epoch, total_steps = epochs * steps_per_epoch.
        steps_per_epoch: batches per epoch.
        pct_start: the fraction of the steps spent rising (default 0.3).
        anneal_strategy: "cos" (default) or "linear".
        cycle_momentum: move the momentum inversely (default True).
        base_momentum: the momentum at the lr's peak (default 0.85).
        max_momentum: the momentum at the start and end (default 0.95).
        div_factor: the initial lr is max_lr / div_factor (default 25.0).
        final_div_factor: the final lr is the initial lr / final_div_factor (default 1e4).
        three_phase: rise, fall back to the initial lr, then anneal (default False).
        last_epoch: the index of the last step when resuming (default -1).

    Raises:
        TypeError: `optimizer` is not an Optimizer.
        ValueError: neither total_steps nor epochs and steps_per_epoch, pct_start outside (0, 1), an unknown
            anneal_strategy, or stepping past total_steps.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim import lr_scheduler
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        >>> scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, total_steps=10)
        >>> round(optimizer.param_groups[0]["lr"], 6)   # max_lr / div_factor
        0.04
    """

    def __init__(self, optimizer: Optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start: float = 0.3, anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum=0.85, max_momentum=0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            for name, v in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if not isinstance(v, int) or v <= 0:
                    raise ValueError(f"Expected positive integer {name}, but got {v}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        n, up = self.total_steps, float(pct_start * self.total_steps)

        def phase(end, lr0, lr1, m0, m1):
            return {"end_step": end, "start_lr": lr0, "end_lr": lr1, "start_momentum": m0, "end_momentum": m1}

        if three_phase:
            self._schedule_phases = [
                phase(up - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                phase(2 * up - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                phase(n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._schedule_phases = [
                phase(up - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                phase(n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        self._anneal_func_type = anneal_strategy
        max_lrs = per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for hi, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = hi / div_factor
                group["max_lr"] = hi
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            _init_momentum(self, optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"Tried to step {step} times. The specified number of total steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, ph in enumerate(self._schedule_phases):
                if step <= ph["end_step"] or i == len(self._schedule_phases) - 1:
                    pct = (step - start) / (ph["end_step"] - start)
                    lrs.append(self._anneal(group[ph["start_lr"]], group[ph["end_lr"]], pct))
                    if self.cycle_momentum:
                        m = self._anneal(group[ph["start_momentum"]], group[ph["end_momentum"]], pct)
                        _set_momentum(group, self.use_beta1, m)
                    break
                start = ph["end_step"]
        return lrs
