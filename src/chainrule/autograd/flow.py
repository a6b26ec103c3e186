"""What flows along the graph's edges: each gradient made what its input needs, hooks' results and a user
Function's returns checked as PyTorch checks them.

The engine calls `_conform` only off its fast path: a gradient that is not already an ndarray of its input's
dtype and shape (a NumPy scalar from a 0-d result, a broadcast gradient, a user Function's other dtype or
shape).
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor

_ndarray = np.ndarray


def sum_to(g, shape: tuple):
    """Sum a broadcast gradient back to the input's shape (the one place where unbroadcasting happens)."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1
    )
    if isinstance(g, Tensor):
        g = g.sum(dim=axes, keepdim=True) if axes else g
        return g.reshape(shape)
    if lead:  # summed away without keepdims, so that the result is a fresh array (a leaf may adopt it)
        g = g.sum(axis=tuple(range(lead)))
        axes = axes[lead:]
        if axes:
            g = g.sum(axis=tuple(a - lead for a in axes), keepdims=True)
    elif axes:
        g = g.sum(axis=axes, keepdims=True)
    if type(g) is not _ndarray:
        g = np.asarray(g)
    return g if g.shape == shape else g.reshape(shape)


def _sum(a, b):
    """a + b for two pending gradients (NumPy makes the sum of two 0-d arrays a scalar: an array again)."""
    s = a + b
    if type(s) is not _ndarray and type(s) is not Tensor:
        s = np.asarray(s)
    return s


def _conform(node, i: int, g, shape, dtype):
    """Gradient i of node, made what its input needs: an ndarray (a Tensor under create_graph) of the input's
    dtype and shape, summed over broadcast dimensions; PyTorch's error where that cannot be done.

    The engine's own ops arrive here only for broadcasting and 0-d results (NumPy scalars); a user Function's
    backward may also return another float dtype (cast, as PyTorch does) or a wrong shape (an error).
    """
    if type(g) is not Tensor and type(g) is not _ndarray:
        g = np.asarray(g)  # a NumPy scalar: what NumPy returns for a 0-d result
    have = g._data.dtype if type(g) is Tensor else g.dtype  # NumPy's dtype (a Tensor's .dtype is chainrule's)
    if dtype is not None and have != dtype:
        if have.kind == "c" and dtype.kind != "c":
            raise RuntimeError(
                f"Function {node.name()} returned a complex gradient at index {i} for a real input of dtype "
                f"{dtype}; return a real gradient (e.g. grad.real)."
            )
        g = g.to(dtype) if type(g) is Tensor else g.astype(dtype)
    if shape is not None and tuple(g.shape) != shape:
        if not _expandable(shape, tuple(g.shape)):
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got {list(g.shape)} but "
                f"expected shape compatible with {list(shape)}"
            )
        g = _sum_to(g, shape)
    return g


def _expandable(shape: tuple, to: tuple) -> bool:
    """Whether `shape` broadcasts to `to` (so a gradient of shape `to` sums back to `shape`)."""
    if len(shape) > len(to):
        return False
    for n, m in zip(reversed(shape), reversed(to)):
        if n != m and n != 1:
            return False
    return True


def _clone(g: Tensor) -> Tensor:
    """A copy of a gradient Tensor, recorded under create_graph (PyTorch clones what a leaf would adopt)."""
    from ..ops.cast import clone

    return clone(g)


def _check_hook_result(fn, g, r) -> None:
    """A hook may replace a gradient only by one of the same dtype and shape (PyTorch's check)."""
    name = getattr(fn, "__name__", type(fn).__name__)
    if not isinstance(r, Tensor):
        raise TypeError(f"hook '{name}' returned {type(r).__name__}; a hook must return a Tensor or None")
    if r.dtype != g.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {g.dtype} got {r.dtype})")
    if tuple(r.shape) != tuple(g.shape):
        raise RuntimeError(
            f"hook '{name}' has changed the size of value (was {list(g.shape)} got {list(r.shape)})"
        )


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
                _check_hook_result(fn, gi, r)
                gi = r if isinstance(gi, Tensor) else r._data
        if hooks.get("retain"):
            val = _clone(gi) if isinstance(gi, Tensor) else Tensor._wrap(gi.copy())
            t._grad = val if t._grad is None else t._grad + val
        if type(g) is list:
            g[idx] = gi
        else:
            g = gi
    return g


def _user_backward(node, g, create_graph: bool):
    """Run a user Function's backward: it sees Tensors and returns one Tensor (or None) per forward argument.

    PyTorch's checks on what it returns: the count (trailing Nones beyond it are dropped), the type, and no
    gradient for an argument that was not a Tensor. Dtype and shape are checked by the engine, as for any
    node.
    """
    if getattr(type(node).backward, "_once_differentiable", False) and create_graph:
        raise RuntimeError(
            f"{node.name()}: backward is marked once_differentiable; create_graph is not supported"
        )
    gs = g if type(g) is list else [g]
    outs = []
    for i, gi in enumerate(gs):
        if gi is None and node._materialize:
            gi = np.zeros(node._out_shapes[i], dtype=node._out_dtypes[i])
        outs.append(gi if (gi is None or isinstance(gi, Tensor)) else Tensor._wrap(gi))
    res = type(node).backward(node, *outs)
    if type(res) is not tuple:
        res = (res,)
    n = len(node.next)
    if len(res) != n:
        if len(res) < n or any(r is not None for r in res[n:]):
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients (expected {n}, "
                f"got {len(res)})"
            )
        res = res[:n]
    conv = []
    tensor_args = node._tensor_args
    for i, r in enumerate(res):
        if r is None:
            conv.append(None)
            continue
        if not isinstance(r, Tensor):
            kind = type(r)
            name = (
                kind.__qualname__
                if kind.__module__ == "builtins"
                else f"{kind.__module__}.{kind.__qualname__}"
            )
            raise RuntimeError(
                f"function {node.name()}: expected Tensor or None (got {name}) as gradient {i}; wrap "
                "arrays with "
                "chainrule.tensor(...)"
            )
        if tensor_args is not None and not tensor_args[i]:
            raise RuntimeError(
                f"function {node.name()} returned a gradient different than None at position {i + 1}, "
                "but the "
                "corresponding forward input was not a Tensor"
            )
        e = node.next[i]
        conv.append(None if e is None else r if create_graph else r._data)
    return tuple(conv)


_sum_to = sum_to  # the engine's name for it
