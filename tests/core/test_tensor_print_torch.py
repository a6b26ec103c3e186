"""Tensors print exactly as PyTorch's: a few hundred generated tensors under default and custom print options.

Each case draws a shape (0-d to 4-d, empty ones included), a dtype (every dtype both libraries have), a kind of
values (ordinary, tiny, huge, mixed scales, whole numbers, nan/inf, zeros, big enough to summarise) and a
requires_grad / grad_fn state, prints it in both libraries and compares the strings. PyTorch's `torch.` becomes
`chainrule.` and grad_fn names are compared modulo the name (chainrule's node names are its own).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

DTYPES = [
    "float32",
    "float64",
    "float16",
    "complex64",
    "complex128",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
]
KINDS = ["normal", "tiny", "huge", "mixed", "whole", "nonfinite", "zeros", "big_whole", "small_sci"]
OPTIONS = [
    {},
    {"precision": 2},
    {"precision": 8},
    {"sci_mode": True},
    {"sci_mode": False},
    {"threshold": 5},
    {"threshold": 20, "edgeitems": 1},
    {"linewidth": 40},
    {"linewidth": 120},
    {"profile": "short"},
    {"profile": "full"},
    {"threshold": 5, "edgeitems": 0},
    {"precision": 0},
    {"edgeitems": 2, "threshold": 30},
]


def _values(rng, kind: str, shape: tuple) -> np.ndarray:
    n = int(np.prod(shape))
    base = rng.standard_normal(n)
    if kind == "tiny":
        base *= 1e-6
    elif kind == "huge":
        base *= 1e10
    elif kind == "mixed":
        base *= 10.0 ** rng.integers(-6, 9, n)
    elif kind == "whole":
        base = np.round(base * 50)
    elif kind == "big_whole":
        base = np.round(base * 1e9)
    elif kind == "small_sci":
        base = np.round(base * 3) * 1e-5
    elif kind == "zeros":
        base = np.zeros(n) * rng.choice([1.0, -1.0], n)
    elif kind == "nonfinite":
        base = np.where(rng.random(n) < 0.3, rng.choice([np.nan, np.inf, -np.inf], n), np.round(base * 4, 1))
    return base.reshape(shape)


def _array(rng, dtype: str, kind: str, shape: tuple) -> np.ndarray:
    v = _values(rng, kind, shape)
    if dtype == "bool":
        return np.asarray(v > 0)
    if dtype.startswith("complex"):
        c = np.empty(shape, dtype)
        c.real, c.imag = v, _values(rng, kind, shape)
        return c
    if dtype in ("float16", "float32", "float64"):
        with np.errstate(over="ignore"):
            return np.asarray(v.astype(dtype))
    info = np.iinfo(dtype)
    lo, hi = max(int(info.min), -(2**53)), min(int(info.max), 2**53)  # exact in float64
    return np.asarray(np.clip(np.nan_to_num(np.round(v * 7)), lo, hi).astype(dtype))


def _shape(rng) -> tuple:
    nd = int(rng.integers(0, 5))
    big = rng.random() < 0.25
    hi = {0: 1, 1: 2000 if big else 12, 2: 60 if big else 7, 3: 15 if big else 4, 4: 8 if big else 3}[nd]
    shape = tuple(int(s) for s in rng.integers(1, hi + 1, nd))
    if nd and rng.random() < 0.08:
        shape = shape[:-1] + (0,)
    return shape


def _cases(n: int):
    rng = np.random.default_rng(1234)
    for i in range(n):
        dtype = DTYPES[i % len(DTYPES)]
        kind = KINDS[int(rng.integers(len(KINDS)))]
        shape = _shape(rng)
        grad = dtype.startswith("float") and dtype != "float16" and rng.random() < 0.3
        yield i, _array(rng, dtype, kind, shape), grad, OPTIONS[i % len(OPTIONS)] if i % 3 else {}


def _normalise(text: str) -> str:
    """torch. -> chainrule.; grad_fn names dropped. When a dtype= or grad_fn= suffix is present, its name's length
    differs between the libraries ("chainrule." is 4 characters longer than "torch."), which can move the
    line break before a suffix: such breaks are compared as ", ". Tensors without those suffixes compare exactly."""
    text = text.replace("torch.", "chainrule.")
    if "dtype=" in text or "grad_fn=" in text:
        text = re.sub(r",\n +(dtype=|grad_fn=|requires_grad=|size=)", r", \1", text)
    return re.sub(r"grad_fn=<\w+>", "grad_fn=<>", text)


def _pair(arr: np.ndarray, grad: bool, op: bool):
    tc, tt = cr.tensor(arr.copy()), torch.from_numpy(arr.copy())
    if grad:
        tc.requires_grad_(True)
        tt.requires_grad_(True)
        if op:
            tc, tt = tc * 1.0, tt * 1.0
    return tc, tt


@pytest.fixture
def restore_printoptions():
    yield
    cr.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("case", list(_cases(330)), ids=lambda c: f"case{c[0]}")
def test_print_matches_torch(case, restore_printoptions):
    i, arr, grad, opts = case
    cr.set_printoptions(**opts)
    torch.set_printoptions(**opts)
    tc, tt = _pair(arr, grad, op=i % 2 == 0)
    want = _normalise(repr(tt))
    assert _normalise(repr(tc)) == want, (opts, arr.dtype, arr.shape)
    assert _normalise(str(tc)) == _normalise(str(tt))


@pytest.mark.parametrize("value", [0.0, 1.5, -2.25, 1e-8, 1e10, float("nan"), float("inf"), 3.0, 100002.35])
@pytest.mark.parametrize("spec", ["", ".2f", ".3e", "10.4f", "g"])
def test_format_of_0d_tensors_formats_the_value(value, spec):
    assert format(cr.tensor(value), spec) == format(torch.tensor(value), spec)
    assert f"{cr.tensor(value)}" == f"{torch.tensor(value)}"


@pytest.mark.parametrize("spec", ["", "5d", "x", ">8"])
def test_format_of_0d_integer_and_bool_tensors(spec):
    assert format(cr.tensor(42), spec) == format(torch.tensor(42), spec)
    assert format(cr.tensor(True), spec.replace("x", "")) == format(torch.tensor(True), spec.replace("x", ""))


def test_format_of_a_1d_tensor_is_refused_as_in_torch():
    assert format(cr.tensor([1.5])) == "tensor([1.5000])"
    with pytest.raises(TypeError, match="unsupported format string"):
        format(cr.tensor([1.5]), ".2f")
    with pytest.raises(TypeError, match="unsupported format string"):
        format(torch.tensor([1.5]), ".2f")


def test_issue_examples_and_options_api(restore_printoptions):
    assert repr(cr.tensor([[1.5, -2.25], [1e-4, 1e5]])) == (
        "tensor([[ 1.5000e+00, -2.2500e+00],\n        [ 1.0000e-04,  1.0000e+05]])"
    )
    assert repr(cr.tensor(100002.35)) == "tensor(100002.3516)"
    assert cr.get_printoptions() == torch._tensor_str.get_printoptions()
    with cr.printoptions(precision=1):
        assert repr(cr.tensor([1.25])) == "tensor([1.2])"
    assert repr(cr.tensor([1.25])) == "tensor([1.2500])"
    p = cr.nn.Parameter(cr.ones(2, 2))
    assert repr(p) == repr(torch.nn.Parameter(torch.ones(2, 2)))
    with pytest.raises(ValueError, match="profile"):
        cr.set_printoptions(profile="tiny")


def test_default_dtype_float64_changes_the_dtype_suffix():
    cr.set_default_dtype(cr.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for arr in (np.ones(2, np.float32), np.ones(2), np.zeros((0,)), np.ones(2, np.complex128)):
            assert repr(cr.tensor(arr)) == repr(torch.from_numpy(arr)).replace("torch.", "chainrule.")
    finally:
        cr.set_default_dtype(cr.float32)
        torch.set_default_dtype(torch.float32)
