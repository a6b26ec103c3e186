"""The backward engine: walk the graph from the output once, in topological order, applying each node's VJP.

Iterative (no recursion: a chain of 100,000 ops works), each node visited once, gradients of inner nodes kept in a
dict and dropped as soon as their node has run. Gradients are summed back to each input's shape here, in one
place, so no op has to unbroadcast.
"""

from __future__ import annotations

import numpy as np

from ..tensor import EDITS, Tensor
from .function import FREED, Function, Op, _freed_message
from .grad_mode import state as _state


def backward(tensor: Tensor, gradient=None, retain_graph=None, create_graph=False, inputs=None, trace=False):
    """`tensor.backward()`: accumulate gradients into the leaves' `.grad`."""
    if not tensor._rg:
        raise RuntimeError(
            "backward: the tensor does not require grad and has no grad_fn, so there is nothing to "
            "differentiate. Create the leaves with requires_grad=True (and check no_grad() is not active)."
        )
    g = _root_grad(tensor, gradient, "backward")
    on_step = None
    if trace:
        from .trace import printer

        on_step = printer(trace)
    capture = None
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        capture = {id(t): t for t in inputs}
    run_backward([(tensor, g)], retain_graph=create_graph if retain_graph is None else retain_graph,
                 create_graph=create_graph, accumulate_only=capture, on_step=on_step)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         materialize_grads=False):
    """Gradients of `outputs` with respect to `inputs`, returned (not accumulated into `.grad`)."""
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    roots = []
    for o, go in zip(outputs, grad_outputs):
        if not o._rg:
            raise RuntimeError("grad: one of the outputs does not require grad and has no grad_fn")
        roots.append((o, _root_grad(o, go, "grad")))
    for t in inputs:
        if not t._rg:
            raise RuntimeError("grad: one of the inputs does not require grad")
    found = run_backward(roots, retain_graph=create_graph if retain_graph is None else retain_graph,
                         create_graph=create_graph, targets=inputs)
    result = []
    for t in inputs:
        g = found.get(id(t))
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError(
                    "grad: one of the differentiated tensors appears not to have been used in the graph; "
                    "set allow_unused=True if this is intended"
                )
        if g is not None and not isinstance(g, Tensor):
            g = Tensor._wrap(g if g.dtype == t._data.dtype else g.astype(t._data.dtype))
        elif g is not None and g.dtype != t._data.dtype:
            g = g.to(t._data.dtype)
        result.append(g)
    return tuple(result)


def _root_grad(tensor: Tensor, gradient, where: str):
    if gradient is None:
        if tensor._data.size != 1:
            raise RuntimeError(
                f"{where}: grad can be implicitly created only for scalar outputs, but the output has shape "
                f"{tuple(tensor.shape)}. Pass gradient= (e.g. chainrule.ones_like(out)) or reduce it first (.sum())."
            )
        a = tensor._data
        return np.array(1, dtype=a.dtype) if a.ndim == 0 else np.ones(a.shape, a.dtype)
    if isinstance(gradient, Tensor):
        g = gradient if (_state.enabled and gradient._rg) else gradient._data
    else:
        g = np.asarray(gradient, dtype=tensor._data.dtype)
    if tuple(g.shape) != tensor.shape:
        raise RuntimeError(f"{where}: gradient has shape {tuple(g.shape)}, but the output has shape {tuple(tensor.shape)}")
    return g


def _sum_to(g, shape: tuple):
    """Sum a broadcast gradient back to the input's shape (the one place where unbroadcasting happens)."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1)
    if isinstance(g, Tensor):
        g = g.sum(dim=axes, keepdim=True) if axes else g
        return g.reshape(shape)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def _dependencies(roots, post: dict | None = None) -> dict:
    """Count, for every node reachable from the roots, how many edges point at it (iterative DFS).

    With `post` (a dict), also count the edges into each leaf that has post-accumulate-grad hooks:
    post[id(leaf)] = [edges still to come, whether a gradient arrived yet, leaf].
    """
    deps = {}
    stack = []
    for t, _ in roots:
        n = t.grad_fn
        if n is not None and n not in deps:
            deps[n] = 0
            stack.append(n)
        elif n is None and post is not None:
            _count_post(post, t)
    while stack:
        node = stack.pop()
        for e in node.next:
            if e is None:
                continue
            if type(e) is Tensor:
                if e._hooks is not None and post is not None:
                    _count_post(post, e)
                continue
            n = e[0] if type(e) is tuple else e
            if n in deps:
                deps[n] += 1
            else:
                deps[n] = 1
                stack.append(n)
    return deps


def _count_post(post: dict, t: Tensor) -> None:
    """One more edge into leaf t, if t has post-accumulate-grad hooks."""
    if t._hooks is not None and t._hooks.get("post"):
        slot = post.get(id(t))
        if slot is None:
            post[id(t)] = [1, False, t]
        else:
            slot[0] += 1


def _post_edge(post: dict, t: Tensor, delivered: bool) -> None:
    """An edge into leaf t is done; after its last one, run its post-accumulate-grad hooks (if any grad came)."""
    slot = post.get(id(t))
    if slot is None:
        return
    slot[0] -= 1
    slot[1] = slot[1] or delivered
    if slot[0] == 0 and slot[1]:
        for fn in list(t._hooks["post"]):
            fn(t)


def run_backward(roots, retain_graph=False, create_graph=False, targets=None, accumulate_only=None,
                 on_step=None):
    """Propagate `roots` [(tensor, grad)] to the leaves. With `targets`, return {id(t): grad} instead."""
    # Post-accumulate-grad hooks run only when gradients are accumulated into .grad (not for grad()).
    post: dict | None = {} if targets is None else None
    deps = _dependencies(roots, post)
    if post is not None and accumulate_only is not None:
        post = {k: v for k, v in post.items() if k in accumulate_only}
    grads: dict = {}
    found = {} if targets is not None else None
    target_nodes = {}
    if targets is not None:
        for t in targets:
            if t.grad_fn is not None:
                target_nodes.setdefault(t.grad_fn, []).append(t)
    for t, g in roots:
        if t.grad_fn is None:  # a leaf given as root: its gradient is the root gradient
            _deliver_leaf(t, g, found, accumulate_only, create_graph, owned=False)
            if post:
                _post_edge(post, t, True)
            continue
        _add(grads, t.grad_fn, t._out_idx, g, t.grad_fn._n_out)
    ready = [n for n, d in deps.items() if d == 0]
    plain = not create_graph and on_step is None and not _state.anomaly and not target_nodes
    prev_mode, _state.enabled = _state.enabled, create_graph  # set_grad_enabled(create_graph), inlined
    try:
        while ready:
            node = ready.pop()
            g = grads.pop(node, None)
            if g is None:  # nothing flowed here: release the nodes behind it so they still run
                _skip(node, deps, ready, post)
                continue
            if node._watched is not None:
                g = _run_tensor_hooks(node, g)
            if plain and node._is_op:
                if node.saved is FREED:
                    raise RuntimeError(_freed_message(node))
                if node._edits != EDITS[0] and node._versions:
                    _check_versions(node)
                gins = node.backward(node, g)  # built-in op, the hot path
                if type(gins) is not tuple:
                    gins = (gins,)
            else:
                if node in target_nodes:
                    for t in target_nodes[node]:
                        found[id(t)] = g[t._out_idx] if type(g) is list else g
                gins = _call_backward(node, g, create_graph)
                if on_step is not None:
                    on_step(node, g, gins)
            if not retain_graph and node.saved:
                node.saved = FREED
            inputs = node.inputs
            for i, e in enumerate(node.next):
                if e is None:
                    continue
                gi = gins[i]
                if gi is None:
                    if type(e) is not Tensor:
                        _release(e[0] if type(e) is tuple else e, deps, ready)
                    elif post:
                        _post_edge(post, e, False)
                    continue
                shape = inputs[i]._data.shape
                if gi.shape != shape:
                    gi = _sum_to(gi, shape)
                if type(e) is Tensor:
                    owned = gi is not g and getattr(gi, "base", 0) is None and _count(gins, gi) == 1
                    _deliver_leaf(e, gi, found, accumulate_only, create_graph, owned)
                    if post:
                        _post_edge(post, e, True)
                    continue
                if type(e) is tuple:
                    _add(grads, e[0], e[1], gi, e[0]._n_out)
                    e = e[0]
                elif e._n_out != 1:
                    _add(grads, e, 0, gi, e._n_out)
                else:
                    prev = grads.get(e)
                    grads[e] = gi if prev is None else prev + gi
                d = deps[e] - 1
                deps[e] = d
                if d == 0:
                    ready.append(e)
    finally:
        _state.enabled = prev_mode
    return found


def _release(node, deps: dict, ready: list) -> None:
    """One edge into node carries no gradient: count it as done."""
    d = deps[node] - 1
    deps[node] = d
    if d == 0:
        ready.append(node)


def _skip(node, deps: dict, ready: list, post: dict | None = None) -> None:
    """A node that received no gradient: its inputs get none from it either."""
    for e in node.next:
        if e is not None and type(e) is not Tensor:
            _release(e[0] if type(e) is tuple else e, deps, ready)
        elif post and e is not None:
            _post_edge(post, e, False)


def _count(seq, x) -> int:
    c = 0
    for s in seq:
        if s is x:
            c += 1
    return c


def _add(grads: dict, node, idx: int, g, n_out: int) -> None:
    """Sum gradient g into the pending gradient of output idx of node."""
    if n_out == 1:
        prev = grads.get(node)
        grads[node] = g if prev is None else prev + g
        return
    slot = grads.get(node)
    if slot is None:
        slot = grads[node] = [None] * n_out
    slot[idx] = g if slot[idx] is None else slot[idx] + g


def _deliver_leaf(t: Tensor, g, found, accumulate_only, create_graph: bool, owned: bool) -> None:
    """Hand the finished gradient of a leaf to its hooks and then to `.grad` (or to the caller of grad())."""
    if t._hooks is not None and "fns" in t._hooks:
        for fn in t._hooks["fns"]:
            r = fn(g if isinstance(g, Tensor) else Tensor._wrap(g))
            if r is not None:
                g, owned = (r if create_graph else r._data), False
    if found is not None:
        key = id(t)
        found[key] = g if key not in found else found[key] + g
        return
    if accumulate_only is not None and id(t) not in accumulate_only:
        return
    dtype = t._data.dtype
    if isinstance(g, Tensor):
        if g.dtype != dtype:
            g = g.to(dtype)
        t._grad = g if t._grad is None else t._grad + g
        return
    if g.dtype != dtype:
        g, owned = g.astype(dtype), True
    if t._grad is None:
        t._grad = Tensor._wrap(g if owned else g.copy())
    else:
        t._grad._data += g


def _run_tensor_hooks(node, g):
    """Before a node runs: call hooks of its watched outputs and keep retained gradients."""
    for idx, t in node._watched.items():
        gi = g[idx] if type(g) is list else g
        if gi is None:
            continue
        hooks = t._hooks or {}
        for fn in hooks.get("fns", ()):
            r = fn(gi if isinstance(gi, Tensor) else Tensor._wrap(gi))
            if r is not None:
                gi = r if isinstance(gi, Tensor) else r._data
        if hooks.get("retain"):
            val = gi if isinstance(gi, Tensor) else Tensor._wrap(gi.copy())
            t._grad = val if t._grad is None else t._grad + val
        if type(g) is list:
            g[idx] = gi
        else:
            g = gi
    return g


def _call_backward(node: Function, g, create_graph: bool) -> tuple:
    """Check saved versions, run the node's backward and return one gradient (or None) per input."""
    if node.saved is FREED:
        raise RuntimeError(_freed_message(node))
    if node._edits != EDITS[0] and node._versions:
        _check_versions(node)
    if isinstance(node, Op):
        if create_graph:
            gins = _op_backward_differentiable(node, g)
        else:
            gins = type(node).backward(node, g)
    else:
        gins = _user_backward(node, g, create_graph)
    if type(gins) is not tuple:
        gins = (gins,)
    if len(gins) < len(node.next):
        raise RuntimeError(
            f"{node.name()}: backward returned {len(gins)} gradients, but forward had {len(node.next)} inputs"
        )
    if _state.anomaly:
        from .anomaly import check_grads

        check_grads(node, gins)
    return gins


def _check_versions(node) -> None:
    """Raise if a saved input (or the saved output) was modified in place since forward."""
    if not node._is_op:
        for k, (vc, v) in enumerate(node._versions):
            if vc[0] != v:
                _version_error(node, k, vc[0], v)
        return
    inputs = node.inputs
    for i, v in enumerate(node._versions):
        if v is None:
            continue
        vc = inputs[i]._version
        if vc is not None and vc[0] != v:  # changed since forward: an error only if forward saved it
            arr = inputs[i]._data
            for k, s in enumerate(node.saved):
                if s is arr:
                    _version_error(node, k, vc[0], v)
    if node._out_pos >= 0 and node._out_vc[0] != node._out_v:
        _version_error(node, node._out_pos, node._out_vc[0], node._out_v)


def _version_error(node, k: int, cur: int, v: int):
    raise RuntimeError(
        f"{node.name()}: one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: saved tensor {k} is at version {cur}; expected version {v} instead. "
        "Use .clone() before modifying it in place, or do the in-place update after backward()."
    )


def _op_backward_differentiable(node: Op, g):
    """Run a built-in op's backward on Tensors so that the gradient itself is recorded (create_graph)."""
    if not node.differentiable_backward:
        raise RuntimeError(f"{node.name()}: this op does not support create_graph=True (double backward)")
    if not isinstance(g, Tensor):
        g = Tensor._wrap(g)
    saved = node.saved
    if saved:
        inputs = {id(a._data): a for a in node.inputs if type(a) is Tensor}
        subst = []
        for k, s in enumerate(saved):
            if k == node._out_pos:
                out = Tensor._wrap(s, node)
                subst.append(out)
            elif id(s) in inputs:
                subst.append(inputs[id(s)])
            else:
                subst.append(Tensor._wrap(s) if isinstance(s, np.ndarray) else s)
        node.saved = tuple(subst)
    try:
        gins = type(node).backward(node, g)
    finally:
        node.saved = saved
    if type(gins) is not tuple:
        gins = (gins,)
    return tuple(x if (x is None or isinstance(x, Tensor)) else Tensor._wrap(np.asarray(x)) for x in gins)


def _user_backward(node: Function, g, create_graph: bool):
    """Run a user Function's backward: it sees Tensors and returns Tensors."""
    if getattr(type(node).backward, "_once_differentiable", False) and create_graph:
        raise RuntimeError(f"{node.name()}: backward is marked once_differentiable; create_graph is not supported")
    gs = g if type(g) is list else [g]
    outs = []
    for i, gi in enumerate(gs):
        if gi is None and node._materialize:
            gi = np.zeros(node._out_shapes[i], dtype=node._out_dtypes[i])
        outs.append(gi if (gi is None or isinstance(gi, Tensor)) else Tensor._wrap(gi))
    res = type(node).backward(node, *outs)
    if type(res) is not tuple:
        res = (res,)
    if len(res) > len(node.next) and all(r is None for r in res[len(node.next):]):
        res = res[: len(node.next)]
    conv = []
    for r, e in zip(res, node.next):
        if r is None or e is None:
            conv.append(None)
        elif isinstance(r, Tensor):
            conv.append(r if create_graph else r._data)
        else:
            conv.append(np.asarray(r))
    conv.extend([None] * (len(node.next) - len(conv)))
    return tuple(conv)
