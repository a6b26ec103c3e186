"""Fixtures for the CNN tests: the PyTorch oracle (skipped without it) and data helpers."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def torch():
    """PyTorch, single-threaded (tiny tensors); tests that use it skip when it is not installed."""
    torch = pytest.importorskip("torch")
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(n)
