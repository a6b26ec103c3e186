"""The benchmark harness runs end to end (`benchmarks/run.py --quick`): a smoke test, no timed assertions."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CHAINRULE_DATA") or ROOT.parent / "shared" / "datasets")


def test_quick_benchmark_run_writes_every_workload_and_the_targets(tmp_path):
    out = tmp_path / "bench.json"
    env = dict(os.environ, CHAINRULE_DATA=str(DATA))  # as read at import: some test folders clear it per session
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--threads", "1",
                           "--json", str(out)], capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(out.read_text())
    names = {"mlp-epoch-b128", "mlp-epoch-b32", "mlp-epoch-b512", "lower-bound-b128", "inference-b1024",
             "op-chain-1000", "dataloader-b128", "nograd-op", "cnn-epoch", "compiled-floor-b128",
             "mlp-epoch-b128-2threads", "mlp-epoch-b512-2threads"}
    assert names <= set(res["workloads"])
    b128 = res["workloads"]["mlp-epoch-b128"]
    assert b128["chainrule-compiled"]["peak_mb"] is not None  # compiled beside eager, in the same run
    if (DATA / "mnist").is_dir():
        assert b128["chainrule-compiled"]["extra"]["test_acc"] > 0.8
    if (DATA / "mnist").is_dir():  # without MNIST the harness times synthetic data, which nothing can learn
        assert b128["chainrule"]["extra"]["test_acc"] > 0.8  # a quick epoch on 6,000 images still learns
    expected = {"5.", "6.", "8.", "9."}  # chainrule alone; the PyTorch ratios (1.) only where torch is installed
    if importlib.util.find_spec("torch") is not None:
        expected.add("1.")
    assert {t["what"][:2] for t in res["targets"]} >= expected
    assert "the issue's targets" in proc.stdout
