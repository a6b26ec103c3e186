"""The computational graph behind a tensor, read through the engine's view of it (node.next, node.inputs).

`Graph(output)` lists one node per op, per leaf and per constant tensor, the edges in data-flow direction and
the ops in forward order. `record_backward(output)` runs backward like `output.backward()` and keeps every
step (upstream, local gradient, gradient per edge); give it to Graph to show the gradients of inner nodes too.
Both DOT (`draw_graph`) and JSON (`to_json`) are drawn from a Graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..autograd.engine import backward
from ..autograd.function import FREED
from .trace import Names, Step, explain, op_name
from ..tensor import Tensor


@dataclass
class Node:
    """One node: kind 'op', 'input' (a leaf that requires grad), 'param' (a named parameter) or 'const'."""

    id: int
    kind: str
    label: str  # what the drawing shows first: the name, else the op, else the shape
    op: str | None = None
    name: str | None = None
    fn: object = None  # the graph node (Function) of an op
    outputs: dict = field(default_factory=dict)  # output index -> Tensor (an op's results, a leaf itself)
    args: list = field(default_factory=list)  # non-tensor forward arguments, as text
    module: str | None = None
    grad: object = None  # ndarray (or list, for ops with several outputs) or None

    @property
    def tensor(self) -> Tensor | None:
        t = self.outputs.get(0)
        return t if t is not None else next(iter(self.outputs.values()), None)

    @property
    def shape(self) -> tuple | None:
        t = self.tensor
        if t is not None:
            return tuple(t.shape)
        shapes = getattr(self.fn, "_out_shapes", None)
        return tuple(shapes[0]) if shapes and shapes[0] is not None else None


@dataclass
class Edge:
    """Data flows src -> dst into forward argument `slot` of dst; backward sends `grad` the other way."""

    id: int
    src: int
    dst: int
    slot: int
    out: int = 0  # which output of src
    upstream: object = None
    local: object = None
    local_text: str | None = None
    grad: object = None


class BackwardRecord:
    """What one backward pass did, step by step in the engine's order (see `record_backward`).

    Args:
        names: {tensor: name} or {name: tensor} used in the lines (default None).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(3.0, requires_grad=True)
        >>> record = viz.BackwardRecord({"x": x})
        >>> cr.autograd.backward(x * x, on_step=record.on_step)    # the engine reports each node to on_step
        >>> record.lines
        ['mul x*x: upstream 1.0 x local [x=3, x=3] -> grads [3.0, 3.0]']
        >>> len(record.steps), x.grad
        (1, tensor(6.))
    """

    def __init__(self, names=None):
        self.names = Names(names)
        self.steps: list[Step] = []
        self.by_node: dict = {}
        self.output_grad = None

    def on_step(self, node, upstream, grads) -> None:
        step = explain(node, upstream, grads, self.names)
        self.steps.append(step)
        self.by_node[node] = step

    @property
    def lines(self) -> list[str]:
        """The trace lines (as `loss.backward(trace=True)` prints them).

        Examples:
            >>> import chainrule as cr
            >>> from chainrule import viz
            >>> w = cr.tensor(2.0, requires_grad=True)
            >>> for line in viz.record_backward((w * 3).exp(), names={"w": w}).lines:
            ...     print(line)
            exp q: upstream 1.0 x local [403.4] -> grads [403.4]
            mul w*3: upstream 403.4 x local [3] -> grads [1210.0]
        """
        return [s.line for s in self.steps]


def record_backward(output: Tensor, gradient=None, retain_graph: bool = True, names=None) -> BackwardRecord:
    """`output.backward(gradient)` (gradients accumulate into `.grad` as usual), keeping every step.

    The graph is retained by default (a plain backward frees each node's inputs and saved arrays), so that it
    can be drawn with the record afterwards; pass retain_graph=False to free it as `backward()` does.

    Args:
        output: the tensor to differentiate (a scalar unless gradient is given).
        gradient: d(loss)/d(output) (default None: 1).
        retain_graph: keep the graph for drawing (default True).
        names: {tensor: name} or {name: tensor} (default None: x, y, z... for scalar leaves, q, r... inside).

    Returns:
        The BackwardRecord: `.steps`, `.lines`, `.by_node`.

    Raises:
        RuntimeError: output does not require grad.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(-2.0, requires_grad=True)
        >>> y = cr.tensor(5.0, requires_grad=True)
        >>> z = cr.tensor(-4.0, requires_grad=True)
        >>> record = viz.record_backward((x + y) * z)      # q = x + y, f = q * z
        >>> for line in record.lines:
        ...     print(line)
        mul q*z: upstream 1.0 x local [z=-4, q=3] -> grads [-4.0, 3.0]
        add x+y: upstream -4.0 x local [1, 1] -> grads [-4.0, -4.0]
        >>> x.grad, y.grad, z.grad
        (tensor(-4.), tensor(-4.), tensor(3.))
    """
    if not output._rg:
        raise RuntimeError("record_backward: the output does not require grad; there is no backward pass")
    rec = BackwardRecord(default_names(output, names))
    if gradient is None:  # backward's default seed (it raises for a non-scalar output)
        rec.output_grad = np.ones(output._data.shape, dtype=output._data.dtype)
    else:
        rec.output_grad = np.array(gradient._data if isinstance(gradient, Tensor) else gradient)
    backward(output, gradient, retain_graph=retain_graph, on_step=rec.on_step)
    return rec


def _edge_fn(e):
    """The Function an engine edge points at, or None for a leaf or no edge."""
    if e is None or isinstance(e, Tensor):
        return None
    return e[0] if type(e) is tuple else e


def forward_order(output: Tensor) -> list:
    """The ops that produced `output`, each once, inputs before the ops that use them (iterative DFS).

    Args:
        output: the tensor whose graph is walked.

    Returns:
        The graph's Function nodes in forward order ([] for a leaf).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(1.0, requires_grad=True)
        >>> [fn.name() for fn in viz.forward_order((x.exp() + x).sin())]
        ['ExpBackward0', 'AddBackward0', 'SinBackward0']
    """
    if output.grad_fn is None:
        return []
    order, seen, stack = [], set(), [(output.grad_fn, False)]
    while stack:
        fn, done = stack.pop()
        if done:
            order.append(fn)
            continue
        if fn in seen:
            continue
        seen.add(fn)
        stack.append((fn, True))
        for e in reversed(list(fn.next)):
            n = _edge_fn(e)
            if n is not None and n not in seen:
                stack.append((n, False))
    return order


def name_intermediates(output: Tensor, names=None, letters: str = "qrstuvwabcdeghkmnp",
                       final: str = "f") -> dict:
    """{tensor: name}: the given names, a letter for each unnamed inner result (q, r, ...), f for the output.

    The lectures' convention: in (x + y) * z, q = x + y and f = q * z.

    Args:
        output: the graph's output.
        names: the names already given, {tensor: name} or {name: tensor} (default None).
        letters: the names for inner results, in order (default "qrstuvwabcdeghkmnp").
        final: the output's name (default "f").

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x, y, z = (cr.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
        >>> q = x + y
        >>> f = q * z
        >>> named = viz.name_intermediates(f, {"x": x, "y": y, "z": z})
        >>> named[q], named[f]
        ('q', 'f')
    """
    given = Names(names)
    taken = set(given.ids.values())
    result = {t: n for t, n in zip(given._keep, (given.ids[id(t)] for t in given._keep))}
    pool = [c for c in letters if c not in taken and c != final]
    extra = iter(pool + [f"{letters[0]}{k}" for k in range(1, 10_000)])
    for fn in forward_order(output):
        for t in fn.inputs:
            if isinstance(t, Tensor) and t.grad_fn is not None and given.get(t) is None and t not in result:
                result[t] = next(extra)
    if given.get(output) is None and output.grad_fn is not None:
        result[output] = final if final not in taken else next(extra)
    return result


def default_names(output: Tensor, names=None) -> dict:
    """The given names, completed as `chainrule graph` names things: unnamed scalar leaves that require grad
    x, y, z, w, ... (in the order the forward pass used them), inner results q, r, s, ..., the output f."""
    given = Names(names)
    result = {t: given.ids[id(t)] for t in given._keep}
    taken = set(result.values())
    spare = [c for c in "xyzw" if c not in taken]
    pool = iter(spare + [f"x{k}" for k in range(1, 10_000) if f"x{k}" not in taken])
    for fn in forward_order(output):
        for t in fn.inputs:
            unnamed_leaf = isinstance(t, Tensor) and t.grad_fn is None and given.get(t) is None
            if unnamed_leaf and t._rg and t.ndim == 0 and t not in result:
                result[t] = next(pool)
    return name_intermediates(output, result)


class Graph:
    """Nodes (ops, leaves, constants), edges in data-flow direction, forward order; gradients from a record.

    params: {name: tensor} (e.g. dict(model.named_parameters())); names: {tensor: name} or {name: tensor};
    modules: a `record_modules` recorder (clusters by Module); record: a `record_backward` result.

    Args:
        output: the tensor whose graph is read.
        names: {tensor: name} or {name: tensor} (default None).
        params: {name: tensor}, e.g. dict(model.named_parameters()) (default None).
        modules: a `record_modules` recorder (default None).
        record: a `record_backward` result (default None).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(-2.0, requires_grad=True)
        >>> y = cr.tensor(5.0, requires_grad=True)
        >>> f = (x + y) * y
        >>> g = viz.Graph(f, names={"x": x, "y": y}, record=viz.record_backward(f))
        >>> [(n.label, n.kind) for n in g.nodes]
        [('x', 'input'), ('y', 'input'), ('add', 'op'), ('mul', 'op')]
        >>> [(e.src, e.dst) for e in g.edges]
        [(0, 2), (1, 2), (2, 3), (1, 3)]
        >>> mul = g.nodes[-1]
        >>> g.saved_of(mul)
        ['add ()', 'y ()']
    """

    def __init__(self, output: Tensor, names=None, params=None, modules=None,
                 record: BackwardRecord | None = None):
        self.output_tensor = output
        self.names = Names(names)
        self.params = {id(t): n for n, t in (params or {}).items() if isinstance(t, Tensor)}
        self._keep = list((params or {}).values())
        self.modules = modules
        self.record = record
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.forward: list[int] = []
        self._ids: dict = {}
        self._build()
        self.output = self._ids[self._key_of(output)]
        if record is not None:
            self._apply_record(record)
        else:
            self._grads_from_tensors()

    # ---- building -----------------------------------------------------------------------------------------
    @staticmethod
    def _key_of(t: Tensor):
        return ("fn", id(t.grad_fn)) if t.grad_fn is not None else ("t", id(t))

    def _leaf(self, t: Tensor) -> int:
        key = ("t", id(t))
        if key in self._ids:
            return self._ids[key]
        name = self.params.get(id(t)) or self.names.get(t)
        if t._rg:
            kind = "param" if id(t) in self.params else "input"
        else:
            kind = "const"
        label = name or (Names()(t) if kind == "const" else str(tuple(t.shape)))
        module = None
        if kind == "param" and self.modules is not None:
            module = self.modules.module_of_param(self.params[id(t)])
        node = Node(len(self.nodes), kind, label, name=name, outputs={0: t}, module=module)
        self.nodes.append(node)
        self._ids[key] = node.id
        return node.id

    def _build(self) -> None:
        order = forward_order(self.output_tensor)
        if not order:
            self._leaf(self.output_tensor)
            return
        outputs: dict = {fn: {} for fn in order}
        outputs[self.output_tensor.grad_fn][self.output_tensor._out_idx] = self.output_tensor
        # after a backward without retain_graph a node no longer holds its inputs: named tensors still show
        for t in [*(fn_in for fn in order for fn_in in fn.inputs), *self.names._keep]:
            if isinstance(t, Tensor) and t.grad_fn in outputs:
                outputs[t.grad_fn].setdefault(t._out_idx, t)
        for fn in order:
            pending = []
            nxt = list(fn.next)
            ins = fn.inputs
            for slot in range(max(len(ins), len(nxt))):  # inputs freed by backward: the edges remain
                a = ins[slot] if slot < len(ins) else None
                e = nxt[slot] if slot < len(nxt) else None
                src_fn = _edge_fn(e)
                if src_fn is not None:
                    pending.append((self._ids[("fn", id(src_fn))], slot, e[1] if type(e) is tuple else 0))
                elif isinstance(e, Tensor):
                    pending.append((self._leaf(e), slot, 0))
                elif isinstance(a, Tensor):
                    pending.append((self._leaf(a), slot, 0))
            args = [_arg_text(a) for a in fn.inputs if not isinstance(a, Tensor)]
            out = outputs[fn]
            name = next((self.names.get(t) for t in out.values() if self.names.get(t)), None)
            module = self.modules.module_of(fn) if self.modules is not None else None
            node = Node(len(self.nodes), "op", name or op_name(fn), op=op_name(fn), name=name, fn=fn,
                        outputs=out, args=[a for a in args if a is not None], module=module)
            self.nodes.append(node)
            self._ids[("fn", id(fn))] = node.id
            self.forward.append(node.id)
            for src, slot, o in pending:
                self.edges.append(Edge(len(self.edges), src, node.id, slot, o))

    # ---- gradients ----------------------------------------------------------------------------------------
    def _apply_record(self, rec: BackwardRecord) -> None:
        into: dict = {}
        for e in self.edges:
            into.setdefault(e.dst, {})[e.slot] = e
        leaf_sum: dict = {}
        for step in rec.steps:
            nid = self._ids.get(("fn", id(step.node)))
            if nid is None:
                continue
            self.nodes[nid].grad = step.upstream
            for k, slot in enumerate(step.inputs):
                e = into.get(nid, {}).get(slot)
                if e is None:
                    continue
                e.upstream, e.local, e.local_text = step.upstream, step.local_values[k], step.local[k]
                e.grad = step.grads[k]
                if e.grad is not None and self.nodes[e.src].kind != "op":
                    prev = leaf_sum.get(e.src)
                    leaf_sum[e.src] = e.grad if prev is None else prev + e.grad
        for nid, g in leaf_sum.items():
            self.nodes[nid].grad = g
        out = self.nodes[self.output]
        if out.grad is None:
            out.grad = getattr(rec, "output_grad", None)

    def _grads_from_tensors(self) -> None:
        """Without a record: leaves' .grad and retained gradients of inner results."""
        for n in self.nodes:
            t = n.tensor
            if t is None or n.kind == "const":
                continue
            if t.grad_fn is None or (t._hooks and t._hooks.get("retain")):
                g = t._grad
                n.grad = None if g is None else np.asarray(g._data)

    # ---- queries ------------------------------------------------------------------------------------------
    def saved_of(self, node: Node) -> list[str]:
        """What an op saved for backward, named where a saved array is one of its inputs or its output."""
        fn = node.fn
        if fn is None or not fn.saved:
            return []
        if fn.saved is FREED:
            return ["freed by backward (use retain_graph=True)"]
        names = []
        for s in fn.saved:
            arr = s._data if isinstance(s, Tensor) else s
            who = None
            for a in fn.inputs:
                if isinstance(a, Tensor) and a._data is arr:
                    nid = self._ids.get(self._key_of(a))
                    who = self.nodes[nid].label if nid is not None else None
            if who is None and node.tensor is not None and node.tensor._data is arr:
                who = "output"
            if isinstance(arr, np.ndarray):
                names.append(f"{who} {tuple(arr.shape)}" if who else f"{tuple(arr.shape)} {arr.dtype}")
            elif arr is not None:
                names.append(_arg_text(arr) or type(arr).__name__)
        return names

    def __len__(self) -> int:
        return len(self.nodes)


def _arg_text(a) -> str | None:
    """A short text for a non-tensor forward argument (None for None)."""
    if a is None:
        return None
    if isinstance(a, (bool, int, float, np.number)):
        return f"{a:g}" if isinstance(a, float) else str(a)
    if isinstance(a, (tuple, list)) and len(a) <= 6:
        return "(" + ", ".join(str(x) for x in a) + ("," if len(a) == 1 else "") + ")"
    if isinstance(a, str):
        return a
    if isinstance(a, np.ndarray):
        return f"array{tuple(a.shape)}"
    return type(a).__name__
