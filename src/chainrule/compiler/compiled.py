"""CompiledFunction: the object `chainrule.compile(fn)` returns - a cache of plans keyed by the guards.

A call whose key is new runs `fn` eagerly while recording; if the recording can be replayed, its plan is kept
under that key (at most `cache_size` keys, the oldest dropped; at most `cache_size` plans per key), else the
key is marked eager and a one-line warning says why. A call replays the first plan of its key whose own guards
hold (module modes and attributes, parameter arrays), and records a new plan when none does. Results of the recording call are eager's own; results of replays are new tensors that do
not carry a graph (their values are the step's).
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict

from .. import _capture
from . import guards
from .plan import Plan, PlanError
from .recorder import Recorder, recording
from .replay import Replay
from .tape import Ref

_EAGER = "eager"


class CompiledFunction:
    """fn recorded once per guard key and replayed after; call it as fn. See `chainrule.compile`.

    Args:
        fn: the function to compile.
        cache_size: the most guard keys (argument shapes, dtypes, ...) whose recordings are kept (default 8).
        disable: always run fn eagerly (default False).

    Attributes:
        stats: {"records": ..., "replays": ..., "eager": ...}: how the calls ran.

    Examples:
        >>> import chainrule as cr
        >>> def f(a, b):
        ...     return (a * b).sum()
        >>> compiled = cr.compile(f)
        >>> type(compiled).__name__
        'CompiledFunction'
        >>> compiled(cr.ones(3), cr.full((3,), 2.0))        # the first call records
        tensor(6.)
        >>> compiled(cr.ones(3), cr.full((3,), 3.0))        # the next ones replay the recording
        tensor(9.)
        >>> compiled.stats
        {'records': 1, 'replays': 1, 'eager': 0}
    """

    def __init__(self, fn, cache_size: int = 8, disable: bool = False):
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.cache_size = cache_size
        self.disable = disable
        self.cache: OrderedDict = OrderedDict()
        self.stats = {"records": 0, "replays": 0, "eager": 0}
        self.last: Replay | None = None  # the plan that ran last (what explain() shows)
        self.reasons: dict = {}  # key -> why that key runs eagerly

    def __get__(self, obj, objtype=None):
        """As a decorator on a method: bind like a function (one cache per method, keyed by self's identity)."""
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args, **kwargs):
        if self.disable or _capture.RECORDER[0] is not None:  # nested in another recording: plain Python
            return self.fn(*args, **kwargs)
        if kwargs or not all(type(a) in guards.LEAVES for a in args):
            flat: list = []
            structure = guards.flatten((args, kwargs), flat)
        else:  # the common call: tensors, arrays and numbers only
            flat, structure = list(args), len(args)
        key = guards.key(structure, flat)
        plans = self.cache.get(key)
        if plans is _EAGER:
            self.stats["eager"] += 1
            return self.fn(*args, **kwargs)
        if plans is not None:
            for plan in plans:  # the plans of this key differ by their own guards (train/eval mode, ...)
                if plan.guards.ok():
                    if not plan.inputs_ok(flat) or plan.plan.node and plan.busy():
                        # targets that take another path, or buffers still held for a pending backward  # this call's targets take another path: eager, this once
                        self.stats["eager"] += 1
                        return self.fn(*args, **kwargs)
                    self.stats["replays"] += 1
                    self.last = plan
                    return plan.run(flat)
        return self._record(key, flat, args, kwargs)

    def _record(self, key, flat, args, kwargs):
        self.stats["records"] += 1
        rec = Recorder(flat)
        with recording(rec):
            out = self.fn(*args, **kwargs)
            rec.tape.result = _refs(rec, out)
        why = rec.why
        node = why is None and _needs_node(rec.tape)
        if node == "no":
            why = ("the step returns tensors that require grad and calls no backward() itself (return one, "
                   "compile the whole training step, or call it under no_grad)")
        if why is None:
            try:
                plan = Replay(Plan(rec.tape, flat, node=bool(node)), guards.PlanGuards(rec.tape))
            except PlanError as e:
                why = str(e)
        if why is not None:
            self.reasons[key] = why
            self._store(key, _EAGER)
            warnings.warn(f"chainrule.compile: {getattr(self.fn, '__qualname__', 'fn')} runs eagerly: {why}",
                          UserWarning, stacklevel=3)
            return out
        plans = self.cache.get(key)
        if plans is None or plans is _EAGER:
            self._store(key, [plan])
        else:  # the newest first; a plan whose guards failed (a replaced parameter) ages out
            plans.insert(0, plan)
            del plans[self.cache_size:]
        self.last = plan
        return out

    def _store(self, key, value) -> None:
        self.cache[key] = value
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)

    def explain(self, file=None) -> str:
        """Print (to `file`, default stdout) and return the last plan: its ops, buffers and bytes, what fused.

        Args:
            file: a text stream to print to (default None: stdout).

        Returns:
            The printed text.

        Examples:
            >>> import chainrule as cr
            >>> step = cr.compile(lambda a: (a * a).sum())
            >>> _ = step(cr.ones(3))
            >>> _ = step.explain()
            chainrule.compile plan of <lambda>: 1 recorded, 0 replayed, 0 eager calls
            steps (2):
              forward   [0] Mul (generic) -> (3,) float32 ...
              forward   [1] Sum (generic) -> () float32 ...
            buffers (0, 0 bytes, allocated once):
            fused: nothing
        """
        from .explain import explain

        return explain(self, file)

    def graph_dot(self) -> str:
        """The last plan as Graphviz DOT text (what `chainrule.viz.draw_graph(compiled_fn)` draws).

        Examples:
            >>> import chainrule as cr
            >>> step = cr.compile(lambda a: (a * a).sum())
            >>> _ = step(cr.ones(3))
            >>> step.graph_dot().splitlines()[0]
            'digraph plan {'
        """
        from .explain import plan_dot

        return plan_dot(self)


def _refs(rec: Recorder, obj):
    """The step's return value with a Ref in place of each tensor (fails the recording for unknown tensors)."""
    from ..tensor import Tensor

    if isinstance(obj, Tensor):
        return rec.ref(obj, "the step's return value")
    if type(obj) is tuple or type(obj) is list:
        return type(obj)(_refs(rec, o) for o in obj)
    if type(obj) is dict:
        return {k: _refs(rec, v) for k, v in obj.items()}
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    rec.fail(f"the step returns a {type(obj).__name__}, which a replay cannot rebuild")
    return obj


def _needs_node(tape):
    """Whether the result must keep a graph: False (no), True (one result tensor: a node makes it, node.py)
    or "no" (several tensors needing a graph: not replayed)."""
    from .plan import _result_refs
    from .tape import BackwardRecord

    if any(isinstance(e, BackwardRecord) for e in tape.entries):
        return False
    needing = [r for r in _result_refs(tape.result) if r.kind == "op" and tape.entries[r.index].nig is not None]
    if not needing:
        return False
    r = tape.result
    return True if isinstance(r, Ref) and r.kind == "op" else "no"
