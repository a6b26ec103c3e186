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
    """Average loss and metrics of `model` over a loader, in eval mode and without recording a graph.

    The model's train/eval mode is restored afterwards (eval mode matters for dropout and batch norm).

    Args:
        model: a Module (or any callable mapping a batch of inputs to outputs).
        loader: yields (inputs, targets) batches, e.g. a DataLoader.
        loss_fn: a loss `loss_fn(output, target)`; when given, the result has "loss" (the per-sample mean).
        metrics: metric names ("accuracy") or callables `fn(output, target) -> (sum, count)`
            (default ("accuracy",)).

    Returns:
        A dict {metric name: mean over all samples}, plus "loss" when `loss_fn` is given.

    Raises:
        ValueError: an unknown metric name.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import DataLoader, TensorDataset
        >>> from chainrule.train import evaluate
        >>> model = cr.nn.Linear(2, 2)
        >>> loader = DataLoader(TensorDataset(cr.randn(8, 2), cr.tensor([0, 1] * 4)), batch_size=4)
        >>> sorted(evaluate(model, loader, cr.nn.CrossEntropyLoss()))
        ['accuracy', 'loss']
    """
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
    """Trains `model` for `epochs` epochs: for each batch, forward, zero_grad, backward, (clip), step.

    After each epoch it evaluates on `val_loader` (in eval mode), steps the scheduler and calls the callbacks.
    A OneCycleLR/CyclicLR scheduler is stepped after every batch, any other after every epoch;
    ReduceLROnPlateau gets the epoch's val_loss (the training loss without a val_loader).

    Args:
        model: the Module to train (put in train mode for each epoch).
        loss_fn: `loss_fn(output, target)` returning a scalar Tensor, e.g. `nn.CrossEntropyLoss()`.
        optimizer: an optimizer over the model's parameters.
        train_loader: yields (inputs, targets) batches.
        epochs: number of passes over `train_loader`.
        val_loader: batches to evaluate on after each epoch (default None); adds val_loss and val_<metric>.
        scheduler: a learning-rate scheduler (default None).
        metrics: metric names ("accuracy") or callables `fn(output, target) -> (sum, count)`.
        callbacks: objects with on_train_begin / on_epoch_end / on_train_end (EarlyStopping, ModelCheckpoint).
        clip_grad_norm: if set, rescale all gradients to at most this joint L2 norm before each step.
        progress: a tqdm bar per epoch (True), none (False), or one only when stderr is a terminal (None, the
            default: a log file gets no bar); needs tqdm.
        verbose: print one line per epoch (default False).
        scheduler_interval: "auto" (default), "batch" or "epoch": when to step the scheduler.

    Returns:
        A History: `history.history["loss"]`, `["accuracy"]`, `["val_loss"]`, `["val_accuracy"]`, `["lr"]` (the
        first group's learning rate at the start of the epoch) and `["time"]` (the training pass's wall time),
        one value per epoch.

    Raises:
        FloatingPointError: the loss became NaN or infinite (the message names the epoch, the batch and fixes).
        ValueError: an empty train_loader, an unknown scheduler_interval or metric, or ReduceLROnPlateau with
            scheduler_interval="batch".

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import DataLoader, TensorDataset
        >>> from chainrule.train import fit
        >>> X, y = cr.randn(64, 2), cr.randint(0, 2, (64,))
        >>> model = cr.nn.Sequential(cr.nn.Linear(2, 8), cr.nn.ReLU(), cr.nn.Linear(8, 2))
        >>> history = fit(model, cr.nn.CrossEntropyLoss(), cr.optim.Adam(model.parameters()),
        ...               DataLoader(TensorDataset(X, y), batch_size=16), epochs=3, progress=False)
        >>> len(history), sorted(history.history)
        (3, ['accuracy', 'loss', 'lr', 'time'])
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
