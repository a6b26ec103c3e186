"""The differential suite's Hypothesis profiles, and its per-op example counts sent to the summary line.

Profiles, chosen by DIFF_PROFILE (default `diff-ci`) and applied to the differential tests only (the global
Hypothesis default is left alone for other suites):
  diff-ci    bounded for CI: 12 examples per (op, dtype configuration), derandomized, no shrinking
  diff-long  for run_long.py: DIFF_EXAMPLES examples per test (default 200), random seeds, no shrinking
  diff-dev   for debugging one failure: derandomized, shrinks to a minimal example
DIFF_EXAMPLES overrides the number of examples of any profile.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))  # op_registry

_COMMON = {"deadline": None, "database": None, "print_blob": False,
           "suppress_health_check": list(HealthCheck)}
_NO_SHRINK = [Phase.explicit, Phase.generate]
_N = os.environ.get("DIFF_EXAMPLES")
settings.register_profile("diff-ci", max_examples=int(_N or 12), derandomize=True, phases=_NO_SHRINK,
                          **_COMMON)
settings.register_profile("diff-long", max_examples=int(_N or 200), phases=_NO_SHRINK, **_COMMON)
settings.register_profile("diff-dev", max_examples=int(_N or 50), derandomize=True, **_COMMON)

def pytest_sessionfinish(session):
    """On an xdist worker, hand this worker's per-op counts to the controller (tests/conftest.py prints)."""
    if hasattr(session.config, "workeroutput"):
        from diff_harness import STATS

        session.config.workeroutput["diff_stats"] = [[op, oc, n] for (op, oc), n in STATS.items()]
