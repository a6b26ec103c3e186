"""Real PyTorch programs run on chainrule with only their imports changed, and print what torch prints.

The programs: the basics tutorials, Learning PyTorch with Examples, pytorch/examples' MNIST, micrograd's checks,
makemore.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runner import SRC, chainrule_source, compare, run

torch = pytest.importorskip("torch")

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("CHAINRULE_DATA") or REPO.parent / "shared" / "datasets")
NEEDS = {
    "quickstart_fashion": "fashion-mnist",
    "mnist_cnn": "mnist",
    "makemore_bigram": "names",
    "makemore_mlp": "names",
}
PROGRAMS = sorted(p.stem for p in SRC.glob("*.py"))


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_prints_what_torch_prints(name, tmp_path, monkeypatch):
    folder = NEEDS.get(name)
    if folder and not (DATA / folder).is_dir():
        pytest.skip(f"{DATA / folder} not found; set CHAINRULE_DATA to the folder holding {folder}/")
    monkeypatch.setenv("CHAINRULE_DATA", str(DATA))
    (tmp_path / "torch").mkdir()
    (tmp_path / "chainrule").mkdir()
    torch.set_num_threads(1)
    expected = run(name, "torch", tmp_path / "torch")
    got = run(name, "chainrule", tmp_path / "chainrule")
    compare(expected, got)


def test_only_import_lines_change():
    src = "import torch\nimport torch.nn as nn\nfrom torch.utils.data import DataLoader\nx = torch.ones(2)\n"
    out = chainrule_source(src)
    assert out.splitlines()[3] == "x = torch.ones(2)"
    assert out.splitlines()[:3] == [
        "import chainrule as torch",
        "import chainrule.nn as nn",
        "from chainrule.utils.data import DataLoader",
    ]


def test_a_wrong_number_is_caught():
    with pytest.raises(AssertionError, match="line 1"):
        compare("loss 0.5000", "loss 0.5100")
    with pytest.raises(AssertionError, match="differs"):
        compare("torch.float32", "torch.int32")
