"""The op declarations (chainrule/ops/_declare.py): one declaration gives the function, methods, aliases."""

import pytest

import chainrule
from chainrule import nn  # noqa: F401  (imports nn.functional, whose ops declare themselves)
from chainrule.ops._declare import FUNCTIONAL, REGISTRY, TORCH, all_cases, declare


def test_every_declared_name_is_reachable():
    assert REGISTRY, "no op is declared"
    for d in REGISTRY.values():
        for name in (d.name, *d.aliases):
            if TORCH in d.namespaces:
                assert getattr(chainrule, name) is d.fn, f"chainrule.{name}"
                assert name in chainrule.ops.__all__
            if FUNCTIONAL in d.namespaces:
                assert getattr(chainrule.nn.functional, name) is d.fn, f"nn.functional.{name}"
        for m in d.methods:
            assert getattr(chainrule.Tensor, m) is (d.method_fn or d.fn), f"Tensor.{m}"


def test_alias_and_method_names_come_from_the_declaration():
    x = chainrule.tensor([1.5, -2.5])
    assert chainrule.fix is chainrule.trunc
    assert x.fix().tolist() == [1.0, -2.0]


def test_case_names_are_unique():
    names = [n for n, _, _ in all_cases()]
    assert len(names) == len(set(names))


def test_a_name_declared_twice_is_refused():
    def erf(input):
        return input

    with pytest.raises(ValueError, match="already declared by op 'erf'"):
        declare(erf, name="my_erf", aliases=("erf",))
    assert "my_erf" not in REGISTRY
    assert REGISTRY["erf"].fn is chainrule.erf


def test_declare_returns_the_function_unchanged():
    def f(input):
        return input

    try:  # no namespace and no method: the declaration claims no name
        assert declare(f, name="_test_identity_op", namespaces=()) is f
    finally:
        REGISTRY.pop("_test_identity_op")
