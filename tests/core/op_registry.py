"""One registry line per op drives its tests: the cases declared with the ops (chainrule/ops/_declare.py), and
below, the cases of combinations (an input used twice, views, in-place edits).

The float64 gradchecks (plain, non-contiguous inputs, a diamond, an input used twice, second order), the
float32 check, and the comparison with PyTorch (forward value and dtype, every gradient).

A case's `fn(m, *inputs)` runs unchanged on chainrule and on torch: `m` is a namespace that reads names from
`chainrule` or `torch`, `m.F` from `chainrule.nn.functional` or `torch.nn.functional`, and `m.idx(array)`
makes an index tensor. Inputs are float tensors made from NumPy by `kinds` (one per input, or one for all; see
`chainrule.ops._declare.make_input`).
"""

from __future__ import annotations

from dataclasses import dataclass

from chainrule.ops._declare import Lib, all_cases, make_input, make_inputs  # noqa: F401  (re-exported)


@dataclass
class Case:
    name: str
    fn: object
    shapes: tuple
    kinds: object = "normal"
    grad: bool = True  # differentiable at all (False: integer/bool outputs, only values are compared)
    gradgrad: bool = True  # second derivatives checked
    torch: bool = True  # compared with PyTorch
    rtol32: float = 1e-5


def C(name, fn, *shapes, **kw) -> Case:
    return Case(name, fn, shapes, **kw)


def _written(m, x, v, edit):
    """y = x * 1 edited in place by edit(y, v): gradients reach x through CopySlices, v through the op."""
    y = x * 1
    edit(y, v)
    return y


def _edits(y, v):
    y[0].mul_(v)
    y[:, 1].add_(v[1:3].sum())
    y.t()[2].zero_()
    y[1:].exp_()


OPS = [
    # ---- combinations: an input used twice, views and in-place edits (the ops' own cases are declared with
    # the ops, in chainrule/ops/*.py and chainrule/nn/functional/*.py) --------------------------------------
    C("self_mul", lambda m, x: x * x, (3, 4)),
    C("self_pow", lambda m, x: x**x, (3,), kinds="pos"),
    C("self_div", lambda m, x: x / (x * x + 1), (3,)),
    C("self_matmul", lambda m, x: x @ x, (3, 3)),
    C("self_einsum", lambda m, x: m.einsum("ij,jk->ik", x, x.exp()), (3, 3)),
    C("self_cat", lambda m, x: m.cat([x, x.sin()], 0), (2, 3)),
    C("reshape_copy", lambda m, x: x.transpose(0, 1).reshape(-1), (2, 3)),
    C("setitem_index_put", lambda m, x, v: _written(m, x, v, lambda y, v: y.__setitem__((m.idx([0, 2]), 1),
                                                                                          v)), (3, 4), (2,)),
    C("setitem_copy_through_view", lambda m, x, v: _written(m, x, v, lambda y, v: y.__setitem__(
        (1, slice(1, 3)), v)), (3, 4), (2,)),
    C("inplace_on_views", lambda m, x, v: _written(m, x, v, _edits), (3, 4), (4,)),
]

# The cases declared with their ops (chainrule/ops/_declare.py).
OPS += [Case(name, c.fn, c.shapes, c.kinds, c.grad, c.gradgrad, c.torch, c.rtol32)
        for name, _, c in all_cases()]

BY_NAME = {c.name: c for c in OPS}
assert len(BY_NAME) == len(OPS), "duplicate case names"
