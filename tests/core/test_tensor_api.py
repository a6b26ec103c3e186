"""Tensor creation, attributes, conversion, in-place methods and dtypes, as PyTorch users expect them."""

import numpy as np
import pytest

import chainrule as cr


def test_creation_dtypes_follow_pytorch():
    assert cr.tensor([1.0, 2.0]).dtype == cr.float32
    assert cr.tensor([1, 2]).dtype == cr.int64
    assert cr.tensor([True, False]).dtype == cr.bool
    assert cr.tensor(np.arange(3, dtype=np.int32)).dtype == cr.int32
    assert cr.tensor([1, 2], dtype=cr.float64).dtype == cr.float64
    assert cr.zeros(2, 3).shape == (2, 3) and cr.zeros((2, 3)).dtype == cr.float32
    assert cr.ones(2, dtype=cr.int64).dtype == cr.int64
    assert cr.full((2, 2), 7.0).numpy().tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert cr.eye(3).numpy().trace() == 3
    assert cr.arange(5).dtype == cr.int64 and cr.arange(0.0, 1.0, 0.25).dtype == cr.float32
    assert cr.linspace(0, 1, 5).shape == (5,)
    assert cr.empty(4).shape == (4,)
    x = cr.randn(3, 4)
    assert cr.zeros_like(x).shape == (3, 4) and cr.ones_like(x).dtype == cr.float32
    assert cr.randn_like(x).shape == (3, 4)
    r = cr.randint(0, 10, (100,))
    assert r.dtype == cr.int64 and 0 <= r.numpy().min() and r.numpy().max() < 10
    assert cr.rand(5).numpy().max() < 1


def test_from_numpy_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t = cr.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5
    assert cr.tensor(a)._data is not a  # tensor() copies


def test_manual_seed_makes_every_random_call_reproducible():
    cr.manual_seed(0)
    a = (cr.rand(3).numpy(), cr.randn(3).numpy(), cr.randint(0, 9, (3,)).numpy(), cr.randperm(5).numpy())
    cr.manual_seed(0)
    b = (cr.rand(3).numpy(), cr.randn(3).numpy(), cr.randint(0, 9, (3,)).numpy(), cr.randperm(5).numpy())
    for u, v in zip(a, b):
        assert np.array_equal(u, v)


def test_attributes_and_conversion():
    x = cr.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.size() == (2, 3) and x.size(1) == 3 and x.size(-1) == 3
    assert x.numel() == 6 and x.is_leaf and x.grad_fn is None and x.requires_grad
    assert x.T.shape == (3, 2) and x.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert x.sum().item() == 21.0
    y = x * 2
    assert not y.is_leaf and y.grad_fn.name() == "MulBackward0"
    assert x.detach().requires_grad is False and x.detach().numpy() is x._data
    assert x.double().dtype == cr.float64 and x.long().dtype == cr.int64 and x.float() is x
    assert x.to(cr.float64).dtype == cr.float64 and x.to("cpu") is x and x.to(cr.device("cpu")) is x
    assert x.astype(cr.float64).dtype == cr.float64
    assert x.type_as(cr.zeros(1, dtype=cr.float64)).dtype == cr.float64
    assert x.view_as(cr.zeros(3, 2)).shape == (3, 2)
    c = x.clone()
    c.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="CPU"):
        x.to("cuda")
    assert not cr.cuda.is_available()
    device = "cuda" if cr.cuda.is_available() else "cpu"
    assert x.to(device) is x


def test_repr_is_readable():
    assert repr(cr.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(cr.tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    assert "grad_fn=<MulBackward0>" in repr(cr.tensor([1.0], requires_grad=True) * 2)
    assert "dtype=chainrule.float64" in repr(cr.tensor([1.0], dtype=cr.float64))


def test_comparisons_methods_and_allclose():
    a, b = cr.tensor([1.0, 2.0, 3.0]), cr.tensor([1.0, 0.0, 4.0])
    assert (a == b).dtype == cr.bool and (a == b).tolist() == [True, False, False]
    assert a.eq(b).tolist() == [True, False, False] and a.ne(b).tolist() == [False, True, True]
    assert a.lt(b).tolist() == [False, False, True] and a.le(b).tolist() == [True, False, True]
    assert a.gt(b).tolist() == [False, True, False] and a.ge(b).tolist() == [True, True, False]
    assert cr.allclose(a, a + 1e-9) and not cr.allclose(a, b)
    assert cr.isclose(a, b).tolist() == [True, False, False]
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    assert not (x > 1).requires_grad


def test_inplace_methods_bump_version_and_work_under_no_grad():
    p = cr.ones(3, requires_grad=True)
    with cr.no_grad():
        v0 = p._version_count
        p.add_(1).sub_(0.5).mul_(4).div_(2)
        p.clamp_(max=2.5)
        assert p.tolist() == [2.5, 2.5, 2.5]
        p.fill_(1.0)
        p.copy_(cr.tensor([1.0, 2.0, 3.0]))
        p += 1
        p -= 0.5 * cr.ones(3)
        p.zero_()
        assert p._version_count >= v0 + 9
    assert p.tolist() == [0.0, 0.0, 0.0] and p.requires_grad and p.is_leaf
    for name, args in [("add_", (1,)), ("mul_", (2,)), ("zero_", ()), ("fill_", (1.0,)), ("clamp_", (0, 1))]:
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            getattr(p, name)(*args)
    with pytest.raises(RuntimeError, match="in-place"):
        p -= 1


def test_augmented_assignment_as_sgd_step():
    w = cr.tensor([1.0, -2.0], requires_grad=True)
    (w * w).sum().backward()
    with cr.no_grad():
        w -= 0.1 * w.grad
    np.testing.assert_allclose(w.detach().numpy(), [0.8, -1.6], rtol=1e-6)
    assert w.grad_fn is None


def test_indexing_setitem_records_gradient():
    x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    y[1] = 10.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 1.0])


def test_item_bool_len_iter():
    assert cr.tensor([3.5]).item() == 3.5 and float(cr.tensor(2.0)) == 2.0 and int(cr.tensor(3)) == 3
    with pytest.raises(ValueError, match="one-element"):
        cr.ones(2).item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(cr.ones(2))
    assert len(cr.zeros(4, 2)) == 4 and [t.shape for t in cr.zeros(2, 3)] == [(3,), (3,)]


def test_requires_grad_only_for_floats_and_leaves():
    with pytest.raises(RuntimeError, match="floating point"):
        cr.tensor([1, 2], requires_grad=True)
    x = cr.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        (x * 2).requires_grad = False
    assert cr.ones(2).requires_grad_().requires_grad


def test_grad_setter_checks_shape():
    x = cr.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="shape"):
        x.grad = cr.ones(3)
