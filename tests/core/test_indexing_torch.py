"""x[idx] and x[idx] = v against PyTorch over generated indexes: shape, values, view or copy, gradients,
errors.

A seeded generator draws a tensor shape (0- to 4-d, sizes 0 to 4) and an index from a small grammar: ints
(also negative and out of range), slices (steps 1-3, clamped bounds, and negative steps that must raise),
None, Ellipsis (sometimes two), Python bools, 0-d int and bool tensors, int64/int32 index tensors (1-d and
2-d, also out of range), lists, ndarrays and bool/uint8 masks - in every order, as a tuple, a single item or a
list. Both libraries run the same index; they must agree on raising (the exception type) or on the result.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")
pytestmark = [pytest.mark.filterwarnings("ignore:indexing with dtype torch.uint8:UserWarning"),
              pytest.mark.filterwarnings("ignore:Using a non-tuple sequence:UserWarning")]

N_GET = 700
N_SET = 500


def _shape(rng) -> tuple:
    nd = int(rng.integers(0, 5))
    return tuple(int(rng.choice([0, 1, 2, 3, 4], p=[0.05, 0.15, 0.3, 0.3, 0.2])) for _ in range(nd))


def _int_array(rng, n: int, oob: bool):
    size = tuple(int(s) for s in rng.integers(0, 4, int(rng.integers(1, 3))))
    hi = max(n, 1)
    vals = rng.integers(-hi, hi, size) if n else np.zeros(size, np.int64)
    if oob and vals.size:
        vals.flat[0] = n + 1
    return vals


def _item(rng, dim_size, rest: tuple):
    """One index item (as a description both libraries turn into their own objects)."""
    n = dim_size if dim_size is not None else 3
    k = rng.choice(["int", "slice", "none", "ellipsis", "bool", "int0d", "bool0d", "tensor", "tensor32",
                    "list", "ndarray", "mask", "mask_u8", "neg_step"],
                   p=[0.16, 0.2, 0.07, 0.07, 0.03, 0.04, 0.03, 0.1, 0.03, 0.07, 0.05, 0.1, 0.02, 0.03])
    oob = rng.random() < 0.06
    if k == "int" or k == "int0d":
        i = int(rng.integers(-max(n, 1), max(n, 1))) if not oob else n + int(rng.integers(0, 2))
        return (k, i)
    if k == "slice":
        lo = rng.choice([None, int(rng.integers(-5, 6))])
        hi = rng.choice([None, int(rng.integers(-5, 6))])
        st = rng.choice([None, 1, 2, 3])
        return ("slice", slice(lo, hi, st))
    if k == "neg_step":
        return ("slice", slice(None, None, -1))
    if k in ("none", "ellipsis"):
        return (k,)
    if k in ("bool", "bool0d"):
        return (k, bool(rng.random() < 0.7))
    if k in ("tensor", "tensor32", "list", "ndarray"):
        vals = _int_array(rng, n, oob)
        if k == "list":
            vals = vals.reshape(-1)
        return (k, vals)
    # a mask over this dim and maybe the next ones (usually of matching sizes)
    span = 1 + int(rng.random() < 0.3 and len(rest) > 0)
    sizes = ((dim_size if dim_size is not None else 2),) + tuple(r if r is not None else 2 for r in rest)
    shape = sizes[:span]
    if rng.random() < 0.08:
        shape = (shape[0] + 1,) + shape[1:]
    return (k, rng.random(shape) < 0.5)


def _index_desc(rng, shape: tuple):
    nitems = int(rng.integers(0, len(shape) + 2))
    dims = list(shape) + [None] * 3
    items = [_item(rng, dims[j], tuple(dims[j + 1:j + 3])) for j in range(nitems)]
    form = rng.choice(["tuple", "single", "list"], p=[0.75, 0.2, 0.05])
    if form == "single" and items:
        return ("single", items[0])
    if form == "list":
        return ("list", [("int", int(v)) for v in rng.integers(0, max(shape[0] if shape else 1, 1), 2)])
    return ("tuple", items)


def _make(lib, desc):
    """The index object for lib (torch or chainrule) from a description."""
    def one(it):
        k = it[0]
        if k in ("int", "slice"):
            return it[1]
        if k == "none":
            return None
        if k == "ellipsis":
            return Ellipsis
        if k == "bool":
            return it[1]
        if k == "int0d":
            return lib.tensor(it[1])
        if k == "bool0d":
            return lib.tensor(it[1])
        if k == "tensor":
            return lib.tensor(np.asarray(it[1], np.int64))
        if k == "tensor32":
            return lib.tensor(np.asarray(it[1], np.int32))
        if k == "list":
            return [int(v) for v in it[1]]
        if k == "ndarray":
            return np.asarray(it[1], np.int64)
        if k == "mask":
            return lib.tensor(it[1])
        if k == "mask_u8":
            return lib.tensor(it[1].astype(np.uint8))
        raise AssertionError(k)

    form, body = desc
    if form == "single":
        return one(body)
    if form == "list":
        return [one(b) for b in body]
    return tuple(one(b) for b in body)


def _run(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(), None
        except (IndexError, ValueError, RuntimeError, TypeError) as e:
            return None, e


def _cases(n: int, seed: int):
    rng = np.random.default_rng(seed)
    for k in range(n):
        shape = _shape(rng)
        yield k, shape, _index_desc(rng, shape), rng


def _error_kind(e) -> str:
    return "IndexError" if isinstance(e, IndexError) else type(e).__name__


def test_getitem_matches_torch_on_generated_indexes():
    checked = raised = views = 0
    for k, shape, desc, rng in _cases(N_GET, seed=12):
        x0 = rng.standard_normal(shape)
        tx = torch.tensor(x0, requires_grad=True)
        cx = cr.tensor(x0, requires_grad=True)
        tout, terr = _run(lambda tx=tx, desc=desc: tx[_make(torch, desc)])
        cout, cerr = _run(lambda cx=cx, desc=desc: cx[_make(cr, desc)])
        where = f"case {k}: shape {shape}, index {desc}"
        assert (terr is None) == (cerr is None), f"{where}: torch {terr!r}, chainrule {cerr!r}"
        if terr is not None:
            assert _error_kind(terr) == _error_kind(cerr), f"{where}: torch {terr!r}, chainrule {cerr!r}"
            raised += 1
            continue
        assert tuple(cout.shape) == tuple(tout.shape), f"{where}: shape {cout.shape} vs torch {tout.shape}"
        np.testing.assert_array_equal(cout.detach().numpy(), tout.detach().numpy(), err_msg=where)
        is_view = tout._base is tx
        assert (cout._base is cx) == is_view, f"{where}: view {cout._base is cx}, torch {is_view}"
        views += is_view
        w = rng.standard_normal(tuple(tout.shape))
        (tout * torch.tensor(w)).sum().backward()
        (cout * cr.tensor(w)).sum().backward()
        np.testing.assert_allclose(cx.grad.numpy(), tx.grad.numpy(), err_msg=where)
        checked += 1
    assert checked > N_GET // 3 and raised > N_GET // 20 and views > N_GET // 10, (checked, raised, views)


def _value_shape(rng, target: tuple):
    """A value shape that broadcasts to target: target itself, a suffix, size-1 dims, extra leading 1s."""
    r = rng.random()
    if r < 0.15:
        return ()
    shape = list(target)
    if r < 0.3 and shape:
        shape = shape[int(rng.integers(0, len(shape) + 1)):]
    elif r < 0.45:
        shape = [1 if rng.random() < 0.5 else s for s in shape]
    elif r < 0.55:
        shape = [1] + shape
    elif r < 0.6 and shape:
        shape[0] += 1  # does not broadcast: both must raise
    return tuple(shape)


def test_setitem_matches_torch_on_generated_indexes():
    checked = raised = 0
    for k, shape, desc, rng in _cases(N_SET, seed=21):
        x0 = rng.standard_normal(shape)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                target = tuple(torch.zeros(shape)[_make(torch, desc)].shape)
            except (IndexError, ValueError, RuntimeError, TypeError):
                target = ()
        vshape = _value_shape(rng, target)
        v0 = rng.standard_normal(vshape)
        scalar = rng.random() < 0.25
        grad_x = rng.random() < 0.7
        results = {}
        for lib in (torch, cr):
            x = lib.tensor(x0, requires_grad=grad_x)
            v = float(v0.sum()) if scalar else lib.tensor(v0, requires_grad=True)

            def write(x=x, v=v, lib=lib, desc=desc, grad_x=grad_x):
                y = x * 1 if grad_x else x.clone()
                y[_make(lib, desc)] = v
                return y

            y, err = _run(write)
            results[lib] = (x, v, y, err)
        (tx, tv, ty, terr), (cx, cv, cy, cerr) = results[torch], results[cr]
        where = f"case {k}: shape {shape}, index {desc}, value {'scalar' if scalar else vshape}"
        assert (terr is None) == (cerr is None), f"{where}: torch {terr!r}, chainrule {cerr!r}"
        if terr is not None:
            raised += 1
            continue
        np.testing.assert_allclose(cy.detach().numpy(), ty.detach().numpy(), err_msg=where)
        if ty.requires_grad:
            w = rng.standard_normal(shape)
            (ty * torch.tensor(w)).sum().backward()
            (cy * cr.tensor(w)).sum().backward()
            if grad_x:
                np.testing.assert_allclose(cx.grad.numpy(), tx.grad.numpy(), err_msg=where + " (x.grad)")
            if not scalar:
                assert (cv.grad is None) == (tv.grad is None), f"{where}: v.grad {cv.grad}, torch {tv.grad}"
                if tv.grad is not None:
                    np.testing.assert_allclose(cv.grad.numpy(), tv.grad.numpy(), err_msg=where + " (v.grad)")
        checked += 1
    assert checked > N_SET // 3 and raised > N_SET // 20, (checked, raised)


@pytest.mark.parametrize("shape, index, expected", [
    ((2, 3, 4), lambda m: (0, slice(None), m.tensor([0, 1])), (3, 2)),
    ((2, 3, 4, 5), lambda m: (slice(None), 0, slice(None), m.tensor([0, 1])), (2, 4, 2)),
    ((2, 3, 4), lambda m: (m.tensor(0), slice(None), [0, 1]), (3, 2)),
    ((2, 3, 4), lambda m: (Ellipsis, 0, Ellipsis), (2, 3)),
])
def test_integers_are_basic_indexes_as_in_pytorch(shape, index, expected):
    """The issue's cases: an int next to an index tensor does not move the tensor's dims to the front."""
    x = cr.zeros(shape)
    assert tuple(x[index(cr)].shape) == tuple(torch.zeros(shape)[index(torch)].shape) == expected


def test_negative_step_is_refused_as_in_pytorch():
    x = cr.arange(5.0)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-2] = 1.0


def test_float_list_index_raises_where_pytorch_truncates():
    """A documented difference: PyTorch truncates a float list or array index to ints; chainrule refuses."""
    with pytest.raises(IndexError, match="long, int, byte or bool"):
        cr.zeros(3)[[0.5]]


def test_setitem_accepts_arrays_and_lists_where_pytorch_raises():
    """A documented difference: NumPy arrays and lists may be assigned (PyTorch raises TypeError for them)."""
    x = cr.zeros(2, 3)
    x[0] = np.array([1.0, 2.0, 3.0])
    x[1] = [4, 5, 6]
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]] and x._version_count == 2
    t = torch.zeros(2, 3)
    with pytest.raises(TypeError, match="can't assign a numpy.ndarray"):
        t[0] = np.array([1.0, 2.0, 3.0])
