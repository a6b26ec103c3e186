"""Fixtures for the training-loop tests: where MNIST is, and a private decoded-data cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CHAINRULE_DATA") or REPO.parent / "shared" / "datasets")


@pytest.fixture(scope="session")
def mnist_root() -> Path:
    """The shared MNIST files, or skip."""
    folder = SHARED / "mnist"
    if not any((folder / f"t10k-labels-idx1-ubyte{ext}").exists() for ext in ("", ".gz")):
        pytest.skip(f"{folder} not found; set CHAINRULE_DATA to the folder holding mnist/")
    return folder


@pytest.fixture(scope="session", autouse=True)
def one_blas_thread():
    """NumPy's BLAS on one thread: these small matrices gain nothing from more, and a busy machine makes extra
    threads wait on each other many times over; results also no longer depend on the core count."""
    from chainrule.utils.threads import blas_threads

    with blas_threads(1):
        yield


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Decoded-data cache in a temp folder, so tests never write to ~/.cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHAINRULE_CACHE", str(tmp_path_factory.mktemp("chainrule-cache")))
        yield
