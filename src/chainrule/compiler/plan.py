"""The plan: a tape turned into a list of steps (closures over NumPy calls) that replay the step.

Slots: value k is op or call entry k of the tape; the step's arguments follow (slot n_entries + i); externals
(parameters, buffers, constants) are bound as arrays, guarded by identity. Each op becomes a fused kernel
(kernels.py) where one applies, else its generic forward (generic.py). Each `backward()` becomes the backward of
every op between the root and the leaves, in reverse tape order (a topological order of the graph the engine
walked), seeded with ones as the engine seeds it. Optimizer steps run the fast flat update (optstep.py); other
recorded calls are made again.
"""

from __future__ import annotations

import numpy as np

from ..ops.activation import ReLU
from ..ops.nn_fused import CrossEntropy, Linear
from ..tensor import Tensor
from . import kernels
from .generic import Env, backward_step, forward_step
from .optstep import step_call
from .tape import BackwardRecord, CallRecord, OpRecord, Ref, Tape


class PlanError(Exception):
    """The tape holds something a plan cannot replay (the reason is the message)."""


class Plan:
    """Replays one recorded step: `run(flat_args)` returns the step's result."""

    def __init__(self, tape: Tape, flat_args: list, node: bool = False):
        self.tape = tape
        self.node = node  # the result keeps a graph: one node whose backward replays the step's (node.py)
        self.node_inputs: list = []  # in node mode: the leaves gradients are returned for, ('arg', i) | tensor
        self.bsteps: list = []  # in node mode: the backward from the result
        n = self.n_entries = len(tape.entries)
        self.env = Env(n + len(flat_args))
        self.arg_slots = [(i, n + i) for i, a in enumerate(flat_args) if type(a) is Tensor]
        self.array_slots = [(i, n + i) for i, a in enumerate(flat_args) if type(a) is np.ndarray]
        V = self.env.V
        for i, s in self.arg_slots:
            V[s] = flat_args[i]._data
        for i, s in self.array_slots:
            V[s] = flat_args[i]
        self.lines: list = []  # (phase, text) for explain()
        self.released = 0  # values dropped from their slots after their last reader (`_release_dead`)
        self.buffers: list = []  # (name, array)
        self.fused: list = []  # what was fused, in words
        self.bufslots: set = set()  # slots whose array is a plan buffer (copied when returned)
        self.steps: list = []
        self.uses = _uses(tape)
        self.fusion: dict = {}  # ReLU entry -> Linear entry whose buffer it shares
        self.kernels: dict = {}  # entry -> fused kernel object
        self.grad_views = _grad_views(tape)
        self.arg_ids = {id(a) for a in flat_args if type(a) is Tensor}
        self.reads: dict = {}  # step index -> the value slots that step reads (for `_release_dead`)
        self._build(flat_args)
        if node:
            root = tape.result.index
            self.lines.append(("backward", f"(when the caller's backward reaches the result [{root}])"))
            self._backward_from(root, self.bsteps)
            self.env.R.extend([None] * len(self.node_inputs))
        else:
            self._release_dead()
        for i, s in self.arg_slots + self.array_slots:
            V[s] = None  # do not keep the first call's arrays alive

    # ---- building ---------------------------------------------------------------------------------------
    def ref_slot(self, r: Ref) -> int | None:
        if r.kind == "arg":
            return self.n_entries + r.index
        if r.kind in ("op", "call", "det"):
            return r.index
        return None

    def _build(self, flat_args) -> None:
        tape = self.tape
        for k, e in enumerate(tape.entries):
            if isinstance(e, OpRecord):
                if e.cls is ReLU and k in self.fusion:
                    continue
                self._forward(k, e)
            elif isinstance(e, BackwardRecord):
                self._backward(k, e)
            else:
                self._call(k, e)

    def _forward(self, k: int, e: OpRecord) -> None:
        V = self.env.V
        if e.cls is Linear and self._linear_ok(e):
            j = self._relu_after(k, e)
            w = tape_ext(self.tape, e.args[1])
            b = None if e.args[2] is None else tape_ext(self.tape, e.args[2])
            kern = kernels.Linear(self.env, k, j, self.ref_slot(e.args[0]), e.in_shapes[0][0], w, b,
                                  e.nig or (False, False, False), self._target(e, 0), self.grad_views.get(id(w)),
                                  None if b is None else self.grad_views.get(id(b)),
                                  self._target(e, 1), None if b is None else self._target(e, 2),
                                  t_out=self._read_by_linears_only(k if j is None else j))
            what = "linear" + (" + relu (in place)" if j is not None else "") + (
                " [out.T = W @ x.T" + (", read transposed]" if kern.t_out else "]") if kern.gemm_t else "")
            self._kernel(k, kern, what, e, j)
            if j is not None:
                self.fused.append(f"entry {k} Linear + entry {j} ReLU: bias and activation in place in one buffer")
            return
        if e.cls is CrossEntropy and self._ce_ok(e):
            kern = kernels.CrossEntropy(self.env, k, self.ref_slot(e.args[0]), e.in_shapes[0][0], e.in_shapes[0][1],
                                        self.ref_slot(e.args[1]), e.args[4], self._target(e, 0))
            self._kernel(k, kern, "cross_entropy (log-softmax + NLL, preallocated)", e, None)
            self.fused.append(f"entry {k} CrossEntropy: softmax, log-sum-exp and the picked logits in buffers")
            return
        template, tpos = [], []
        for p, a in enumerate(e.args):
            if isinstance(a, Ref):
                s = self.ref_slot(a)
                if s is None:
                    template.append(tape_ext(self.tape, a)._data)
                else:
                    template.append(None)
                    tpos.append((p, s))
            else:
                template.append(a)
        self.reads[len(self.steps)] = [s for _, s in tpos]
        self.steps.append(forward_step(self.env, k, e.cls, template, tpos, e.nig))
        self.lines.append(("forward", f"[{k}] {e.cls.__name__} (generic) -> {_fmt(e.shape, e.dtype)}  {e.where}"))
        del V

    def _kernel(self, k, kern, what, e, j) -> None:
        self.kernels[k] = kern
        if j is not None:
            self.kernels[j] = kern
            self.bufslots.add(j)
        self.bufslots.add(k)
        self.buffers += kern.buffers
        self.reads[len(self.steps)] = kern.reads
        self.steps.append(kern.forward())
        self.lines.append(("forward", f"[{k}] {what} -> {_fmt(e.shape, e.dtype)}  {e.where}"))

    def _linear_ok(self, e: OpRecord) -> bool:
        x, w, b = e.args
        shapes = e.in_shapes
        if not (isinstance(x, Ref) and x.kind in ("arg", "op", "det") and isinstance(w, Ref) and w.kind == "ext"):
            return False
        if b is not None and not (isinstance(b, Ref) and b.kind == "ext"):
            return False
        dts = {s[1] for s in shapes if s is not None}
        return len(shapes[0][0]) == 2 and len(dts) == 1 and dts.pop().kind == "f"

    def _relu_after(self, k: int, e: OpRecord):
        """The ReLU entry that alone reads Linear k's output (fused in place), else None."""
        if self.uses.get(k, 0) != 1:
            return None
        for j in range(k + 1, len(self.tape.entries)):
            f = self.tape.entries[j]
            if isinstance(f, OpRecord) and any(a == Ref("op", k) for a in f.args if isinstance(a, Ref)):
                if f.cls is ReLU and (f.nig is None) == (e.nig is None):
                    self.fusion[j] = k
                    return j
                return None
        return None

    def _read_by_linears_only(self, k: int) -> bool:
        """Whether op k's output is read only by Linear ops (GEMMs give the same bits for any operand layout;
        a reduction over a transposed layout may sum in another order), and is not the step's result."""
        if any(r.index == k for r in _result_refs(self.tape.result) if r.kind in ("op", "det")):
            return False
        names = (Ref("op", k), Ref("det", k))
        readers = [f for f in self.tape.entries
                   if (isinstance(f, OpRecord) and any(a in names for a in f.args if isinstance(a, Ref)))
                   or (isinstance(f, BackwardRecord) and f.root in names)]
        return bool(readers) and all(isinstance(f, OpRecord) and f.cls is Linear for f in readers)

    def _ce_ok(self, e: OpRecord) -> bool:
        x, t, weight, ignore, reduction, smoothing, prob = e.args
        return (isinstance(x, Ref) and x.kind in ("arg", "op", "det") and isinstance(t, Ref)
                and t.kind in ("arg", "op", "det")
                and weight is None and ignore is None and reduction in ("mean", "sum") and smoothing == 0
                and not prob and len(e.in_shapes[0][0]) == 2)

    def _target(self, e: OpRecord, pos: int):
        """Where input pos's gradient goes: None, ('op', slot), ('arg', index) or ('leaf', tensor)."""
        if e.nig is None or not e.nig[pos]:
            return None
        a = e.args[pos]
        if a.kind == "op":
            return ("op", a.index)
        if self.node and a.kind in ("arg", "ext"):  # returned to the engine, which delivers it
            key = ("arg", a.index) if a.kind == "arg" else tape_ext(self.tape, a)
            for j, known in enumerate(self.node_inputs):
                if known is key or type(known) is tuple and known == key:
                    return ("ret", j)
            self.node_inputs.append(key)
            return ("ret", len(self.node_inputs) - 1)
        if a.kind == "arg":
            return ("arg", a.index)
        if a.kind == "ext":
            t = tape_ext(self.tape, a)
            if t._hooks:
                raise PlanError("a parameter has gradient hooks, which a replay would not run")
            return ("leaf", t)
        raise PlanError("a gradient flows into the result of a library call")

    def _backward(self, k: int, e: BackwardRecord) -> None:
        tape, root = self.tape, e.root.index
        rec = tape.entries[root]
        seed = np.array(1, dtype=rec.dtype) if not rec.shape else np.ones(rec.shape, rec.dtype)
        G = self.env.G

        def start():
            G[root] = seed

        self.steps.append(start)
        self.lines.append(("backward", f"[{k}] backward of [{root}] (seed ones {_fmt(rec.shape, rec.dtype)})"))
        self._backward_from(root, self.steps)

    def _backward_from(self, root: int, steps: list) -> None:
        """Append to steps the backward of every op between op `root` and the leaves, in reverse tape order."""
        tape = self.tape
        todo, seen = [root], {root}
        while todo:
            j = todo.pop()
            f = tape.entries[j]
            for p, a in enumerate(f.args):
                if isinstance(a, Ref) and a.kind == "op" and f.nig and f.nig[p] and a.index not in seen:
                    seen.add(a.index)
                    todo.append(a.index)
        for j in sorted(seen, reverse=True):
            f = tape.entries[j]
            kern = self.kernels.get(j)
            if kern is not None:
                if getattr(kern, "relu_k", None) not in (None, j):
                    continue  # a Linear fused with the ReLU after it: their backward runs at the ReLU
                if steps is self.steps:
                    self.reads[len(steps)] = kern.reads
                steps.append(kern.backward())
                self.lines.append(("backward", f"[{j}] {type(kern).__name__} backward (fused kernel)"))
                continue
            targets = []
            for p, a in enumerate(f.args):
                tgt = self._target(f, p)
                if tgt is None:
                    continue
                shape, dt = f.in_shapes[p]
                targets.append((p, tgt[0], tgt[1], shape, dt))
            steps.append(backward_step(self.env, j, f.cls, targets))
            self.lines.append(("backward", f"[{j}] {f.cls.__name__} backward (generic)"))

    def _release_dead(self) -> None:
        """Drop each op's value from its slot after the last step that reads it, as eager mode drops a tensor
        nobody holds: a replay then keeps no more forward values alive than the eager step (the peak memory).

        Only values a generic op writes anew on every replay are released: plan buffers stay (their slot is set
        once), and so do the step's result, the arguments and the values of library calls (read at the end or
        held elsewhere anyway). Saved arrays live in the ops' contexts until their backward, as in eager mode.
        """
        keep = set(self.bufslots) | {r.index for r in _result_refs(self.tape.result) if r.kind in ("op", "det")}
        generic = {k for k, e in enumerate(self.tape.entries) if isinstance(e, OpRecord)} - keep
        last: dict = {}
        for i in sorted(self.reads):
            for s in self.reads[i]:
                last[s] = i
        dead: dict = {}
        for s, i in last.items():
            if s in generic:
                dead.setdefault(i, []).append(s)
        if not dead:
            return
        self.released = sum(len(v) for v in dead.values())
        V, steps = self.env.V, []
        for i, f in enumerate(self.steps):
            steps.append(f)
            if i in dead:
                steps.append(_releaser(V, tuple(dead[i])))
        self.steps = steps

    def _call(self, k: int, e: CallRecord) -> None:
        for a in list(e.args) + list(e.kwargs.values()):
            for t in (a if isinstance(a, (list, tuple)) else (a,)):
                if type(t) is Tensor and id(t) in self.arg_ids:
                    raise PlanError(f"{e.name} is given an argument tensor of the step")
        V = self.env.V
        if e.name.endswith(".step") and e.args and e.args[0] in self.tape.optimizers and not e.kwargs:
            fn, args, kwargs = step_call(e.args[0]), (), {}
            self.lines.append(("optimizer", f"[{k}] {e.name}: one flat update per bucket (fast path)"))
        else:
            fn, args, kwargs = e.fn, e.args, e.kwargs
            self.lines.append(("call", f"[{k}] {e.name} (called again)"))
        out = e.out

        def run():
            r = fn(*args, **kwargs)
            if out is not None:
                V[k] = r._data

        self.steps.append(run)


def _releaser(V: list, slots: tuple):
    """A step setting the given value slots to None (their last reader has run)."""
    def run():
        for s in slots:
            V[s] = None
    return run


def tape_ext(tape: Tape, r: Ref) -> Tensor:
    return tape.externals[r.index]


def _uses(tape: Tape) -> dict:
    """How many times each op entry's output is read (by ops, backward roots, calls and the result)."""
    uses: dict = {}
    for e in tape.entries:
        refs = e.args if isinstance(e, OpRecord) else [e.root] if isinstance(e, BackwardRecord) else []
        for a in refs:
            if isinstance(a, Ref) and a.kind in ("op", "det"):
                uses[a.index] = uses.get(a.index, 0) + 1
    for r in _result_refs(tape.result):
        if r.kind in ("op", "det"):
            uses[r.index] = uses.get(r.index, 0) + 2  # returned: never computed in place over
    return uses


def _result_refs(obj) -> list:
    if isinstance(obj, Ref):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [r for o in obj for r in _result_refs(o)]
    if isinstance(obj, dict):
        return [r for o in obj.values() for r in _result_refs(o)]
    return []


def _grad_views(tape: Tape) -> dict:
    """id(parameter) -> its view in the flat gradient buffer of an optimizer the step steps."""
    out = {}
    for opt in tape.optimizers:
        for lay in opt._layouts:
            if lay is None:
                continue
            for b in lay[1]:
                if b.gviews is not None and b.real is None:
                    for p, gv in zip(b.params, b.gviews):
                        out[id(p)] = gv
    return out


def _fmt(shape, dtype) -> str:
    return f"{tuple(shape)} {np.dtype(dtype).name}"
