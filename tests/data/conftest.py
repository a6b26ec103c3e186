"""Shared fixtures: where the real datasets are, and a private cache folder so tests never touch ~/.cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CHAINRULE_DATA") or REPO.parent / "shared" / "datasets")


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    """Point CHAINRULE_CACHE at a temp folder and clear CHAINRULE_DATA for every test in this folder.

    Module scope, so that the environment is restored before tests in other folders run in the same process (a
    session-scoped fixture here would keep CHAINRULE_DATA cleared until the whole session ends).
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHAINRULE_CACHE", str(tmp_path_factory.mktemp("chainrule-cache")))
        mp.delenv("CHAINRULE_DATA", raising=False)
        yield


def _shared(name: str) -> Path:
    """The shared folder of one dataset, or skip the test when it is absent."""
    folder = SHARED / name
    if not any((folder / f"t10k-labels-idx1-ubyte{ext}").exists() for ext in ("", ".gz")):
        pytest.skip(f"{folder} not found; set CHAINRULE_DATA to the folder holding {name}/")
    return folder


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The real MNIST files (gzip IDX)."""
    return _shared("mnist")


@pytest.fixture(scope="session")
def fashion_dir() -> Path:
    """The real Fashion-MNIST files (gzip IDX)."""
    return _shared("fashion-mnist")
