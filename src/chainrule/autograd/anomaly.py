"""Anomaly detection: when a backward produces NaN or Inf, name the op, the user line that made it, the shapes."""

from __future__ import annotations

import os
import traceback

import numpy as np

from .grad_mode import anomaly_used, state


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Context manager (and decorator): record forward tracebacks and check every backward output is finite.

    Inside it, each op remembers the line of user code that created it, and the backward pass raises at the
    first node whose gradient holds a NaN or an Inf, naming the op, the input, the shapes and that line. Costs
    a traceback per op: use it to debug, not to train.

    Args:
        check_nan: check the gradients (default True); False records nothing (PyTorch's switch).

    Raises:
        RuntimeError: (from backward) a node returned NaN or Inf in a gradient.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 4.0], requires_grad=True)
        >>> with cr.autograd.detect_anomaly():
        ...     y = (x - 1).sqrt().sum()           # d sqrt(u)/du = 1 / (2 sqrt(u)): infinite at u = 0
        ...     y.backward()
        Traceback (most recent call last):
            ...
        RuntimeError: Function 'SqrtBackward0' returned 1 NaN/Inf value(s) out of 2 in its gradient ...
        >>> cr.autograd.is_anomaly_enabled()
        False
    """

    def __init__(self, check_nan: bool = True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = state.anomaly
        state.anomaly = self.check_nan
        if self.check_nan:
            anomaly_used[0] = True
        return self

    def __exit__(self, *exc):
        state.anomaly = self._prev
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly detection on or off globally (in this thread), as `detect_anomaly()` does for a block.

    Args:
        mode: True to turn it on, False to turn it off.

    Examples:
        >>> import chainrule as cr
        >>> cr.autograd.set_detect_anomaly(True)
        >>> cr.autograd.is_anomaly_enabled()
        True
        >>> cr.autograd.set_detect_anomaly(False)
    """
    state.anomaly = bool(mode)
    if mode:
        anomaly_used[0] = True


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()` (or after `set_detect_anomaly(True)`): backward then names the op and
    the line of a NaN it produces.

    Examples:
        >>> import chainrule as cr
        >>> with cr.autograd.detect_anomaly():
        ...     print(cr.autograd.is_anomaly_enabled())
        True
        >>> cr.autograd.is_anomaly_enabled()
        False
    """
    return state.anomaly


def check_grads(node, grads) -> None:
    """Raise if any gradient a node produced holds NaN or Inf, with the op's forward traceback."""
    for i, g in enumerate(grads):
        if g is None:
            continue
        arr = g._data if hasattr(g, "_data") else np.asarray(g)
        if arr.dtype.kind not in "fc":
            continue
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        if bad:
            shapes = [tuple(a.shape) if hasattr(a, "shape") else type(a).__name__ for a in node.inputs]
            where = "".join(traceback.format_list(_user_frames(node._stack))) if node._stack else "  (unknown)\n"
            raise RuntimeError(
                f"Function '{node.name()}' returned {bad} NaN/Inf value(s) out of {arr.size} in its gradient for "
                f"input {i}. Input shapes: {shapes}.\nThe op was created here (forward traceback):\n{where}"
                "Check that op's inputs (e.g. log of 0, division by 0, sqrt of a negative number)."
            )


# The package's own directory (not "any path containing /chainrule/": a checkout is named chainrule too).
_PACKAGE_DIR = os.path.normcase(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ""))


def _user_frames(stack, package_dir: str = _PACKAGE_DIR):
    """Drop chainrule's own frames (files in the package directory): the traceback ends at the user's line."""
    frames = [f for f in stack if not os.path.normcase(os.path.abspath(f.filename)).startswith(package_dir)]
    return frames[-6:] if frames else stack[-6:]
