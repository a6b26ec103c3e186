"""The tape: what one eager run of a step did, as plain records (ops, backward calls, optimizer and library calls).

A value is named by a `Ref`: an argument of the step (`arg`, its index among the flattened arguments), a tensor
that existed before the step (`ext`: a parameter, a buffer, a constant), the output of recorded op k (`op`) or the
tensor result of recorded library call k (`call`). The recorder writes the tape; the plan builder reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ref:
    """A value of the step: kind 'arg' | 'ext' | 'op' | 'call', and its index (args, externals, tape entries)."""

    kind: str
    index: int


@dataclass
class OpRecord:
    """One `Op.apply`: the op class, its arguments (a Ref per tensor, the value itself otherwise), its output."""

    cls: type
    args: list  # Ref for a tensor argument, the argument itself otherwise
    nig: tuple | None  # needs_input_grad when a node was recorded, None under no_grad / nothing requiring grad
    shape: tuple  # the output's shape and dtype
    dtype: object
    in_shapes: list  # per argument: (shape, dtype) of a tensor argument, None otherwise
    where: str = ""  # file:line of the user code that called it (for explain and warnings)


@dataclass
class BackwardRecord:
    """`loss.backward()` on the output of an op (plain: no gradient=, inputs=, create_graph or retain_graph)."""

    root: Ref


@dataclass
class CallRecord:
    """A library call replayed as a call: optimizer.step/zero_grad, Module.zero_grad, scheduler.step, clip_grad."""

    fn: object
    args: tuple
    kwargs: dict
    name: str
    out: object = None  # a Ref when the call returned a tensor later used by the step


@dataclass
class Tape:
    """Everything the recording saw, in order, plus the externals and the modules it went through."""

    entries: list = field(default_factory=list)  # OpRecord | BackwardRecord | CallRecord
    externals: list = field(default_factory=list)  # Tensors that existed before the step
    modules: list = field(default_factory=list)  # Modules called during the step (their mode is guarded)
    optimizers: list = field(default_factory=list)  # optimizers whose step() ran
    prechecks: list = field(default_factory=list)  # (argument index, n_classes): targets must be in range
    result: object = None  # the step's return value with Refs in place of its tensors
