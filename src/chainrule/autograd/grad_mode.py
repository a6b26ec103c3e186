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


class _BareDecorator(_Mode):
    """A mode that also decorates without parentheses, as PyTorch's: `@no_grad` as well as `@no_grad()`."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        if not callable(orig_func):
            raise TypeError(f"{cls.__name__}() takes no arguments (got {orig_func!r}); "
                            f"use `with {cls.__name__}():` or `@{cls.__name__}`")
        return cls()(orig_func)

    def __init__(self, orig_func=None):
        pass


class no_grad(_BareDecorator):  # noqa: N801 - PyTorch's name
    """Disable graph recording: `with no_grad(): ...`, `@no_grad()` or `@no_grad`."""

    _target = False


class enable_grad(_BareDecorator):  # noqa: N801
    """Re-enable graph recording inside a no_grad block (also `@enable_grad()` / `@enable_grad`)."""

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


class inference_mode(_Mode):  # noqa: N801
    """no_grad under PyTorch's name for its faster variant: `with inference_mode():`, `inference_mode(mode=False)`
    (records as usual), `@inference_mode()` or `@inference_mode`. Tensors made inside are ordinary tensors (PyTorch
    marks them as inference tensors; chainrule does not distinguish them)."""

    def __new__(cls, mode=True):
        if mode is None or isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # @inference_mode without parentheses

    def __init__(self, mode: bool = True):
        self._target = not mode if isinstance(mode, bool) else False

    def _fresh(self):
        return inference_mode(not self._target)
