"""Write the printed output of the `>>>` examples in chainrule's source back into the source (doctest's
expected output, generated instead of typed).

    python docs/_data/update_examples.py src/chainrule/ops/unary.py [more files ...]

Every string in the given files that holds a `>>>` line (the op docstrings, and the docstrings a factory receives
as an argument) is run the way tests/docs/test_op_examples.py runs it: in a fresh namespace holding `chainrule`
and `F` (chainrule.nn.functional), after `chainrule.manual_seed(0)`. The lines after each example are replaced by
what it printed. Write the code lines, run this, read the diff: a changed number is either a fixed bug or a new
one, and the test fails on it until the source says which.
"""

from __future__ import annotations

import ast
import doctest
import inspect
import sys
from pathlib import Path


class _Recorder(doctest.OutputChecker):
    """Accepts every output and keeps it: got[i] is what example i printed."""

    def __init__(self):
        self.got: list[str] = []

    def check_output(self, want, got, optionflags):
        self.got.append(got)
        return True


def namespace() -> dict:
    import chainrule
    import chainrule.nn.functional as F

    chainrule.manual_seed(0)
    return {"chainrule": chainrule, "F": F}


def run(doc: str, name: str) -> list[str]:
    """What each example of `doc` printed (an exception counts as a failure: examples show results)."""
    test = doctest.DocTestParser().get_doctest(doc, namespace(), name, None, 0)
    recorder = _Recorder()
    failures: list[str] = []
    result = doctest.DocTestRunner(checker=recorder, verbose=False).run(test, out=failures.append, clear_globs=True)
    if result.failed:
        raise RuntimeError(f"{name}: an example raised:\n{''.join(failures)}")
    return recorder.got


def _strings(tree: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and ">>>" in n.value]


def rewrite(lines: list[str], got: list[str], raw: bool) -> list[str]:
    """The string's source lines with each example's output lines replaced by `got` (in order)."""
    out, i, k = [], 0, 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if not stripped.startswith(">>>"):
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(stripped)]
        out.append(line)
        i += 1
        while i < len(lines) and lines[i].lstrip().startswith("..."):
            out.append(lines[i])
            i += 1
        while i < len(lines) and lines[i].strip() and not lines[i].lstrip().startswith(">>>") \
                and not lines[i].strip().startswith(('"""', "'''")) and lines[i].startswith(indent):
            i += 1  # the old output
        text = got[k]
        k += 1
        for g in text.splitlines():
            g = g.rstrip() or "<BLANKLINE>"
            out.append(indent + (g if raw else g.replace("\\", "\\\\")))
    assert k == len(got), f"{k} examples found in the source, {len(got)} run"
    return out


def update(path: Path) -> int:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=False)
    nodes = sorted(_strings(ast.parse(source)), key=lambda n: n.lineno, reverse=True)
    failed: list[str] = []
    for node in nodes:
        first, last = node.lineno - 1, node.end_lineno  # the string's lines
        raw = lines[first][node.col_offset:].lstrip("bBuUfF")[:1] in "rR"
        try:
            got = run(inspect.cleandoc(node.value), f"{path}:{node.lineno}")
        except RuntimeError as e:
            failed.append(str(e))
            continue
        lines[first:last] = rewrite(lines[first:last], got, raw)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for message in failed:
        print(message, file=sys.stderr)
    return len(nodes) - len(failed)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"{arg}: {update(Path(arg))} strings with examples updated")
