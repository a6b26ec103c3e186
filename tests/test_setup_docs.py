"""The README's set-up: every extra named with what it unlocks, Graphviz's `dot`, no developer-machine paths."""

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_no_path_of_a_developer_machine(doc):
    found = re.findall(r"(?<![\w.~])/(?:work|root|tmp|home|Users|mnt)/[\w./-]*", doc.read_text())
    assert not found, f"{doc.name} names paths of the machine it was written on: {found}"


def test_readme_names_every_extra_with_its_packages_and_what_it_unlocks():
    tomllib = pytest.importorskip("tomllib")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    readme = (ROOT / "README.md").read_text()
    assert 'pip install ".[all]"' in readme and '"chainrule[all]"' in readme
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*\|$", readme, re.MULTILINE)}
    for extra, requirements in extras.items():
        if extra == "all":
            continue
        assert extra in rows, f"the README's table of extras lacks {extra}"
        for requirement in requirements:
            package = re.split(r"[<>=\[ ]", requirement)[0]
            if not package.startswith("chainrule"):
                assert package in rows[extra], f"{extra}: {package} is not named"
    assert "Graphviz's `dot`" in readme and "apt-get install graphviz" in readme
    assert "--download" in readme


def test_the_playground_without_its_extras_says_what_to_install(monkeypatch, capsys):
    from chainrule import playground

    def missing():
        raise ImportError(f"{playground._MISSING} (No module named 'uvicorn')")

    monkeypatch.setattr(playground, "_server", missing)
    assert playground.main([]) == 1
    err = capsys.readouterr().err
    assert "pip install 'chainrule[playground]'" in err and err.startswith("chainrule playground: ")
