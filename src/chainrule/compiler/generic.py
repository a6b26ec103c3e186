"""Replay of any op as it ran eagerly: its own forward and backward on arrays, without Tensors or graph nodes.

`Env` holds the replay's state: V (the array of each value), G (the pending gradient of each value), C (the
context each op's forward filled for its backward) and A (the step's argument tensors). A forward step calls
`cls.forward(ctx, *arrays)`; a backward step calls `cls.backward(ctx, g)`, conforms each gradient to its
input's shape and dtype and sums it into that input's pending gradient, or hands it to a leaf's `.grad`, in the
engine's way (autograd/engine.py), so that the numbers are the engine's.
"""

from __future__ import annotations

import numpy as np

from ..autograd.flow import _conform, _sum
from ..autograd.function import _NULL_CTX
from ..tensor import Tensor

_ndarray = np.ndarray
_new = object.__new__


class Env:
    """The replay's value, gradient, context and argument lists (allocated once per plan)."""

    __slots__ = ("A", "C", "G", "R", "V")

    def __init__(self, n_slots: int):
        self.V = [None] * n_slots
        self.G = [None] * n_slots
        self.C = [None] * n_slots
        self.A: list = []
        self.R: list = []  # node mode: the gradients returned to the engine (node.py)


def deliver(t: Tensor, g: np.ndarray, owned: bool) -> None:
    """Hand a leaf's gradient to `.grad` as the engine does: adopt an array made for it alone, else copy or add."""
    dt = t._data.dtype
    if g.dtype != dt:
        g, owned = g.astype(dt), True
    if t._grad is None:
        t._grad = Tensor._wrap(g if owned else g.copy())
    else:
        t._grad._data += g


def forward_step(env: Env, k: int, cls, template: list, tpos: list, nig):
    """Op k's forward: the recorded constant arguments, the current arrays of its tensor arguments."""
    V, C = env.V, env.C

    def run():
        args = template.copy()
        for p, s in tpos:
            args[p] = V[s]
        if nig is None:
            out = cls.forward(_NULL_CTX, *args)
        else:
            ctx = C[k] = _new(cls)
            ctx.needs_input_grad = nig
            out = cls.forward(ctx, *args)
        V[k] = out if type(out) is _ndarray else np.asarray(out)

    return run


def backward_step(env: Env, k: int, cls, targets: list):
    """Op k's backward. targets: per input that receives a gradient, (position, kind, where, shape, dtype) with
    kind 'op' (where: the slot) or 'leaf' (where: a Tensor, or an argument index as int for kind 'arg')."""
    V, G, C, A = env.V, env.G, env.C, env.A

    def run():
        g = G[k]
        if g is None:  # nothing flowed into this op (the engine skips it too)
            return
        G[k] = None
        ctx, C[k] = C[k], None
        gins = cls.backward(ctx, g)
        if type(gins) is not tuple:
            gins = (gins,)
        for pos, kind, where, shape, dt in targets:
            gi = gins[pos]
            if gi is None:
                continue
            if type(gi) is not _ndarray or gi.dtype is not dt or gi.shape != shape:
                raw, gi = gi, _conform(ctx, pos, gi, shape, dt)
                owned = gi is not raw and type(gi) is _ndarray and gi.base is None
            else:
                owned = gi is not g and gi.base is None and sum(x is gi for x in gins) == 1
            if kind == "op":
                prev = G[where]
                G[where] = gi if prev is None else _sum(prev, gi)
            elif kind == "ret":  # to the engine: a view unless made for this input alone (the engine copies it)
                prev = env.R[where]
                env.R[where] = (gi if owned else gi.view()) if prev is None else _sum(prev, gi)
            else:
                deliver(A[where] if kind == "arg" else where, gi, owned)

    del V
    return run
