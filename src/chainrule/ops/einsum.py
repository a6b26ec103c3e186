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
from ._promote import kernel_missing
from ._declare import case, declare

__all__ = ["einsum", "ger", "outer"]


class Einsum(Op):
    @staticmethod
    def forward(ctx, spec, *xs):
        ins, out = spec
        # NumPy's optimized path sums a bool operand's letters in bool (logical or) before the product
        opt = len(xs) > 1 and not any(x.dtype == np.bool_ for x in xs)
        res = np.einsum(",".join(ins) + "->" + out, *xs, optimize=opt)
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
    dtypes = {x._data.dtype for x in xs}
    if len(dtypes) > 1 or any(d.kind == "b" for d in dtypes):
        xs = _promoted(equation, xs)
    spec = _parse(equation, [x._data.shape for x in xs])
    if len(xs) == 1 and xs[0]._data.dtype.kind in "biu" and set(spec[0][0]) - set(spec[1]):
        xs = [xs[0].long()]  # one operand with a label summed out: a sum, which gives int64 as torch.sum
    try:
        return Einsum.apply(spec, *xs)
    except ValueError as e:
        shapes = ", ".join(str(x._data.shape) for x in xs)
        raise RuntimeError(f"einsum {equation!r}: operands of shapes {shapes} do not fit: {e}") from None


def _promoted(equation: str, xs: list) -> list:
    """Mixed dtypes (or bool) as PyTorch's einsum takes them: refused when two operands share a summed-out
    label (its matrix product neither promotes nor takes bool), else promoted to their result type."""
    from ._promote import np_result_type
    from .cast import cast

    lhs, _, out = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    lhs = lhs.replace("...", "")
    if "->" not in equation:
        out = "".join(c for c in set(lhs) if lhs.count(c) == 1)
    # a label summed out of two operands where both have it with size > 1 (size-1 dims only broadcast)
    sizes = [_label_sizes(t, x._data.shape) for t, x in zip(terms, xs)]
    shared = {c for c in set(lhs) - set(out) - {","} if sum(s.get(c, 1) > 1 for s in sizes) > 1}
    if shared and all(x._data.dtype == np.bool_ for x in xs):
        raise kernel_missing("bmm", np.bool_, prefix=f"einsum {equation!r}: ")
    if shared:
        dtypes = ", ".join(sorted({str(x.dtype) for x in xs}))
        raise RuntimeError(f"einsum {equation!r}: operands summed over a shared label need one dtype, got "
                           f"{dtypes}; convert them with .to(dtype)")
    dtype = np_result_type(*xs)
    return [cast(x, dtype) for x in xs]


def _label_sizes(term: str, shape: tuple) -> dict:
    """Each label of one einsum term with its size in that operand (labels after '...' count from the end)."""
    head, ell, tail = term.partition("...")
    sizes = dict(zip(head, shape))
    if ell and tail:
        sizes.update(zip(tail, shape[len(shape) - len(tail):]))
    return sizes


def outer(input, vec2):
    """Outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j]."""
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"outer: expected 1-D tensors, got {tuple(input.shape)} and {tuple(vec2.shape)}")
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


ger = outer


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

declare(einsum, cases=[
    case(lambda m, x, y: m.einsum("ij,jk->ik", x, y), (2, 3), (3, 4), suffix="matmul"),
    case(lambda m, x, y: m.einsum("bij,bjk->bik", x, y), (2, 2, 3), (2, 3, 2), suffix="batched"),
    case(lambda m, x, y: m.einsum("kj,ij", x, y), (2, 3), (4, 3), suffix="implicit"),
    case(lambda m, x, y: m.einsum("ij,j->", x, y), (2, 3), (3,), suffix="sum_only_letter"),
    case(lambda m, x, y: m.einsum("i,j->ij", [x, y]), (2,), (3,), suffix="outer_list"),
    case(lambda m, x: m.einsum("ii", x), (3, 3), suffix="trace"),
    case(lambda m, x: m.einsum("ii->i", x), (3, 3), suffix="diag"),
    case(lambda m, x, y: m.einsum("iij,j->ij", x, y), (2, 2, 3), (3,), suffix="repeated_mixed"),
    case(lambda m, x, y: m.einsum("...ij,...jk->...ik", x, y), (2, 2, 3), (3, 2), suffix="ellipsis"),
    case(lambda m, x: m.einsum("ij->ji", x), (2, 3), suffix="transpose"),
    case(lambda m, x, y, z: m.einsum("ij,jk,kl->il", x, y, z), (2, 3), (3, 2), (2, 2), suffix="three")])
declare(outer, method=("outer", "ger"), aliases=("ger",), cases=[
    case(lambda m, x, y: m.outer(x, y), (3,), (4,))])
