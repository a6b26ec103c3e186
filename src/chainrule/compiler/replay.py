"""Replay: a plan with its guards, run per call (and, in node mode, the backward of its graph node).

`run(flat)` puts the call's arguments into their slots, runs the plan's steps and rebuilds the step's result
(a plan buffer, or a view of one, is copied: the next replay overwrites it). In node mode (node.py) the result
carries a CompiledBackward node, and the arrays stay until that node's backward has run.
"""

from __future__ import annotations

import weakref

import numpy as np

from ..tensor import Tensor
from .node import make_node
from .plan import Plan
from .tape import Ref


class Replay:
    """A plan with its guards: `ok(flat)` says whether it applies to these arguments, `run(flat)` replays."""

    def __init__(self, plan: Plan, guards):
        self.plan, self.guards = plan, guards
        env = plan.env
        self.V, self.A = env.V, env.A
        self.steps = plan.steps
        self.arg_slots = plan.arg_slots
        self.array_slots = plan.array_slots
        self.transient = [s for s in range(len(env.V)) if s not in plan.bufslots]
        self.result = plan.tape.result
        self.prechecks = plan.tape.prechecks
        self.buf_ids = {id(a) for _, a in plan.buffers}

    def inputs_ok(self, flat: list) -> bool:
        """Class-index targets still in range (the loss's path was chosen on that), checked before anything runs."""
        for i, c in self.prechecks:
            t = flat[i] if type(flat[i]) is np.ndarray else flat[i]._data
            if t.size and (t.min() < 0 or t.max() >= c):
                return False
        return True

    def run(self, flat: list):
        if self.plan.node:
            return self.run_node(flat)
        V, A = self.V, self.A
        A[:] = flat
        for i, s in self.arg_slots:
            V[s] = flat[i]._data
        for i, s in self.array_slots:
            V[s] = flat[i]
        for f in self.steps:
            f()
        out = self._out(self.result)
        for s in self.transient:
            V[s] = None
        A.clear()
        return out

    def _out(self, obj):
        if isinstance(obj, Ref):
            if obj.kind == "arg":
                a = self.A[obj.index]
                return Tensor._wrap(a) if type(a) is np.ndarray else a
            if obj.kind == "ext":
                return self.plan.tape.externals[obj.index]
            arr = self.V[obj.index]
            if obj.index in self.plan.bufslots or arr.base is not None and id(arr.base) in self.buf_ids:
                arr = arr.copy()  # a plan buffer, or a view of one: the next replay overwrites it
            return Tensor._wrap(arr)
        if type(obj) is tuple or type(obj) is list:
            return type(obj)(self._out(o) for o in obj)
        if type(obj) is dict:
            return {k: self._out(v) for k, v in obj.items()}
        return obj

    # ---- node mode (node.py): the result keeps a graph ----------------------------------------------------
    pending = None  # weakref to the node still waiting for its backward

    def busy(self) -> bool:
        """A node of this plan still waits for its backward (its buffers are in use)."""
        node = self.pending() if self.pending is not None else None
        return node is not None and not node.done

    def run_node(self, flat: list):
        V, A = self.V, self.A
        A[:] = flat
        for i, s in self.arg_slots:
            V[s] = flat[i]._data
        for i, s in self.array_slots:
            V[s] = flat[i]
        for f in self.steps:
            f()
        root = self.result.index
        out = V[root]
        if root in self.plan.bufslots or out.base is not None and id(out.base) in self.buf_ids:
            out = out.copy()
        inputs = [flat[key[1]] if type(key) is tuple else key for key in self.plan.node_inputs]
        res = make_node(self, inputs, out)
        self.pending = weakref.ref(res.grad_fn)
        return res

    def backward_node(self, node, g):
        G, R = self.plan.env.G, self.plan.env.R
        G[self.result.index] = g
        for i in range(len(R)):
            R[i] = None
        try:
            for f in self.plan.bsteps:
                f()
            return tuple(R)
        finally:
            node.done = True
            for s in self.transient:
                self.V[s] = None
            for i in range(len(R)):
                R[i] = None
            self.A.clear()
