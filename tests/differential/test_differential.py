"""Every registry op against PyTorch on generated inputs (Hypothesis): one test per (op, dtype configuration).

Hypothesis draws shapes (0- and 1-size dims, broadcasting, 0-d), layouts (non-contiguous memory, transposed,
sliced and expanded views), values (the registry's kind, or edge values) and scalar operands; see
diff_harness.py. Known issue-12 differences are strict xfails and tolerated differences are listed with their
reasons, both in diff_known.py. With DIFF_COLLECT=file.jsonl every difference is written down instead of
failing the test (run_long.py's survey).
"""

from __future__ import annotations

import json
import os

import pytest
from diff_harness import CR_LIB, TORCH_LIB, Built, KnownBug, build, compare, draw_example, record, run
from diff_known import known_for, tolerated
from diff_rules import configs, parse_config
from hypothesis import given, settings
from hypothesis import strategies as st
from op_registry import OPS

torch = pytest.importorskip("torch")
COLLECT = os.environ.get("DIFF_COLLECT")
PROFILE = settings.get_profile(os.environ.get("DIFF_PROFILE", "diff-ci"))  # registered in conftest.py


def _params():
    out = []
    for case in OPS:
        for config in configs(case):
            known = known_for(case.name, config)
            marks = ()
            if known and not COLLECT:
                reason = "issue 12: " + ", ".join(sorted({cls for cls, _ in known}))
                marks = pytest.mark.xfail(strict=True, raises=KnownBug, reason=reason)
            out.append(pytest.param(case, config, marks=marks, id=f"{case.name}-{config}"))
    return out


@pytest.mark.parametrize("case,config", _params())
def test_matches_torch(case, config):
    """All examples run: a known difference is noted and the run goes on (so it hides nothing else); an
    unknown one fails at once. A test with known differences ends in KnownBug (its strict xfail)."""
    known = known_for(case.name, config)
    known_kinds = set().union(*(kinds for _, kinds in known))
    seen = []

    @settings(PROFILE)
    @given(data=st.data())
    def examples(data):
        ex = draw_example(data, case, config)
        diffs = differences(case, config, ex)
        if not diffs:
            return
        text = "\n".join(f"  [{kind}] {msg}" for kind, msg in diffs)
        if known_kinds and all(kind in known_kinds for kind, _ in diffs):
            record(case.name, "known")
            seen.append(f"{ex}:\n{text}")
            return
        record(case.name, "differ")
        raise AssertionError(f"{case.name} [{config}] differs from PyTorch on {ex}:\n{text}")

    examples()
    if seen:
        classes = ", ".join(sorted({cls for cls, _ in known}))
        raise KnownBug(f"{case.name} [{config}]: {len(seen)} examples differ by {classes}; first: {seen[0]}")


def differences(case, config: str, ex) -> list:
    """The differences from PyTorch on example ex that are not tolerated (recorded in survey mode)."""
    dtypes, _ = parse_config(config, len(case.shapes))
    mine = run(build(Built(CR_LIB, False), case, ex, dtypes, ex.seed), case, ex.seed, case.torch)
    theirs = run(build(Built(TORCH_LIB, True), case, ex, dtypes, ex.seed), case, ex.seed, case.torch)
    diffs = [(k, m) for k, m in compare(mine, theirs) if not tolerated(case.name, config, k, m, ex)]
    if not diffs:
        record(case.name, "both-raise" if mine.error is not None else "ok")
    elif COLLECT:
        record(case.name, "differ")
        with open(COLLECT, "a") as f:
            f.write(json.dumps({"op": case.name, "config": config, "kinds": sorted({k for k, _ in diffs}),
                                "diffs": diffs, "example": repr(ex)}) + "\n")
        return []
    return diffs


def test_tables_name_registry_ops():
    """Every op the rules and the known list name is in the registry (a renamed op leaves no stale row)."""
    from diff_known import KNOWN
    from diff_rules import SCALAR_ARGS, SHAPE_RULE
    from op_registry import BY_NAME

    named = set(SHAPE_RULE) | set(SCALAR_ARGS) | {op for op, *_ in KNOWN if "*" not in op}
    assert named <= set(BY_NAME), sorted(named - set(BY_NAME))
