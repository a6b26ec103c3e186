"""Draw one example for a registry op, run it on chainrule and on PyTorch, and list every difference.

An example is: operand shapes (by the op's shape rule), each operand's layout (contiguous, non-contiguous
memory, or a view of a leaf: transposed, sliced with a step, expanded), its values (the registry's kind, or
"edge" values: zeros, ties, +-1, domain boundaries) and the scalar operands. Both libraries get the same
numbers; the comparison covers raising or not, output count, type, shape, dtype, values, requires_grad, the
gradient of every float leaf (value, shape, dtype) and the engine's invariant that a tensor holds an ndarray.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from diff_rules import SCALAR_ARGS, SHAPE_RULE, parse_config
from hypothesis import strategies as st
from op_registry import Lib, make_input

import chainrule as cr

SIZES = st.sampled_from([0, 1, 1, 2, 2, 3, 3, 4])
LAYOUTS = ("contig", "contig", "noncontig", "T", "slice", "expand")
EDGE = {"pos": [0.0, 0.5, 1.0, 2.0], "unit": [-0.5, 0.0, 0.5],
        "other": [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]}
SCALARS = {"pos": [0.5, 1.5, 2.0, 3.0], "other": [-2.5, -1.0, 0.0, 0.5, 1.0, 2.0]}
SCALARS_INT = {"pos": [1, 2, 3], "other": [-2, -1, 0, 1, 2, 3]}

# Tolerances: the value check of tests/core/test_ops_torch.py; float32 gradients a little wider (they sum more
# terms, in an order that differs between the libraries).
TOL = {"float32": (2e-5, 2e-6), "float64": (1e-10, 1e-12)}
GRAD_TOL = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-11)}


@dataclass
class Example:
    shapes: list
    layouts: list
    seed: int
    edge: bool
    scalars: dict = field(default_factory=dict)  # position -> (kind, value)


class KnownBug(Exception):
    """A difference of a class that issue 12 is fixing on another branch (see diff_known.py)."""


# ---- drawing ----------------------------------------------------------------------------------------------
def kinds_of(case) -> tuple:
    return case.kinds if isinstance(case.kinds, tuple) else (case.kinds,) * len(case.shapes)


def draw_shapes(data, case) -> list[tuple]:
    rule = SHAPE_RULE.get(case.name, "relabel")
    if rule == "any":
        return [tuple(data.draw(st.lists(SIZES, max_size=4), label="shape"))]
    if rule == "bcast":
        full = data.draw(st.lists(SIZES, max_size=4), label="broadcast shape")
        shapes = []
        for _ in case.shapes:
            rank = data.draw(st.integers(0, len(full)), label="rank")
            dims = full[len(full) - rank:]
            shapes.append(tuple(1 if data.draw(st.booleans()) else d for d in dims))
        if data.draw(st.integers(0, 9), label="incompatible?") == 0:  # both libraries must raise
            k = data.draw(st.integers(0, len(shapes) - 1))
            if shapes[k]:
                shapes[k] = shapes[k][:-1] + (shapes[k][-1] + 2,)
        return shapes
    sizes = sorted({d for s in case.shapes for d in s})
    new = {}
    for d in sizes:
        keep_one = d == 1 and data.draw(st.integers(0, 5)) > 0
        new[d] = 1 if keep_one else data.draw(st.one_of(st.just(d), SIZES), label=f"size {d} ->")
    return [tuple(new[d] for d in s) for s in case.shapes]


def draw_example(data, case, config: str) -> Example:
    _, scalar_kinds = parse_config(config, len(case.shapes))
    shapes = draw_shapes(data, case)
    layouts = [data.draw(st.sampled_from(LAYOUTS), label=f"layout {i}") for i in range(len(shapes))]
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    edge = data.draw(st.integers(0, 4), label="edge values?") == 0
    kinds = kinds_of(case)
    scalars = {}
    for pos, kind in scalar_kinds.items():
        group = "pos" if kinds[pos] == "pos" else "other"
        if kind == "bool":
            value = data.draw(st.booleans(), label="scalar")
        elif "int" in kind:
            value = data.draw(st.sampled_from(SCALARS_INT[group]), label="scalar")
        else:
            value = data.draw(st.sampled_from(SCALARS[group]), label="scalar")
        scalars[pos] = (kind, value)
    return Example(shapes, layouts, seed, edge, scalars)


# ---- building the inputs ----------------------------------------------------------------------------------
def values(kind: str, shape: tuple, dtype: str, rng, edge: bool) -> np.ndarray:
    group = kind if kind in ("pos", "unit") else "other"
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("int"):
        if edge:
            a = rng.choice([0, 1, 2] if group == "pos" else [-2, -1, 0, 1, 2], shape)
        elif kind == "pos":
            a = rng.integers(1, 4, shape)
        elif kind == "distinct":
            n = int(np.prod(shape))
            a = (rng.permutation(n) - n // 2).reshape(shape)
        else:
            a = rng.integers(-3, 4, shape)
        return a.astype(dtype)
    if edge:
        return rng.choice(EDGE[group], shape).astype(dtype)
    return make_input(kind, shape, rng).astype(dtype)


def noncontiguous(a: np.ndarray) -> np.ndarray:
    """The same values in memory that is not C-contiguous (Fortran order, or every other element)."""
    if a.ndim >= 2 and not np.asfortranarray(a).flags.c_contiguous:
        return np.asfortranarray(a)
    if a.ndim >= 1:
        buf = np.zeros((2 * a.shape[0],) + a.shape[1:], a.dtype)
        buf[::2] = a
        return buf[::2]
    return a.copy()


class Built:
    """One library's inputs for an example: the operands given to the op and the leaves that get gradients."""

    def __init__(self, lib: Lib, is_torch: bool):
        self.lib, self.is_torch, self.inputs, self.leaves = lib, is_torch, [], []

    def tensor(self, a: np.ndarray, rg: bool):
        if self.is_torch:
            t = self.lib.tensor(a)
        else:
            t = self.lib.tensor(a.copy())
        if rg:
            t.requires_grad_(True)
            self.leaves.append(t)
        return t

    def from_memory(self, a: np.ndarray, rg: bool):
        """A leaf over a copy of `a` that keeps its (non-contiguous) strides."""
        copy = noncontiguous(a)
        t = self.lib.from_numpy(copy)
        if rg:
            t.requires_grad_(True)
            self.leaves.append(t)
        return t


def build(built: Built, case, ex: Example, dtypes: list[str], rng_seed: int):
    """Fill `built` with the operands of example `ex` (same values for both libraries: same seed)."""
    rng = np.random.default_rng(rng_seed)
    kinds = kinds_of(case)
    for i, shape in enumerate(ex.shapes):
        if i in ex.scalars:
            built.inputs.append(scalar(built, *ex.scalars[i]))
            continue
        dtype = dtypes[i]
        a = values(kinds[i], shape, dtype, rng, ex.edge)
        rg = case.grad and dtype.startswith("float")
        layout = ex.layouts[i] if a.ndim else "contig"
        if layout == "noncontig":
            x = built.from_memory(a, rg)
        elif layout == "T" and a.ndim >= 2:
            axes = tuple(range(a.ndim))[::-1]
            x = built.tensor(np.ascontiguousarray(a.transpose(axes)), rg).permute(*axes)
        elif layout == "slice":
            k = int(rng.integers(0, a.ndim))
            big = np.repeat(a, 2, axis=k)  # the values at even positions along k are a
            x = built.tensor(big, rg)[(slice(None),) * k + (slice(None, None, 2),)]
        elif layout == "expand" and kinds[i] != "distinct" and any(d > 1 for d in shape):
            k = int(rng.choice([j for j, d in enumerate(shape) if d > 1]))
            x = built.tensor(np.take(a, [0], axis=k), rg).expand(*shape)
        else:
            x = built.tensor(a, rg)
        built.inputs.append(x)
    return built


def scalar(built: Built, kind: str, value):
    """A Python, NumPy or 0-d tensor operand."""
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    if kind.startswith("np."):
        return getattr(np, kind[3:])(value)
    return built.lib.tensor(np.asarray(value, dtype=kind[3:]))


# ---- running and comparing --------------------------------------------------------------------------------
@dataclass
class Outcome:
    error: BaseException | None = None
    outs: list = field(default_factory=list)
    grad_error: BaseException | None = None
    grads: list | None = None  # one per leaf (None where unused), or None when no gradient was asked


def flat(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def run(built: Built, case, seed: int, with_grad: bool) -> Outcome:
    res = Outcome()
    lib = built.lib
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            res.outs = flat(case.fn(lib, *built.inputs))
        except Exception as e:  # noqa: BLE001 - compared with the other library's outcome
            res.error = e
            return res
        if not (with_grad and built.leaves):
            return res
        rng = np.random.default_rng(seed + 1)
        outs, cots = [], []
        for o in res.outs:
            cot = rng.standard_normal(tuple(o.shape)) if hasattr(o, "shape") else None
            if getattr(o, "requires_grad", False) and dtype_name(o).startswith("float"):
                outs.append(o)
                cots.append(lib.tensor(cot.astype(dtype_name(o))))
        if not outs:
            return res
        try:
            res.grads = list(lib.autograd.grad(outs, built.leaves, cots, allow_unused=True))
        except Exception as e:  # noqa: BLE001
            res.grad_error = e
    return res


def dtype_name(t) -> str:
    """'float32' for torch.float32, chainrule.float32 or NumPy's float32."""
    return str(t.dtype).rsplit(".", 1)[-1]


def array_of(t) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def close(a: np.ndarray, b: np.ndarray, tol: dict, dtype: str) -> str:
    """'' when a matches b (NaN where b is NaN, infinities equal, finite values within tolerance)."""
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        af, bf = a.astype(np.float64), b.astype(np.float64)
        rtol, atol = tol["float32" if "float32" in (str(a.dtype), dtype) else "float64"]
        nan_a, nan_b = np.isnan(af), np.isnan(bf)
        if (nan_a != nan_b).any():
            return f"NaN at different places: chainrule {af.ravel()[:8]}, torch {bf.ravel()[:8]}"
        fin = np.isfinite(bf) & np.isfinite(af)
        if (af[~fin & ~nan_b] != bf[~fin & ~nan_b]).any():
            return f"infinities differ: chainrule {af.ravel()[:8]}, torch {bf.ravel()[:8]}"
        err = np.abs(af[fin] - bf[fin]) - (atol + rtol * np.abs(bf[fin]))
        if err.size and err.max() > 0:
            k = int(np.argmax(err))
            return (f"max excess {err.max():.3g}: chainrule {af[fin][k]!r} vs torch {bf[fin][k]!r} "
                    f"(rtol {rtol}, atol {atol})")
        return ""
    if not np.array_equal(a.astype(np.int64), b.astype(np.int64)):
        return f"chainrule {a.ravel()[:8]} vs torch {b.ravel()[:8]}"
    return ""


def compare(c: Outcome, t: Outcome) -> list[tuple[str, str]]:
    """Every difference between chainrule's outcome c and PyTorch's t, as (kind, message)."""
    if c.error is not None or t.error is not None:
        if c.error is None:
            return [("accepts", f"torch raises {type(t.error).__name__}: {str(t.error)[:200]}")]
        if t.error is None:
            return [("raises", f"chainrule raises {type(c.error).__name__}: {str(c.error)[:300]}")]
        if not isinstance(c.error, type(t.error)):
            mine = f"{type(c.error).__name__}: {str(c.error)[:200]}"
            theirs = f"{type(t.error).__name__}: {t.error}"
            return [("error-type", f"chainrule raises {mine} -- torch raises {theirs[:200]}")]
        return []
    if len(c.outs) != len(t.outs):
        return [("nouts", f"{len(c.outs)} outputs, torch {len(t.outs)}")]
    diffs = []
    for k, (o, w) in enumerate(zip(c.outs, t.outs)):
        if not hasattr(w, "shape"):
            if o != w:
                diffs.append(("value", f"output {k}: {o!r} vs torch {w!r}"))
            continue
        if not isinstance(o, cr.Tensor):
            diffs.append(("type", f"output {k}: {type(o).__name__}, torch a Tensor"))
            continue
        if not isinstance(o._data, np.ndarray):
            diffs.append(("0d-scalar", f"output {k} holds a {type(o._data).__name__}, not an ndarray"))
        if o.shape != tuple(w.shape):
            diffs.append(("shape", f"output {k}: shape {o.shape}, torch {tuple(w.shape)}"))
            continue
        if dtype_name(o) != dtype_name(w):
            diffs.append(("dtype", f"output {k}: {dtype_name(o)}, torch {dtype_name(w)}"))
        msg = close(np.asarray(o._data), array_of(w), TOL, dtype_name(w))
        if msg:
            diffs.append(("value", f"output {k}: {msg}"))
        if o.requires_grad != w.requires_grad:
            diffs.append(("requires_grad", f"output {k}: {o.requires_grad}, torch {w.requires_grad}"))
    if diffs:
        return diffs
    if (c.grad_error is None) != (t.grad_error is None):
        if c.grad_error is not None:
            err = c.grad_error
            return [("grad-raises", f"backward raises {type(err).__name__}: {str(err)[:300]}")]
        return [("grad-accepts", f"torch's backward raises {type(t.grad_error).__name__}: {t.grad_error}")]
    if c.grads is None or t.grads is None:
        if (c.grads is None) != (t.grads is None):
            diffs.append(("grad", f"gradients: chainrule {c.grads is not None}, torch {t.grads is not None}"))
        return diffs
    # A float32 output bounds the precision of every gradient that flows back through it (a float64 leaf too)
    low = any(hasattr(w, "shape") and dtype_name(w) == "float32" for w in t.outs)
    return diffs + compare_grads(c.grads, t.grads, low)


def compare_grads(cg: list, tg: list, low: bool) -> list[tuple[str, str]]:
    diffs = []
    for i, (g, w) in enumerate(zip(cg, tg)):
        if g is None and w is None:
            continue
        if g is not None and not isinstance(g._data, np.ndarray):
            diffs.append(("0d-scalar", f"gradient {i} holds a {type(g._data).__name__}, not an ndarray"))
        if (g is None) != (w is None):  # None (unused) equals zeros
            g_arr = np.zeros(tuple(w.shape)) if g is None else np.asarray(g._data)
            w_arr = np.zeros(g.shape) if w is None else array_of(w)
            msg = close(g_arr, w_arr, GRAD_TOL, "float32")
            if msg:
                diffs.append(("grad", f"gradient {i}: {msg}"))
            continue
        if g.shape != tuple(w.shape):
            diffs.append(("grad-shape", f"gradient {i}: shape {g.shape}, torch {tuple(w.shape)}"))
            continue
        if dtype_name(g) != dtype_name(w):
            diffs.append(("grad-dtype", f"gradient {i}: {dtype_name(g)}, torch {dtype_name(w)}"))
        msg = close(np.asarray(g._data), array_of(w), GRAD_TOL, "float32" if low else dtype_name(w))
        if msg:
            diffs.append(("grad", f"gradient {i}: {msg}"))
    return diffs


# ---- statistics (summed over xdist workers by conftest.py) -------------------------------------------------
STATS: Counter = Counter()  # (op, outcome) -> examples; outcome: ok | both-raise | known | differ


def record(op: str, outcome: str) -> None:
    STATS[(op, outcome)] += 1


def scalar_positions(case) -> tuple:
    return SCALAR_ARGS.get(case.name, ())


CR_LIB = Lib(cr, cr.nn.functional)
try:
    import torch

    TORCH_LIB = Lib(torch, torch.nn.functional)
except ImportError:  # the test module skips
    TORCH_LIB = None
