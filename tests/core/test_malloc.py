"""chainrule keeps freed step buffers in the heap (glibc): a loop that allocates and frees the same large arrays
faults no pages in after its first pass; CHAINRULE_MALLOC_TRIM=0 leaves glibc's defaults (which do)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chainrule import _malloc

pytestmark = pytest.mark.skipif(not _malloc.glibc() or not sys.platform.startswith("linux"),
                                reason="the malloc tuning applies to glibc on Linux only")

LOOP = """
import resource, numpy as np
import chainrule
def step():
    a = np.ones(3_000_000, np.float32)  # 12 MB blocks, as a CNN step's activations and columns
    b = a * 2
    c = b + a
    return float(c[0])
step()
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0) / 10)
"""


def _faults_per_step(trim: str | None) -> float:
    env = dict(os.environ)
    env.pop(_malloc.ENV, None)
    if trim is not None:
        env[_malloc.ENV] = trim
    out = subprocess.run([sys.executable, "-c", LOOP], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def test_no_page_faults_per_step_after_the_first():
    assert _faults_per_step(None) < 50  # three 12 MB arrays a step would be ~8,800 pages


def test_zero_leaves_glibc_defaults():
    assert _faults_per_step("0") > 1000


def test_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv(_malloc.ENV, "lots")
    with pytest.raises(ValueError, match="CHAINRULE_MALLOC_TRIM"):
        _malloc.keep_freed_memory()
    assert _malloc.keep_freed_memory(0) is False
