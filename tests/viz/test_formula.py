"""The formula parser: precedence, errors with positions, bounds, and (with the core) values and gradients."""

import math

import numpy as np
import pytest

import chainrule
from chainrule.viz.formula import (
    MAX_DEPTH,
    MAX_LENGTH,
    Binary,
    Call,
    FormulaError,
    Num,
    Unary,
    Var,
    evaluate,
    parse,
    variables,
)

x, y, z = Var("x"), Var("y"), Var("z")


@pytest.mark.parametrize("text, tree", [
    ("1 + 2 * 3", Binary("+", Num(1), Binary("*", Num(2), Num(3)))),
    ("(1 + 2) * 3", Binary("*", Binary("+", Num(1), Num(2)), Num(3))),
    ("x - y - z", Binary("-", Binary("-", x, y), z)),
    ("x / y / z", Binary("/", Binary("/", x, y), z)),
    ("x / y * z", Binary("*", Binary("/", x, y), z)),
    ("x ^ y ^ z", Binary("**", x, Binary("**", y, z))),
    ("x ** y ^ z", Binary("**", x, Binary("**", y, z))),
    ("2 * x ^ 2", Binary("*", Num(2), Binary("**", x, Num(2)))),
    ("-x ^ 2", Unary("-", Binary("**", x, Num(2)))),
    ("-x * y", Binary("*", Unary("-", x), y)),
    ("x * -y", Binary("*", x, Unary("-", y))),
    ("x ^ -2", Binary("**", x, Unary("-", Num(2)))),
    ("- -x", Unary("-", Unary("-", x))),
    ("+x - -1", Binary("-", Unary("+", x), Unary("-", Num(1)))),
    ("max(x, y * z)", Call("max", (x, Binary("*", y, z)))),
    ("sigmoid(relu(x))", Call("sigmoid", (Call("relu", (x,)),))),
    ("w_0*x1", Binary("*", Var("w_0"), Var("x1"))),
])
def test_precedence_associativity_and_unary_minus(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize("text, value", [("42", 42.0), ("3.", 3.0), (".5", 0.5), ("1e3", 1000.0),
                                         ("2.5E-2", 0.025), ("1e+2", 100.0)])
def test_numbers(text, value):
    assert parse(text) == Num(value)


@pytest.mark.parametrize("text, canonical", [
    ("(x+y)*z", "(x + y) * z"),
    ("x-(y-z)", "x - (y - z)"),
    ("(x-y)-z", "x - y - z"),
    ("(x^y)^z", "(x ** y) ** z"),
    ("x^y^z", "x ** y ** z"),
    ("(-x)^2", "(-x) ** 2"),
    ("x^-2", "x ** -2"),
    ("-(x*y)", "-(x * y)"),
    ("--x", "-(-x)"),
    ("1/(1+exp(-(w0*x0+w1*x1+w2)))", "1 / (1 + exp(-(w0 * x0 + w1 * x1 + w2)))"),
    ("max( x ,y)+0.25", "max(x, y) + 0.25"),
])
def test_to_text_is_canonical_and_round_trips(text, canonical):
    assert parse(text).to_text() == canonical
    assert parse(canonical) == parse(text)


def test_labels_children_and_positions():
    e = parse("(x + y) * max(y, 2)")
    assert e.label == "*" and [c.label for c in e.children] == ["+", "max"]
    assert [c.label for c in e.right.children] == ["y", "2"] and parse("x^2").label == "**"
    assert parse("-x").label == "-" and e.pos == 8 and e.right.pos == 10 and e.left.right.pos == 5


def test_variables_in_first_appearance_order():
    assert variables(parse("(x + y) * max(y, z)")) == ["x", "y", "z"]
    assert variables(parse("b * a + exp(a) - c / b")) == ["b", "a", "c"]
    assert variables(parse("2 * 3")) == []


@pytest.mark.parametrize("text, position, reason", [
    ("(x + y))", 7, "unexpected ')'"),
    ("(x + y", 6, "missing ')' for the '(' at position 0, found end of input"),
    ("max(x, y", 8, "missing ')' for the '(' at position 0"),
    ("x +", 3, "unexpected end of input"),
    ("x * / y", 4, "unexpected '/'"),
    ("x y", 2, "unexpected 'y'"),
    ("()", 1, "unexpected ')'"),
    ("max(x,)", 6, "unexpected ')'"),
    ("x + foo(y)", 4, "unknown function 'foo'"),
    ("exp + 1", 0, "'exp' is a function"),
    ("max(x)", 0, "max() takes 2 argument(s), got 1"),
    ("exp(x, y)", 0, "exp() takes 1 argument(s), got 2"),
    ("1.2.3 + x", 0, "bad number '1.2.3'"),
    ("x + 1e", 4, "bad number '1e'"),
    ("2x", 0, "bad number '2x'; write 2*x for a product"),
    ("1e999", 0, "number '1e999' is too large"),
    ("x $ y", 2, "unexpected character '$'"),
    ("", 0, "empty formula"),
    ("   ", 3, "empty formula"),
])
def test_errors_carry_position_and_caret(text, position, reason):
    with pytest.raises(FormulaError) as info:
        parse(text)
    err = info.value
    assert isinstance(err, ValueError) and err.position == position and err.reason.startswith(reason)
    assert str(err) == f"{err.reason} at position {position}\n{text}\n{' ' * position}^"


def test_error_message_example():
    with pytest.raises(FormulaError, match=r"^unexpected '\)' at position 7\n\(x \+ y\)\)\n       \^$"):
        parse("(x + y))")


def test_bounds_on_length_and_nesting():
    with pytest.raises(FormulaError, match=f"501 characters long, the limit is {MAX_LENGTH}"):
        parse("x" * 501)
    assert parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH) == x
    for deep in ["(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), "-" * (MAX_DEPTH + 1) + "x",
                 "2^" * (MAX_DEPTH + 1) + "x", "exp((" * 51 + "x" + "))" * 51]:
        with pytest.raises(FormulaError, match=f"nests deeper than {MAX_DEPTH}"):
            parse(deep)


def test_longest_flat_formulas_need_no_deep_recursion():
    chain = parse("+".join(["x"] * 250))  # 499 characters, 249 nested Binary nodes, parsed by a loop
    assert variables(chain) == ["x"] and parse(chain.to_text().replace(" ", "")) == chain
    mixed = "(" * 60 + "-x" + "*x" * 100 + ")" * 60
    assert parse(parse(mixed).to_text()) == parse(mixed)


# ---- evaluation with chainrule Tensors: needs the autograd core ----
core = pytest.mark.skipif(not hasattr(chainrule, "tensor"), reason="chainrule autograd core not built yet")


def val(t) -> float:
    """A Python float from a Tensor (or an ndarray)."""
    t = getattr(t, "detach", lambda: t)()
    return float(np.asarray(getattr(t, "numpy", lambda: t)()))


def grads(text, **values):
    out, leaves = evaluate(parse(text), values)
    out.backward()
    return val(out), {k: val(v.grad) for k, v in leaves.items()}


@core
def test_cs231n_add_mul():
    out, g = grads("(x + y) * z", x=-2, y=5, z=-4)
    assert out == -12 and g == {"x": -4, "y": -4, "z": 3}


@core
def test_max_routes_the_gradient_to_the_larger_input_only():
    out, g = grads("(x + y) * max(y, z)", x=1, y=2, z=0)
    assert out == 6 and g == {"x": 2, "y": 2 + 3, "z": 0}  # y gets both paths: fan-out adds
    out, g = grads("(x + y) * max(y, z)", x=1, y=2, z=4)
    assert out == 12 and g == {"x": 4, "y": 4, "z": 3}


@core
def test_sigmoid_neuron_cs231n():
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    out, g = grads("1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))", **values)
    assert out == pytest.approx(0.7311, abs=1e-4)
    expected = {"w0": -0.1966, "x0": 0.3932, "w1": -0.3932, "x1": -0.5898, "w2": 0.1966}
    assert list(g) == list(expected) and g == pytest.approx(expected, abs=1e-4)
    assert grads("sigmoid(w0*x0 + w1*x1 + w2)", **values)[1] == pytest.approx(g, abs=1e-12)


@core
def test_leaves_are_float64_and_each_variable_is_one_leaf():
    out, leaves = evaluate("x * x + 3", {"x": 0.1, "unused": 1})
    assert list(leaves) == ["x"] and np.dtype(leaves["x"].dtype) == np.float64 and leaves["x"].requires_grad
    out.backward()
    assert val(out) == pytest.approx(3.01, abs=1e-15) and val(leaves["x"].grad) == pytest.approx(0.2)


SIGMOID = lambda v: 1 / (1 + math.exp(-v))
CASES = [("exp(x)", math.exp), ("log(x)", math.log), ("sqrt(x)", math.sqrt), ("abs(x)", abs), ("sin(x)", math.sin),
         ("cos(x)", math.cos), ("tanh(x)", math.tanh), ("sigmoid(x)", SIGMOID), ("relu(x)", lambda v: max(v, 0.0)),
         ("relu(-x)", lambda v: max(-v, 0.0)), ("abs(-x)", abs), ("max(x, 2)", lambda v: max(v, 2.0)),
         ("min(x, 2)", lambda v: min(v, 2.0)), ("x ^ 3", lambda v: v**3), ("x ^ -2", lambda v: v**-2),
         ("2 ^ x", lambda v: 2**v), ("x ^ x", lambda v: v**v), ("3 / x - x", lambda v: 3 / v - v), ("+x", lambda v: v)]


@core
@pytest.mark.parametrize("text, f", CASES, ids=[c[0] for c in CASES])
def test_every_operation_value_and_gradient(text, f):
    v, h = 0.7, 1e-6
    out, g = grads(text, x=v)
    assert out == pytest.approx(f(v), rel=1e-12)
    assert g["x"] == pytest.approx((f(v + h) - f(v - h)) / (2 * h), rel=1e-6, abs=1e-9)


@core
def test_missing_value_names_the_variable():
    with pytest.raises(FormulaError, match=r"no value for variable 'z' \(given: x, y\); pass z=<number> at position 10"):
        evaluate("(x + y) * z", {"x": 1, "y": 2})
    with pytest.raises(FormulaError, match="no value for variable 'x'") as info:
        evaluate(parse("2 * x"), {})
    assert info.value.position == 4
