"""Each public op is declared once, next to its forward and backward; everything else is derived from here.

    @declare(method=True, aliases=("absolute",),
             cases=[case(lambda m, x: m.abs(x), (2, 3), kinds="away0")])
    def abs(input): ...

    log1p = declare(_unary(Log1p, "log1p", "..."), method=True, cases=[case(lambda m, x: x.log1p(), (2, 3))])

A declaration names the op's function, the namespaces it appears in (`chainrule.*`, `nn.functional.*`), its
Tensor method names and aliases, and its test cases. From the registry come: the Tensor methods
(`bind_methods`, called by `chainrule._methods`), `chainrule.ops.__all__`, `nn.functional`'s names, the stub
file, the op table in the docs, the test registry (tests/core/op_registry.py) and the gradcheck experiment.
`declare` returns the function unchanged: a declaration costs nothing when the op runs.

Each op's example (doctest text, with its printed output) is kept in ops/_examples/ under the op's name; `declare`
appends it to the function's docstring as its "Examples:" section (so `help()` and the reference show it) and
tests/docs/test_op_examples.py runs every one of them.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._examples import EXAMPLES

__all__ = ["Case", "Decl", "REGISTRY", "all_cases", "bind_methods", "case", "declare", "names_in"]

TORCH, FUNCTIONAL = "torch", "F"  # the namespaces: chainrule.* and chainrule.nn.functional.*


@dataclass(frozen=True)
class Case:
    """One test case: `fn(m, *inputs)` runs unchanged on chainrule and on torch (see `Lib`).

    shapes: one shape per float input; kinds: how each input is drawn (`make_input`), one for all or one each;
    grad: the op is differentiable here (False: integer/bool outputs, values only); gradgrad: second
    derivatives are checked too; torch: compared with PyTorch; rtol32: the float32 comparison's tolerance.
    """

    fn: Callable
    shapes: tuple
    kinds: object = "normal"
    grad: bool = True
    gradgrad: bool = True
    torch: bool = True
    rtol32: float = 1e-5
    suffix: str = ""  # the case's name is the op's name + "_" + suffix (several cases per op)
    name: str = ""  # the case's full name, when it is not op + suffix (a name other tables already use)


def case(fn: Callable, *shapes, **kw) -> Case:
    """`case(lambda m, x: m.erf(x), (4, 5), kinds="unit")`: a Case with its shapes given positionally."""
    return Case(fn, shapes, **kw)


@dataclass(frozen=True)
class Decl:
    """A declared op: its function and every name it is reachable by."""

    name: str
    fn: Callable
    module: str
    namespaces: tuple[str, ...] = (TORCH,)
    methods: tuple[str, ...] = ()  # Tensor method names
    method_fn: Callable | None = None  # the method, when its signature differs from the function's
    aliases: tuple[str, ...] = ()  # further function names in the same namespaces
    cases: tuple[Case, ...] = field(default=())
    operators: tuple[str, ...] = ()  # Python syntax that reaches the op ("x + y"), for the docs
    differentiable: bool | None = None  # None: differentiable when one of its cases checks a gradient
    example: str = ""  # the op's doctest example (ops/_examples/), also the end of fn's docstring

    def case_name(self, c: Case) -> str:
        return c.name or (f"{self.name}_{c.suffix}" if c.suffix else self.name)

    @property
    def is_differentiable(self) -> bool:
        return self.differentiable if self.differentiable is not None else any(c.grad for c in self.cases)


REGISTRY: dict[str, Decl] = {}
_TAKEN: dict[tuple[str, str], str] = {}  # (namespace or "Tensor", name) -> the op that claimed it
_BOUND: list = []  # the class bind_methods bound onto (Tensor): later declarations bind their methods at once


def declare(fn: Callable | None = None, *, name: str | None = None, namespaces=(TORCH,), method=False,
            method_fn: Callable | None = None, aliases=(), cases=(), operators=(),
            differentiable: bool | None = None):
    """Register `fn` as a public op and return it unchanged; usable as `@declare(...)` or `declare(fn, ...)`.

    name: the op's name (default `fn.__name__`); namespaces: where the function appears, "torch"
    (`chainrule.*`) and/or "F" (`chainrule.nn.functional.*`); method: True binds `Tensor.<name>`, a string or
    tuple of strings binds those method names (`method=("abs", "absolute")`); method_fn: what the methods call
    when it is not `fn`; aliases: further function names; cases: the op's test cases (`case(...)`);
    operators: the Python syntax reaching the op (`("x + y",)`, docs only); differentiable: whether a gradient
    flows (default: whether one of its cases checks one).
    An op in the "torch" namespace is defined under `chainrule/ops/` (`chainrule.*` is built from those
    modules when chainrule is imported); "F"-only ops may live in `chainrule/nn/functional/`.
    Raises ValueError when a name is already taken by another op (two declarations of one name), or when a
    "torch" op is defined outside `chainrule.ops`.
    """

    def register(f: Callable) -> Callable:
        op = name or f.__name__
        methods = (op,) if method is True else (method,) if isinstance(method, str) else tuple(method or ())
        decl = Decl(op, f, f.__module__, tuple(namespaces), methods, method_fn, tuple(aliases), tuple(cases),
                    tuple(operators), differentiable, EXAMPLES.get(op, ""))
        if TORCH in decl.namespaces and decl.module.startswith("chainrule.") and not decl.module.startswith(
                "chainrule.ops."):
            raise ValueError(f"declare: op {op!r} is in the 'torch' namespace but defined in {decl.module}; "
                             "define it under chainrule/ops/ (chainrule.* is built from those modules)")
        claims = [(ns, n) for ns in decl.namespaces for n in (op, *decl.aliases)]
        claims += [("Tensor", m) for m in methods]
        for key in claims:
            owner = _TAKEN.get(key)
            if owner is not None and owner != op:
                raise ValueError(f"declare: {key[0]}.{key[1]} is already declared by op {owner!r}")
        if op in REGISTRY and REGISTRY[op].module != decl.module:
            raise ValueError(f"declare: op {op!r} is declared twice ({REGISTRY[op].module}, {decl.module})")
        for key in claims:
            _TAKEN[key] = op
        REGISTRY[op] = decl
        for target in (f, method_fn):
            if decl.example and target is not None:
                _append_example(target, decl.example)
        for cls in _BOUND:
            _bind(cls, decl)
        return f

    return register if fn is None else register(fn)


def _append_example(fn: Callable, example: str) -> None:
    """fn's docstring + an "Examples:" section holding `example`, indented as the docstring's own lines are."""
    doc = fn.__doc__ or ""
    if ">>>" in doc:  # declared again (a module reloaded): the section is there already
        return
    body = [line for line in doc.splitlines()[1:] if line.strip()]
    indent = min((len(line) - len(line.lstrip()) for line in body), default=4)
    lines = [line.strip("\n") for line in _dedent(example).splitlines()]
    section = "\n".join(" " * (indent + 4) + line if line else "" for line in lines)
    fn.__doc__ = f"{doc.rstrip()}\n\n{' ' * indent}Examples:\n{section}\n"


def _dedent(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def names_in(namespace: str) -> dict[str, Callable]:
    """Every function name declared in a namespace ("torch" or "F"), aliases included -> its function."""
    out = {}
    for d in REGISTRY.values():
        if namespace in d.namespaces:
            for n in (d.name, *d.aliases):
                out[n] = d.fn
    return out


def bind_methods(cls) -> None:
    """Bind every declared method onto `cls` (Tensor), and the methods of ops declared later as they come."""
    for d in REGISTRY.values():
        _bind(cls, d)
    if cls not in _BOUND:
        _BOUND.append(cls)


def _bind(cls, d: Decl) -> None:
    for m in d.methods:
        setattr(cls, m, d.method_fn or d.fn)


def all_cases() -> list[tuple[str, Decl, Case]]:
    """(case name, declaration, case) for every declared test case, after importing every op family."""
    import chainrule.nn.functional  # noqa: F401  (functional ops declare themselves on import)

    return [(d.case_name(c), d, c) for d in REGISTRY.values() for c in d.cases]


# ---- what a case's inputs and `m` are: shared by the tests and the gradcheck experiment -------------------
class Lib:
    """`m` in a case: chainrule or torch, with `m.F` the functional namespace and index/mask makers."""

    def __init__(self, mod, functional):
        self._mod, self.F = mod, functional

    def __getattr__(self, name):
        return getattr(self._mod, name)

    def idx(self, values):
        return self._mod.tensor(np.asarray(values, dtype=np.int64))

    def mask(self, values):
        return self._mod.tensor(np.asarray(values, dtype=bool))


KINDS = ("normal", "pos", "unit", "away0", "distinct", "frac")


def make_input(kind: str, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    """A float64 array for a case's input.

    normal: standard normal; pos: uniform in [0.5, 2]; unit: uniform in [-0.9, 0.9]; away0: normal with
    |x| >= 0.2 (kinks at 0); distinct: a shuffled grid with gaps >= 0.1 (no ties, for max- and sort-like ops);
    frac: away from integers (rounding ops jump there).
    """
    n = int(np.prod(shape))
    if kind == "normal":
        return rng.standard_normal(shape)
    if kind == "pos":
        return rng.uniform(0.5, 2.0, shape)
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, shape)
    if kind == "away0":
        x = rng.standard_normal(shape)
        return np.where(np.abs(x) < 0.2, np.sign(x + 1e-12) * (0.2 + np.abs(x)), x)
    if kind == "distinct":
        return (rng.permutation(n) * 0.1 - 0.05 * n + rng.uniform(0, 0.02, n)).reshape(shape)
    if kind == "frac":
        return np.floor(rng.uniform(-3, 3, shape)) + rng.uniform(0.2, 0.8, shape)
    raise ValueError(f"make_input: unknown kind {kind!r}; expected one of {KINDS}")


def make_inputs(c: Case, seed: int = 0) -> list[np.ndarray]:
    """The float64 inputs of a case, drawn from a generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    kinds = c.kinds if isinstance(c.kinds, tuple) else (c.kinds,) * len(c.shapes)
    return [make_input(k, s, rng) for k, s in zip(kinds, c.shapes)]
