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


def _english_twin(page):
    """The English page whose code a Chinese page repeats block for block (code and output), else None."""
    if not page.name.endswith(".zh.md"):
        return None
    en = page.with_name(page.name.removesuffix(".zh.md") + ".md")
    same = en.exists() and [(b.code, b.expected) for b in python_blocks(en)] == [
        (b.code, b.expected) for b in python_blocks(page)]
    return en if same else None


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p)], ids=lambda p: str(p.relative_to(DOCS)))
def test_page_runs_and_prints_what_it_says(page, tmp_path):
    """Each page's blocks run in order; a Chinese page with exactly its English twin's blocks is covered by the
    twin's run (the same code and the same output), one that differs anywhere is run itself."""
    twin = _english_twin(page)
    if twin is not None:
        assert len(python_blocks(page)) == len(python_blocks(twin))
        return
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


def _hook(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"docs_hook_{name}", DOCS / "_hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_kept_torch_name_list_is_current():
    """docs/_data/torch_names.json (used where torch is missing at build time) matches the oracle's names."""
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13"):
        pytest.skip(f"the kept list is from torch 2.13, this is {torch.__version__}")
    import json

    maker = _hook("tables").torch_names.__globals__["DATA"].with_name("make_torch_names.py")
    spec = __import__("importlib.util").util.spec_from_file_location("make_torch_names", maker)
    module = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kept = json.loads((DOCS / "_data" / "torch_names.json").read_text())
    assert kept["namespaces"] == module.collect(torch)["namespaces"], "rerun python docs/_data/make_torch_names.py"


def test_the_generated_tables_read_the_code():
    tables = _hook("tables")
    rows = {name: formula for _, name, formula in tables.gradient_formulas()}
    assert rows["Mul"].startswith("dL/da = g * b ; dL/db = g * a")
    assert "| `torch.nn` | `chainrule.nn` |" in tables.pytorch_table()
    assert "### `chainrule.exp` { #chainrule.exp }" in tables.api_chainrule()
    assert "### `Tensor.backward` { #chainrule.Tensor.backward }" in tables.api_tensor()
    assert "::: chainrule.nn.Linear" in tables.members("chainrule.nn")
