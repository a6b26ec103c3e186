"""LRScheduler: the base of learning-rate schedules (PyTorch's chainable protocol and state dicts)."""

from __future__ import annotations

import abc
import types
import warnings

from ..optimizer import Optimizer

_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. Call them in the opposite order: "
    "`optimizer.step()` before `lr_scheduler.step()`, or the first value of the schedule is skipped."
)
_EPOCH_WARNING = (
    "The epoch parameter in `scheduler.step()` is deprecated (as in PyTorch): call `scheduler.step()`; "
    "with an epoch the closed form is used instead of the chainable form, where one exists."
)


def group_values(optimizer: Optimizer, key: str) -> list:
    """[group[key] for each param group]."""
    return [group[key] for group in optimizer.param_groups]


def per_group(name: str, optimizer: Optimizer, value) -> list:
    """One value per param group: a list/tuple must have one entry per group; a scalar is repeated."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{name} must have one value per param group: got {len(value)} values for {n} groups")
        return list(value)
    return [value] * n


class LRScheduler(abc.ABC):
    """Base class: step() advances `last_epoch` and writes get_lr() into each param group's "lr".

    get_lr() is chainable (it scales the groups' current lr), so several schedulers may act on one optimizer;
    `_closed_form()` (where present) gives the lr of epoch `last_epoch` from `base_lrs` directly.

    Args:
        optimizer: the optimizer whose groups' "lr" the schedule sets.
        last_epoch: the index of the last epoch when resuming (default -1: start; the groups then need
            "initial_lr", which a first scheduler records).

    Raises:
        TypeError: optimizer is not an Optimizer.
        KeyError: last_epoch >= 0 but a group has no "initial_lr" (load the optimizer's state dict first).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.lr_scheduler import LRScheduler
        >>> class Halve(LRScheduler):                    # lr of epoch e: base_lr / 2**e
        ...     def get_lr(self):
        ...         if self.last_epoch == 0:
        ...             return [g["lr"] for g in self.optimizer.param_groups]
        ...         return [g["lr"] / 2 for g in self.optimizer.param_groups]
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=0.8)
        >>> scheduler = Halve(optimizer)
        >>> for epoch in range(3):
        ...     optimizer.step()                         # (a training epoch)
        ...     scheduler.step()
        ...     print(epoch, scheduler.get_last_lr())
        0 [0.4]
        1 [0.2]
        2 [0.1]
        >>> saved = scheduler.state_dict()
        >>> saved["last_epoch"]
        3
        >>> resumed = Halve(optimizer)
        >>> resumed.load_state_dict(saved)
        >>> resumed.last_epoch
        3
    """

    _is_initial = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming a scheduler "
                        "with last_epoch >= 0: load the optimizer's state dict first"
                    )
        self.base_lrs = group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """The step() made at construction: it sets the lr of epoch 0."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    @abc.abstractmethod
    def get_lr(self) -> list:
        """The lr of each group at epoch `last_epoch` (chainable form): what each schedule defines.

        Returns:
            A list with one learning rate per param group.

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
            >>> scheduler = cr.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.1)
            >>> scheduler.get_lr()
            [1.0]
        """

    def get_last_lr(self) -> list:
        """The lrs the last step() set.

        Returns:
            A list with one learning rate per param group.

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
            >>> scheduler = cr.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
            >>> optimizer.step()
            >>> scheduler.step()
            >>> scheduler.get_last_lr()
            [0.5]
        """
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or iteration) and set each group's lr.

        Call it after `optimizer.step()` (a UserWarning says so when the order is reversed).

        Args:
            epoch: deprecated in PyTorch (a UserWarning): jump to this epoch with the closed form where the
                schedule has one (default None: the next epoch).

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
            >>> scheduler = cr.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[2], gamma=0.1)
            >>> for epoch in range(3):
            ...     print(epoch, optimizer.param_groups[0]["lr"])
            ...     optimizer.step()
            ...     scheduler.step()
            0 1.0
            1 1.0
            2 0.1
        """
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(_EPOCH_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._closed_form() if hasattr(self, "_closed_form") else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = group_values(self.optimizer, "lr")

    def state_dict(self) -> dict:
        """Every attribute except the optimizer (plain numbers, lists and dicts: JSON-friendly).

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
            >>> scheduler = cr.optim.lr_scheduler.StepLR(optimizer, step_size=3)
            >>> state = scheduler.state_dict()
            >>> state["step_size"], state["last_epoch"], state["base_lrs"]
            (3, 0, [1.0])
        """
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a `state_dict()` (to resume training where a checkpoint left off).

        Args:
            state_dict: what `state_dict()` returned, for a scheduler of the same class.

        Examples:
            >>> import chainrule as cr
            >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
            >>> scheduler = cr.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
            >>> optimizer.step()
            >>> scheduler.step()
            >>> resumed = cr.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
            >>> resumed.load_state_dict(scheduler.state_dict())
            >>> resumed.last_epoch, resumed.get_last_lr()
            (1, [0.5])
        """
        self.__dict__.update(state_dict)


def pack_callables(fns: list) -> list:
    """State of user callables: None for plain functions, the attribute dict of callable objects."""
    return [None if isinstance(fn, types.FunctionType) else dict(fn.__dict__) for fn in fns]


def unpack_callables(fns: list, saved: list) -> None:
    for fn, state in zip(fns, saved):
        if state is not None:
            fn.__dict__.update(state)
