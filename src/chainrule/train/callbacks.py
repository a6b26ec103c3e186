"""Callbacks for fit(): EarlyStopping and ModelCheckpoint."""

from __future__ import annotations

import math


def _mode(monitor: str, mode: str) -> str:
    if mode == "auto":
        return "max" if "acc" in monitor else "min"
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    return mode


def _metric(who: str, monitor: str, logs: dict) -> float:
    if monitor not in logs:
        raise KeyError(f"{who}: metric {monitor!r} not logged; have {sorted(logs)} (val_* needs a val_loader)")
    return logs[monitor]


class Callback:
    """Hooks that `fit` calls; subclass and override the ones you need. `on_epoch_end` may set
    `trainer.stop = True` to end training after this epoch.

    The `trainer` passed to each hook has `.model`, `.optimizer`, `.history` and `.stop`.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.train import Callback, fit
        >>> from chainrule.utils.data import DataLoader, TensorDataset
        >>> class StopAtLoss(Callback):
        ...     def on_epoch_end(self, trainer, epoch, logs):
        ...         trainer.stop = logs["loss"] < 10.0
        >>> model = cr.nn.Linear(2, 2)
        >>> loader = DataLoader(TensorDataset(cr.randn(8, 2), cr.tensor([0, 1] * 4)), batch_size=4)
        >>> history = fit(model, cr.nn.CrossEntropyLoss(), cr.optim.SGD(model.parameters(), lr=0.1), loader,
        ...               epochs=5, callbacks=[StopAtLoss()], progress=False)
        >>> len(history)
        1
        >>> class Announce(Callback):
        ...     def on_train_begin(self, trainer):
        ...         print("start:", type(trainer.optimizer).__name__)
        ...     def on_train_end(self, trainer):
        ...         print("done after", len(trainer.history), "epochs")
        >>> _ = fit(model, cr.nn.CrossEntropyLoss(), cr.optim.SGD(model.parameters(), lr=0.1), loader,
        ...         epochs=2, callbacks=[Announce()], progress=False)
        start: SGD
        done after 2 epochs
    """

    def on_train_begin(self, trainer) -> None:
        """Called once, before the first epoch."""

    def on_epoch_end(self, trainer, epoch: int, logs: dict) -> None:
        """Called after each epoch (1-based `epoch`) with its logs: loss, metrics, val_*, lr, time."""

    def on_train_end(self, trainer) -> None:
        """Called once, after the last epoch (or after a stop)."""


class EarlyStopping(Callback):
    """Stops `fit` when `monitor` has not improved by `min_delta` for `patience` epochs.

    Args:
        monitor: the logged value to watch (default "val_loss"; needs a val_loader).
        patience: epochs without improvement before stopping (default 3).
        min_delta: the smallest change that counts as an improvement (default 0.0).
        mode: "min", "max", or "auto" (default: "max" for names containing "acc", else "min").
        restore_best: at the end of training, load the weights of the best epoch (default True).

    Raises:
        ValueError: an invalid `mode`; a `monitor` that fit does not log (when the first epoch ends).

    Examples:
        >>> from chainrule.train import EarlyStopping
        >>> EarlyStopping(monitor="val_accuracy", patience=5).mode
        'max'
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 3, min_delta: float = 0.0, mode: str = "auto",
                 restore_best: bool = True):
        self.monitor, self.patience, self.min_delta, self.restore_best = monitor, patience, min_delta, restore_best
        self.mode = _mode(monitor, mode)
        self.on_train_begin(None)

    def on_train_begin(self, trainer) -> None:
        self.best = -math.inf if self.mode == "max" else math.inf
        self.wait, self.best_epoch, self.best_state, self.stopped_epoch = 0, None, None, None

    def _better(self, v: float) -> bool:
        return v > self.best + self.min_delta if self.mode == "max" else v < self.best - self.min_delta

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        v = _metric("EarlyStopping", self.monitor, logs)
        if self._better(v):
            self.best, self.best_epoch, self.wait = v, epoch, 0
            if self.restore_best:
                self.best_state = {k: t.detach().clone() for k, t in trainer.model.state_dict().items()}
        else:
            self.wait += 1
            if self.wait >= self.patience:
                trainer.stop = True
                self.stopped_epoch = epoch

    def on_train_end(self, trainer) -> None:
        """With restore_best, the model ends with the weights of its best epoch (stopped early or not)."""
        if self.restore_best and self.best_state is not None:
            trainer.model.load_state_dict(self.best_state)


class ModelCheckpoint(Callback):
    """Saves the model (and optimizer) to `path` every epoch, or only when `monitor` improves.

    `path` may hold format fields: "ckpt-{epoch:02d}-{val_accuracy:.4f}.safetensors". Files are written
    atomically (chainrule.save: a temporary file, then a rename), so a crash never leaves half a checkpoint.
    The file holds {"model": state_dict, "epoch": n, "logs": {...}} and, with save_optimizer, "optimizer".

    Args:
        path: the file to write (a format string with `epoch` and the logged values as fields).
        monitor: the logged value that decides "best" (default "val_loss").
        save_best_only: write only when `monitor` improves (default False: every epoch).
        mode: "min", "max", or "auto" (default: "max" for names containing "acc", else "min").
        save_optimizer: include the optimizer's state_dict (default True).

    Raises:
        ValueError: an invalid `mode`.

    Examples:
        >>> from chainrule.train import ModelCheckpoint
        >>> ModelCheckpoint("best.safetensors", save_best_only=True).mode
        'min'
    """

    def __init__(self, path: str, monitor: str = "val_loss", save_best_only: bool = False, mode: str = "auto",
                 save_optimizer: bool = True):
        self.path, self.monitor, self.save_best_only, self.save_optimizer = path, monitor, save_best_only, save_optimizer
        self.mode = _mode(monitor, mode)
        self.on_train_begin(None)

    def on_train_begin(self, trainer) -> None:
        self.best = -math.inf if self.mode == "max" else math.inf
        self.last_path = None

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        from ..serialization import save

        if self.save_best_only:
            v = _metric("ModelCheckpoint", self.monitor, logs)
            if not (v > self.best if self.mode == "max" else v < self.best):
                return
            self.best = v
        obj = {"model": trainer.model.state_dict(), "epoch": epoch, "logs": dict(logs)}
        if self.save_optimizer:
            obj["optimizer"] = trainer.optimizer.state_dict()
        self.last_path = str(self.path).format(epoch=epoch, **logs)
        save(obj, self.last_path)
