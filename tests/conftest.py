"""Session-wide hooks: the differential suite's summary line (how many generated examples ran, per op).

They live here, not in tests/differential/conftest.py, because under pytest-xdist the controller process
collects nothing and so never loads a subfolder's conftest: the workers send their counts (see
tests/differential/conftest.py) and the controller adds them up and prints one line.
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

_TOTALS: Counter = Counter()


@pytest.hookimpl(optionalhook=True)  # an xdist hook: runs without xdist (mpirun's inner pytest) too
def pytest_testnodedown(node, error):
    """On the xdist controller, add up a finished worker's counts."""
    for op, outcome, n in getattr(node, "workeroutput", {}).get("diff_stats", []):
        _TOTALS[(op, outcome)] += n


def pytest_terminal_summary(terminalreporter):
    totals = Counter(_TOTALS)
    harness = sys.modules.get("diff_harness")  # without xdist the counts are in this process
    if harness is not None:
        totals.update(harness.STATS)
    if not totals:
        return
    per_op: Counter = Counter()
    per_outcome: Counter = Counter()
    for (op, outcome), n in totals.items():
        per_op[op] += n
        per_outcome[outcome] += n
    counts = sorted(per_op.values())
    outcomes = ", ".join(f"{oc} {n}" for oc, n in sorted(per_outcome.items()))
    terminalreporter.write_line(
        f"differential: {sum(counts)} generated examples over {len(per_op)} ops ({outcomes}); "
        f"per op min {counts[0]}, median {counts[len(counts) // 2]}, max {counts[-1]}"
    )
