"""fit() and evaluate(): the standard training loop, written once, with PyTorch's objects."""

from __future__ import annotations

import math
import sys
import time

from ..autograd.grad_mode import no_grad
from .history import History
from .metrics import resolve

_PER_BATCH = {"OneCycleLR", "CyclicLR"}


def _progress(iterable, total: int, desc: str, enabled: bool):
    """A tqdm bar when tqdm is installed and wanted, else the iterable itself."""
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False, dynamic_ncols=True, file=sys.stderr)


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
                for k, fn in fns.items():
                    s, c = fn(out, yb)
                    sums[k][0] += s
                    sums[k][1] += c
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
        metrics=("accuracy",), callbacks=(), clip_grad_norm=None, progress: bool = True, verbose: bool = False,
        scheduler_interval: str = "auto") -> History:
    """Train for `epochs` epochs; returns a History of per-epoch loss, metrics, learning rate and time."""
    fns = resolve(metrics)
    history = History()
    trainer = _Trainer(model, optimizer, history)
    interval = scheduler_interval
    if interval == "auto":
        interval = "batch" if type(scheduler).__name__ in _PER_BATCH else "epoch"
    params = [p for g in optimizer.param_groups for p in g["params"]] if clip_grad_norm else None
    for cb in callbacks:
        cb.on_train_begin(trainer)
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        total, n = 0.0, 0
        sums = {k: [0.0, 0] for k in fns}
        bar = _progress(train_loader, len(train_loader), f"epoch {epoch}/{epochs}", progress)
        for xb, yb in bar:
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            if clip_grad_norm:
                from ..nn.utils import clip_grad_norm_

                clip_grad_norm_(params, clip_grad_norm)
            optimizer.step()
            if scheduler is not None and interval == "batch":
                scheduler.step()
            lv = float(loss.item())
            if not math.isfinite(lv):
                raise FloatingPointError(
                    f"fit: the loss became {lv} at epoch {epoch}; lower the learning rate, or run under "
                    "chainrule.autograd.detect_anomaly() to find the op"
                )
            b = len(yb)
            total += lv * b
            n += b
            with no_grad():
                for k, fn in fns.items():
                    s, c = fn(out, yb)
                    sums[k][0] += s
                    sums[k][1] += c
            if bar is not train_loader:
                bar.set_postfix(loss=f"{total / n:.4f}")
        logs = {"loss": total / max(n, 1), **{k: s / max(c, 1) for k, (s, c) in sums.items()}}
        if val_loader is not None:
            logs.update({f"val_{k}": v for k, v in evaluate(model, val_loader, loss_fn, metrics).items()})
        logs["lr"] = optimizer.param_groups[0]["lr"]
        if scheduler is not None and interval == "epoch":
            if type(scheduler).__name__ == "ReduceLROnPlateau":
                scheduler.step(logs.get("val_loss", logs["loss"]))
            else:
                scheduler.step()
        logs["time"] = time.perf_counter() - t0
        history.log(epoch, **logs)
        if verbose:
            print(f"epoch {epoch}/{epochs}  " + "  ".join(f"{k} {v:.4g}" for k, v in logs.items()), flush=True)
        for cb in callbacks:
            cb.on_epoch_end(trainer, epoch, logs)
        if trainer.stop:
            break
    for cb in callbacks:
        cb.on_train_end(trainer)
    return history
