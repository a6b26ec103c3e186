"""The engine's edges, against PyTorch: 0-d tensors, a user Function's wrong gradients, anomaly mode's user
line, and what a graph keeps alive after backward."""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
import textwrap
import traceback
import tracemalloc

import numpy as np
import pytest

import chainrule as cr
import chainrule.nn.functional as F
from chainrule.autograd.anomaly import _user_frames
from chainrule.autograd.function import FREED

# ---- every Tensor holds an ndarray -------------------------------------------------------------------------
ZERO_D = {
    "mean": lambda x: x.mean(),
    "sum": lambda x: x.sum(),
    "int index": lambda x: x[0],
    "max": lambda x: x.max(),
    "min": lambda x: x.min(),
    "std": lambda x: x.std(),
    "var": lambda x: x.var(),
    "norm": lambda x: x.norm(),
    "prod": lambda x: x.prod(),
    "logsumexp": lambda x: x.logsumexp(0),
    "amax": lambda x: x.amax(0),
    "argmax": lambda x: x.argmax(),
    "dot": lambda x: x @ x,
    "product of items": lambda x: x[0] * x[1],
    "0-d exp": lambda x: x[0].exp(),
    "0-d add": lambda x: x[0] + x[1],
    "0-d neg": lambda x: -x[0],
    "0-d pow": lambda x: x[0] ** 2,
    "0-d sigmoid": lambda x: x[0].sigmoid(),
    "0-d relu": lambda x: x[0].relu(),
    "0-d clamp": lambda x: x[0].clamp(0, 1),
    "0-d abs": lambda x: x[0].abs(),
    "0-d where": lambda x: cr.where(x[0] > 0, x[0], x[1]),
    "unbind": lambda x: x.unbind(0)[0],
    "0-d sum(0)": lambda x: x.sum(0),
    "0-d cross entropy": lambda x: F.cross_entropy(x.reshape(1, 3), cr.tensor([1])),
}


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("name", list(ZERO_D))
def test_zero_d_results_hold_arrays(name, grad):
    x = cr.tensor([0.5, -1.5, 2.0], requires_grad=grad)
    out = ZERO_D[name](x)
    assert type(out._data) is np.ndarray, f"{name}: holds {type(out._data).__name__}"
    if grad and out.requires_grad:
        (out * 2.0).backward()
        assert type(x.grad._data) is np.ndarray


def test_tensors_from_numpy_scalars_hold_arrays():
    for v in (np.float32(1.5), np.float64(2.0), np.int64(3), np.bool_(True)):
        for t in (cr.tensor(v), cr.as_tensor(v), cr.Tensor(v)):
            assert type(t._data) is np.ndarray and t.shape == () and t.dtype == v.dtype


def test_a_0d_result_can_be_saved(tmp_path):
    x = cr.tensor([1.0, 2.0, 4.0])
    cr.save({"mean": x.mean(), "first": x[0]}, tmp_path / "m.pt")
    back = cr.load(tmp_path / "m.pt")
    assert back["mean"].item() == pytest.approx(7 / 3) and back["first"].item() == 1.0


UNARY = [
    "erf",
    "rsqrt",
    "sqrt",
    "exp",
    "log",
    "sigmoid",
    "tanh",
    "abs",
    "neg",
    "sin",
    "cos",
    "floor",
    "ceil",
    "round",
    "trunc",
    "frac",
    "reciprocal",
    "square",
    "log1p",
    "expm1",
    "exp2",
    "log2",
    "log10",
    "sign",
    "relu",
    "fix",
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_on_0d_tensors_match_torch(name, dtype):
    torch = pytest.importorskip("torch")
    for v in (0.5, 2.0, -0.3):
        c = cr.tensor(v, dtype=getattr(cr, dtype), requires_grad=True)
        t = torch.tensor(v, dtype=getattr(torch, dtype), requires_grad=True)
        with np.errstate(all="ignore"):
            co = getattr(cr, name)(c)
        to = getattr(torch, name)(t)
        assert co.shape == tuple(to.shape)
        assert str(co.dtype).removeprefix("chainrule.") == str(to.dtype).removeprefix("torch.")
        assert type(co._data) is np.ndarray
        np.testing.assert_allclose(co.detach().numpy(), to.detach().numpy(), rtol=1e-6, equal_nan=True)
        (cg,) = cr.autograd.grad(co, c)
        (tg,) = torch.autograd.grad(to, t)
        assert cg.dtype == c.dtype and cg.shape == ()
        np.testing.assert_allclose(cg.numpy(), tg.numpy(), rtol=1e-6, equal_nan=True)


# ---- a user Function's gradients, checked as PyTorch checks them -------------------------------------------
def _returning(lib, make, nargs=1):
    """A Function of `nargs` arguments (x times the others) whose backward returns make(lib, g)."""

    class Fn(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, *rest):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return make(lib, g)

    Fn.__name__ = Fn.__qualname__ = "Custom"
    return Fn


BAD_RETURNS = {
    "too few": (lambda m, g: g, 2, re.escape("incorrect number of gradients (expected 2, got 1)")),
    "too many": (lambda m, g: (g, g, g), 2, re.escape("incorrect number of gradients (expected 2, got 3)")),
    "trailing Nones": (lambda m, g: (g, None, None), 2, None),
    "shape [1] for [3]": (
        lambda m, g: m.ones(1),
        1,
        re.escape("returned an invalid gradient at index 0 - got [1] but expected shape compatible with [3]"),
    ),
    "shape [4] for [3]": (
        lambda m, g: m.ones(4),
        1,
        re.escape("got [4] but expected shape compatible with [3]"),
    ),
    "shape [2, 3] for [3]": (lambda m, g: m.ones(2, 3), 1, None),  # summed over the broadcast dim, as PyTorch
    "float64 for float32": (lambda m, g: g.double(), 1, None),  # cast
    "int64 for float32": (lambda m, g: g.long(), 1, None),  # cast
    "a NumPy array": (
        lambda m, g: np.ones(3),
        1,
        r"expected (Tensor|Variable) or None \(got numpy.ndarray\)",
    ),
    "a float": (lambda m, g: 1.0, 1, r"expected (Tensor|Variable) or None \(got float\)"),
    "a gradient for a number": (
        lambda m, g: (g, g),
        "number",
        "different than None at position 2, but the corresponding forward input was not",
    ),
    "a gradient for a constant tensor": (lambda m, g: (g, g), "constant", None),  # ignored
}


@pytest.mark.parametrize("case", list(BAD_RETURNS))
def test_user_function_gradients_are_checked_as_in_torch(case):
    make, nargs, error = BAD_RETURNS[case]
    results = []
    libs = [cr]
    torch = None
    try:
        import torch

        libs.append(torch)
    except ImportError:
        pass
    for lib in libs:
        x = lib.ones(3, requires_grad=True)
        extra = () if nargs == 1 else (3.0,) if nargs == "number" else (lib.ones(3),)
        fn = _returning(lib, make)
        try:
            fn.apply(x, *extra).sum().backward()
        except RuntimeError as e:
            results.append(("raises", str(e)))
            continue
        dtype = str(x.grad.dtype).removeprefix("torch.").removeprefix("chainrule.")
        results.append(("ok", x.grad.numpy().tolist(), dtype))
    if error is None:
        assert results[0][0] == "ok", results[0]
    else:
        assert results[0][0] == "raises", results[0]
        assert re.search(error, results[0][1]), results[0][1]
    if torch is not None:
        assert results[0][0] == results[1][0], results
        if results[0][0] == "ok":
            assert results[0][1:] == results[1][1:], results


def test_a_complex_gradient_for_a_real_input_is_refused():
    x = cr.ones(3, requires_grad=True)
    fn = _returning(cr, lambda m, g: cr.tensor(np.ones(3, np.complex64)))
    with pytest.raises(RuntimeError, match="complex gradient at index 0"):
        fn.apply(x).sum().backward()


# ---- anomaly mode names the user's line, wherever the checkout is ------------------------------------------
def test_anomaly_frames_are_filtered_by_the_package_directory_not_by_name():
    pkg = os.path.dirname(cr.__file__)
    user = os.path.join(
        os.sep, "home", "me", "chainrule", "tests", "test_mine.py"
    )  # a checkout named chainrule
    stack = traceback.StackSummary.from_list(
        [
            (user, 10, "test_it", "y = x.sqrt()"),
            (os.path.join(pkg, "_methods.py"), 20, "sqrt", "return Sqrt.apply(self)"),
            (os.path.join(pkg, "autograd", "function.py"), 30, "apply", "ctx._stack = ..."),
        ]
    )
    frames = _user_frames(stack)
    assert [f.filename for f in frames] == [user]


def test_anomaly_names_the_user_line_in_a_checkout_named_chainrule(tmp_path):
    """Run the check from a copy of the package in <tmp>/chainrule/src, the user's file in the checkout."""
    root = tmp_path / "chainrule"
    src = os.path.dirname(cr.__file__)
    shutil.copytree(src, root / "src" / "chainrule", ignore=shutil.ignore_patterns("__pycache__", "static"))
    (root / "tests").mkdir()
    script = root / "tests" / "check_anomaly.py"
    script.write_text(
        textwrap.dedent("""
        import chainrule as cr
        x = cr.tensor([0.0, 1.0], requires_grad=True)
        with cr.autograd.detect_anomaly():
            y = x.sqrt()  # the user line
            try:
                y.sum().backward()
            except RuntimeError as e:
                print(e)
    """)
    )
    env = dict(os.environ, PYTHONPATH=str(root / "src"))
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert "check_anomaly.py" in out.stdout and "x.sqrt()  # the user line" in out.stdout, (
        out.stdout + out.stderr
    )
    assert str(root / "src") not in out.stdout.split("created here")[1]


# ---- memory after backward, and a second backward ----------------------------------------------------------
def test_backward_frees_every_array_the_graph_holds():
    x = cr.randn(8, 5, requires_grad=True)
    w = cr.randn(5, 3, requires_grad=True)
    h = (x @ w + 1.0).relu()
    loss = F.cross_entropy(h.clamp(-3, 3), cr.tensor([0, 1, 2, 0, 1, 2, 0, 1])) + h.sum() * 0.0
    loss.backward()
    stack, nodes = [loss.grad_fn], 0
    while stack:
        node = stack.pop()
        nodes += 1
        assert node.inputs == () and node.saved in ((), FREED), type(node).__name__
        for k, v in vars(node).items():
            assert not isinstance(v, (np.ndarray, cr.Tensor)), f"{type(node).__name__}.{k}"
        stack += [
            e[0] if type(e) is tuple else e for e in node.next if e is not None and type(e) is not cr.Tensor
        ]
    assert nodes >= 6


def test_ops_that_keep_attributes_on_ctx_are_told_apart_from_their_source():
    from chainrule.autograd.release import _learn_ctx_attrs
    from chainrule.ops.arithmetic import Add, Mul
    from chainrule.ops.elementwise import Clamp, Tanh
    from chainrule.ops.nn_loss import CrossEntropy

    assert [_learn_ctx_attrs(c) for c in (Mul, Add, Tanh)] == [False, False, False]
    assert [_learn_ctx_attrs(c) for c in (Clamp, CrossEntropy)] == [True, True]


def test_holding_losses_keeps_little_alive():
    """losses.append(loss) kept every step's activations (266 KiB/step here); now only small nodes stay."""
    cr.manual_seed(0)
    model = cr.nn.Sequential(cr.nn.Linear(784, 128), cr.nn.ReLU(), cr.nn.Linear(128, 10))
    opt = cr.optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = cr.tensor(rng.standard_normal((64, 784)).astype(np.float32))
    y = cr.tensor(rng.integers(0, 10, 64))
    losses = []

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x * 1.0), y)
        loss.backward()
        opt.step()
        losses.append(loss)

    for _ in range(3):
        step()
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(3):
            step()
        before = tracemalloc.get_traced_memory()[0]
        steps = 20
        for _ in range(steps):
            step()
        per_step = (tracemalloc.get_traced_memory()[0] - before) / steps
    finally:
        tracemalloc.stop()
    assert per_step < 8 * 1024, f"{per_step / 1024:.1f} KiB kept per step"  # PyTorch: ~44 KiB/step of RSS


SECOND_BACKWARD = {  # does a second backward without retain_graph work (True) or raise (False), as in PyTorch
    "add": (lambda m, f, x: (x + x).sum(), True),
    "mean": (lambda m, f, x: x.mean(), True),
    "reshape": (lambda m, f, x: x.reshape(6).sum(), True),
    "slice": (lambda m, f, x: x[1:].sum(), True),
    "int index": (lambda m, f, x: x[0].sum(), True),
    "cat": (lambda m, f, x: m.cat([x, x]).sum(), True),
    "expand": (lambda m, f, x: x[:1].expand(4, 3).sum(), True),
    "pad": (lambda m, f, x: f.pad(x, (1, 1)).sum(), True),
    "cumsum": (lambda m, f, x: x.cumsum(1).sum(), True),
    "split": (lambda m, f, x: x.split(1)[0].sum(), True),
    "mul by a number": (lambda m, f, x: (x * 2.0).sum(), False),
    "x * x": (lambda m, f, x: (x * x).sum(), False),
    "exp": (lambda m, f, x: x.exp().sum(), False),
    "relu": (lambda m, f, x: x.relu().sum(), False),
    "clamp": (lambda m, f, x: x.clamp(-0.5, 0.5).sum(), False),
    "max": (lambda m, f, x: x.max(), False),
    "where": (lambda m, f, x: m.where(x > 0, x, x * 0).sum(), False),
    "cross entropy": (lambda m, f, x: f.cross_entropy(x, m.tensor([0, 2])), False),
}


@pytest.mark.parametrize("name", list(SECOND_BACKWARD))
def test_a_second_backward_works_or_raises_as_in_torch(name):
    build, works = SECOND_BACKWARD[name]
    x = cr.tensor(np.arange(6.0).reshape(2, 3) - 2, requires_grad=True)
    y = build(cr, F, x)
    y.backward()
    first = x.grad.numpy().copy()
    if works:
        y.backward()
        np.testing.assert_allclose(x.grad.numpy(), 2 * first)
    else:
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            y.backward()
    torch = pytest.importorskip("torch")
    t = torch.tensor(np.arange(6.0).reshape(2, 3) - 2, requires_grad=True)
    ty = build(torch, torch.nn.functional, t)
    ty.backward()
    if works:
        ty.backward()
    else:
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            ty.backward()
