"""`chainrule train --checkpoint / --resume` in one process (no MPI needed): an interrupted run, resumed,
ends with the numbers of the uninterrupted one; bad files are refused cleanly."""

import pytest

from chainrule import serialization
from chainrule.cli import main

ARGS = ["train", "--dataset", "moons", "--epochs", "4", "--threads", "1", "--no-progress"]


def _final(out: str) -> str:
    line = [ln for ln in out.splitlines() if ln.startswith("test accuracy")][-1]
    return line.split("(")[0].strip()


def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, capsys, monkeypatch):
    assert main([*ARGS, "--checkpoint", str(tmp_path / "full.safetensors")]) == 0
    full = capsys.readouterr().out
    assert "epoch 4/4" in full
    real_save = serialization.save

    def save_then_crash(obj, f):
        real_save(obj, f)
        if isinstance(obj, dict) and obj.get("epoch") == 2:
            raise KeyboardInterrupt("simulated crash after epoch 2")

    monkeypatch.setattr(serialization, "save", save_then_crash)
    ck = tmp_path / "ck.safetensors"
    with pytest.raises(KeyboardInterrupt):
        main([*ARGS, "--checkpoint", str(ck)])
    monkeypatch.setattr(serialization, "save", real_save)
    capsys.readouterr()
    saved = serialization.load(ck)
    assert saved["epoch"] == 2 and {"model", "optimizer", "scheduler", "rng", "meta"} <= set(saved)
    assert main(["train", "--resume", str(ck), "--threads", "1"]) == 0
    resumed = capsys.readouterr().out
    assert "resuming" in resumed and "epoch 3/4" in resumed and "epoch 2/4" not in resumed
    assert _final(resumed) == _final(full)


def test_bad_resume_file(tmp_path, capsys):
    assert main(["train", "--resume", str(tmp_path / "missing.safetensors")]) == 2
    assert "no such file" in capsys.readouterr().err
    serialization.save({"model": {}}, tmp_path / "w.safetensors")
    assert main(["train", "--resume", str(tmp_path / "w.safetensors")]) == 2
    assert "not a file written by `chainrule train --checkpoint`" in capsys.readouterr().err
