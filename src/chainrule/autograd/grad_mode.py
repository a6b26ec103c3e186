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
    """True when ops record the graph for backward (the default; False inside `no_grad()`).

    Examples:
        >>> import chainrule as cr
        >>> cr.is_grad_enabled()
        True
        >>> with cr.no_grad():
        ...     print(cr.is_grad_enabled())
        False
    """
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
    """Disable graph recording: `with no_grad(): ...`, `@no_grad()` or `@no_grad`.

    Results computed inside have `requires_grad=False` and no `grad_fn`, and an op costs only its forward: use
    it for evaluation and for updating parameters by hand. Takes no arguments.

    Raises:
        TypeError: called with a non-callable argument (`no_grad(x)`).

    Examples:
        >>> import chainrule as cr
        >>> w = cr.tensor([1.0, 2.0], requires_grad=True)
        >>> with cr.no_grad():
        ...     y = w * 2
        >>> y.requires_grad, y.grad_fn
        (False, None)
        >>> @cr.no_grad
        ... def evaluate(x):
        ...     return (x * w).sum()
        >>> evaluate(cr.ones(2))
        tensor(3.)
    """

    _target = False


class enable_grad(_BareDecorator):  # noqa: N801
    """Re-enable graph recording inside a no_grad block (also `@enable_grad()` / `@enable_grad`).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0], requires_grad=True)
        >>> with cr.no_grad():
        ...     with cr.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    _target = True


class set_grad_enabled(_Mode):  # noqa: N801
    """Set grad mode on or off: usable as a function, context manager or decorator.

    Args:
        mode: True records the graph, False does not (as no_grad). Called as a function, the mode stays set
            until changed; as a context manager, the previous mode comes back at the end of the block.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0], requires_grad=True)
        >>> training = False
        >>> with cr.set_grad_enabled(training):
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> _ = cr.set_grad_enabled(False)
        >>> cr.is_grad_enabled()
        False
        >>> _ = cr.set_grad_enabled(True)
    """

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
    marks them as inference tensors; chainrule does not distinguish them).

    Args:
        mode: True (default) disables recording; False leaves grad mode as it is.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0], requires_grad=True)
        >>> with cr.inference_mode():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __new__(cls, mode=True):
        if mode is None or isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # @inference_mode without parentheses

    def __init__(self, mode: bool = True):
        self._target = not mode if isinstance(mode, bool) else False

    def _fresh(self):
        return inference_mode(not self._target)
