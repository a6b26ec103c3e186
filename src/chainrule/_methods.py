"""Bind the ops onto Tensor as methods and operators, plus NumPy interop and the in-place methods.

Kept apart from tensor.py so the data model does not import the ops (imports run one way: tensor <- ops).
"""

from __future__ import annotations

import numpy as np

from . import ops
from .autograd import views as _views
from . import dtypes as _dtypes
from .dtypes import get_default_dtype
from .ops import _declare, _promote
from .ops import arithmetic as ar
from .ops import comparison as cmp
from .ops import elementwise as _elementwise
from .ops.fill import Copy as _Copy
from .ops.fill import Fill as _Fill
from .tensor import Tensor

T = Tensor


def _reflect(fn):
    def r(self, other):
        return fn(other, self)

    return r


# ---- operators ------------------------------------------------------------------------------------------
T.__add__ = ar.add
T.__radd__ = _reflect(ar.add)
T.__sub__ = ar.sub
T.__rsub__ = _reflect(ar.sub)
T.__mul__ = ar.mul
T.__rmul__ = _reflect(ar.mul)
T.__truediv__ = ar.div
T.__rtruediv__ = _reflect(ar.div)
T.__pow__ = ar.pow
T.__rpow__ = _reflect(ar.pow)
T.__matmul__ = ops.matmul
T.__rmatmul__ = _reflect(ops.matmul)
T.__neg__ = ar.neg
T.__pos__ = lambda self: self
T.__abs__ = ops.abs
T.__getitem__ = ops.getitem
T.__setitem__ = ops.setitem
T.__eq__ = cmp.eq
T.__ne__ = cmp.ne
T.__lt__ = cmp.lt
T.__le__ = cmp.le
T.__gt__ = cmp.gt
T.__ge__ = cmp.ge
T.__invert__ = lambda self: cmp.logical_not(self)
T.__and__ = lambda self, o: cmp.logical_and(self, o)
T.__or__ = lambda self, o: cmp.logical_or(self, o)


T.__floordiv__ = ar.floor_divide
T.__rfloordiv__ = _reflect(ar.floor_divide)
T.__mod__ = ar.remainder
T.__rmod__ = _reflect(ar.remainder)

# ---- method forms ---------------------------------------------------------------------------------------
_METHODS = (
    "add sub mul div pow neg exp log sqrt abs sin cos tanh sigmoid clamp clip maximum minimum sign "
    "sum mean matmul reshape view view_as flatten unflatten permute transpose swapaxes swapdims t squeeze "
    "unsqueeze expand expand_as contiguous eq ne lt le gt ge isnan isinf isfinite any all clone relu "
    "subtract multiply divide true_divide negative absolute floor_divide remainder"
).split()
for _name in _METHODS:
    setattr(T, _name, getattr(ops, _name))

_declare.bind_methods(T)  # every method declared with its op (ops/_declare.py)

T.T = property(ops.numpy_T)
T.mT = property(lambda self: ops.transpose(self, -2, -1))
T.where = lambda self, condition, other: ops.where(condition, self, other)


def _register_more(names: str) -> None:
    """Bind further ops as methods when their module defines them (ops added by later modules)."""
    for name in names.split():
        if hasattr(ops, name):
            setattr(T, name, getattr(ops, name))


_register_more(
    "var std max min amax amin logsumexp argmax argmin cat split chunk pad gather scatter_add index_select "
    "cumsum einsum softmax log_softmax leaky_relu elu gelu silu softplus hardtanh norm prod square "
    "unbind repeat flip roll tril triu masked_fill take_along_dim outer log1p expm1 exp2 log2 log10 rsqrt "
    "reciprocal floor ceil round trunc frac erf fix narrow movedim moveaxis tile fliplr flipud ger diagonal "
    "select"
)


# ---- dtype and device -----------------------------------------------------------------------------------
def to(self, *args, **kwargs):
    """`to(dtype)`, `to("cpu")`, `to(device)` or `to(other)`; CPU is the only device."""
    dtype = kwargs.get("dtype")
    for a in list(args) + [kwargs.get("device")]:
        if a is None:
            continue
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif _is_device(a):
            from .device import device as _device

            _device(a)  # validates: raises for devices other than the CPU
        else:
            dtype = a
    return self if dtype is None else ops.cast(self, dtype)


def _is_device(a) -> bool:
    from .device import device as _device

    return isinstance(a, (str, _device))


T.to = to
T.astype = lambda self, dtype: ops.cast(self, dtype)


def _type(self, dtype=None, non_blocking: bool = False, **kwargs):
    """No argument: PyTorch's type string ('torch.FloatTensor': PyTorch programs compare these exact strings);
    a dtype or a type string ('torch.DoubleTensor'): the tensor cast to it."""
    if dtype is None:
        return _dtypes.type_string(self._data.dtype)
    if isinstance(dtype, str) and dtype.endswith("Tensor"):
        dtype = _dtypes.from_type_string(dtype)
    return ops.cast(self, dtype)


T.type = _type
T.type_as = lambda self, other: ops.cast(self, other.dtype)
T.float = lambda self: ops.cast(self, np.float32)
T.double = lambda self: ops.cast(self, np.float64)
T.half = lambda self: ops.cast(self, np.float16)
T.long = lambda self: ops.cast(self, np.int64)
T.int = lambda self: ops.cast(self, np.int32)
T.bool = lambda self: ops.cast(self, np.bool_)
T.cpu = lambda self: self
T.cuda = lambda self, *a, **k: (_ for _ in ()).throw(
    RuntimeError("chainrule runs on the CPU (NumPy); CUDA is not available"))
T.is_floating_point = lambda self: self._data.dtype.kind == "f"
T.is_complex = lambda self: self._data.dtype.kind == "c"
T.is_signed = lambda self: self._data.dtype.kind in "fci"
T.argmax = lambda self, dim=None, keepdim=False: ops.argmax(self, dim, keepdim)
T.argmin = lambda self, dim=None, keepdim=False: ops.argmin(self, dim, keepdim)


# ---- in-place methods -----------------------------------------------------------------------------------
# Each runs one op and writes its result into the tensor's memory (autograd/views.py: version bump, graph
# rebase, views written through).
def _inplace(name: str, fn):
    """An in-place binary method (add_, mul_, ...): self = fn(self, other), written into self's memory."""

    def method(self, other, *args, **kwargs):
        alpha = kwargs.pop("alpha", None)
        if alpha is not None:
            other = other * alpha
        return _views.inplace(self, name, fn, other, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"In-place {name[:-1]}: modifies this tensor and bumps its version counter."
    return method


for _name, _fn in (("add_", ar.add), ("sub_", ar.sub), ("mul_", ar.mul), ("div_", ar.div), ("pow_", ar.pow),
                   ("floor_divide_", ar.floor_divide), ("remainder_", ar.remainder)):
    setattr(T, _name, _inplace(_name, _promote.inplace_checked(_name, _fn)))  # PyTorch's cast check
T.__iadd__ = T.add_
T.__isub__ = T.sub_
T.__imul__ = T.mul_
T.__itruediv__ = T.div_
T.__ifloordiv__ = T.floor_divide_
T.__imod__ = T.remainder_
T.__ipow__ = T.pow_


def clamp_(self, min=None, max=None):
    """In-place clamp."""
    return _views.inplace(self, "clamp_", _promote.inplace_checked("clamp_", ops.clamp), min, max)


def _unary_inplace(name: str, fn):
    def method(self):
        return _views.inplace(self, name, fn)

    method.__name__ = name
    method.__doc__ = f"In-place {name[:-1]}: modifies this tensor and bumps its version counter."
    return method


T.clamp_ = clamp_
T.clip_ = clamp_
for _name, _fn in (("relu_", ops.relu), ("neg_", ar.neg), ("exp_", ops.exp), ("sigmoid_", ops.sigmoid),
                   ("tanh_", ops.tanh), ("sqrt_", ops.sqrt)):
    setattr(T, _name, _unary_inplace(_name, _promote.inplace_checked(_name, _fn)))  # PyTorch's cast check


def _fill(name: str, make):
    """In-place fills (zero_, normal_, uniform_ ...): when recorded, the old value gets a zero gradient."""

    def method(self, *args, **kwargs):
        return _views.inplace(self, name, _Fill.apply, make(self, *args, **kwargs))

    method.__name__ = name
    return method


def _rng(kwargs):
    from .random import default_rng

    return kwargs.get("generator") or default_rng()


T.zero_ = _fill("zero_", lambda self: 0)
T.normal_ = _fill("normal_", lambda self, mean=0.0, std=1.0, **kw: _rng(kw).normal(mean, std, self.shape))
T.uniform_ = _fill("uniform_", lambda self, a=0.0, b=1.0, **kw: _rng(kw).uniform(a, b, self.shape))
T.bernoulli_ = _fill("bernoulli_", lambda self, p=0.5, **kw: _rng(kw).random(self.shape) < p)
T.random_ = _fill("random_", lambda self, a=0, b=None, **kw: _rng(kw).integers(a, b, self.shape))


def fill_(self, value):
    """Fill with a number or a 0-d tensor (which then gets the gradient, summed)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        return _views.inplace(self, "fill_", _Copy.apply, value)
    return _views.inplace(self, "fill_", _Fill.apply, value)


def _copy_inplace(self, src, non_blocking=False):
    """x.copy_(src): src broadcast to x's shape and cast to x's dtype; src gets the gradient when recorded."""
    if not isinstance(src, Tensor):
        src = Tensor(src)
    try:
        np.broadcast_shapes(src.shape, self.shape)
        ok = np.broadcast_shapes(src.shape, self.shape) == tuple(self.shape)
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"copy_: the source's shape {tuple(src.shape)} cannot be broadcast to the "
                           f"tensor's shape {tuple(self.shape)}")
    return _views.inplace(self, "copy_", _Copy.apply, src)


T.fill_ = fill_
T.copy_ = _copy_inplace


# ---- NumPy interop: np.exp(t) stays in the graph, or fails loudly -----------------------------------------
_UFUNCS = {
    np.add: ar.add, np.subtract: ar.sub, np.multiply: ar.mul, np.true_divide: ar.div, np.divide: ar.div,
    np.power: ar.pow, np.negative: ar.neg, np.exp: ops.exp, np.log: ops.log, np.sqrt: ops.sqrt,
    np.absolute: ops.abs, np.sin: ops.sin, np.cos: ops.cos, np.tanh: ops.tanh,
    np.maximum: _elementwise._maximum, np.minimum: _elementwise._minimum,  # these also take numbers
    np.matmul: ops.matmul, np.equal: cmp.eq, np.not_equal: cmp.ne, np.less: cmp.lt,
    np.less_equal: cmp.le, np.greater: cmp.gt, np.greater_equal: cmp.ge, np.sign: ops.sign,
    np.positive: lambda x: x, np.floor_divide: ar.floor_divide, np.remainder: ar.remainder,
}
for _uf, _name in ((np.square, "square"), (np.log1p, "log1p"), (np.expm1, "expm1"), (np.exp2, "exp2"),
                   (np.log2, "log2"), (np.log10, "log10"), (np.floor, "floor"), (np.ceil, "ceil"),
                   (np.trunc, "trunc"), (np.reciprocal, "reciprocal"), (np.arctanh, "atanh")):
    if hasattr(ops, _name):
        _UFUNCS[_uf] = getattr(ops, _name)


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    fn = _UFUNCS.get(ufunc)
    if method == "__call__" and fn is not None and not kwargs:
        return fn(*inputs)
    if any(isinstance(x, Tensor) and x._rg for x in inputs) or any(
        isinstance(x, Tensor) and x._rg for x in kwargs.get("out", ())
    ):
        raise TypeError(
            f"numpy.{ufunc.__name__}.{method} on a Tensor that requires grad would silently detach it from the "
            f"graph; use the chainrule op instead (e.g. chainrule.{ufunc.__name__}) or .detach() first"
        )
    arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
    if "out" in kwargs:
        kwargs["out"] = tuple(x._data if isinstance(x, Tensor) else x for x in kwargs["out"])
    res = getattr(ufunc, method)(*arrays, **kwargs)
    return Tensor._wrap(res) if isinstance(res, np.ndarray) else res


def _array_function(self, func, types, args, kwargs):
    fn = _FUNCTIONS.get(func)
    if fn is not None:
        return fn(*args, **kwargs)
    if _any_requires_grad(args) or _any_requires_grad(tuple(kwargs.values())):
        raise TypeError(
            f"numpy.{func.__name__} on a Tensor that requires grad would silently detach it from the graph; "
            "use the chainrule function of the same name, or .detach() first"
        )
    res = func(*_unwrap(args), **_unwrap(kwargs))
    return Tensor._wrap(res) if isinstance(res, np.ndarray) else res


def _any_requires_grad(xs) -> bool:
    for x in xs:
        if isinstance(x, Tensor) and x._rg:
            return True
        if isinstance(x, (list, tuple)) and _any_requires_grad(x):
            return True
    return False


def _unwrap(x):
    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(i) for i in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _np_sum(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    return ops.sum(_t(a), axis, keepdims)


def _np_mean(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    return ops.mean(_t(a), axis, keepdims)


def _np_where(cond, x=None, y=None):
    return ops.where(cond, _t(x, like=y), _t(y, like=x))


def _t(x, like=None):
    if isinstance(x, Tensor):
        return x
    dt = like.dtype if isinstance(like, Tensor) else get_default_dtype()
    return Tensor(np.asarray(x, dtype=dt if isinstance(x, (int, float)) else None))


_FUNCTIONS = {
    np.sum: _np_sum,
    np.mean: _np_mean,
    np.where: _np_where,
    np.reshape: lambda a, shape, *args, **kw: ops.reshape(a, shape),
    np.transpose: lambda a, axes=None: ops.numpy_T(a) if axes is None else ops.permute(a, axes),
    np.swapaxes: lambda a, x, y: ops.transpose(a, x, y),
    np.broadcast_to: lambda a, shape, **kw: ops.expand(_t(a), tuple(shape)),
    np.expand_dims: lambda a, axis: ops.unsqueeze(a, axis),
    np.squeeze: lambda a, axis=None: ops.squeeze(a, axis),
    np.clip: lambda a, a_min=None, a_max=None, **kw: ops.clamp(a, a_min, a_max),
    np.dot: lambda a, b, out=None: ops.matmul(a, b),
    np.shape: lambda a: a.shape,
    np.ndim: lambda a: a.ndim,
    np.size: lambda a, axis=None: a.numel() if axis is None else a.shape[axis],
}


def _register_functions() -> None:
    """NumPy functions whose chainrule op exists: concatenate, stack, max ... (added as ops are defined)."""
    pairs = {
        np.concatenate: "cat", np.stack: "stack", np.flip: "flip", np.roll: "roll", np.tril: "tril",
        np.triu: "triu", np.tile: "tile", np.outer: "outer", np.moveaxis: "movedim",
    }
    for npf, name in pairs.items():
        if hasattr(ops, name):
            _FUNCTIONS[npf] = getattr(ops, name)
    # NumPy's signatures differ from PyTorch's: adapt them (np.var/np.std default to ddof=0, PyTorch to 1)
    _FUNCTIONS.update({
        np.var: lambda a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **k: ops.var(
            a, axis, keepdim=keepdims, correction=ddof),
        np.std: lambda a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **k: ops.std(
            a, axis, keepdim=keepdims, correction=ddof),
        np.cumsum: lambda a, axis=None, dtype=None, out=None: ops.cumsum(
            a.reshape(-1) if axis is None else a, 0 if axis is None else axis, dtype=dtype),
        np.einsum: lambda subscripts, *operands, out=None, optimize=False, **k: ops.einsum(
            subscripts, *operands),
        np.take_along_axis: lambda arr, indices, axis=-1: ops.take_along_dim(arr, indices, axis),
        np.prod: lambda a, axis=None, dtype=None, out=None, keepdims=False, **k: ops.prod(
            a, axis, keepdims, dtype=dtype),
        np.argmax: lambda a, axis=None, out=None, keepdims=False: ops.argmax(a, axis, keepdims),
        np.argmin: lambda a, axis=None, out=None, keepdims=False: ops.argmin(a, axis, keepdims),
    })
    if hasattr(ops, "amax"):
        _FUNCTIONS[np.max] = _FUNCTIONS[np.amax] = lambda a, axis=None, keepdims=False, **k: ops.amax(
            a, axis if axis is not None else tuple(range(a.ndim)), keepdims)
        _FUNCTIONS[np.min] = _FUNCTIONS[np.amin] = lambda a, axis=None, keepdims=False, **k: ops.amin(
            a, axis if axis is not None else tuple(range(a.ndim)), keepdims)


_register_functions()
T.__array_ufunc__ = _array_ufunc
T.__array_function__ = _array_function
