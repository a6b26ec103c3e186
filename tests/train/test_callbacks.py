"""EarlyStopping and ModelCheckpoint."""

from __future__ import annotations

import os

import numpy as np
import pytest
from train_helpers import blobs_loader, mlp, weights

import chainrule as cr
from chainrule import nn, optim
from chainrule.train import Callback, EarlyStopping, ModelCheckpoint, fit


def scripted(values):
    """A metric named 'score' whose epoch value is values[epoch - 1] (one batch per epoch)."""
    it = iter(values)

    def score(out, y):
        return float(next(it)), 1

    return score


class Snapshots(Callback):
    """The weights at the end of each epoch."""

    def __init__(self):
        self.by_epoch = {}

    def on_epoch_end(self, trainer, epoch, logs):
        self.by_epoch[epoch] = weights(trainer.model)


def _fit(model, epochs, callbacks, values, lr=0.5):
    loader = blobs_loader(n=16, batch_size=16)  # one batch per epoch
    return fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr), loader, epochs,
               metrics=(scripted(values),), callbacks=callbacks, progress=False)


def test_early_stopping_stops_and_restores_the_best_weights():
    model, snaps = mlp(4, 8, 2), Snapshots()
    stop = EarlyStopping(monitor="score", mode="max", patience=2)
    h = _fit(model, 10, [snaps, stop], [0.1, 0.5, 0.9, 0.4, 0.3, 0.95, 0.99])
    assert h.epochs == [1, 2, 3, 4, 5] and stop.stopped_epoch == 5
    assert stop.best == 0.9 and stop.best_epoch == 3
    now = weights(model)
    assert all(np.array_equal(now[k], snaps.by_epoch[3][k]) for k in now)
    assert not all(np.array_equal(now[k], snaps.by_epoch[5][k]) for k in now)


def test_early_stopping_min_delta_and_min_mode():
    model = mlp(4, 8, 2)
    stop = EarlyStopping(monitor="score", patience=1, min_delta=0.1, restore_best=False)  # mode min (not acc)
    h = _fit(model, 10, [stop], [1.0, 0.95, 0.5, 0.45])
    assert stop.mode == "min" and h.epochs == [1, 2]  # 0.95 is not 0.1 better than 1.0


def test_early_stopping_is_reusable_and_names_missing_metrics():
    stop = EarlyStopping(monitor="score", mode="max", patience=1)
    _fit(mlp(4, 8, 2), 5, [stop], [0.5, 0.4])
    h = _fit(mlp(4, 8, 2), 3, [stop], [0.1, 0.2, 0.3])  # a fresh run starts from a fresh best
    assert h.epochs == [1, 2, 3] and stop.stopped_epoch is None and stop.best == 0.3
    with pytest.raises(KeyError, match="'val_loss' not logged.*val_loader"):
        _fit(mlp(4, 8, 2), 1, [EarlyStopping()], [0.0])


def test_model_checkpoint_writes_a_loadable_file(tmp_path):
    model = mlp(4, 8, 2)
    path = tmp_path / "ckpt.safetensors"
    cb = ModelCheckpoint(str(path), monitor="loss")
    _fit(model, 2, [cb], [0, 0])
    obj = cr.load(str(path))
    assert obj["epoch"] == 2 and set(obj) == {"model", "epoch", "logs", "optimizer"}
    fresh = mlp(4, 8, 2, seed=123)
    fresh.load_state_dict(obj["model"])
    x = cr.randn(5, 4)
    with cr.no_grad():
        assert np.array_equal(fresh(x).numpy(), model(x).numpy())
    opt = optim.SGD(fresh.parameters(), lr=0.5)
    opt.load_state_dict(obj["optimizer"])
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]  # no temporary files left behind


def test_model_checkpoint_best_only_and_formatted_names(tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "e{epoch:02d}-{score:.1f}.safetensors"), monitor="score", mode="max",
                         save_best_only=True, save_optimizer=False)
    _fit(mlp(4, 8, 2), 4, [cb], [0.2, 0.1, 0.7, 0.3])
    assert sorted(os.listdir(tmp_path)) == ["e01-0.2.safetensors", "e03-0.7.safetensors"]
    assert "optimizer" not in cr.load(cb.last_path)


def test_model_checkpoint_is_atomic(tmp_path, monkeypatch):
    """A save that dies half-way leaves the previous checkpoint intact and no temporary file."""
    import safetensors.numpy

    path = tmp_path / "ckpt.safetensors"
    model = mlp(4, 8, 2)
    _fit(model, 1, [ModelCheckpoint(str(path), monitor="loss")], [0])
    good = path.read_bytes()

    def dies(tensors, filename, metadata=None):
        with open(filename, "wb") as f:
            f.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(safetensors.numpy, "save_file", dies)
    with pytest.raises(OSError, match="disk full"):
        _fit(model, 1, [ModelCheckpoint(str(path), monitor="loss")], [0])
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]
