"""Every declared op has an example (chainrule/ops/_examples/), the example runs and prints what it shows, and
the same code prints the same on PyTorch.

The examples are the ones `help()` and the reference pages show (`declare` appends each to its op's docstring).
Their printed output is written by docs/_data/update_examples.py and checked here with doctest: a changed number
fails until the example file says which number is right.
"""

from __future__ import annotations

import doctest
import re
import warnings

import pytest

import chainrule
import chainrule.nn.functional as F
from chainrule.ops._declare import REGISTRY, all_cases
from chainrule.ops._examples import EXAMPLES

all_cases()  # imports every family of ops (nn.functional's declare themselves on import)
OPS = sorted(REGISTRY)

# op -> why it has no example (none so far: an op that cannot be shown should say why here)
NO_EXAMPLE: dict[str, str] = {}

# Python's operator for the dunder methods that have no name to call (`6 & x` calls Tensor.__rand__)
DUNDER_SYNTAX = {"and": "&", "or": "|", "xor": "^", "lshift": "<<", "rshift": ">>", "invert": "~"}

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _parse(name: str) -> doctest.DocTest:
    text = REGISTRY[name].example
    return doctest.DocTestParser().get_doctest(text, {"chainrule": chainrule, "F": F}, name, None, 0)


def test_every_declared_op_has_an_example():
    missing = [n for n in OPS if n not in NO_EXAMPLE and not REGISTRY[n].example]
    assert not missing, (f"{len(missing)} declared ops have no example; add one to chainrule/ops/_examples/ "
                         f"(see its __init__.py): {missing}")


def test_examples_and_the_allow_list_name_declared_ops_only():
    assert not set(EXAMPLES) - set(REGISTRY), f"examples of undeclared ops: {sorted(set(EXAMPLES) - set(REGISTRY))}"
    stale = [n for n in NO_EXAMPLE if n not in REGISTRY or REGISTRY[n].example]
    assert not stale, f"NO_EXAMPLE lists ops that are gone or have an example now: {stale}"


def test_the_docstring_shows_the_example_and_no_other():
    """One source: the op's docstring holds exactly the example's `>>>` lines (declare appends them)."""
    wrong = [n for n in OPS if REGISTRY[n].example and
             chainrule_doc(n).count(">>>") != REGISTRY[n].example.count(">>>")]
    assert not wrong, f"docstrings with examples of their own (move them to chainrule/ops/_examples/): {wrong}"


def chainrule_doc(name: str) -> str:
    return REGISTRY[name].fn.__doc__ or ""


def _calls(d, source: str) -> bool:
    """The source calls the op by a name (`chainrule.exp(`, `.exp(`, `F.softmax(`) or by its Python syntax."""
    names = {d.name, *d.aliases, *d.methods}
    if any(re.search(rf"(?<![\w]){re.escape(n)}\(", source) for n in names):
        return True
    core = d.name.strip("_")
    if any(DUNDER_SYNTAX.get(c, "\0") in source for c in (core, core[1:])):  # __and__, __rand__, __iand__
        return True
    # an operator's symbols in order: "x[idx] = v" -> "[", "]", "="
    return any(_in_order(re.sub(r"\w|\s", "", op), source) for op in d.operators)


def _in_order(symbols: str, source: str) -> bool:
    at = 0
    for ch in symbols:
        at = source.find(ch, at) + 1
        if at == 0:
            return False
    return bool(symbols)


@pytest.mark.parametrize("name", [n for n in OPS if n not in NO_EXAMPLE])
def test_the_example_calls_its_op(name):
    d = REGISTRY[name]
    source = "\n".join(e.source for e in _parse(name).examples)
    assert _calls(d, source), f"{name}'s example does not call it (by {d.name}, an alias, a method or operator)"


@pytest.mark.parametrize("name", [n for n in OPS if n not in NO_EXAMPLE])
def test_the_example_prints_what_it_shows(name):
    test = _parse(name)
    chainrule.manual_seed(0)
    failures: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the deprecated names (F.upsample) warn, as PyTorch's do
        result = doctest.DocTestRunner(verbose=False, optionflags=FLAGS).run(test, out=failures.append)
    assert result.attempted == len(test.examples) > 0
    assert result.failed == 0, ("".join(failures) + "\nIf the new output is right, rewrite it with "
                                "`python docs/_data/update_examples.py src/chainrule/ops/_examples/<file>.py`")


# ---- the same code on PyTorch -------------------------------------------------------------------------------
# What may differ: the names of grad_fn nodes (chainrule names some nodes differently; the repr shows them) and the
# layout of named tuples (PyTorch prints torch.return_types.sort(\nvalues=..., one field per line).
TORCH_DIFFERS = {
    "log10": "NumPy's float32 log10(100) is 2.0000002 (1 ulp off), PyTorch's 2: the repr shows 2.0000 for 2.",
}


class _Recorder(doctest.OutputChecker):
    def __init__(self):
        self.got: list[str] = []

    def check_output(self, want, got, optionflags):
        self.got.append(got)
        return True


def _printed(name: str, lib, functional) -> list[str]:
    test = doctest.DocTestParser().get_doctest(REGISTRY[name].example, {"chainrule": lib, "F": functional},
                                               name, None, 0)
    recorder, failures = _Recorder(), []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doctest.DocTestRunner(checker=recorder, verbose=False).run(test, out=failures.append)
    assert not failures, "".join(failures)
    return [_normal(g) for g in recorder.got]


def _normal(text: str) -> str:
    text = re.sub(r", grad_fn=<\w+>", "", text)
    text = re.sub(r"\b(torch|chainrule)\.(return_types\.)?", "", text)
    return re.sub(r"\s+", "", text)


SEEDED = [n for n in OPS if "manual_seed" in REGISTRY[n].example]  # random draws: the generators differ


@pytest.mark.parametrize("name", [n for n in OPS if REGISTRY[n].example and n not in SEEDED
                                  and n not in TORCH_DIFFERS])
def test_the_example_prints_what_pytorch_prints(name):
    torch = pytest.importorskip("torch")
    assert _printed(name, chainrule, F) == _printed(name, torch, torch.nn.functional)


def test_the_torch_differences_are_current():
    torch = pytest.importorskip("torch")
    for name in TORCH_DIFFERS:
        try:
            same = _printed(name, chainrule, F) == _printed(name, torch, torch.nn.functional)
        except AssertionError:  # one of them raises
            same = False
        assert not same, f"{name} prints the same on PyTorch now: drop it from TORCH_DIFFERS"


# ---- the reference renders them --------------------------------------------------------------------------------
def test_the_reference_pages_show_every_example():
    """The pages made by docs/_hooks/tables.py (chainrule, Tensor, nn.functional) hold each op's example as a
    console block, in the entry the op table links to."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "docs" / "_hooks" / "tables.py"
    spec = importlib.util.spec_from_file_location("docs_hook_tables_examples", path)
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    pages = {"chainrule.md": tables.api_chainrule(), "tensor.md": tables.api_tensor(),
             "functional.md": tables.members("chainrule.nn.functional")}
    missing = []
    for name in OPS:
        page, anchor = tables._entry(REGISTRY[name]).split("#")
        text = pages[page]
        at = text.find(f"{{ #{anchor} }}")
        end = re.compile(r"\n#{2,3} ").search(text, at + 1)
        entry = text[at:end.start() if end else len(text)] if at >= 0 else ""
        first = REGISTRY[name].example.strip().splitlines()[0].strip()
        if "```pycon" not in entry or first not in entry:
            missing.append(f"{name} ({page}#{anchor})")
    assert not missing, f"examples not rendered where the op table links: {missing}"
