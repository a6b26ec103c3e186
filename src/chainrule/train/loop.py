"""fit() and evaluate(): the standard training loop, written once, with PyTorch's objects."""

from __future__ import annotations

import math
import sys
import time

from ..autograd.grad_mode import no_grad
from .history import History
from .metrics import resolve

_PER_BATCH = {"OneCycleLR", "CyclicLR"}  # schedules whose step counts iterations, not epochs


def _progress(iterable, total: int, desc: str, enabled: bool | None):
    """A tqdm bar when tqdm is installed and wanted (None: when stderr is a terminal), else the iterable."""
    if enabled is None:
        try:
            enabled = sys.stderr.isatty()
        except (AttributeError, ValueError):
            enabled = False
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False, dynamic_ncols=True, file=sys.stderr)


def _empty(loader) -> bool:
    """Whether a loader with a length has none (a generator without len() is checked as it runs)."""
    try:
        return len(loader) == 0
    except TypeError:
        return False


def _kinds(obj) -> set:
    """Class names along obj's MRO (so subclasses of OneCycleLR/ReduceLROnPlateau are recognised too)."""
    return {c.__name__ for c in type(obj).__mro__}


def step_interval(scheduler, interval: str = "auto") -> str:
    """'batch' for OneCycleLR/CyclicLR (their step() counts iterations), else 'epoch'; or `interval` if given."""
    if interval not in ("auto", "batch", "epoch"):
        raise ValueError(f"fit: scheduler_interval must be 'auto', 'batch' or 'epoch', got {interval!r}")
    if interval != "auto":
        return interval
    return "batch" if _kinds(scheduler) & _PER_BATCH else "epoch"


def _accumulate(sums: dict, fns: dict, out, yb) -> None:
    for k, fn in fns.items():
        s, c = fn(out, yb)
        sums[k][0] += s
        sums[k][1] += c


def evaluate(model, loader, loss_fn=None, metrics=("accuracy",)) -> dict:
    """Average loss and metrics over a loader, in eval mode and under no_grad (restores the mode after)."""
    fns = resolve(metrics)
    was_training = getattr(model, "training", False)
    model.eval()
    total_loss, n = 0.0, 0
    sums = {k: [0.0, 0] for k in fns}
    try:
        with no_grad():
            for xb, yb in loader:
                out = model(xb)
                b = len(yb)
                if loss_fn is not None:
                    total_loss += float(loss_fn(out, yb).item()) * b
                n += b
                _accumulate(sums, fns, out, yb)
    finally:
        model.train(was_training)
    res = {k: s / max(c, 1) for k, (s, c) in sums.items()}
    if loss_fn is not None:
        res["loss"] = total_loss / max(n, 1)
    return res


class _Trainer:
    """What callbacks see: the model, the optimizer, the history, and a `stop` flag."""

    def __init__(self, model, optimizer, history):
        self.model, self.optimizer, self.history, self.stop = model, optimizer, history, False


def fit(model, loss_fn, optimizer, train_loader, epochs: int, val_loader=None, scheduler=None,
        metrics=("accuracy",), callbacks=(), clip_grad_norm=None, progress: bool | None = None,
        verbose: bool = False, scheduler_interval: str = "auto") -> History:
    """Train for `epochs` epochs; returns a History of per-epoch loss, metrics, val_*, lr and time.

    A OneCycleLR/CyclicLR scheduler is stepped after every batch, any other after every epoch;
    ReduceLROnPlateau gets the epoch's val_loss (the training loss without a val_loader).
    `clip_grad_norm` rescales all gradients to that joint L2 norm before each optimizer step.
    `progress`: a tqdm bar per epoch (True), none (False), or one only when stderr is a terminal (None, the
    default: a log file gets no bar). `verbose` prints one line per epoch.
    `lr` is the first group's learning rate at the start of the epoch; `time` the wall time of the epoch's
    training pass (validation excluded).
    """
    fns = resolve(metrics)
    if _empty(train_loader):
        raise ValueError("fit: train_loader yields no batches (an empty data set?); nothing to train on")
    history = History()
    trainer = _Trainer(model, optimizer, history)
    interval = None if scheduler is None else step_interval(scheduler, scheduler_interval)
    plateau = scheduler is not None and "ReduceLROnPlateau" in _kinds(scheduler)
    if plateau and interval == "batch":
        raise ValueError("fit: ReduceLROnPlateau needs a metric per epoch; use scheduler_interval='epoch'")
    params = [p for g in optimizer.param_groups for p in g["params"]] if clip_grad_norm else None
    if clip_grad_norm:
        from ..nn.utils import clip_grad_norm_
    for cb in callbacks:
        cb.on_train_begin(trainer)
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        total, n = 0.0, 0
        sums = {k: [0.0, 0] for k in fns}
        lr = optimizer.param_groups[0]["lr"]
        bar = _progress(train_loader, len(train_loader), f"epoch {epoch}/{epochs}", progress)
        for xb, yb in bar:
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            lv = float(loss.item())
            if not math.isfinite(lv):
                raise FloatingPointError(
                    f"fit: the loss became {lv} at epoch {epoch}, batch {n // max(len(yb), 1) + 1} (lr "
                    f"{optimizer.param_groups[0]['lr']:.3g}); lower the learning rate, clip gradients "
                    "(clip_grad_norm=1.0), check the inputs for NaN/inf, or run under "
                    "chainrule.autograd.detect_anomaly() to find the op"
                )
            loss.backward()
            if clip_grad_norm:
                clip_grad_norm_(params, clip_grad_norm)
            optimizer.step()
            if interval == "batch":
                scheduler.step()
            b = len(yb)
            total += lv * b
            n += b
            with no_grad():
                _accumulate(sums, fns, out, yb)
            if bar is not train_loader:
                bar.set_postfix(loss=f"{total / n:.4f}")
        if n == 0:
            raise ValueError(f"fit: train_loader yielded no batches in epoch {epoch} (an empty data set?)")
        elapsed = time.perf_counter() - t0
        logs = {"loss": total / max(n, 1), **{k: s / max(c, 1) for k, (s, c) in sums.items()}}
        if val_loader is not None:
            logs.update({f"val_{k}": v for k, v in evaluate(model, val_loader, loss_fn, metrics).items()})
        logs["lr"] = lr
        if scheduler is not None and interval == "epoch":
            if plateau:
                scheduler.step(logs.get("val_loss", logs["loss"]))
            else:
                scheduler.step()
        logs["time"] = elapsed
        history.log(epoch, **logs)
        if verbose:
            print(f"epoch {epoch}/{epochs}  " + "  ".join(_fmt(k, v) for k, v in logs.items()), flush=True)
        for cb in callbacks:
            cb.on_epoch_end(trainer, epoch, logs)
        if trainer.stop:
            break
    for cb in callbacks:
        cb.on_train_end(trainer)
    return history


def _fmt(key: str, v: float) -> str:
    if "accuracy" in key:
        return f"{key} {v * 100:.2f}%"
    if key == "time":
        return f"{key} {v:.1f}s"
    return f"{key} {v:.4g}"
