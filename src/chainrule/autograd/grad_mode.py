"""Grad mode: whether ops record the graph. Thread-local, like PyTorch's, so a server can train in threads."""

from __future__ import annotations

import functools
import threading


class _State(threading.local):
    enabled = True
    anomaly = False


state = _State()
# Whether anomaly mode was ever turned on, in any thread: Op.apply reads this list before the thread-local
# `state.anomaly` (a thread-local read costs ~600 instructions, as much as the rest of a small op's recording).
anomaly_used = [False]


def is_grad_enabled() -> bool:
    """True when ops record the graph for backward."""
    return state.enabled


class _Mode:
    """Base of the grad-mode context managers; each is also a decorator."""

    _target = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._target
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def _fresh(self):
        return type(self)()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_Mode):  # noqa: N801 - PyTorch's name
    """Disable graph recording: `with no_grad(): ...` or `@no_grad()`."""

    _target = False


class enable_grad(_Mode):  # noqa: N801
    """Re-enable graph recording inside a no_grad block."""

    _target = True


class set_grad_enabled(_Mode):  # noqa: N801
    """Set grad mode on or off: usable as a function, context manager or decorator."""

    def __init__(self, mode: bool):
        self._target = bool(mode)
        self._prev = state.enabled
        state.enabled = self._target

    def __enter__(self):
        return self

    def __call__(self, fn):
        state.enabled = self._prev  # used as a decorator: undo the switch made by __init__
        return super().__call__(fn)

    def _fresh(self):
        return set_grad_enabled(self._target)


class inference_mode(no_grad):  # noqa: N801
    """Alias of no_grad (PyTorch's faster variant; here they are the same)."""

    def __init__(self, mode: bool = True):
        self._target = not mode

    def _fresh(self):
        return inference_mode(not self._target)
