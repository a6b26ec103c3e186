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


# chainrule's own public names that PyTorch's top level lacks, each on purpose:
OWN_NAMES = {
    "get_printoptions",  # returns what set_printoptions set (PyTorch keeps it private: torch._tensor_str)
    "printoptions",  # a context manager around set_printoptions
}


def test_chainrule_exports_pytorch_names_and_its_own_listed_ones():
    """No helper leaks into chainrule.*: a public name PyTorch lacks is one of OWN_NAMES (submodules aside)."""
    import types

    torch = pytest.importorskip("torch")
    extra = {n for n in set(dir(chainrule)) - set(dir(torch))
             if not n.startswith("_") and not isinstance(getattr(chainrule, n), types.ModuleType)}
    assert extra == OWN_NAMES


def test_declared_names_are_pytorch_names():
    """Every declared function, alias and method is a name PyTorch has in the same place."""
    torch = pytest.importorskip("torch")
    for d in REGISTRY.values():
        for name in (d.name, *d.aliases):
            if TORCH in d.namespaces:
                assert hasattr(torch, name), f"torch.{name}"
            if FUNCTIONAL in d.namespaces:
                assert hasattr(torch.nn.functional, name), f"torch.nn.functional.{name}"
        for m in d.methods:
            assert hasattr(torch.Tensor, m), f"torch.Tensor.{m}"


def test_methods_come_from_declarations_only():
    """_methods.py holds no string lists of method names: a method not declared is not bound."""
    import inspect

    from chainrule import _methods

    src = inspect.getsource(_methods)
    assert "_METHODS" not in src and "_register_more" not in src and "hasattr(ops" not in src
