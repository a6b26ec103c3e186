"""The generated type stub (chainrule/tensor.pyi): current with the declarations, and read right by mypy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule
from chainrule import _stubgen


def test_committed_stub_is_current():
    """Regenerated from the live Tensor class it is byte for byte the committed file (else: regenerate it with
    `python -m chainrule._stubgen` after adding or renaming an op)."""
    assert _stubgen.STUB.read_text(encoding="utf-8") == _stubgen.render(), \
        "src/chainrule/tensor.pyi is stale: run `python -m chainrule._stubgen`"


def test_stub_lists_every_tensor_attribute():
    text = _stubgen.STUB.read_text(encoding="utf-8")
    body = text[text.index("class Tensor:"):]
    public = [n for n in vars(chainrule.Tensor) if not n.startswith("__") or n in ("__add__", "__getitem__")]
    missing = [n for n in public if f"def {n}(" not in body and f"    {n}:" not in body]
    assert not missing


_GOOD = """
import chainrule

x = chainrule.randn(3, 4, requires_grad=True)
x.sum(dim=0).backward()
y = (x @ x.t()).relu().mean()
y.backward()
print(x.grad, x.shape, x.T, x.max(dim=1).values, x.numel())
"""
_BAD = """
import chainrule

x = chainrule.randn(3, 4)
x.no_such_method()
"""


def test_mypy_sees_tensor_methods_and_refuses_a_missing_one(tmp_path):
    """One mypy run (numpy's stubs make each run slow) over two snippets: the good one type-checks, the bad one
    fails on exactly its misspelt method."""
    pytest.importorskip("mypy", reason="mypy checks the stub (pip install mypy)")
    (tmp_path / "good.py").write_text(_GOOD, encoding="utf-8")
    (tmp_path / "bad.py").write_text(_BAD, encoding="utf-8")
    root = Path(chainrule.__file__).parent.parent
    env = dict(os.environ)
    if "site-packages" not in root.parts:  # a source checkout (an installed wheel is found as a PEP 561 package;
        env["MYPYPATH"] = str(root)  # mypy refuses site-packages in MYPYPATH)
    r = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", "--ignore-missing-imports",
                        "--cache-dir", str(tmp_path / "cache"), "good.py", "bad.py"],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    errors = [ln for ln in r.stdout.splitlines() if ": error:" in ln]
    assert errors == ['bad.py:5: error: "Tensor" has no attribute "no_such_method"  [attr-defined]'], r.stdout
