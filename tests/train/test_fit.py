"""fit() and evaluate(): what they record, modes, grad mode, schedulers, clipping, NaN."""

from __future__ import annotations

import numpy as np
import pytest
from train_helpers import blobs_loader, mlp, weights

import chainrule as cr
from chainrule import nn, optim
from chainrule.data import DataLoader, TensorDataset
from chainrule.optim import lr_scheduler
from chainrule.train import History, evaluate, fit


def test_fit_returns_history_per_epoch():
    model, loader = mlp(4, 8, 2), blobs_loader()
    h = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader, 3, val_loader=loader,
            progress=False)
    assert isinstance(h, History)
    assert h.epochs == [1, 2, 3]
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "time"):
        assert len(h[key]) == 3, key
    assert all(t > 0 for t in h["time"]) and h["lr"] == [0.1] * 3
    assert h["loss"][-1] < h["loss"][0]
    assert h.last("val_accuracy") == 1.0
    assert h.to_dict()["epochs"] == [1, 2, 3] and len(h) == 3 and "val_loss" in h


def test_history_plot():
    pytest.importorskip("matplotlib")
    h = History()
    h.log(1, loss=1.0, accuracy=0.5, lr=0.1, time=1.0)
    h.log(2, loss=0.5, accuracy=0.8, lr=0.1, time=1.0)
    assert len(h.plot().axes) == 3  # loss, metrics, lr


def test_fit_loss_is_the_sample_weighted_mean():
    """The epoch loss averages per-sample, so a short last batch counts for its size (PyTorch's convention)."""
    X = np.arange(10, dtype=np.float32).reshape(5, 2)
    y = np.array([0, 1, 0, 1, 1])
    model = mlp(2, 2)
    loss_fn = nn.CrossEntropyLoss()
    before = evaluate(model, DataLoader(TensorDataset(X, y), batch_size=5), loss_fn)["loss"]
    h = fit(model, loss_fn, optim.SGD(model.parameters(), lr=0.0), DataLoader(TensorDataset(X, y), batch_size=2),
            1, progress=False)
    assert h["loss"][0] == pytest.approx(before, rel=1e-5)


class _Probe(nn.Module):
    """Records the training flag and grad mode seen by each forward."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 2)
        self.seen = []

    def forward(self, x):
        self.seen.append((self.training, cr.is_grad_enabled()))
        return self.lin(x)


@pytest.mark.parametrize("start_training", [True, False])
def test_evaluate_uses_eval_mode_and_no_grad_and_restores_mode(start_training):
    model = _Probe()
    model.train(start_training)
    res = evaluate(model, blobs_loader(n=32), nn.CrossEntropyLoss())
    assert set(model.seen) == {(False, False)}
    assert model.training is start_training
    assert set(res) == {"accuracy", "loss"}


def test_evaluate_restores_mode_after_an_error():
    model = _Probe()
    model.train()
    bad = [(cr.zeros(2, 4), cr.tensor([0, 5]))]  # class 5 of 2: the loss raises
    with pytest.raises(Exception):  # noqa: B017 - whatever the loss raises
        evaluate(model, bad, nn.CrossEntropyLoss())
    assert model.training


def test_fit_trains_in_train_mode_and_validates_in_eval_mode():
    model = _Probe()
    loader = blobs_loader(n=32)
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader, 1, val_loader=loader,
        progress=False)
    assert model.seen[:2] == [(True, True), (True, True)]
    assert model.seen[2:] == [(False, False), (False, False)]
    assert model.training


def test_onecycle_is_stepped_per_batch():
    model, loader = mlp(4, 8, 2), blobs_loader(n=64, batch_size=16)  # 4 batches an epoch
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=3, steps_per_epoch=len(loader))
    h = fit(model, nn.CrossEntropyLoss(), opt, loader, 3, scheduler=sched, progress=False)
    assert sched.last_epoch == 3 * len(loader)
    assert h["lr"][0] == pytest.approx(0.1 / 25)  # the start of the cycle: max_lr / div_factor
    assert h["lr"][0] < h["lr"][1] > h["lr"][2]  # warm-up to max_lr within epoch 1, then annealing


def test_step_lr_is_stepped_per_epoch():
    model, loader = mlp(4, 8, 2), blobs_loader()
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    h = fit(model, nn.CrossEntropyLoss(), opt, loader, 3, scheduler=sched, progress=False)
    assert h["lr"] == pytest.approx([0.1, 0.05, 0.025])
    assert sched.last_epoch == 3


def test_scheduler_interval_can_be_forced():
    model, loader = mlp(4, 8, 2), blobs_loader(n=64, batch_size=16)
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    fit(model, nn.CrossEntropyLoss(), opt, loader, 2, scheduler=sched, scheduler_interval="batch", progress=False)
    assert sched.last_epoch == 8
    with pytest.raises(ValueError, match="scheduler_interval"):
        fit(model, nn.CrossEntropyLoss(), opt, loader, 1, scheduler=sched, scheduler_interval="step",
            progress=False)


class _RecordingPlateau(lr_scheduler.ReduceLROnPlateau):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.metrics = []

    def step(self, metrics, epoch=None):
        self.metrics.append(float(metrics))
        super().step(metrics, epoch)


def test_reduce_lr_on_plateau_gets_the_val_loss():
    model, loader = mlp(4, 8, 2), blobs_loader()
    val = blobs_loader(seed=1)
    opt = optim.SGD(model.parameters(), lr=0.05)
    sched = _RecordingPlateau(opt, patience=0, factor=0.5)
    h = fit(model, nn.CrossEntropyLoss(), opt, loader, 3, val_loader=val, scheduler=sched, progress=False)
    assert sched.metrics == pytest.approx(h["val_loss"])


def test_reduce_lr_on_plateau_without_val_gets_the_training_loss():
    model, loader = mlp(4, 8, 2), blobs_loader()
    opt = optim.SGD(model.parameters(), lr=0.05)
    sched = _RecordingPlateau(opt, patience=0, factor=0.5)
    h = fit(model, nn.CrossEntropyLoss(), opt, loader, 2, scheduler=sched, progress=False)
    assert sched.metrics == pytest.approx(h["loss"])


def _one_step_change(clip):
    model = mlp(4, 16, 2)
    before = weights(model)
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=1.0), blobs_loader(n=16, batch_size=16), 1,
        clip_grad_norm=clip, progress=False)
    after = weights(model)
    return np.sqrt(sum(((after[k] - before[k]) ** 2).sum() for k in before))


def test_clip_grad_norm_is_applied():
    # one SGD step with lr 1 moves the weights by exactly the (clipped) gradient: its joint norm
    assert _one_step_change(None) > 0.01
    assert _one_step_change(1e-3) == pytest.approx(1e-3, rel=1e-3)


def test_a_nan_loss_raises_a_clear_error():
    X = np.ones((8, 4), dtype=np.float32)
    X[5, 2] = np.nan
    model = mlp(4, 8, 2)
    before = weights(model)
    loader = DataLoader(TensorDataset(X, np.zeros(8, dtype=np.int64)), batch_size=4)
    with pytest.raises(FloatingPointError, match=r"loss became nan at epoch 1, batch 2.*learning rate"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.0), loader, 1, progress=False)
    after = weights(model)
    assert all(np.isfinite(a).all() for a in after.values())  # the NaN batch never reached the weights
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_verbose_prints_one_line_per_epoch(capsys):
    model, loader = mlp(4, 8, 2), blobs_loader()
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader, 2, progress=False,
        verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("epoch 2/2") and "accuracy" in lines[1]


def test_custom_metric_and_unknown_metric():
    model, loader = mlp(4, 8, 2), blobs_loader()

    def n_seen(out, y):
        return float(len(y)), 1

    h = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader, 1,
            metrics=("accuracy", n_seen), progress=False)
    assert h["n_seen"] == [16.0]
    with pytest.raises(ValueError, match="unknown metric"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader, 1, metrics=("f1",))
