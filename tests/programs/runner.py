"""Run a PyTorch program on torch and on chainrule (only its imports changed) and compare what it prints.

A program is a plain script in `src/` written for PyTorch. For chainrule, each `torch` import line is
rewritten (`import torch` -> `import chainrule as torch`, `from torch.utils.data import X` ->
`from chainrule.utils.data import X`, ...) and nothing else. Both runs print; the printed lines must agree: the
same words, and the same numbers to a tolerance (float32 sums differ in their last bits between two BLAS
libraries). Object addresses are ignored, and `chainrule.float32` reads as `torch.float32` (chainrule's reprs
name chainrule).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import sys
from pathlib import Path

SRC = Path(__file__).parent / "src"
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")  # object addresses in reprs differ from run to run
_OWN_NAME = re.compile(r"\bchainrule\.")  # chainrule.float32, chainrule.Size(...): reprs name their library
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")
_IMPORTS = [
    (re.compile(r"^(\s*)import torch\.nn\.functional as F$", re.M), r"\1import chainrule.nn.functional as F"),
    (re.compile(r"^(\s*)import torch\.nn as nn$", re.M), r"\1import chainrule.nn as nn"),
    (re.compile(r"^(\s*)import torch\.optim as optim$", re.M), r"\1import chainrule.optim as optim"),
    (re.compile(r"^(\s*)import torch$", re.M), r"\1import chainrule as torch"),
    (re.compile(r"^(\s*)from torch(\.[\w.]+)? import ", re.M), r"\1from chainrule\2 import "),
]


def chainrule_source(source: str) -> str:
    """The program with its torch imports pointed at chainrule (the only change a user makes)."""
    for pattern, repl in _IMPORTS:
        source = pattern.sub(repl, source)
    if re.search(r"^\s*(import|from) torch\b", source, re.M):
        raise ValueError("a torch import line the runner does not rewrite")
    return source


def run(name: str, backend: str, workdir: Path) -> str:
    """Execute src/<name>.py on 'torch' or 'chainrule' in `workdir`; returns what it printed."""
    source = (SRC / f"{name}.py").read_text(encoding="utf-8")
    if backend == "chainrule":
        source = chainrule_source(source)
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(workdir)
    saved_argv = sys.argv
    sys.argv = [f"{name}.py"]
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, f"{name}.py[{backend}]", "exec"), {"__name__": "__main__"})
    finally:
        os.chdir(cwd)
        sys.argv = saved_argv
    return out.getvalue()


def compare(expected: str, got: str, rtol: float = 1e-4, atol: float = 1e-5) -> None:
    """Raise AssertionError naming the first line whose words or numbers differ."""
    expected, got = _ADDRESS.sub("0x?", expected), _ADDRESS.sub("0x?", _OWN_NAME.sub("torch.", got))
    exp_lines, got_lines = expected.strip().splitlines(), got.strip().splitlines()
    assert len(exp_lines) == len(got_lines), (
        f"torch printed {len(exp_lines)} lines, chainrule {len(got_lines)}:\n--- torch\n{expected}\n"
        f"--- chainrule\n"
        f"{got}"
    )
    for i, (e, g) in enumerate(zip(exp_lines, got_lines)):
        assert _NUMBER.sub("#", e) == _NUMBER.sub("#", g), (
            f"line {i + 1} differs:\n torch:     {e}\n chainrule: {g}"
        )
        for a, b in zip(_NUMBER.findall(e), _NUMBER.findall(g)):
            fa, fb = float(a), float(b)
            same = (math.isnan(fa) and math.isnan(fb)) or math.isclose(fa, fb, rel_tol=rtol, abs_tol=atol)
            assert same, f"line {i + 1}: {a} vs {b}\n torch:     {e}\n chainrule: {g}"
