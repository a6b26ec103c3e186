"""The differential suite's settings: Hypothesis profiles and the per-op count of examples that ran.

Profiles (choose with HYPOTHESIS_PROFILE; `ci` by default):
  ci    bounded for CI: few examples per (op, dtype configuration), derandomized (reproducible), no shrinking
  long  for run_long.py: DIFF_EXAMPLES examples per test (default 200), random seeds, no shrinking
  dev   for debugging one failure: derandomized, shrinks to a minimal example
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))  # op_registry

_COMMON = {"deadline": None, "database": None, "print_blob": False,
           "suppress_health_check": list(HealthCheck)}
settings.register_profile("ci", max_examples=int(os.environ.get("DIFF_EXAMPLES", "12")), derandomize=True,
                          phases=[Phase.explicit, Phase.generate], **_COMMON)
settings.register_profile("long", max_examples=int(os.environ.get("DIFF_EXAMPLES", "200")),
                          phases=[Phase.explicit, Phase.generate], **_COMMON)
settings.register_profile("dev", max_examples=int(os.environ.get("DIFF_EXAMPLES", "50")), derandomize=True,
                          **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_TOTALS: Counter = Counter()


def _stats():
    from diff_harness import STATS

    return STATS


def pytest_sessionfinish(session):
    """On an xdist worker, hand this worker's counts to the controller."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["diff_stats"] = [[op, oc, n] for (op, oc), n in _stats().items()]


def pytest_testnodedown(node, error):
    """On the xdist controller, add up a finished worker's counts."""
    for op, oc, n in getattr(node, "workeroutput", {}).get("diff_stats", []):
        _TOTALS[(op, oc)] += n


def pytest_terminal_summary(terminalreporter):
    totals = _TOTALS + _stats() if not hasattr(terminalreporter.config, "workeroutput") else Counter()
    if not totals:
        return
    per_op: Counter = Counter()
    per_outcome: Counter = Counter()
    for (op, oc), n in totals.items():
        per_op[op] += n
        per_outcome[oc] += n
    counts = sorted(per_op.values())
    outcomes = ", ".join(f"{oc} {n}" for oc, n in sorted(per_outcome.items()))
    terminalreporter.write_line(
        f"differential: {sum(counts)} generated examples over {len(per_op)} ops ({outcomes}); "
        f"per op min {counts[0]}, median {counts[len(counts) // 2]}, max {counts[-1]}"
    )
