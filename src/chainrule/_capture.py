"""The one hook by which `chainrule.compile` sees library calls that change state outside an op.

A compiled step replays the ops it recorded; a library function that edits state with plain NumPy (gradient
clipping scales `.grad` arrays, BatchNorm counts its batches) would be invisible to that replay. Such a function
is decorated with `replayable`: while a recording is active (`RECORDER[0]` is set by chainrule.compiler) the call
is recorded, to be called again at each replay; otherwise the decorator costs one list read. `value_read` lets
library code that branches on a tensor's value say so, which makes the recording fall back to eager mode.
"""

from __future__ import annotations

import functools

RECORDER: list = [None]  # the active recorder (chainrule.compiler.recorder.Recorder), or None


def replayable(fn):
    """Decorator: under a compile recording, record the call so that each replay calls `fn` again."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        rec = RECORDER[0]
        if rec is None:
            return fn(*args, **kwargs)
        return rec.call(fn, args, kwargs)

    return wrapper


def value_read(what: str) -> None:
    """Library code is about to branch on a tensor's value (`what` says where): a recording cannot replay that."""
    rec = RECORDER[0]
    if rec is not None:
        rec.fail(f"{what} depends on a tensor's value")


@replayable
def count_batch(t) -> None:
    """t += 1 in place for an integer counter tensor (BatchNorm's num_batches_tracked)."""
    t._data += 1
    t._bump()


def targets_in_range(target, n_classes: int) -> None:
    """Class-index targets were all in [0, n_classes), so the loss took its shorter path: a replay must check."""
    rec = RECORDER[0]
    if rec is not None:
        rec.precheck_targets(target, n_classes)


@replayable
def bump(*tensors) -> None:
    """Count an in-place edit that an op made with NumPy (BatchNorm's running statistics)."""
    for t in tensors:
        t._bump()
