"""chainrule.save / load against crashes and altered files: orphaned temporary files, deep nesting, keys."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule as cr
from chainrule import serialization

SRC = str(Path(serialization.__file__).resolve().parents[1])


def _orphans(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_save_killed_midway_leaves_a_file_the_next_save_removes(tmp_path):
    """SIGKILL after the temporary file exists: the old checkpoint survives, and the next save cleans up."""
    target = tmp_path / "ckpt.safetensors"
    cr.save({"w": cr.ones(3)}, str(target))
    script = f"""
import os, signal, sys
sys.path.insert(0, {SRC!r})
import safetensors.numpy
import chainrule as cr
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
safetensors.numpy.save_file = die
cr.save({{"w": cr.zeros(3)}}, {str(target)!r})
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert len(_orphans(tmp_path)) == 1  # what a killed writer leaves
    assert float(cr.load(str(target))["w"].sum()) == 3.0  # the old checkpoint is intact
    cr.save({"w": cr.full((3,), 2.0)}, str(target))
    assert _orphans(tmp_path) == []
    assert float(cr.load(str(target))["w"].sum()) == 6.0


def test_a_live_writers_temporary_file_is_kept(tmp_path):
    """Another process saving to the same path right now keeps its file (only dead writers' files go)."""
    target = tmp_path / "ckpt.safetensors"
    live = tmp_path / f".ckpt.safetensors.{os.getppid()}.0123456789ab.tmp"
    other = tmp_path / ".other.safetensors.999999999.0123456789ab.tmp"  # another file's: not ours to touch
    live.write_bytes(b"partial")
    other.write_bytes(b"partial")
    cr.save({"w": cr.ones(1)}, str(target))
    assert live.exists() and other.exists()


def _nested(depth: int):
    v = 1
    for _ in range(depth):
        v = [v]
    return v


def test_save_refuses_nesting_that_load_would_refuse(tmp_path):
    path = tmp_path / "deep.safetensors"
    cr.save({"ok": _nested(serialization.MAX_DEPTH - 5)}, str(path))  # deep but allowed: round-trips
    assert cr.load(str(path))["ok"] == _nested(serialization.MAX_DEPTH - 5)
    with pytest.raises(ValueError, match="nested deeper than 100 levels"):
        cr.save({"deep": _nested(serialization.MAX_DEPTH + 5)}, str(tmp_path / "x.safetensors"))
    assert not (tmp_path / "x.safetensors").exists()


def _altered(tmp_path, tree_text: str) -> str:
    from safetensors.numpy import save_file

    path = str(tmp_path / "altered.safetensors")
    import numpy as np

    save_file({"w": np.zeros(2, np.float32)}, path, metadata={"format": "pt", "chainrule": tree_text})
    return path


@pytest.mark.parametrize("depth", [150, 100_000])
def test_load_refuses_metadata_nested_deeply(tmp_path, depth):
    path = _altered(tmp_path, "[" * depth + "]" * depth)
    with pytest.raises(ValueError, match="nested deeper than 100 levels.*altered"):
        cr.load(path)


def test_save_refuses_a_tensor_inside_a_dict_key(tmp_path):
    with pytest.raises(TypeError, match="dict key tuple holding a Tensor"):
        cr.save({(1, cr.zeros(1)): 2}, str(tmp_path / "k.safetensors"))
    cr.save({(1, (2, "a")): 3, 1.5: None}, str(tmp_path / "k.safetensors"))  # scalars and tuples are fine
    assert cr.load(str(tmp_path / "k.safetensors")) == {(1, (2, "a")): 3, 1.5: None}


def test_a_tensor_named_like_the_header_key_round_trips(tmp_path):
    """`__metadata__` is safetensors' own header entry; a tensor under that name is stored under another."""
    path = str(tmp_path / "m.safetensors")
    cr.save({"__metadata__": cr.arange(3.0)}, path)
    assert cr.load(path)["__metadata__"].tolist() == [0.0, 1.0, 2.0]


def test_metadata_that_points_at_a_missing_tensor_is_corrupt_not_a_crash(tmp_path):
    path = _altered(tmp_path, json.dumps({"a": {"__tensor__": "nope"}}))
    with pytest.raises(ValueError, match="corrupt chainrule metadata"):
        cr.load(path)
