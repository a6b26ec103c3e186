"""Stochastic Weight Averaging and EMA (PyTorch's torch.optim.swa_utils): AveragedModel, SWALR, update_bn.

    swa_model = AveragedModel(model)                    # or multi_avg_fn=get_ema_multi_avg_fn(0.999)
    scheduler = SWALR(optimizer, swa_lr=0.05)
    for epoch in ...: train(...); swa_model.update_parameters(model); scheduler.step()
    update_bn(loader, swa_model)                         # recompute BatchNorm statistics for the averages
"""

from __future__ import annotations

import itertools
import math
from copy import deepcopy

import numpy as np

from ..autograd.grad_mode import no_grad
from ..nn.module import Module
from ..nn.normalization import _BatchNorm
from ..tensor import Tensor
from .lr_scheduler.base import LRScheduler, per_group

__all__ = ["SWALR", "AveragedModel", "get_ema_avg_fn", "get_ema_multi_avg_fn", "get_swa_avg_fn",
           "get_swa_multi_avg_fn", "update_bn"]


def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def _lerp_(start: Tensor, end: Tensor, weight: float) -> None:
    """start += weight * (end - start) in place, with PyTorch's two-sided formula (exact at weight 0 and 1)."""
    a, b = start._data, np.asarray(end._data, dtype=start._data.dtype)
    w = float(weight)
    if w < 0.5:
        a += (b - a) * a.dtype.type(w)
    else:
        np.copyto(a, b - (b - a) * a.dtype.type(1 - w))
    start._bump()


def get_ema_multi_avg_fn(decay: float = 0.999):
    """An in-place EMA over lists of tensors: ema = decay * ema + (1 - decay) * current (for multi_avg_fn).

    Raises:
        ValueError: decay outside [0, 1].

    Args:
        decay: the weight of the old average, in [0, 1] (default 0.999).

    Returns:
        A function `update(ema_list, current_list, num_averaged)` that updates ema_list in place.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.swa_utils import get_ema_multi_avg_fn
        >>> update = get_ema_multi_avg_fn(0.9)
        >>> ema = [cr.tensor([0.0, 10.0])]
        >>> update(ema, [cr.tensor([1.0, 0.0])], 1)
        >>> ema
        [tensor([0.1000, 9.0000])]
    """
    _check_decay(decay)

    def ema_update(ema_param_list: list, current_param_list: list, _) -> None:
        with no_grad():
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                if p_ema._data.dtype.kind in "fc":
                    _lerp_(p_ema, p_model, 1 - decay)
                else:
                    p_ema.copy_(p_ema * decay + p_model * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn():
    """An in-place running mean over lists of tensors: avg += (current - avg) / (n + 1) (for multi_avg_fn).

    Returns:
        A function `update(averaged_list, current_list, num_averaged)` that updates averaged_list in place.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.swa_utils import get_swa_multi_avg_fn
        >>> update = get_swa_multi_avg_fn()
        >>> avg = [cr.tensor([1.0])]
        >>> update(avg, [cr.tensor([4.0])], 2)         # the mean of 2 values was 1.0; a third, 4.0, gives 2.0
        >>> avg
        [tensor([2.])]
    """

    def swa_update(averaged_param_list: list, current_param_list: list, num_averaged) -> None:
        n = float(num_averaged.item() if isinstance(num_averaged, Tensor) else num_averaged)
        with no_grad():
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                if p_avg._data.dtype.kind in "fc":
                    _lerp_(p_avg, p_model, 1 / (n + 1))
                else:
                    p_avg.copy_(p_avg + (p_model - p_avg) / (n + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999):
    """An EMA of one tensor: returns decay * ema + (1 - decay) * current (for avg_fn).

    Raises:
        ValueError: decay outside [0, 1].

    Args:
        decay: the weight of the old average, in [0, 1] (default 0.999).

    Returns:
        A function `avg_fn(ema, current, num_averaged) -> Tensor`.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.swa_utils import get_ema_avg_fn
        >>> avg_fn = get_ema_avg_fn(0.5)
        >>> avg_fn(cr.tensor([0.0]), cr.tensor([2.0]), 1)
        tensor([1.])
    """
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """The running mean of one tensor: returns avg + (current - avg) / (n + 1) (for avg_fn).

    Returns:
        A function `avg_fn(averaged, current, num_averaged) -> Tensor`.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.swa_utils import get_swa_avg_fn
        >>> get_swa_avg_fn()(cr.tensor([1.0]), cr.tensor([4.0]), 2)
        tensor([2.])
    """

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of `model` whose parameters are the average (SWA) or an EMA of the model's over training.

    Args:
        model: the module to average; it is deep-copied into `self.module`.
        device: moves the copy there (default None).
        avg_fn: avg_fn(averaged, current, num_averaged) -> the new average of one tensor (default None).
        multi_avg_fn: multi_avg_fn(averaged_list, current_list, num_averaged) updates lists in place (default
            None). With neither, the running mean (SWA).
        use_buffers: average the buffers too (default False: buffers are copied from the model).

    `n_averaged` (an int64 buffer) counts the update_parameters() calls; the first one copies the model.

    Raises:
        AssertionError: both avg_fn and multi_avg_fn given (as PyTorch).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
        >>> model = cr.nn.Linear(2, 1)
        >>> ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9))
        >>> ema.update_parameters(model)
        >>> int(ema.n_averaged)
        1
    """

    def __init__(self, model: Module, device=None, avg_fn=None, multi_avg_fn=None, use_buffers: bool = False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", Tensor._wrap(np.array(0, np.int64)))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        """Runs the averaged copy: `self.module(*args, **kwargs)`.

        Examples:
            >>> import chainrule as cr
            >>> from chainrule.optim.swa_utils import AveragedModel
            >>> model = cr.nn.Linear(3, 2)
            >>> averaged = AveragedModel(model)
            >>> averaged.update_parameters(model)
            >>> bool((averaged(cr.ones(1, 3)) == model(cr.ones(1, 3))).all())
            True
        """
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Folds the current parameters of `model` (and its buffers if use_buffers) into the average."""
        if self.use_buffers:
            mine = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            theirs = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            mine, theirs = list(self.parameters()), list(model.parameters())
        mine, theirs = mine[: len(theirs)], theirs[: len(mine)]
        mine_d, theirs_d = [p.detach() for p in mine], [p.detach() for p in theirs]
        n = int(self.n_averaged.item())
        with no_grad():
            if n == 0:
                for a, b in zip(mine_d, theirs_d):
                    a.copy_(b)
            elif self.multi_avg_fn is not None or self.avg_fn is None:
                by_dtype: dict = {}  # PyTorch groups the tensors by (device, dtype)
                for a, b in zip(mine_d, theirs_d):
                    by_dtype.setdefault(a._data.dtype, ([], []))
                    by_dtype[a._data.dtype][0].append(a)
                    by_dtype[a._data.dtype][1].append(b)
                for avgs, currents in by_dtype.values():
                    if self.multi_avg_fn is not None:
                        self.multi_avg_fn(avgs, currents, self.n_averaged)
                    else:  # on the CPU PyTorch uses the per-tensor running mean
                        avg = get_swa_avg_fn()
                        for a, b in zip(avgs, currents):
                            a.copy_(avg(a, b, self.n_averaged))
            else:
                for a, b in zip(mine_d, theirs_d):
                    a.copy_(self.avg_fn(a, b, self.n_averaged))
            if not self.use_buffers:
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa.detach().copy_(b_model.detach())
            self.n_averaged._data[...] = n + 1
            self.n_averaged._bump()


def update_bn(loader, model: Module, device=None) -> None:
    """Recomputes the running statistics of every BatchNorm in `model` with one pass over `loader`.

    The statistics are reset and accumulated as a cumulative average (momentum None), then each momentum is
    restored; the model's training mode is restored too. A batch that is a list or tuple contributes its first
    element.

    Args:
        loader: an iterable of input batches (or of (input, ...) tuples).
        model: the model (often an AveragedModel).
        device: moves each batch there first (default None).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.swa_utils import AveragedModel, update_bn
        >>> model = cr.nn.Sequential(cr.nn.Linear(2, 2), cr.nn.BatchNorm1d(2))
        >>> swa_model = AveragedModel(model)
        >>> swa_model.update_parameters(model)
        >>> loader = [cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([[5.0, 6.0], [7.0, 8.0]])]
        >>> update_bn(loader, swa_model)
        >>> swa_model.module[1].num_batches_tracked
        tensor(2)
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for input in loader:
            if isinstance(input, (list, tuple)):
                input = input[0]
            if device is not None:
                input = input.to(device)
            model(input)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's lr from its current value to swa_lr over anneal_epochs, then holds it (for SWA).

    Args:
        optimizer: the wrapped optimizer.
        swa_lr: the target lr, one for all groups or a list with one per group.
        anneal_epochs: the number of epochs of the annealing (default 10), an int >= 0.
        anneal_strategy: "cos" (default) or "linear".
        last_epoch: the index of the last epoch (default -1).

    Raises:
        ValueError: an unknown anneal_strategy, a negative or non-int anneal_epochs, or a swa_lr list whose
            length is not the number of groups.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.optim.swa_utils import SWALR
        >>> optimizer = cr.optim.SGD([cr.zeros(1, requires_grad=True)], lr=1.0)
        >>> scheduler = SWALR(optimizer, swa_lr=0.1, anneal_epochs=2, anneal_strategy="linear")
        >>> for epoch in range(3):
        ...     optimizer.step()
        ...     scheduler.step()
        ...     print(epoch, round(scheduler.get_last_lr()[0], 4))
        0 0.55
        1 0.1
        2 0.1
        >>> state = scheduler.state_dict()
        >>> scheduler.load_state_dict(state)
        >>> scheduler.get_lr()
        [0.1]
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs: int = 10, anneal_strategy: str = "cos",
                 last_epoch: int = -1):
        for lr, group in zip(per_group("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def get_lr(self) -> list:
        # lr_t = swa_lr * alpha_t + lr_0 * (1 - alpha_t), with lr_0 recovered from the group's current lr
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def state_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
