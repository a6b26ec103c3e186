"""The recorder: run a step eagerly once while writing down what it did (a Tape), or why it cannot be replayed.

While `recording(rec)` is active, a handful of methods are wrapped (and restored afterwards, so the eager hot
path pays nothing when compile is not used): `Op.apply` records each op; `engine.backward` records the call;
optimizer, scheduler and `Module.zero_grad` calls, and the library functions marked `_capture.replayable`, are
recorded as calls to make again. What a replay could not reproduce makes the recording fail with a reason (the
step still finishes eagerly, and its result is right): reading a tensor's value (`.item()`, `bool`, printing),
in-place edits, tensor hooks, module hooks, user `autograd.Function`s, tensors made inside the step by anything
but an op (random draws, `chainrule.tensor(...)`), and backward calls other than a plain `loss.backward()`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import weakref

import numpy as np

from .. import _capture
from ..tensor import Tensor
from .tape import BackwardRecord, CallRecord, OpRecord, Ref, Tape

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # src/chainrule


def _where() -> str:
    """file:line of the innermost frame outside chainrule (the user's line that led here)."""
    f = sys._getframe(2)
    while f is not None and os.path.abspath(f.f_code.co_filename).startswith(_PKG):
        f = f.f_back
    if f is None:
        return ""
    return f"{os.path.basename(f.f_code.co_filename)}:{f.f_lineno}"


class Recorder:
    """Collects the tape of one eager run; `why` is set (once) when the run cannot be replayed."""

    def __init__(self, flat_args: list):
        self.tape = Tape()
        self.thread = threading.get_ident()  # only this thread's calls are the step's (a loader's are not)
        self.why: str | None = None
        self.depth = 0  # > 0 inside a recorded call: what it does inside is the call's own business
        self.refs: dict = {}  # id(tensor) -> Ref
        self.alive: dict = {}  # id(tensor) -> weakref whose callback forgets that id when the tensor dies
        self.created: set = set()  # ids of tensors made during the recording other than by ops
        self.arrays: dict = {}  # id(ndarray argument) -> its index: from_numpy(arg) inside the step names it
        for i, a in enumerate(flat_args):
            if type(a) is Tensor:
                self._name(a, Ref("arg", i))
            elif type(a) is np.ndarray:
                self.arrays[id(a)] = i

    def _name(self, t: Tensor, r: Ref) -> Ref:
        self.refs[id(t)] = r
        self._watch(t)
        return r

    def _watch(self, t: Tensor) -> None:
        """Forget t's id when t dies (a later tensor may get the same id). Not keeping every tensor alive lets
        the recorded step free its intermediates as eager mode does: its peak memory stays eager's."""
        key = id(t)
        if key not in self.alive:
            self.alive[key] = weakref.ref(t, lambda _, key=key: self._forget(key))

    def _forget(self, key: int) -> None:
        self.alive.pop(key, None)
        self.refs.pop(key, None)
        self.created.discard(key)

    def fail(self, why: str) -> None:
        if self.why is None:
            where = _where()
            self.why = f"{why} (at {where})" if where else why

    def ref(self, t: Tensor, user: str) -> Ref:
        """The Ref of tensor t; a tensor not seen before is an external, if it existed before the step."""
        r = self.refs.get(id(t))
        if r is not None:
            return r
        if id(t) in self.created and id(t._data) in self.arrays and not t._rg:  # from_numpy(an argument)
            return self._name(t, Ref("arg", self.arrays[id(t._data)]))
        if id(t) in self.created:
            self.fail(f"a tensor made inside the step by something other than an op feeds {user} (make it "
                      "outside the step, or pass it as an argument)")
        elif t.grad_fn is not None:
            self.fail(f"{user} uses a tensor that carries a graph from outside the step")
        self.tape.externals.append(t)
        return self._name(t, Ref("ext", len(self.tape.externals) - 1))

    # ---- what the wrappers report ---------------------------------------------------------------------
    def op(self, cls, args: tuple, res: Tensor) -> None:
        if self.depth:
            return
        name = cls.__name__
        rargs, shapes = [], []
        for a in args:
            if type(a) is Tensor:
                rargs.append(self.ref(a, name))
                shapes.append((a._data.shape, a._data.dtype))
            else:
                rargs.append(a)
                shapes.append(None)
        ctx = res.grad_fn
        nig = tuple(ctx.needs_input_grad) if ctx is not None else None
        k = len(self.tape.entries)
        self.tape.entries.append(OpRecord(cls, rargs, nig, res._data.shape, res._data.dtype, shapes, _where()))
        self._name(res, Ref("op", k))

    def call(self, fn, args: tuple, kwargs: dict, name: str | None = None):
        """Run a library call and record it (iterators among its arguments are kept as lists)."""
        if self.depth:
            return fn(*args, **kwargs)
        args = tuple(list(a) if _is_iterator(a) else a for a in args)
        rec = CallRecord(fn, args, kwargs, name or getattr(fn, "__qualname__", repr(fn)))
        k = len(self.tape.entries)
        self.tape.entries.append(rec)
        self.depth += 1
        try:
            out = fn(*args, **kwargs)
        finally:
            self.depth -= 1
        if type(out) is Tensor:
            rec.out = self._name(out, Ref("call", k))
        return out

    def backward(self, orig, tensor, gradient, retain_graph, create_graph, inputs, on_step):
        if not self.depth:
            if gradient is not None or retain_graph or create_graph or inputs is not None or on_step:
                self.fail("backward() with gradient=, retain_graph, create_graph, inputs= or trace=")
            elif self.refs.get(id(tensor), Ref("", 0)).kind != "op":
                self.fail("backward() of a tensor that no op of the step made")
            else:
                self.tape.entries.append(BackwardRecord(self.refs[id(tensor)]))
        self.depth += 1
        try:
            return orig(tensor, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs,
                        on_step=on_step)
        finally:
            self.depth -= 1

    def precheck_targets(self, target: Tensor, n_classes: int) -> None:
        """The loss chose its path because every target was in range: replay only while that holds."""
        if self.depth:
            return
        r = self.refs.get(id(target))
        if r is None and id(target) in self.created and id(target._data) in self.arrays:
            r = self._name(target, Ref("arg", self.arrays[id(target._data)]))  # from_numpy(an argument)
        while r is not None and r.kind == "op" and self.tape.entries[r.index].cls.is_view:
            r = self.tape.entries[r.index].args[0]  # a view of the targets has their values
        if r is None and id(target) not in self.created or r is not None and r.kind == "ext":
            return  # targets from before the step: constants
        if r is None or r.kind != "arg":
            self.fail("class-index targets computed inside the step (pass them as an argument)")
        else:
            self.tape.prechecks.append((r.index, n_classes))

    def alias(self, t: Tensor, r: Ref) -> None:
        """t holds the same array as the value r names, without a graph (detach)."""
        self._name(t, Ref("det", r.index) if r.kind == "op" else r)

    def created_tensor(self, t: Tensor) -> None:
        self.created.add(id(t))
        self._watch(t)


def _is_iterator(a) -> bool:
    return hasattr(a, "__next__") and not isinstance(a, (Tensor, str, bytes))


@contextlib.contextmanager
def recording(rec: Recorder):
    """Install the wrappers for the duration of one eager run of the step."""
    from . import patches

    undo = patches.install(rec)
    prev = _capture.RECORDER[0]
    _capture.RECORDER[0] = rec
    try:
        yield rec
    finally:
        _capture.RECORDER[0] = prev
        for cls, name, old in reversed(undo):
            if old is None:
                delattr(cls, name)
            else:
                setattr(cls, name, old)
