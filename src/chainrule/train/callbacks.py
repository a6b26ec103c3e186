"""Callbacks for fit(): EarlyStopping and ModelCheckpoint."""

from __future__ import annotations

import math


class Callback:
    """Hooks called by fit(); `on_epoch_end` may set `trainer.stop = True`."""

    def on_train_begin(self, trainer) -> None:
        pass

    def on_epoch_end(self, trainer, epoch: int, logs: dict) -> None:
        pass

    def on_train_end(self, trainer) -> None:
        pass


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by `min_delta` for `patience` epochs; optionally restore the best."""

    def __init__(self, monitor: str = "val_loss", patience: int = 3, min_delta: float = 0.0, mode: str = "auto",
                 restore_best: bool = True):
        self.monitor, self.patience, self.min_delta, self.restore_best = monitor, patience, min_delta, restore_best
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode
        self.best = -math.inf if self.mode == "max" else math.inf
        self.wait = 0
        self.best_state = None
        self.stopped_epoch = None

    def _better(self, v: float) -> bool:
        return v > self.best + self.min_delta if self.mode == "max" else v < self.best - self.min_delta

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        if self.monitor not in logs:
            raise KeyError(f"EarlyStopping: metric {self.monitor!r} not logged; have {sorted(logs)}")
        v = logs[self.monitor]
        if self._better(v):
            self.best, self.wait = v, 0
            if self.restore_best:
                self.best_state = {k: t.detach().clone() for k, t in trainer.model.state_dict().items()}
        else:
            self.wait += 1
            if self.wait >= self.patience:
                trainer.stop = True
                self.stopped_epoch = epoch

    def on_train_end(self, trainer) -> None:
        if self.restore_best and self.best_state is not None and self.stopped_epoch is not None:
            trainer.model.load_state_dict(self.best_state)


class ModelCheckpoint(Callback):
    """Save the model (and optimizer) to `path` every epoch, or only when `monitor` improves (save_best_only)."""

    def __init__(self, path: str, monitor: str = "val_loss", save_best_only: bool = False, mode: str = "auto",
                 save_optimizer: bool = True):
        self.path, self.monitor, self.save_best_only, self.save_optimizer = path, monitor, save_best_only, save_optimizer
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode
        self.best = -math.inf if self.mode == "max" else math.inf

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        from ..serialization import save

        if self.save_best_only:
            v = logs.get(self.monitor)
            if v is None:
                raise KeyError(f"ModelCheckpoint: metric {self.monitor!r} not logged; have {sorted(logs)}")
            if not (v > self.best if self.mode == "max" else v < self.best):
                return
            self.best = v
        obj = {"model": trainer.model.state_dict(), "epoch": epoch}
        if self.save_optimizer:
            obj["optimizer"] = trainer.optimizer.state_dict()
        save(obj, str(self.path).format(epoch=epoch, **logs))
