"""chainrule._malloc: after `import chainrule`, memory freed by one step is reused by the next without page faults
(glibc), the opt-out and a user's own MALLOC_*_ settings are respected."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")

SRC = os.path.join(os.path.dirname(__file__), "..", "..", "src")

# a "step": allocate, touch and free several arrays of 256 KiB - 2 MiB, as the recurrent layers' buffers are
_PROBE = """
import json, resource
import chainrule, numpy as np
def step():
    arrs = [np.ones(n, dtype=np.float32) for n in (65536, 131072, 262144, 524288, 65536, 262144)]
    return sum(float(a[-1]) for a in arrs)
for _ in range(3):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print(json.dumps({"applied": chainrule._malloc.APPLIED,
                  "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before}))
"""


def _probe(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "CHAINRULE_KEEP_FREED_MEMORY"}
    base["PYTHONPATH"] = os.path.abspath(SRC) + os.pathsep + base.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", _PROBE], env={**base, **env}, capture_output=True, text=True,
                         check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_freed_memory_is_reused_without_page_faults():
    on = _probe()
    if not on["applied"]:
        pytest.skip("the C library has no mallopt (not glibc)")
    off = _probe(CHAINRULE_KEEP_FREED_MEMORY="0")
    assert not off["applied"]
    # 20 steps of ~4.5 MiB: glibc's defaults fault the pages in again each step, the kept heap does not
    assert on["faults"] < 50, on
    assert off["faults"] > 10 * max(on["faults"], 10), (on, off)


def test_users_malloc_settings_are_left_alone():
    assert not _probe(MALLOC_TRIM_THRESHOLD_="131072")["applied"]
    assert not _probe(GLIBC_TUNABLES="glibc.malloc.trim_threshold=131072")["applied"]
