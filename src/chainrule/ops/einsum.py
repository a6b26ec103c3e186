"""einsum, and outer.

The gradient of an einsum operand is another einsum: the output's subscripts and the other operands
contracted to that operand's subscripts, broadcast over letters only it has (summed in forward) and put back
on the diagonal for repeated letters (`ii->i`). Ellipses are rewritten to letters first.
"""

from __future__ import annotations

import string
from collections import Counter

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from .indexing import index_put_add

__all__ = ["einsum", "ger", "outer"]


class Einsum(Op):
    @staticmethod
    def forward(ctx, spec, *xs):
        ins, out = spec
        res = np.einsum(",".join(ins) + "->" + out, *xs, optimize=len(xs) > 1)
        if len(xs) == 1 and np.may_share_memory(res, xs[0]):
            res = res.copy()  # 'ij->ji' and 'ii->i' give views in NumPy; PyTorch's result is its own tensor
        ctx.save_for_backward(*xs)
        ctx.spec = spec
        return res

    @staticmethod
    def backward(ctx, g):
        # dL/dx_i = einsum(out, others -> subscripts of x_i)(g, others...)
        xs = ctx.saved
        needs = ctx.needs_input_grad[1:]
        return (None,) + tuple(_operand_grad(g, ctx.spec, xs, i) if n else None for i, n in enumerate(needs))


def _einsum_any(ins, out, *xs):
    if any(isinstance(x, Tensor) for x in xs):
        return Einsum.apply((ins, out), *xs)
    return np.einsum(",".join(ins) + "->" + out, *xs, optimize=len(xs) > 1)


def _operand_grad(g, spec, xs, i):
    ins, out = spec
    sub = ins[i]
    uniq = "".join(dict.fromkeys(sub))  # letters of operand i, each once, in order
    others = [s for j, s in enumerate(ins) if j != i]
    avail = set(out).union(*others)
    kept = "".join(c for c in uniq if c in avail)
    r = _einsum_any((out, *others), kept, g, *(x for j, x in enumerate(xs) if j != i))
    if len(kept) < len(uniq):  # letters only operand i has were summed: the gradient is broadcast along them
        size = {c: xs[i].shape[sub.index(c)] for c in uniq}
        for p, c in enumerate(uniq):
            if c not in avail:
                r = np.expand_dims(r, p)
        r = np.broadcast_to(r, tuple(size[c] if c not in avail else r.shape[p] for p, c in enumerate(uniq)))
    if len(uniq) < len(sub):  # repeated letters read a diagonal: the gradient goes back onto it
        pos = {c: p for p, c in enumerate(uniq)}
        nd = len(uniq)
        idx = tuple(np.arange(r.shape[pos[c]]).reshape((-1,) + (1,) * (nd - pos[c] - 1)) for c in sub)
        r = index_put_add(r, tuple(r.shape[pos[c]] for c in sub), idx)
    return r


def _parse(equation: str, shapes: list) -> tuple:
    """Subscripts per operand and of the output ('...' made letters, an implicit output made explicit)."""
    eq = equation.replace(" ", "")
    lhs, arrow, out = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: {equation!r} names {len(ins)} operands but {len(shapes)} were given")
    free = [c for c in string.ascii_letters if c not in eq]
    n_ell = max((len(s) - len(t) + 3 for t, s in zip(ins, shapes) if "..." in t), default=0)
    ell = "".join(free[:n_ell])
    res = []
    for i, (t, s) in enumerate(zip(ins, shapes)):
        if "..." in t:
            k = len(s) - len(t) + 3
            if k < 0:
                raise ValueError(f"einsum: operand {i} of shape {s} has fewer dimensions than {t!r} names")
            t = t.replace("...", ell[n_ell - k:])
        if not t.isalpha() and t:
            raise ValueError(f"einsum: invalid subscripts {t!r} for operand {i} (letters and one '...' only)")
        if len(t) != len(s):
            raise ValueError(f"einsum: operand {i} has shape {s} ({len(s)} dims) but subscripts {t!r} name "
                             f"{len(t)}")
        res.append(t)
    if not arrow:
        counts = Counter("".join(res))
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
        if (out and not out.isalpha()) or len(set(out)) != len(out) or not set(out) <= set("".join(res)):
            raise ValueError(f"einsum: invalid output subscripts in {equation!r} (each must appear in an "
                             "input, once)")
    return tuple(res), out


def einsum(equation: str, *operands):
    """Einstein summation, e.g. einsum('bij,bjk->bik', a, b); operands may also be passed as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    xs = [x if isinstance(x, Tensor) else Tensor(x) for x in operands]
    spec = _parse(equation, [x._data.shape for x in xs])
    try:
        return Einsum.apply(spec, *xs)
    except ValueError as e:
        shapes = ", ".join(str(x._data.shape) for x in xs)
        raise RuntimeError(f"einsum {equation!r}: operands of shapes {shapes} do not fit: {e}") from None


def outer(input, vec2):
    """Outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j]."""
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"outer: expected 1-D tensors, got {tuple(input.shape)} and {tuple(vec2.shape)}")
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


ger = outer
