"""Every Python example in the README and docs/ runs, so no tutorial rots."""

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _blocks():
    for f in FILES:
        for i, code in enumerate(BLOCK.findall(f.read_text())):
            yield pytest.param(code, id=f"{f.name}-{i}")


# An example that needs an optional extra (or Graphviz's `dot`) is skipped, with the reason, where it is missing.
OPTIONAL = ("matplotlib", "graphviz", "tqdm", "starlette", "uvicorn", "websockets", "torch", "playwright")


@pytest.mark.parametrize("code", list(_blocks()))
def test_example_runs(code, tmp_path, monkeypatch):
    from chainrule.viz.dot import GraphvizNotFound

    monkeypatch.chdir(tmp_path)
    try:
        exec(compile(code, "<doc example>", "exec"), {"__name__": "__doc_example__"})
    except ImportError as missing:
        extra = next((name for name in OPTIONAL if name in str(missing)), None)
        if extra is None:
            raise
        pytest.skip(f"needs {extra}, which is not installed: {missing}")
    except GraphvizNotFound as missing:
        pytest.skip(f"needs Graphviz's dot program: {missing}")
