"""Runs the multi-process tests: `mpirun -n 2 python -m pytest tests/distributed/mpi/...` and the fault scripts.

Skips when mpirun or mpi4py is missing, unless CHAINRULE_REQUIRE_MPI=1 (set by .ci/run once it has installed
OpenMPI), which turns the skip into a failure. Each launch has a hard timeout, so a hang fails instead of
stalling the suite.
"""

import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

import chainrule

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PKG_PARENT = str(pathlib.Path(chainrule.__file__).resolve().parents[1])  # src/ here, site-packages in CI
MPIRUN = shutil.which("mpirun")
MISSING = [name for name, ok in (("mpirun (apt-get install openmpi-bin libopenmpi-dev)", MPIRUN),
                                  ("mpi4py (pip install \"chainrule[mpi]\")", importlib.util.find_spec("mpi4py")))
           if not ok]
if MISSING:
    if os.environ.get("CHAINRULE_REQUIRE_MPI") == "1":
        raise RuntimeError(f"CHAINRULE_REQUIRE_MPI=1 but {', '.join(MISSING)} is missing")
    pytest.skip(f"needs {', '.join(MISSING)}", allow_module_level=True)


def mpirun(n: int, args: list, timeout: float, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """Run `mpirun -n n python args...` from the repository root; (result, seconds)."""
    e = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_btl_vader_single_copy_mechanism="none",
             PYTHONUNBUFFERED="1", **(env or {}))
    e["PYTHONPATH"] = PKG_PARENT + os.pathsep + e.get("PYTHONPATH", "")
    cmd = [MPIRUN, "--allow-run-as-root", "--oversubscribe", "-n", str(n), sys.executable, *args]
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=e, check=False)
    return r, time.monotonic() - t0


def test_two_ranks_collectives_ddp_syncbn():
    files = sorted(str(p.relative_to(ROOT)) for p in (HERE / "mpi").glob("mpi_*.py"))
    r, _ = mpirun(2, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-x",
                      "--rootdir", str(HERE / "mpi"), *files], timeout=240, env={"CHAINRULE_DIST_TIMEOUT": "60"})
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-4000:]


def test_killed_rank_stops_the_job():
    r, seconds = mpirun(2, ["tests/distributed/mpi/fault.py", "kill"], timeout=120,
                        env={"CHAINRULE_DIST_TIMEOUT": "10"})
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "unreachable" not in out
    assert "rank 1: failing (kill)" in out
    assert "signal 9" in out or "did not complete within" in out, out[-3000:]
    assert seconds < 60


def test_hung_rank_times_out_with_a_clear_error():
    r, seconds = mpirun(2, ["tests/distributed/mpi/fault.py", "hang"], timeout=120,
                        env={"CHAINRULE_DIST_TIMEOUT": "3"})
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "unreachable" not in out
    assert "rank 0: DistributedDataParallel gradient all-reduce did not complete within 3 s" in out, out[-3000:]
    assert "CHAINRULE_DIST_TIMEOUT" in out
    assert seconds < 60


def _final(out: str) -> str:
    lines = [ln for ln in out.splitlines() if ln.startswith("test accuracy")]
    assert lines, out[-3000:]
    return lines[-1].split("(")[0].strip()  # "test accuracy 99.90%  test loss 0.0123"


def test_resume_after_a_killed_rank_reaches_the_same_result(tmp_path):
    args = ["--dataset", "rings", "--epochs", "5", "--threads", "1", "--no-progress"]
    full, _ = mpirun(2, ["-m", "chainrule.cli", "train", "--distributed", *args], timeout=180)
    assert full.returncode == 0, full.stdout[-3000:] + full.stderr[-3000:]
    ck = tmp_path / "ck.safetensors"
    # 32 steps per epoch (1000 samples, global batch 32): step 80 is in the middle of epoch 3
    dead, _ = mpirun(2, ["tests/distributed/mpi/train_and_die.py", "80", "train", "--distributed", *args,
                         "--checkpoint", str(ck)], timeout=180)
    assert dead.returncode != 0 and "test accuracy" not in dead.stdout
    assert "epoch 2/5" in dead.stdout and "epoch 3/5" not in dead.stdout
    again, _ = mpirun(2, ["-m", "chainrule.cli", "train", "--distributed", "--resume", str(ck),
                          "--threads", "1"], timeout=180)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "resuming" in again.stdout and "epoch 3/5" in again.stdout and "epoch 2/5" not in again.stdout
    assert again.stdout.count("test accuracy") == 1  # rank 0 alone prints
    assert _final(again.stdout) == _final(full.stdout)
    env = dict(os.environ, PYTHONPATH=PKG_PARENT)
    one = subprocess.run([sys.executable, "-m", "chainrule.cli", "train", "--resume", str(ck), "--threads", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=180, env=env, check=False)
    assert one.returncode == 0, one.stderr[-3000:]
    assert _final(one.stdout) == _final(full.stdout)  # one process continues the 2-rank run


def test_the_documented_script_runs_on_two_ranks(tmp_path):
    import re

    blocks = re.findall(r"```py\n(.*?)```", (ROOT / "docs" / "distributed.md").read_text(), re.DOTALL)
    assert blocks, "docs/distributed.md lost its ```py example"
    script = tmp_path / "train.py"
    script.write_text(blocks[0])
    e = dict(os.environ, PYTHONPATH=PKG_PARENT, OMPI_MCA_btl_vader_single_copy_mechanism="none")
    r = subprocess.run([MPIRUN, "--allow-run-as-root", "--oversubscribe", "-n", "2", sys.executable, str(script)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120, env=e, check=False)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert r.stdout.count("epoch 2: last-batch loss averaged over 2 ranks") == 1
    assert (tmp_path / "model.safetensors").exists()
