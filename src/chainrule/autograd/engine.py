"""The backward engine: walk the graph from the output once, in topological order, applying each node's VJP.

Iterative (no recursion: a chain of 100,000 ops works), each node visited once, gradients of inner nodes kept in a
dict and dropped as soon as their node has run. Gradients are summed back to each input's shape here, in one
place, so no op has to unbroadcast.

The invariants it keeps (docs/ARCHITECTURE.md, asserted by tests/core/test_engine_invariants.py):
- a node's backward receives, per output, an ndarray of that output's shape and dtype (never a NumPy scalar),
  or a Tensor under create_graph: ops tell the two apart by type (`type(g) is Tensor`);
- no `.grad` array is shared with memory the user holds (a `gradient=` argument, what a user Function's
  backward or a hook returned) or with another tensor's gradient: a leaf adopts only arrays its ops made fresh;
- without retain_graph, a node drops its inputs and every array it holds once its backward has run.
"""

from __future__ import annotations

import numpy as np

from ..tensor import EDITS, Tensor
from .flow import _check_hook_result, _clone, _conform, _run_tensor_hooks, _sum, _user_backward
from .function import FREED, USER, Function, Op, _freed_message, _refresh_views
from .grad_mode import state as _state
from .release import _free

_ndarray = np.ndarray


def backward(tensor: Tensor, gradient=None, retain_graph=None, create_graph=False, inputs=None, on_step=None):
    """`tensor.backward()`: accumulate gradients into the leaves' `.grad` (PyTorch's torch.autograd.backward).

    Args:
        tensor: the output to differentiate (a loss, usually a 0-d tensor).
        gradient: dL/d(tensor), of tensor's shape (a Tensor, array or number, cast to tensor's dtype); default
            None means 1, which needs a tensor with one element.
        retain_graph: keep the graph's saved tensors so that a second backward can run (default: the value of
            create_graph).
        create_graph: record the backward pass itself, so that the gradients can be differentiated again
            (default False).
        inputs: only these leaves (a Tensor or a sequence) receive `.grad` (default None: every leaf).
        on_step: the engine's public hook for seeing the pass (chainrule.viz's trace and recorder use it):
            called as `on_step(node, upstream, grads)` after each node's backward, in the order the engine
            runs them.

    Raises:
        RuntimeError: tensor does not require grad; gradient omitted for a tensor of more than one element; a
            gradient of another shape; the graph was already freed (a second backward without retain_graph).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
        >>> y = x * x
        >>> cr.autograd.backward(y, gradient=cr.tensor([1.0, 0.5]))   # dL/dx = 2x * gradient
        >>> x.grad
        tensor([2., 2.])
    """
    _refresh_views((tensor,))
    if not tensor._rg:
        raise RuntimeError(
            "backward: the tensor does not require grad and has no grad_fn, so there is nothing to "
            "differentiate. Create the leaves with requires_grad=True (and check no_grad() is not active)."
        )
    g = _root_grad(tensor, gradient, "backward")
    capture = None
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        capture = {id(t): t for t in inputs}
    run_backward([(tensor, g)], retain_graph=create_graph if retain_graph is None else retain_graph,
                 create_graph=create_graph, accumulate_only=capture, on_step=on_step)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         materialize_grads=False):
    """Gradients of `outputs` with respect to `inputs`, returned (not accumulated into `.grad`).

    Args:
        outputs: a Tensor or a sequence of Tensors to differentiate.
        inputs: a Tensor or a sequence of Tensors that require grad (leaves or intermediate results).
        grad_outputs: dL/d(output) per output, each of its output's shape (default None: ones, for outputs of
            one element).
        retain_graph: keep the graph for another backward (default: the value of create_graph).
        create_graph: record the backward pass, so that the returned gradients can be differentiated again
            (second derivatives; default False).
        allow_unused: return None for an input the outputs do not depend on instead of raising (default None:
            raise).
        materialize_grads: return zeros instead of None for unused inputs (default False).

    Returns:
        A tuple with one gradient per input, each of its input's shape and dtype (or None, see allow_unused).

    Raises:
        RuntimeError: an output or an input does not require grad; an input was not used (allow_unused off).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
        >>> (g,) = cr.autograd.grad((x ** 3).sum(), x, create_graph=True)   # dy/dx = 3x^2
        >>> g
        tensor([ 3., 12.], grad_fn=<MulBackward0>)
        >>> cr.autograd.grad(g.sum(), x)                                    # d2y/dx2 = 6x
        (tensor([ 6., 12.]),)
        >>> x.grad is None                                                  # nothing was accumulated
        True
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    _refresh_views(outputs + inputs)
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
    dtype = tensor._data.dtype
    if isinstance(gradient, Tensor):
        g = gradient if (_state.enabled and gradient._rg) else gradient._data
        if g.dtype != dtype:  # PyTorch casts the given gradient to the output's dtype
            g = g.to(dtype) if type(g) is Tensor else g.astype(dtype)
    else:
        g = np.asarray(gradient, dtype=dtype)
    if tuple(g.shape) != tensor.shape:
        raise RuntimeError(
            f"{where}: Mismatch in shape: grad_output[0] has a shape of {list(g.shape)} and output[0] has a "
            f"shape of {list(tensor.shape)}. Pass a gradient of the output's shape."
        )
    return g  # not the engine's: a leaf never adopts it (owned=False where it arrives)


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
            # fresh: the node is a built-in op on arrays, whose gradients are new arrays unless it passed g on
            keeps = node._ctx_attrs  # USER for a user Function's node; False for an op that keeps nothing on ctx
            fresh = plain and keeps is not USER
            if fresh:
                saved = node.saved  # read once (a node's attributes cost a dictionary lookup each)
                if saved is FREED:
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
            if not retain_graph:
                if fresh and keeps is False:  # _free(node) inlined: an op that keeps nothing on ctx
                    if saved:
                        node.saved = FREED
                    node.inputs = ()
                else:
                    _free(node)
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
                # Invariant 2, checked in one line per edge: the dtype and shape of the input, and an ndarray where
                # the input is 0-d (NumPy returns scalars for 0-d results); anything else goes to _conform.
                te = type(e)
                if te is Tensor:  # a leaf: its gradient goes to .grad
                    d = e._data
                    sh = d.shape
                    if gi.shape != sh or gi.dtype is not d.dtype or not sh and type(gi) is not _ndarray:
                        raw, gi = gi, _conform(node, i, gi, d.shape, d.dtype)
                        owned = gi is not raw and type(gi) is _ndarray and gi.base is None  # made fresh here
                    else:  # adopt it only if this op made it for this input alone
                        owned = fresh and gi is not g and gi.base is None and _count(gins, gi) == 1
                    _deliver_leaf(e, gi, found, accumulate_only, create_graph, owned)
                    if post:
                        _post_edge(post, e, True)
                    continue
                if te is tuple:  # output k of a node with several outputs
                    e, k = e
                    shape = e._out_shapes[k]
                    if type(gi) is not _ndarray or gi.dtype is not e._out_dtypes[k] or gi.shape != shape:
                        gi = _conform(node, i, gi, shape, e._out_dtypes[k])
                    _add(grads, e, k, gi, e._n_out)
                else:
                    sh = e._osh  # read once: a node's attributes cost a dictionary lookup each
                    if gi.shape != sh or gi.dtype is not e._odt or not sh and type(gi) is not _ndarray:
                        gi = _conform(node, i, gi, sh, e._odt)
                    if e._n_out != 1:
                        _add(grads, e, 0, gi, e._n_out)
                    else:
                        prev = grads.get(e)
                        grads[e] = gi if prev is None else _sum(prev, gi)
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
        grads[node] = g if prev is None else _sum(prev, g)
        return
    slot = grads.get(node)
    if slot is None:
        slot = grads[node] = [None] * n_out
    slot[idx] = g if slot[idx] is None else _sum(slot[idx], g)


def _deliver_leaf(t: Tensor, g, found, accumulate_only, create_graph: bool, owned: bool) -> None:
    """Hand the finished gradient of a leaf to its hooks and then to `.grad` (or to the caller of grad()).

    `owned`: g is an array the engine's own op made for this leaf alone; `.grad` may adopt it. Anything else
    (a `gradient=` argument, what a user Function or a hook returned, an array a hook saw) is copied first.
    """
    if t._hooks is not None and "fns" in t._hooks:
        owned = False  # a hook may keep the tensor it was handed
        for fn in t._hooks["fns"]:
            r = fn(g if isinstance(g, Tensor) else Tensor._wrap(g))
            if r is not None:
                _check_hook_result(fn, g, r)
                g = r if create_graph else r._data
    if found is not None:
        key = id(t)
        found[key] = g if key not in found else _sum(found[key], g)
        return
    if accumulate_only is not None and id(t) not in accumulate_only:
        return
    dtype = t._data.dtype
    if isinstance(g, Tensor):
        if g.dtype != dtype:
            g = g.to(dtype)
        t._grad = (g if owned else _clone(g)) if t._grad is None else t._grad + g
        return
    if g.dtype != dtype:
        g, owned = g.astype(dtype), True
    if t._grad is None:
        t._grad = Tensor._wrap(g if owned else g.copy())
    else:
        t._grad._data += g


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
            f"function {node.name()} returned an incorrect number of gradients (expected {len(node.next)}, "
            f"got {len(gins)})"
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
                    _version_error(node, k, vc[0], v, node.next[i])
    if node._out_pos >= 0 and node._out_vc[0] != node._out_v:
        _version_error(node, node._out_pos, node._out_vc[0], node._out_v, node)


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _version_error(node, k: int, cur: int, v: int, src=None):
    """PyTorch's message: the saved tensor's type and shape, the node that made it, its versions."""
    s = node.saved[k] if node.saved is not FREED and k < len(node.saved) else None
    arr = s._data if isinstance(s, Tensor) else s
    what = "saved tensor"
    if isinstance(arr, np.ndarray):
        what = f"[torch.{_TYPE_NAMES.get(arr.dtype.name, arr.dtype.name)}Tensor {list(arr.shape)}]"
    fn, idx = (src if type(src) is tuple else (src, 0))
    if fn is not None and type(fn) is not Tensor:
        what += f", which is output {idx} of {fn.name()},"
    raise RuntimeError(
        f"{node.name()}: one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {what} is at version {cur}; expected version {v} instead. "
        "Hint: use .clone() before modifying it in place, or do the in-place update after backward()."
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
