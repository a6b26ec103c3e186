"""Views and in-place ops as PyTorch does them: a view knows its base; an in-place op on a view rebases both.

A view (made by a view op: slicing, view/reshape when it can, t/transpose/permute, unsqueeze/squeeze, expand,
narrow, select, diagonal, unbind, split/chunk) shares memory and the version counter with the tensor it was
made from, and keeps a record of how it was made: `t._view = (op class, the op's args (args[0] the tensor
viewed), the version its grad_fn was made at, grad mode at creation[, output index for ops returning several
views])`. Following the records up gives the root base (`t._base`) and the chain of view ops that re-makes the
view from it.

An in-place op writes its result into the tensor's memory and bumps the shared version counter. Inside a
recorded graph it also rebases the graph: a plain tensor takes the op's node as its grad_fn; for a view, the
base takes a `CopySlices` node (base' = base with the view's region replaced by the op's result, PyTorch's
name and idea) and the view becomes the chain of view ops re-applied to the new base. Other views of the same
base learn that their grad_fn is stale from the version counter and re-make it the same way when they are next
used (`refresh`).
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .function import _NULL_CTX, FREED, Op
from .grad_mode import state as _state


def chain_of(t: Tensor):
    """(the view records from t up to the root, the root base)."""
    chain = []
    while t._view is not None:
        rec = t._view
        chain.append(rec)
        t = rec[1][0]
    return chain, t


def replay(y, chain: list, arrays: bool = False):
    """Re-apply a chain of view ops (root first) to y: recorded ops on Tensors, bare forwards on arrays."""
    for rec in reversed(chain):
        cls, args = rec[0], rec[1]
        if arrays:
            y = cls.forward(_NULL_CTX, y, *args[1:])
        else:
            y = cls.apply(y, *args[1:])
            if len(rec) > 4:
                y = y[rec[4]]
    return y


def refresh(t: Tensor) -> None:
    """A view whose memory was written since its grad_fn was made: re-make it from its base's current graph.

    Only in grad mode (PyTorch does it lazily too, when the view is used). Views made under no_grad and
    outputs of ops returning several views refuse, with PyTorch's errors, when their base requires grad.
    """
    if not _state.enabled:
        return
    rec = t._view
    chain, root = chain_of(t)
    if root._rg:
        for r in chain:
            if len(r) > 4:
                raise RuntimeError(_multi_message(chain[0], "its base or another view of its base has been "
                                                            "modified inplace"))
            if not r[3]:
                raise RuntimeError(_NO_GRAD_VIEW.format(
                    "its base or another view of its base has been modified inplace with grad mode enabled"))
        nv = replay(root, chain)
        t.grad_fn, t._rg, t._out_idx = nv.grad_fn, nv._rg, nv._out_idx
    t._view = rec[:2] + (t._version[0],) + rec[3:]


def inplace(self: Tensor, name: str, fn, *args, regen: bool = True) -> Tensor:
    """self.<name>(*args): run the op `fn(self, *args)`, write its result into self's memory, as PyTorch does.

    Not recorded (grad mode off, or nothing requires grad): write and bump the version. Recorded: self (or,
    for a view, its base via CopySlices) takes the op's node. `fn` must be one op (or ops) taking self
    directly; what it saved of self's memory is copied first, since the write would change it. `regen=False`
    skips re-making the view's grad_fn (setitem's temporary views). Raises PyTorch's errors for leaves that
    require grad, views of them, views made under no_grad, outputs of ops returning several views, and
    overlapping (expanded) memory.
    """
    view = self._view
    if view is not None and _state.enabled and view[2] != self._version[0]:
        refresh(self)
    own_memory(self)
    # an integer or bool self cannot require grad: PyTorch writes the value and records nothing
    record = _state.enabled and (self._rg or _any_rg(args)) and self._data.dtype.kind in "fc"
    if not record:
        if view is not None:
            check_writable(self, name)
        res = fn(self, *args)
        try:
            np.copyto(self._data, res._data, casting="unsafe")
        except ValueError:
            check_writable(self, name)
            raise
        self._bump()
        return self
    if view is None:
        if self._rg and self.grad_fn is None:
            raise RuntimeError(f"{name}: a leaf Variable that requires grad is being used in an in-place "
                               "operation. Wrap parameter updates in `with chainrule.no_grad():`.")
        check_writable(self, name)
        snap = _alias(self)
        res = _same_dtype(fn(snap, *args), self)
        _protect(res, snap, args)
        np.copyto(self._data, res._data, casting="unsafe")
        self._bump()
        self.grad_fn, self._rg, self._out_idx = res.grad_fn, True, res._out_idx
        _adopt_output(res, self)
        return self
    chain, root = chain_of(self)
    _check_rebase(chain, root, name)
    check_writable(self, name)
    old = _alias(root)
    snap = replay(old, chain)
    res = _same_dtype(fn(snap, *args), self)
    _protect(res, snap, args)
    new = CopySlices.apply(old, res, self._data, chain)
    root._bump()
    root.grad_fn, root._rg, root._out_idx = new.grad_fn, True, 0
    _adopt_output(res, self)
    if regen:
        nv = replay(root, chain)
        self.grad_fn, self._rg, self._out_idx = nv.grad_fn, True, nv._out_idx
        self._view = view[:2] + (self._version[0],) + view[3:]
    return self


class CopySlices(Op):
    """base' = base with a view's region replaced by `value` (the result of an in-place op on the view).

    Inputs: the base as it was (its old graph), the value, then constants: the view's own array (forward
    writes the value through it, into the base's memory) and the chain of view ops from the base to the view.
    """
    node_name = "CopySlices"  # PyTorch's node

    def name(self) -> str:
        return "CopySlices"

    @staticmethod
    def forward(ctx, base, value, view_array, chain):
        ctx.chain = chain  # not read from ctx.inputs: backward without retain_graph frees those
        np.copyto(view_array, value, casting="unsafe")
        return base

    @staticmethod
    def backward(ctx, g):
        # dL/d(old base) = g with the view's region zeroed (it was overwritten) ; dL/d(value) = g's view
        # region
        chain = ctx.chain
        nig = ctx.needs_input_grad
        gv = replay(g, chain, arrays=not isinstance(g, Tensor)) if nig[1] else None
        gb = _outside(g, chain) if nig[0] else None
        return gb, gv, None, None


def _outside(g, chain):
    """g with the region of the view (chain) set to zero."""
    if not isinstance(g, Tensor) and not any(getattr(r[0], "layout_dependent", False) for r in chain):
        out = np.array(g)  # a copy, and an array even if g came as a NumPy scalar
        replay(out, chain, arrays=True)[...] = 0  # slices, permutes, diagonals are views of any array
        return out
    n = int(np.prod(g.shape))
    pos = replay(np.arange(n).reshape(g.shape), chain, arrays=True)  # which base element each view element is
    mask = np.ones(n, g.dtype)
    mask[pos.ravel()] = 0
    mask = mask.reshape(g.shape)
    return g * (Tensor._wrap(mask) if isinstance(g, Tensor) else mask)


def own_memory(t: Tensor) -> None:
    """A 0-d result that an op left as a NumPy scalar gets an array (memory to write and to view)."""
    if type(t._data) is not np.ndarray:
        t._data = np.array(t._data)


def check_writable(t: Tensor, name: str) -> None:
    """Raise PyTorch's error for memory several elements share (expanded views), or ours for read-only."""
    a = t._data
    if 0 in a.strides and a.size > 1 and any(s == 0 and n > 1 for s, n in zip(a.strides, a.shape)):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to "
                           "a single memory location. Please clone() the tensor before performing the "
                           "operation.")
    if a.flags.writeable:
        return
    raise RuntimeError(f"{name}: the tensor's memory is read-only (it wraps a read-only NumPy array); "
                       "clone() it before modifying it in place")


def _any_rg(args) -> bool:
    for a in args:
        if type(a) is Tensor and a._rg:
            return True
    return False


def _alias(t: Tensor) -> Tensor:
    """A tensor with t's memory and graph place, but its own version counter (t's old value, for the op)."""
    a = Tensor._wrap(t._data)
    a.grad_fn, a._rg, a._out_idx = t.grad_fn, t._rg, t._out_idx
    return a


def _same_dtype(res: Tensor, self: Tensor) -> Tensor:
    """An in-place result has self's dtype: cast it (as a recorded op) when the op promoted it."""
    if res._data.dtype != self._data.dtype and res._rg and self._data.dtype.kind in "fc":
        from ..ops.cast import cast

        return cast(res, self._data.dtype)
    return res


def _protect(res: Tensor, snap: Tensor, args: tuple) -> None:
    """Give the op's nodes that saved (part of) snap's memory a copy: the write that follows changes it."""
    arr = snap._data
    stop = {id(snap.grad_fn)}
    stop.update(id(a.grad_fn) for a in args if type(a) is Tensor)
    stack, seen, copies = [res.grad_fn], set(), {}
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or id(node) in stop:
            continue
        seen.add(id(node))
        if node.saved and node.saved is not FREED and any(i is snap for i in node.inputs):
            new = []
            for s in node.saved:
                if isinstance(s, np.ndarray) and np.may_share_memory(s, arr):
                    if id(s) not in copies:
                        copies[id(s)] = s.copy()
                    new.append(copies[id(s)])
                else:
                    new.append(s)
            node.saved = tuple(new)
        for e in node.next:
            if e is not None and type(e) is not Tensor:
                stack.append(e[0] if type(e) is tuple else e)
    if id(arr) in copies:
        snap._data = copies[id(arr)]  # create_graph finds saved inputs by identity with the input's array


def _adopt_output(res: Tensor, self: Tensor) -> None:
    """An op that saved its output now saves self, which holds it: a later edit is caught, as in PyTorch."""
    node = res.grad_fn
    if node is None or not node._is_op or node._out_pos < 0 or res._data.dtype != self._data.dtype:
        return
    saved = list(node.saved)
    if saved[node._out_pos] is not res._data:
        return
    saved[node._out_pos] = self._data
    node.saved = tuple(saved)
    node._out_vc = self._vc()
    node._out_v = node._out_vc[0]


def _check_rebase(chain: list, root: Tensor, name: str) -> None:
    for r in chain:
        if len(r) > 4:
            raise RuntimeError(_multi_message(chain[0], "is being modified inplace"))
    for r in chain:
        if not r[3]:
            raise RuntimeError(_NO_GRAD_VIEW.format("is being modified inplace with grad mode enabled"))
    if root._rg and root.grad_fn is None:
        raise RuntimeError(f"{name}: a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


def _multi_message(rec, what: str) -> str:
    i = rec[4] if len(rec) > 4 else 0
    return (f"Output {i} of {rec[0].__name__} is a view and {what}. This view is the output of a function "
            "that returns multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one.")


_NO_GRAD_VIEW = (
    "A view was created in no_grad mode and {}. Given that this use case is ambiguous and error-prone, it is "
    "forbidden. You can clarify your code by moving both the view and the inplace either both inside the "
    "no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to "
    "be tracked)."
)
