"""What a new user trips over on the command line: every mistake ends in one clear line and exit status 2."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli import main


@pytest.fixture(autouse=True)
def quiet_data(tmp_path, monkeypatch):
    """No data sets anywhere, the decoded-data cache in a temp folder, NumPy's BLAS on one thread."""
    from chainrule.utils.threads import blas_threads

    empty = tmp_path / "nodata"
    empty.mkdir()
    monkeypatch.setenv("CHAINRULE_DATA", str(empty))
    monkeypatch.setenv("CHAINRULE_CACHE", str(tmp_path / "cache"))
    with blas_threads(1):
        yield


def usage_error(capsys, argv) -> str:
    """argparse's own refusal: exit 2, the last stderr line names the option and why."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def user_error(capsys, argv, one_line: bool = True) -> str:
    """A mistake found after parsing: exit 2, one line on stderr (a missing data set: the folders searched
    too), no traceback, no training output."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert (len(lines) == 1 or not one_line) and "Traceback" not in captured.err, captured.err
    assert "epoch" not in captured.out
    return lines[0] if one_line else captured.err


@pytest.mark.parametrize(
    "option, value, why",
    [
        ("--epochs", "0", "whole number >= 1"),
        ("--epochs", "-1", "whole number >= 1"),
        ("--lr", "-1", "finite number > 0"),
        ("--lr", "nan", "finite number"),
        ("--lr", "inf", "finite number"),
        ("--lr", "0", "> 0"),
        ("--batch-size", "0", ">= 1"),
        ("--hidden", "abc", "not a whole number"),
        ("--hidden", "64,0", ">= 1"),
        ("--hidden", "64,,8", "separated by commas"),
        ("--subset", "0", ">= 1"),
        ("--subset", "-5", ">= 1"),
        ("--dropout", "-0.5", "[0, 1)"),
        ("--dropout", "1", "[0, 1)"),
        ("--threads", "0", ">= 1"),
        ("--seed", "-1", ">= 0"),
        ("--val-fraction", "1.5", "[0, 1)"),
    ],
)
def test_train_refuses_bad_option_values(capsys, option, value, why):
    line = usage_error(capsys, ["train", "--dataset", "rings", option, value])
    assert line.startswith("chainrule train: error: argument " + option) and why in line


def test_evaluate_refuses_a_zero_batch_size(capsys):
    assert "whole number >= 1" in usage_error(capsys, ["evaluate", "--load", "x", "--batch-size", "0"])


def test_playground_refuses_a_port_out_of_range(capsys):
    pytest.importorskip("uvicorn")
    assert "port number 0-65535" in usage_error(capsys, ["playground", "--port", "99999"])


def test_playground_says_when_the_port_is_taken(capsys):
    pytest.importorskip("uvicorn")
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["playground", "--port", str(port), "--no-browser"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"cannot listen on 127.0.0.1:{port}" in err[0]


# ---- evaluate --load: what cannot be loaded ---------------------------------------------------------------
def _trained(tmp_path, capsys) -> str:
    path = str(tmp_path / "rings.safetensors")
    assert main(["train", "--dataset", "rings", "--epochs", "1", "--no-progress", "--save", path]) == 0
    capsys.readouterr()
    return path


def test_evaluate_refuses_missing_truncated_pickled_and_folder_files(tmp_path, capsys):
    good = _trained(tmp_path, capsys)
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(Path(good).read_bytes()[:300])
    pickled = tmp_path / "model.pt"
    pickled.write_bytes(pickle.dumps({"w": [1.0, 2.0]}))
    cases = {
        str(tmp_path / "missing.safetensors"): "no such file",
        str(truncated): "truncated or corrupt",
        str(pickled): "pickle",
        str(tmp_path): "is a directory",
    }
    for path, why in cases.items():
        line = user_error(capsys, ["evaluate", "--load", path])
        assert line.startswith("chainrule evaluate: ") and why in line, line


def _tampered(tmp_path, capsys, change) -> str:
    path = _trained(tmp_path, capsys)
    obj = cr.load(path)
    change(obj["meta"])
    cr.save(obj, path)
    return path


@pytest.mark.parametrize(
    "change, why",
    [
        (lambda m: m.update(dataset="../../etc/passwd"), "unknown data set"),
        (lambda m: m.update(model="resnet"), "unknown model"),
        (lambda m: m["config"].update(hidden="100000000,100000000"), "parameters"),
        (lambda m: m["config"].update(hidden="abc"), "not a whole number"),
        (lambda m: m.update(n_classes=10**12), "not a size"),
        (lambda m: m.update(meta=None, config="x"), "no model configuration"),
    ],
)
def test_evaluate_refuses_tampered_metadata_before_allocating(tmp_path, capsys, monkeypatch, change, why):
    from chainrule import runner

    def no_build(*args, **kwargs):
        raise AssertionError("the model was built from tampered metadata")

    path = _tampered(tmp_path, capsys, change)
    monkeypatch.setattr(runner, "build_model", no_build)
    line = user_error(capsys, ["evaluate", "--load", path])
    assert line.startswith("chainrule evaluate: "), line
    assert why in line and "altered" in line, line


def test_evaluate_refuses_weights_that_do_not_fit_the_metadata(tmp_path, capsys):
    def wider(meta):
        meta["config"]["hidden"] = "8"

    line = user_error(capsys, ["evaluate", "--load", _tampered(tmp_path, capsys, wider)])
    assert "do not fit the model" in line


# ---- experiment --out ---------------------------------------------------------------------------------------
def test_experiment_out_must_be_a_writable_folder(tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for out, why in (
        (a_file, "is a file"),
        (a_file / "sub", "cannot write there"),
        ("/proc/chainrule-out", "cannot write there"),
    ):
        assert main(["experiment", "xor", "--quick", "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"chainrule experiment: --out {out}: {why}"), err


# ---- --save is checked before training ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "where, why",
    [
        ("folder", "is a folder"),
        ("missing/m.safetensors", "does not exist"),
        ("/proc/m.safetensors", "cannot write into /proc"),
    ],
)
def test_a_bad_save_path_is_refused_before_training(tmp_path, capsys, monkeypatch, where, why):
    from chainrule import train

    (tmp_path / "folder").mkdir()
    monkeypatch.setattr(train, "fit", lambda *a, **k: pytest.fail("trained before checking --save"))
    path = where if where.startswith("/") else str(tmp_path / where)
    line = user_error(capsys, ["train", "--dataset", "rings", "--save", path])
    assert line.startswith(f"chainrule train: --save {path}: ") and why in line, line


# ---- sizes: an empty data set, a network larger than memory --------------------------------------------------
def test_hidden_too_large_for_memory_is_refused_before_allocating(capsys, monkeypatch):
    from chainrule import runner

    monkeypatch.setattr(runner, "build_model", lambda *a, **k: pytest.fail("allocated the model"))
    line = user_error(capsys, ["train", "--dataset", "rings", "--hidden", "100000000"])
    assert "--hidden 100000000" in line and "parameters" in line and "of memory" in line


def test_fit_refuses_an_empty_loader():
    from chainrule import nn, optim
    from chainrule.data import DataLoader, TensorDataset
    from chainrule.train import fit

    model = nn.Linear(2, 2)
    empty = DataLoader(TensorDataset(np.zeros((0, 2), np.float32), np.zeros(0, np.int64)), batch_size=4)
    with pytest.raises(ValueError, match="fit: train_loader yields no batches"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), empty, 1, progress=False)


# ---- MNIST-style files: corrupt, empty, downloaded ---------------------------------------------------------------
STEMS = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def fake_mnist(folder, n_train: int = 60, n_test: int = 20) -> dict:
    """The four gzip'd IDX files of a tiny MNIST (class = which quarter of the image is bright); {name: md5}."""
    from chainrule.data.datasets.idx import write_idx

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    md5 = {}
    for stem, n in zip(STEMS, (n_train, n_train, n_test, n_test)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        if "images" in stem:
            data = (rng.random((n, 28, 28)) * 255).astype(np.uint8)
        else:
            data = labels
        write_idx(folder / f"{stem}.gz", data)
        md5[f"{stem}.gz"] = hashlib.md5((folder / f"{stem}.gz").read_bytes()).hexdigest()
    return md5


def test_a_corrupt_idx_file_is_one_line(tmp_path, capsys):
    data = tmp_path / "mnist"
    fake_mnist(data)
    (data / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x03garbage"))
    line = user_error(capsys, ["train", "--dataset", "mnist", "--data-dir", str(data), "--no-progress"])
    assert (
        line.startswith("chainrule train: ") and "train-images-idx3-ubyte.gz" in line and "truncated" in line
    )


def test_training_on_an_empty_data_set_is_an_error(tmp_path, capsys):
    data = tmp_path / "mnist"
    fake_mnist(data, n_train=0)
    line = user_error(capsys, ["train", "--dataset", "mnist", "--data-dir", str(data), "--no-progress"])
    assert "training set is empty" in line


def _mirror(tmp_path, monkeypatch, md5=None):
    from chainrule.data.datasets import vision

    served = tmp_path / "mirror"
    real = fake_mnist(served)
    spec = dataclasses.replace(vision.MNIST, mirrors=(served.as_uri() + "/",), md5=md5 or real)
    monkeypatch.setattr(vision, "MNIST", spec)
    return served


def test_download_fetches_a_missing_data_set_and_checks_it(tmp_path, capsys, monkeypatch):
    _mirror(tmp_path, monkeypatch)
    target = tmp_path / "data"
    argv = ["train", "--dataset", "mnist", "--data-dir", str(target), "--epochs", "1", "--no-progress"]
    assert "--download" in user_error(
        capsys, argv, one_line=False
    )  # without it: where it looked, and the flag to fetch
    assert main([*argv, "--download"]) == 0
    out = capsys.readouterr().out
    assert "chainrule train: mnist (54 train / 6 validation / 20 test)" in out and "test accuracy" in out
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{s}.gz" for s in STEMS)


def test_download_with_a_wrong_checksum_is_refused(tmp_path, capsys, monkeypatch):
    _mirror(tmp_path, monkeypatch, md5={f"{s}.gz": "0" * 32 for s in STEMS})
    target = tmp_path / "data"
    line = user_error(capsys, ["train", "--dataset", "mnist", "--data-dir", str(target), "--download"])
    assert "MD5" in line and "expected 00000000" in line
    assert not any(target.glob("*.gz"))  # nothing unverified is kept


# ---- validation split, test set once, progress output ---------------------------------------------------------
def test_validation_comes_from_the_training_set_and_the_test_set_is_used_once(tmp_path, capsys, monkeypatch):
    from chainrule import train

    calls = []
    real = train.evaluate

    def counting(model, loader, *a, **k):
        calls.append(len(loader.dataset))
        return real(model, loader, *a, **k)

    monkeypatch.setattr(train, "evaluate", counting)
    monkeypatch.setattr("chainrule.train.loop.evaluate", counting)
    path = tmp_path / "m.safetensors"
    assert main(["train", "--dataset", "rings", "--epochs", "2", "--no-progress", "--save", str(path)]) == 0
    out = capsys.readouterr().out
    assert "rings (900 train / 100 validation / 1000 test)" in out
    epochs = [line for line in out.splitlines() if line.startswith("epoch ")]
    assert len(epochs) == 2 and all("val_accuracy" in line and "test" not in line for line in epochs)
    assert out.count("test accuracy") == 1 and "evaluated once" in out
    assert calls == [100, 100, 1000]  # validation after each epoch, the test set once at the end
    splits = cr.load(str(path))["meta"]["splits"]
    assert (splits["train"]["size"], splits["validation"]["size"], splits["test"]["size"]) == (900, 100, 1000)
    assert "training set" in splits["validation"]["from"] and "test set" in splits["test"]["from"]
    assert splits["test"]["accuracy"] == cr.load(str(path))["meta"]["test_accuracy"]
    json.dumps(splits)


def test_val_fraction_zero_holds_nothing_out(capsys):
    assert main(["train", "--dataset", "rings", "--epochs", "1", "--no-progress", "--val-fraction", "0"]) == 0
    out = capsys.readouterr().out
    assert "rings (1000 train / 1000 test)" in out and "val_" not in out


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_bars_only_on_a_terminal(capsys, monkeypatch, terminal):
    import sys

    from chainrule import train

    seen = []
    real = train.fit
    monkeypatch.setattr(train, "fit", lambda *a, **k: seen.append(k["progress"]) or real(*a, **k))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: terminal, raising=False)
    assert main(["train", "--dataset", "rings", "--epochs", "2"]) == 0
    captured = capsys.readouterr()
    assert seen == [terminal]
    if not terminal:  # piped: one line per epoch, no bar
        assert [line[:10] for line in captured.out.splitlines() if line.startswith("epoch")] == [
            "epoch 1/2 ",
            "epoch 2/2 ",
        ]
        assert "\r" not in captured.err and "it/s" not in captured.err


def test_fit_draws_no_bar_into_a_log_by_default(capsys):
    """fit(progress=None), the default: a bar only when stderr is a terminal (a captured one is not)."""
    pytest.importorskip("tqdm")
    from chainrule import nn, optim
    from chainrule.data import DataLoader, TensorDataset
    from chainrule.train import fit

    model = nn.Linear(2, 2)
    data = DataLoader(TensorDataset(np.zeros((8, 2), np.float32), np.zeros(8, np.int64)), batch_size=4)
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), data, 2)
    assert capsys.readouterr().err == ""
