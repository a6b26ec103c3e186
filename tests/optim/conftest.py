"""Torch runs single-threaded in these tests: its tiny ops would only contend for cores (restored after)."""

import sys

import pytest


@pytest.fixture(autouse=True)
def _torch_single_thread():
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
