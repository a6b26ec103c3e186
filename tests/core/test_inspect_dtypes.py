"""Size, dtype, finfo/iinfo, type strings and type checks behave as PyTorch's (compared with torch by running it).

Decisions tested here (see dtypes.py and size.py): objects print with the `chainrule.` prefix where PyTorch prints
`torch.`; `x.type()` returns PyTorch's exact strings ('torch.FloatTensor'); a dtype equals itself only
(`x.dtype == np.float32` is False, as in PyTorch), while NumPy's own `np.dtype` instances compare equal to the
matching chainrule dtype (NumPy converts the other operand through its `.dtype`).
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

NAMES = [
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
]
ALIASES = ["half", "float", "double", "cfloat", "cdouble", "short", "int", "long"]


@pytest.mark.parametrize("name", NAMES + ALIASES)
def test_dtype_objects_match_torch(name):
    c, t = getattr(cr, name), getattr(torch, name)
    assert isinstance(c, cr.dtype) and str(c) == str(t).replace("torch.", "chainrule.") == repr(c)
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert getattr(c, attr) == getattr(t, attr), attr
    assert str(c.to_real()) == str(t.to_real()).replace("torch.", "chainrule.")
    if t.is_floating_point and t.itemsize in (4, 8) or t.is_complex:
        assert str(c.to_complex()) == str(t.to_complex()).replace("torch.", "chainrule.")
    else:
        with pytest.raises(RuntimeError):
            c.to_complex()
    assert copy.deepcopy(c) is c and copy.copy(c) is c and pickle.loads(pickle.dumps(c)) is c
    assert c == c and c != ("float32" if name != "float32" else "float64")
    assert hash(c) == hash(getattr(cr, name))


@pytest.mark.parametrize("name", NAMES)
def test_tensor_dtype_type_string_and_predicates_match_torch(name):
    a = np.zeros((2, 3), dtype=name)
    c, t = cr.tensor(a), torch.from_numpy(a)
    assert c.dtype is getattr(cr, name) and str(c.dtype) == str(t.dtype).replace("torch.", "chainrule.")
    assert c.type() == t.type()  # PyTorch's exact legacy strings, e.g. 'torch.FloatTensor'
    assert c.is_floating_point() == t.is_floating_point() == cr.is_floating_point(c)
    assert c.is_complex() == t.is_complex() == cr.is_complex(c)
    assert c.element_size() == t.element_size() and c.dtype.itemsize == t.dtype.itemsize
    assert cr.is_tensor(c) and not cr.is_tensor(a)
    assert type(c) is cr.Tensor and isinstance(c, cr.Tensor)
    if name in ("float32", "float64", "int64", "bool", "uint8", "int32"):
        assert c.type(t.type()).dtype == getattr(cr, str(t.type(t.type()).dtype).split(".")[1])


def test_type_strings_cast_and_refuse_cuda():
    assert cr.ones(2).type("torch.DoubleTensor").dtype is cr.float64 and cr.ones(2).type(cr.int64).type() == (
        "torch.LongTensor"
    )
    with pytest.raises(RuntimeError, match="CUDA"):
        cr.ones(2).type("torch.cuda.FloatTensor")
    with pytest.raises(ValueError, match="invalid type"):
        cr.ones(2).type("torch.NoSuchTensor")


def test_dtype_equality_decisions():
    x = cr.ones(2)
    assert x.dtype == cr.float32 and x.dtype is cr.float32 and x.dtype != cr.float64
    assert (x.dtype == np.float32) is False and (torch.ones(2).dtype == np.float32) is False  # as PyTorch
    assert (
        x.dtype == np.dtype("float32") and np.dtype("float32") == x.dtype
    )  # NumPy's conversion, both orders
    assert {cr.float32: 1}[x.dtype] == 1 and len({cr.float32, cr.float, x.dtype}) == 1
    assert np.dtype(cr.float64) == np.float64 and np.zeros(2, dtype=cr.int16).dtype == np.int16


@pytest.mark.parametrize("dt", ["float16", "float32", "float64", "complex64", "complex128", None])
def test_finfo_matches_torch(dt):
    c = cr.finfo(getattr(cr, dt)) if dt else cr.finfo()
    t = torch.finfo(getattr(torch, dt)) if dt else torch.finfo()
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(c, attr) == getattr(t, attr), attr
    assert repr(c) == repr(t) and c == cr.finfo(c.dtype and getattr(cr, c.dtype))


@pytest.mark.parametrize("dt", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"])
def test_iinfo_matches_torch(dt):
    c, t = cr.iinfo(getattr(cr, dt)), torch.iinfo(getattr(torch, dt))
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(c, attr) == getattr(t, attr), attr
    assert repr(c) == repr(t)


def test_finfo_iinfo_refuse_the_wrong_kind_as_torch():
    with pytest.raises(TypeError, match="finfo"):
        cr.finfo(cr.int32)
    with pytest.raises(TypeError, match="iinfo"):
        cr.iinfo(cr.float32)


CREATORS = [
    ("tensor", lambda L, d: L.tensor([1, 2], dtype=d)),
    ("zeros", lambda L, d: L.zeros(2, 3, dtype=d)),
    ("ones", lambda L, d: L.ones((2,), dtype=d)),
    ("empty", lambda L, d: L.empty(2, dtype=d)),
    ("full", lambda L, d: L.full((2,), 1, dtype=d)),
    ("arange", lambda L, d: L.arange(3, dtype=d)),
    ("eye", lambda L, d: L.eye(2, dtype=d)),
    ("zeros_like", lambda L, d: L.zeros_like(L.ones(2), dtype=d)),
    ("ones_like", lambda L, d: L.ones_like(L.ones(2), dtype=d)),
    ("full_like", lambda L, d: L.full_like(L.ones(2), 3, dtype=d)),
    ("empty_like", lambda L, d: L.empty_like(L.ones(2), dtype=d)),
    ("as_tensor", lambda L, d: L.as_tensor([1], dtype=d)),
    ("Tensor.to", lambda L, d: L.ones(2).to(d)),
    ("Tensor.to(dtype=)", lambda L, d: L.ones(2).to(dtype=d)),
    ("Tensor.type", lambda L, d: L.ones(2).type(d)),
    ("sum", lambda L, d: L.sum(L.ones(2), dtype=d)),
    ("Tensor.new_zeros?", lambda L, d: L.zeros(2, dtype=d).to(L.ones(1, dtype=d))),
]
FLOAT_CREATORS = [
    ("linspace", lambda L, d: L.linspace(0, 1, 3, dtype=d)),
    ("logspace", lambda L, d: L.logspace(0, 1, 3, dtype=d)),
    ("rand", lambda L, d: L.rand(2, dtype=d)),
    ("randn", lambda L, d: L.randn(2, dtype=d)),
    ("rand_like", lambda L, d: L.rand_like(L.ones(2), dtype=d)),
    ("randn_like", lambda L, d: L.randn_like(L.ones(2), dtype=d)),
    ("mean", lambda L, d: L.mean(L.ones(2), dtype=d)),
    ("cumsum", lambda L, d: L.cumsum(L.ones(2), 0, dtype=d)),
    ("prod", lambda L, d: L.prod(L.ones(2), dtype=d)),
    ("softmax", lambda L, d: L.softmax(L.ones(2), 0, dtype=d)),
    ("log_softmax", lambda L, d: L.log_softmax(L.ones(2), 0, dtype=d)),
    ("F.softmin", lambda L, d: L.nn.functional.softmin(L.ones(2), 0, dtype=d)),
    ("Linear", lambda L, d: L.nn.Linear(2, 2, dtype=d).weight),
    ("Conv2d", lambda L, d: L.nn.Conv2d(1, 1, 1, dtype=d).weight),
    ("BatchNorm1d", lambda L, d: L.nn.BatchNorm1d(2, dtype=d).running_mean),
    ("LayerNorm", lambda L, d: L.nn.LayerNorm(2, dtype=d).weight),
    ("PReLU", lambda L, d: L.nn.PReLU(dtype=d).weight),
    ("Module.to", lambda L, d: L.nn.Linear(2, 2).to(d).weight),
]
INT_CREATORS = [
    ("randint", lambda L, d: L.randint(0, 3, (2,), dtype=d)),
    ("randperm", lambda L, d: L.randperm(3, dtype=d)),
]


def _cases():
    for name, fn in CREATORS:
        for dt in ("float32", "float64", "int64", "int32", "bool"):
            yield name, fn, dt
    for name, fn in FLOAT_CREATORS:
        for dt in ("float32", "float64"):
            yield name, fn, dt
    for name, fn in INT_CREATORS:
        for dt in ("int64", "int32"):
            yield name, fn, dt


@pytest.mark.parametrize(("name", "fn", "dt"), list(_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_dtype_argument_takes_chainrule_dtypes_as_torch(name, fn, dt):
    """Each public `dtype=` argument accepts chainrule dtypes and gives the dtype PyTorch gives."""
    if dt == "bool" and name in ("sum", "Tensor.new_zeros?", "arange"):
        pytest.skip("not a PyTorch operation for this dtype")
    got, want = fn(cr, getattr(cr, dt)), fn(torch, getattr(torch, dt))
    assert got.dtype is getattr(cr, str(want.dtype).split(".")[1])
    np_got = fn(cr, np.dtype(dt))  # NumPy dtypes stay accepted, for convenience
    assert np_got.dtype is got.dtype


def test_set_default_dtype_takes_chainrule_dtypes():
    cr.set_default_dtype(cr.float64)
    try:
        assert cr.get_default_dtype() is cr.float64 and cr.tensor([1.0]).dtype is cr.float64
    finally:
        cr.set_default_dtype(cr.float32)
    assert cr.get_default_dtype() is cr.float32 and str(cr.get_default_dtype()) == "chainrule.float32"
    with pytest.raises(TypeError, match="floating"):
        cr.set_default_dtype(cr.int64)


SHAPES = [(), (0,), (3,), (2, 3), (4, 1, 5), (2, 0, 3), (1, 2, 3, 4)]


@pytest.mark.parametrize("shape", SHAPES)
def test_size_behaves_as_torch_size(shape):
    c, t = cr.zeros(shape).shape, torch.zeros(shape).shape
    assert type(c) is cr.Size and isinstance(c, tuple) and type(cr.zeros(shape).size()) is cr.Size
    assert repr(c) == repr(t).replace("torch.", "chainrule.") == str(c)
    assert c == t == tuple(shape) and hash(c) == hash(t) == hash(tuple(shape)) and c.numel() == t.numel()
    for other in ((7,), ()):
        assert repr(c + other) == repr(t + other).replace("torch.", "chainrule.")
        assert repr(other + c) == repr(other + t).replace("torch.", "chainrule.")
    assert repr(c * 2) == repr(t * 2).replace("torch.", "chainrule.")
    assert repr(c[1:]) == repr(t[1:]).replace("torch.", "chainrule.") and type(c[1:]) is cr.Size
    if shape:
        assert c[0] == t[0] and c[-1] == t[-1] and type(c[0]) is int
    assert copy.deepcopy(c) == c and type(pickle.loads(pickle.dumps(c))) is cr.Size
    assert cr.Size(list(shape)) == c and repr(cr.Size([cr.tensor(2)])) == "chainrule.Size([2])"
    with pytest.raises(TypeError):
        cr.Size([1.5])


def test_parameter_type_checks_as_torch():
    p = cr.nn.Parameter(cr.ones(2))
    assert isinstance(p, cr.nn.Parameter) and isinstance(p, cr.Tensor) and cr.is_tensor(p)
    assert not isinstance(None, cr.nn.Parameter) and not isinstance(cr.ones(2), cr.nn.Parameter)
    assert isinstance(cr.nn.Linear(2, 2).weight, cr.nn.Parameter)
    assert p.type() == torch.nn.Parameter(torch.ones(2)).type() == "torch.FloatTensor"


def test_device_equality_and_hash_as_torch():
    c, t = cr.device("cpu"), torch.device("cpu")
    assert (
        repr(c) == repr(t)
        and str(c) == str(t)
        and c == cr.device("cpu")
        and hash(c) == hash(cr.device("cpu"))
    )
    assert cr.ones(2).device == c and copy.deepcopy(c) == c


@pytest.mark.parametrize("spec", [("cpu",), ("cpu:0",), ("cpu", 0), ("cpu", 1)])
def test_device_text_equality_and_hash_match_torch(spec):
    c, t = cr.device(*spec), torch.device(*spec)
    assert repr(c) == repr(t) and str(c) == str(t) and c.type == t.type and c.index == t.index
    for other in (("cpu",), ("cpu", 0), ("cpu", 1)):
        assert (c == cr.device(*other)) == (t == torch.device(*other))
    assert (c == "cpu") == (t == "cpu") and hash(c) == hash(cr.device(*spec))
    assert copy.deepcopy(c) == c and pickle.loads(pickle.dumps(c)) == c
