"""The backward trace: one line per engine step, in the lectures' words, with names, shapes and norms."""

import io

import numpy as np

import chainrule
from chainrule.viz.trace import Names, explain, fmt_grad, fmt_value, op_name
from chainrule.viz import name_intermediates, record_backward
from chainrule.viz.formula import evaluate

CS231N = [
    "mul q*z: upstream 1.0 x local [z=-4, q=3] -> grads [-4.0, 3.0]",
    "add x+y: upstream -4.0 x local [1, 1] -> grads [-4.0, -4.0]",
]


def _xyz():
    x = chainrule.tensor(-2.0, requires_grad=True)
    y = chainrule.tensor(5.0, requires_grad=True)
    z = chainrule.tensor(-4.0, requires_grad=True)
    q = x + y
    return x, y, z, q, q * z


def test_backward_trace_prints_the_lecture_example_exactly(capsys):
    x, y, z, q, f = _xyz()
    f.backward(trace={x: "x", y: "y", z: "z", q: "q"})
    assert capsys.readouterr().out.splitlines() == CS231N
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (-4.0, -4.0, 3.0)


def test_trace_function_with_file_and_name_to_tensor_mapping():
    x, y, z, q, f = _xyz()
    buf = io.StringIO()
    chainrule.viz.trace(f, names={"x": x, "y": y, "z": z, "q": q}, file=buf)
    assert buf.getvalue().splitlines() == CS231N
    assert z.grad.item() == 3.0  # trace is a real backward


def test_formula_supplies_names_for_variables_and_intermediates():
    f, leaves = evaluate("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    names = name_intermediates(f, leaves)
    assert sorted(names.values()) == ["f", "q", "x", "y", "z"]
    assert record_backward(f, names=names).lines == CS231N


def test_intermediate_letters_skip_variable_names():
    f, leaves = evaluate("(q + r) * max(q, s)", {"q": 1, "r": 2, "s": 3})
    names = name_intermediates(f, leaves)
    inner = sorted(v for t, v in names.items() if t.grad_fn is not None and t is not f)
    assert inner == ["t", "u"] and names[f] == "f"


def test_unnamed_tensors_show_their_shape_and_large_ones_their_norm():
    x = chainrule.ones(3, 4, requires_grad=True)
    w = chainrule.ones(4, 2, requires_grad=True)
    out = (x @ w).sum()
    buf = io.StringIO()
    chainrule.viz.trace(out, names={w: "W"}, file=buf)
    lines = buf.getvalue().splitlines()
    assert lines[0] == "sum (3, 2): upstream 1.0 x local [1] -> grads [<(3, 2) norm 2.45>]"
    assert lines[1].startswith("matmul (3, 4)@W: upstream <(3, 2) norm 2.45> x local [@ W.T, (3, 4).T @] -> ")
    assert lines[1].endswith("grads [<(3, 4) norm 6.93>, <(4, 2) norm 8.49>]")


def test_constants_show_their_value_and_get_no_gradient():
    x = chainrule.tensor(3.0, requires_grad=True)
    out = x * chainrule.tensor(2.0) + 1
    rec = record_backward(out, names={x: "x"})
    assert rec.lines[-1] == "mul x*2: upstream 1.0 x local [2, -] -> grads [2.0, -]"


def test_elementwise_local_gradient_is_computed_from_the_op():
    x = chainrule.tensor([-1.0, 2.0], requires_grad=True)
    rec = record_backward(x.relu().sum(), names={x: "x"})
    assert rec.lines[-1] == "relu x: upstream [1.0, 1.0] x local [[0, 1]] -> grads [[0.0, 1.0]]"
    s = record_backward(chainrule.tensor(0.0, requires_grad=True).sigmoid())
    assert "local [0.25]" in s.lines[0]


def test_gradient_shown_after_summing_back_to_the_input_shape():
    x = chainrule.ones(3, requires_grad=True)
    b = chainrule.tensor(1.0, requires_grad=True)
    rec = record_backward((x + b).sum(), names={x: "x", b: "b"})
    assert rec.lines[-1] == "add x+b: upstream [1.0, 1.0, 1.0] x local [1, 1] -> grads [[1.0, 1.0, 1.0], 3.0]"


def test_trace_handles_multi_output_and_user_functions():
    class Square(chainrule.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return 2 * a * g

    x = chainrule.arange(4.0, requires_grad=True)
    a, b = x.split(2)
    out = Square.apply(a).sum() + b.sum()
    rec = record_backward(out, names={x: "x"})
    assert rec.steps[0].op == "add"
    assert any(s.op == "square" for s in rec.steps)
    split = next(s for s in rec.steps if s.op == "split")
    assert "upstream [" in split.line and split.line.endswith("grads [[0.0, 2.0, 1.0, 1.0]]")
    np.testing.assert_allclose(x.grad.numpy(), [0, 2, 1, 1])


def test_formatting_helpers():
    assert fmt_grad(np.float64(-4)) == "-4.0" and fmt_value(np.float64(-4)) == "-4"
    assert fmt_grad(np.array([0.5, 2.0])) == "[0.5, 2.0]"
    assert fmt_value(np.zeros((10, 10))) == "<(10, 10) norm 0>"
    assert op_name(type("MatMul", (), {})()) == "matmul"
    assert op_name(type("IndexSelect", (), {})()) == "index_select"
    x = chainrule.tensor(1.0, requires_grad=True)
    assert Names({x: "x"})(x) == "x" and Names()(chainrule.zeros(2, 3, requires_grad=True)) == "(2, 3)"


def test_explain_step_fields():
    x, y, z, q, f = _xyz()
    steps = []
    names = Names({x: "x", y: "y", z: "z", q: "q"})
    from chainrule.autograd.engine import run_backward

    run_backward([(f, np.ones(()))], on_step=lambda n, u, g: steps.append(explain(n, u, g, names)))
    mul = steps[0]
    assert (mul.op, mul.expr, mul.local, mul.inputs) == ("mul", "q*z", ["z=-4", "q=3"], [0, 1])
    assert [float(g) for g in mul.grads] == [-4.0, 3.0] and float(mul.upstream) == 1.0
    assert [float(v) for v in mul.local_values] == [-4.0, 3.0]


def test_recorded_gradients_are_copies():
    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    rec = record_backward((x * x).sum(), names={x: "x"})
    mul = rec.steps[-1]
    assert mul.line == ("mul x*x: upstream [1.0, 1.0] x local [x=[1, 2], x=[1, 2]] -> "
                        "grads [[1.0, 2.0], [1.0, 2.0]]")
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(mul.grads[0], [1.0, 2.0])  # not the .grad buffer the engine added into
