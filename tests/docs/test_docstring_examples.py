"""Every `>>>` example in chainrule's docstrings runs and prints what it shows (doctest, ELLIPSIS allowed).

These are the examples the reference pages render, so they cannot drift from the code. The declared ops'
examples (chainrule/ops/_examples/, appended to their docstrings) are run by test_op_examples.py instead.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import os
import pkgutil
import re
import shutil
import subprocess
import sys

import pytest

import chainrule
from chainrule.ops._declare import REGISTRY, all_cases

SKIP = ("chainrule.__main__", "chainrule.playground.server", "chainrule.playground.app")  # need uvicorn/starlette


def _modules() -> list[str]:
    names = ["chainrule"]
    for info in pkgutil.walk_packages(chainrule.__path__, "chainrule."):
        if not info.name.endswith("__main__") and not info.name.startswith(SKIP):
            names.append(info.name)
    return sorted(names)


def _declared_docs() -> set[str]:
    all_cases()  # imports every family of ops
    return {f.__doc__ for d in REGISTRY.values() for f in (d.fn, d.method_fn) if f is not None and f.__doc__}


DECLARED_DOCS = _declared_docs()


class _Finder(doctest.DocTestFinder):
    """doctest's finder, which also enters the methods of a class whose `__module__` names the package that
    exports it (`chainrule.optim.lr_scheduler.LRScheduler`, defined in `.base`): doctest alone skips those
    methods, since their globals are not the package's."""

    def _from_module(self, module, object):
        qualname = getattr(object, "__qualname__", "")
        if inspect.isfunction(object) and "." in qualname and "<locals>" not in qualname:
            return object.__module__ == module.__name__ or object.__module__.startswith(module.__name__ + ".")
        return super()._from_module(module, object)


def _tests(name: str):
    module = importlib.import_module(name)
    finder = _Finder(exclude_empty=True)
    return [t for t in finder.find(module, name)
            if t.examples and t.name.startswith(name) and t.docstring not in DECLARED_DOCS]


# chainrule.distributed's and nn.parallel's examples initialise MPI (a one-process job): they run in a subprocess
# of their own, so that no test process keeps MPI initialised (OpenMPI objects to fork() afterwards; DataLoader
# forks)
DIST = ("chainrule.distributed", "chainrule.nn.parallel")
MODULES = [name for name in _modules() if not name.startswith(DIST) and _tests(name)]
DIST_MODULES = [name for name in _modules() if name.startswith(DIST) and _tests(name)]


def test_the_documented_packages_have_examples():
    documented = {"chainrule.nn.linear", "chainrule.nn.loss", "chainrule.optim.sgd", "chainrule.optim.adam",
                  "chainrule.utils.data.dataloader", "chainrule.train.loop", "chainrule.classic.adaline"}
    assert documented <= set(MODULES), sorted(documented - set(MODULES))


def _names_file_found() -> bool:
    from chainrule.data.datasets.names import names_path

    try:
        names_path()
    except FileNotFoundError:
        return False
    return True


NEEDS = {"dot": lambda: shutil.which("dot") is not None,
         "matplotlib": lambda: importlib.util.find_spec("matplotlib") is not None}


def _missing_tools(test) -> list[str]:
    """The optional tools a docstring's examples name with `# needs: TOOL` that are not installed here."""
    wanted = {m for ex in test.examples for m in re.findall(r"# needs: (\w+)", ex.source)}
    return [tool for tool in sorted(wanted) if not NEEDS[tool]()]


def _vision_files_found() -> bool:
    from chainrule.data.datasets.vision import FASHION_MNIST, MNIST, SPLITS, find, search_dirs

    return all(find(search_dirs(spec.name, None), SPLITS[train]) for spec in (MNIST, FASHION_MNIST)
               for train in (True, False))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    if name == "chainrule.data.datasets.vision" and not _vision_files_found():
        pytest.skip("MNIST / Fashion-MNIST not found ($CHAINRULE_DATA): their examples read the real files")
    if name == "chainrule.data.datasets.names" and not _names_file_found():
        pytest.skip("names.txt not found ($CHAINRULE_DATA/names): its examples read the real file")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    failures = run_examples(name)
    assert not failures, failures


def run_examples(name: str) -> str:
    """Run module `name`'s docstring examples (seeded, in the current folder); the failure report, or ""."""
    runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []
    for test in _tests(name):
        if _missing_tools(test):
            continue  # an example marked `# needs: dot` (or matplotlib) where that tool is not installed
        chainrule.manual_seed(0)
        result = runner.run(test, out=failures.append)
        assert result.attempted == len(test.examples)
    return "".join(failures)


def test_distributed_docstring_examples(tmp_path):
    pytest.importorskip("mpi4py", reason="chainrule.distributed's examples need mpi4py and an MPI library")
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import test_docstring_examples as t; "
              "report = ''.join(t.run_examples(name) for name in sys.argv[2:]); print(report); "
              "sys.exit(1 if report else 0)")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    r = subprocess.run([sys.executable, "-c", script, os.path.dirname(__file__), *DIST_MODULES], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=300, check=False)
    assert DIST_MODULES and r.returncode == 0, r.stdout + r.stderr
