"""Every ```python block of every page of the site runs, in order, and prints what the page says it prints."""

from __future__ import annotations

import pytest
from docpages import DOCS, ROOT, blocks, mnist_available, needs, python_blocks, run_page

# The top-level pages that predate the site are run by tests/test_docs.py (their blocks print nothing checked).
LEGACY = {p.name for p in DOCS.glob("*.md")} - {"index.md", "index.zh.md"}
PAGES = sorted(p for p in DOCS.rglob("*.md") if p.parent != DOCS or p.name not in LEGACY)
COURSE = sorted(p for p in (DOCS / "course").glob("*.md") if not p.name.endswith(".zh.md"))


@pytest.fixture(autouse=True)
def _quiet_plots(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p)], ids=lambda p: str(p.relative_to(DOCS)))
def test_page_runs_and_prints_what_it_says(page, tmp_path):
    if "mnist" in needs(page) and not mnist_available():
        pytest.skip("MNIST not found ($CHAINRULE_DATA/mnist or ~/.cache/chainrule/mnist)")
    assert run_page(page, tmp_path) == len(python_blocks(page))


def test_every_course_page_has_a_chinese_page_with_the_same_examples():
    assert len(COURSE) >= 12
    for en in COURSE:
        zh = en.with_name(en.name.removesuffix(".md") + ".zh.md")
        assert zh.exists(), f"{zh.relative_to(ROOT)} is missing"
        en_blocks, zh_blocks = python_blocks(en), python_blocks(zh)
        assert len(en_blocks) == len(zh_blocks), f"{zh.name}: {len(zh_blocks)} python blocks, English has {len(en_blocks)}"
        for a, b in zip(en_blocks, zh_blocks):
            assert a.expected == b.expected, f"{zh.name}:{b.line}: output differs from {en.name}:{a.line}"


def test_the_runner_pairs_code_with_its_output_and_rejects_wrong_output(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# t\n\n```python\nx = 2\nprint(x + 1)\n```\n\n```text\n3\n```\n\n```python\nprint('a' * 30)\n"
                    "```\n\n```text\naaa...\n```\n\n```bash\nexit 1\n```\n")
    found = blocks(page.read_text())
    assert [(b.lang, b.expected) for b in found] == [("python", "3\n"), ("python", "aaa...\n"), ("bash", None)]
    assert run_page(page, tmp_path) == 2
    page.write_text("```python\nprint(4)\n```\n\n```text\n5\n```\n")
    with pytest.raises(AssertionError, match="differs"):
        run_page(page, tmp_path)
    page.write_text("```python\nprint('unannounced')\n```\n")
    with pytest.raises(AssertionError, match="differs"):
        run_page(page, tmp_path)
