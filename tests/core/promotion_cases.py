"""The operand kinds and ops of the type-promotion table (tests/core/data/promotion.json).

Shared by the generator (`gen_promotion_table.py`, which runs them on torch) and the test (which runs them on
chainrule): a row is (op, operand specs) and records torch's dtype, shape and values, or the exception it
raised.

Operand specs:  t:DTYPE  a (3,) tensor     s:DTYPE  a 0-d tensor     py:bool|int|float  a Python scalar
                np:DTYPE  a NumPy scalar (np.float64(...) ...)
"""

from __future__ import annotations

import operator

import numpy as np

DTYPES = ("bool", "int32", "int64", "float32", "float64")
TENSORS = tuple(f"t:{d}" for d in DTYPES) + tuple(f"s:{d}" for d in DTYPES)
SCALARS = ("py:bool", "py:int", "py:float") + tuple(f"np:{d}" for d in DTYPES)

# Values chosen to avoid integer division by zero; negatives exercise the sign rules of // and %.
_VECTOR = {"bool": [True, False, True], "int": [-3, 1, 2], "float": [-2.5, 1.0, 3.0]}
_SCALAR = {"bool": True, "int": 2, "float": 1.5}


def _family(dtype: str) -> str:
    return "bool" if dtype == "bool" else "int" if dtype.startswith("int") else "float"


def operand(m, spec: str):
    """The operand `spec` for library m (torch or chainrule)."""
    kind, name = spec.split(":")
    if kind == "py":
        return {"bool": True, "int": 2, "float": 1.5}[name]
    if kind == "np":
        return np.dtype(name).type(_SCALAR[_family(name)])
    dtype = getattr(m, name)
    if kind == "t":
        return m.tensor(_VECTOR[_family(name)], dtype=dtype)
    return m.tensor(_SCALAR[_family(name)], dtype=dtype)


def _inplace(fn):
    """An in-place op on a copy of a; the result must be that very tensor."""

    def run(m, a, b):
        c = a.clone()
        out = fn(c, b)
        if out is not c:
            raise AssertionError("the in-place op returned a new tensor")
        return out

    return run


BINARY = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
    "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow,
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge,
}
# (m, a, b) -> result; a is always a tensor for these
TENSOR_FIRST = {
    "where": lambda m, a, b: m.where(m.tensor([True, False, True]), a, b),
    "where_rev": lambda m, a, b: m.where(m.tensor([True, False, True]), b, a),
    "maximum": lambda m, a, b: m.maximum(a, b),
    "minimum": lambda m, a, b: m.minimum(a, b),
    "clamp_min": lambda m, a, b: m.clamp(a, b),
    "clamp_max": lambda m, a, b: m.clamp(a, None, b),
    "add_": _inplace(lambda c, b: c.add_(b)),
    "sub_": _inplace(lambda c, b: c.sub_(b)),
    "mul_": _inplace(lambda c, b: c.mul_(b)),
    "div_": _inplace(lambda c, b: c.div_(b)),
    "pow_": _inplace(lambda c, b: c.pow_(b)),
    "iadd": _inplace(operator.iadd),
    "isub": _inplace(operator.isub),
    "imul": _inplace(operator.imul),
    "itruediv": _inplace(operator.itruediv),
    "ifloordiv": _inplace(operator.ifloordiv),
    "imod": _inplace(operator.imod),
    "ipow": _inplace(operator.ipow),
    "clamp_": _inplace(lambda c, b: c.clamp_(b)),
}
# ops that do not promote (PyTorch refuses mixed dtypes), on tensors with dims
MATMUL = {
    "matmul": lambda m, a, b: a @ b,
    "einsum": lambda m, a, b: m.einsum("i,i->i", a, b),
    "einsum_sum": lambda m, a, b: m.einsum("i,i->", a, b),
    "einsum_outer": lambda m, a, b: m.einsum("i,j", a, b),
    "isclose": lambda m, a, b: m.isclose(a, b),
}

def _inplace1(name: str):
    """Unary in-place method `name` on a copy of x; the result must be that very tensor."""

    def run(m, x):
        c = x.clone()
        if getattr(c, name)() is not c:
            raise AssertionError("the in-place op returned a new tensor")
        return c

    return run


# (m, x) -> result, on each tensor kind
UNARY = {
    "sum": lambda m, x: x.sum(),
    "sum0": lambda m, x: x.sum(0),
    "sum-1k": lambda m, x: x.sum(-1, keepdim=True),
    "prod": lambda m, x: x.prod(),
    "prod0": lambda m, x: x.prod(0),
    "cumsum0": lambda m, x: x.cumsum(0),
    "mean": lambda m, x: x.mean(),
    "mean0": lambda m, x: x.mean(0),
    "amax": lambda m, x: x.amax(),
    "amax0": lambda m, x: x.amax(0),
    "amin-1": lambda m, x: x.amin(-1),
    "max": lambda m, x: x.max(),
    "max0": lambda m, x: x.max(0).values,
    "max0_idx": lambda m, x: x.max(0).indices,
    "min-1": lambda m, x: x.min(-1).values,
    "argmax0": lambda m, x: x.argmax(0),
    "logsumexp0": lambda m, x: m.logsumexp(x, 0),
    "var0": lambda m, x: x.var(0),
    "std": lambda m, x: x.std(),
    "norm": lambda m, x: x.norm(),
    "norm0": lambda m, x: m.norm(x, dim=0),
    "any0": lambda m, x: x.any(0),
    "all": lambda m, x: x.all(),
    "neg": lambda m, x: -x,
    "exp": lambda m, x: m.exp(x),
    "log": lambda m, x: m.log(x),
    "sqrt": lambda m, x: m.sqrt(x),
    "sin": lambda m, x: m.sin(x),
    "cos": lambda m, x: m.cos(x),
    "tanh": lambda m, x: m.tanh(x),
    "sigmoid": lambda m, x: m.sigmoid(x),
    "sign": lambda m, x: m.sign(x),
    "abs": lambda m, x: m.abs(x),
    "exp_": _inplace1("exp_"),
    "sigmoid_": _inplace1("sigmoid_"),
    "tanh_": _inplace1("tanh_"),
    "sqrt_": _inplace1("sqrt_"),
    "neg_": _inplace1("neg_"),
    "tril": lambda m, x: m.tril(x.reshape(1, -1).expand(3, -1)),
    "triu": lambda m, x: m.triu(x.reshape(1, -1).expand(3, -1), 1),
}


def rows():
    """Every (op, operand specs) pair of the table, in a fixed order."""
    out = []
    for name in BINARY:
        for a in TENSORS + SCALARS:
            for b in TENSORS + SCALARS:
                if a.startswith(("t:", "s:")) or b.startswith(("t:", "s:")):
                    out.append((name, (a, b)))
    for name in TENSOR_FIRST:
        for a in TENSORS:
            for b in TENSORS + SCALARS:
                out.append((name, (a, b)))
    for name in MATMUL:
        for a in TENSORS[:5]:
            for b in TENSORS[:5]:
                out.append((name, (a, b)))
    for name in UNARY:
        for a in TENSORS:
            out.append((name, (a,)))
    return out


def run(m, name: str, specs: tuple):
    """Run row (name, specs) on library m; returns the result (raises what the library raises)."""
    args = [operand(m, s) for s in specs]
    if name in BINARY:
        return BINARY[name](*args)
    if name in TENSOR_FIRST:
        return TENSOR_FIRST[name](m, *args)
    if name in MATMUL:
        return MATMUL[name](m, *args)
    return UNARY[name](m, *args)


def expand(item: list) -> dict:
    """A row of data/promotion.json as a dict; the file holds [op, args, dtype, shape, values] or
    [op, args, "!Error", message]."""
    if item[2].startswith("!"):
        return {"op": item[0], "args": item[1], "error": item[2][1:], "message": item[3]}
    return {"op": item[0], "args": item[1], "dtype": item[2], "shape": item[3], "values": item[4]}
