"""Freeing a graph as backward goes (no retain_graph): a node drops its inputs and every array it holds.

PyTorch frees saved tensors after backward; holding the loss (`losses.append(loss)`) then keeps only the
nodes.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import numpy as np

from ..tensor import Tensor
from .function import FREED

_ndarray = np.ndarray

# What a spent node keeps after its backward without retain_graph: the graph's shape, not its data.
_GRAPH_KEYS = frozenset(
    (
        "next",
        "needs_input_grad",
        "_osh",
        "_odt",
        "_watched",
        "_stack",
        "_n_out",
        "_out_shapes",
        "_out_dtypes",
        "_materialize",
        "_non_diff",
        "_tensor_args",
    )
)


def _free(node) -> None:
    """Drop what the node holds for backward once it has run (no retain_graph): PyTorch frees saved tensors.

    Its inputs go (the engine reads shapes from `_osh`/`_odt` and the leaves), and so does every array: what
    forward saved and, in a built-in op, arrays it kept as ctx attributes (masks, softmax). A node that held
    arrays is marked FREED, so a second backward through it raises PyTorch's error; one that held none (an
    add, a sum, a reshape) keeps its plain attributes and can run again, as in PyTorch. The engine's loop
    inlines the case of a built-in op whose forward sets no ctx attribute.
    """
    if node._is_op:
        keeps = node._ctx_attrs
        if keeps is None:
            keeps = _learn_ctx_attrs(type(node))
    if not node._is_op or not keeps:  # a user Function's own attributes stay (as in PyTorch's ctx)
        if node.saved:
            node.saved = FREED
        node.inputs = ()
        return
    d = node.__dict__
    if node.saved:  # spent: only the graph's shape stays
        node.__dict__ = {k: d[k] for k in _GRAPH_KEYS if k in d}
        node.saved = FREED
        return
    node.inputs = ()
    _drop_arrays(node, d)


_BY_FORWARD: dict = {}  # forward function -> whether it keeps attributes on ctx


def _learn_ctx_attrs(cls) -> bool:
    """Whether op class cls's forward may keep something on ctx other than through save_for_backward.

    Read once per class from forward's source: any use of ctx but `ctx.save_for_backward(...)` and
    `ctx.needs_input_grad` (an attribute set, ctx passed to a helper) counts. Without the source: True. Ops
    that keep nothing on ctx (most) are then freed with two attribute writes, without a look at their
    attributes.
    """
    forward = cls.forward
    keeps = _BY_FORWARD.get(forward)  # classes made at run time share their forward (round(decimals=...))
    if keeps is None:
        keeps = _BY_FORWARD[forward] = _forward_keeps_attributes(forward)
    cls._ctx_attrs = keeps
    return keeps


def _forward_keeps_attributes(forward) -> bool:
    """True unless forward's source uses ctx only as `ctx.save_for_backward(...)` / `ctx.needs_input_grad`."""
    keeps = True
    try:
        fn = ast.parse(textwrap.dedent(inspect.getsource(forward))).body[0]
        if isinstance(fn, ast.FunctionDef) and fn.args.args:
            ctx = fn.args.args[0].arg
            allowed = {
                id(n.value)
                for n in ast.walk(fn)
                if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name)
                and n.value.id == ctx
                and isinstance(n.ctx, ast.Load)
                and n.attr in ("save_for_backward", "needs_input_grad")
            }
            uses = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == ctx]
            keeps = any(id(n) not in allowed for n in uses)
    except (OSError, TypeError, SyntaxError, IndexError):
        pass
    return keeps


def _drop_arrays(node, d: dict) -> None:
    """Delete a built-in op's ctx attributes that hold arrays; if there were any, the node is spent."""
    drop = [
        k
        for k, v in d.items()
        if k not in _GRAPH_KEYS
        and (
            type(v) is _ndarray
            or type(v) is Tensor
            or ((type(v) is tuple or type(v) is list) and _holds_array(v))
        )
    ]
    if drop:
        for k in drop:
            del d[k]
        node.saved = FREED


def _holds_array(seq) -> bool:
    for v in seq:
        if type(v) is _ndarray or type(v) is Tensor:
            return True
    return False
