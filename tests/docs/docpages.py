"""Run a documentation page the way a student reads it: every ```python block, in order, in one namespace.

A ```python block followed (blank lines only between) by a ```text block has that block as its expected output;
a ```python block without one must print nothing. Output is compared line by line after stripping trailing
spaces, with doctest's ELLIPSIS (`...` matches anything). A page that needs MNIST says `<!-- needs: mnist -->`
and is skipped, with the reason, where MNIST is not found.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")


@dataclass
class Block:
    lang: str
    code: str
    line: int  # 1-based line of the opening fence
    expected: str | None = None


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a page, each ```python one carrying the ```text block that follows it, if any."""
    lines = text.splitlines()
    found: list[tuple[Block, int]] = []  # (block, line index after its closing fence)
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m["indent"], m["fence"], m["info"].strip()
        body, j = [], i + 1
        while j < len(lines) and not (lines[j].strip().startswith(fence) and lines[j].strip() == fence[0] * len(
                lines[j].strip()) and len(lines[j].strip()) >= len(fence)):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        lang = info.split()[0].lower() if info else ""
        found.append((Block(lang, "\n".join(body) + "\n", i + 1), j + 1))
        i = j + 1
    out: list[Block] = []
    for k, (block, end) in enumerate(found):
        if block.lang == "text" and out and out[-1].lang == "python" and out[-1].expected is None:
            previous_end = found[k - 1][1]
            if all(not line.strip() for line in lines[previous_end:block.line - 1]):
                out[-1].expected = block.code
                continue
        out.append(block)
    return out


def python_blocks(path: Path) -> list[Block]:
    return [b for b in blocks(path.read_text(encoding="utf-8")) if b.lang in ("python", "py")]


def needs(path: Path) -> set[str]:
    return set(re.findall(r"<!--\s*needs:\s*(\w+)\s*-->", path.read_text(encoding="utf-8")))


def mnist_available() -> bool:
    from chainrule.data.datasets.vision import MNIST, SPLITS, find, search_dirs

    return all(find(search_dirs(MNIST.name, None), SPLITS[train]) for train in (True, False))


class PageError(AssertionError):
    pass


_CHECKER = doctest.OutputChecker()


def _same(expected: str, got: str) -> bool:
    norm = lambda s: "\n".join(line.rstrip() for line in s.strip("\n").splitlines()) + "\n"
    return _CHECKER.check_output(norm(expected), norm(got), doctest.ELLIPSIS)


def run_page(path: Path, workdir: Path) -> int:
    """Run every python block of `path` in order; raise PageError at the first wrong output. Returns the count."""
    namespace = {"__name__": "__doc_page__"}
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    old = Path.cwd()
    os.chdir(workdir)
    try:
        count = 0
        for block in python_blocks(path):
            buffer = io.StringIO()
            try:
                with contextlib.redirect_stdout(buffer):
                    exec(compile(block.code, f"{rel}:{block.line}", "exec"), namespace)  # noqa: S102 (the page's code)
            except Exception:  # noqa: BLE001 (any error of the page's code fails the page, with its traceback)
                raise PageError(f"{rel}:{block.line}: the block raised\n{block.code}\n{traceback.format_exc()}"
                                f"printed before that:\n{buffer.getvalue()}") from None
            got, expected = buffer.getvalue(), block.expected or ""
            if not _same(expected, got):
                raise PageError(f"{rel}:{block.line}: the printed output differs from the page\n--- code\n"
                                f"{block.code}--- the page says\n{expected}--- it printed\n{got}")
            count += 1
        return count
    finally:
        os.chdir(old)
