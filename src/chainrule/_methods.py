"""Bind the ops onto Tensor as methods and operators, plus NumPy interop and the in-place methods.

Kept apart from tensor.py so the data model does not import the ops (imports run one way: tensor <- ops).
"""

from __future__ import annotations

import numpy as np

from . import ops
from .autograd import engine as _engine
from .autograd import views as _views
from . import dtypes as _dtypes
from .dtypes import get_default_dtype
from .ops import _declare, _promote
from .ops import stats as _stats
from .ops import arithmetic as ar
from .ops import comparison as cmp
from .ops import elementwise as _elementwise
from .ops import linalg as _linalg
from .ops.fill import Copy as _Copy
from .ops.fill import Fill as _Fill
from .tensor import Tensor
from . import _random_methods as _random_methods  # noqa: F401  (normal_, bernoulli_, multinomial ...)

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
T.__matmul__ = _linalg.matmul  # the op itself: ops.matmul also takes out= (one more call)
T.__rmatmul__ = _reflect(_linalg.matmul)
T.__neg__ = ar.neg
T.__pos__ = lambda self: self
T.__abs__ = _elementwise.abs
T.__getitem__ = ops.getitem
T.__setitem__ = ops.setitem
T.__eq__ = cmp.eq
T.__ne__ = cmp.ne
T.__lt__ = cmp.lt
T.__le__ = cmp.le
T.__gt__ = cmp.gt
T.__ge__ = cmp.ge


T.__floordiv__ = ar.floor_divide
T.__rfloordiv__ = _reflect(ar.floor_divide)
T.__mod__ = ar.remainder
T.__rmod__ = _reflect(ar.remainder)

# ---- method forms: every method declared with its op (ops/_declare.py) ------------------------------------
_declare.bind_methods(T)


def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None,
             trace=False) -> None:
    """Accumulate d(self)/d(leaf) into the `.grad` of every leaf that requires grad (autograd/engine.py).

    Args:
        gradient: d(loss)/d(self), a tensor of self's shape; needed when self is not a scalar (default: 1).
        retain_graph: keep the saved tensors so that backward can run through the graph again (default: the
            value of create_graph).
        create_graph: record the backward pass itself, for higher-order gradients (default False).
        inputs: the tensors whose `.grad` is accumulated (default: every leaf of the graph).
        trace: print each step of the backward pass (True, or a dict naming the tensors; see
            `chainrule.viz.trace`).

    Raises:
        RuntimeError: when self does not require grad, when gradient is missing for a non-scalar, or when the
            graph was already freed by an earlier backward (use retain_graph=True).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> loss = (x ** 2).sum()
        >>> loss.backward()
        >>> x.grad
        tensor([2., 4., 6.])
        >>> y = x * 2
        >>> y.backward(gradient=cr.tensor([1.0, 0.0, 0.0]))
        >>> x.grad
        tensor([4., 4., 6.])
    """
    on_step = None
    if trace:
        from .viz.trace import printer

        on_step = printer(trace)
    _engine.backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs,
                     on_step=on_step)


T.backward = backward  # the data model (tensor.py) does not import the engine, which imports it
T.T = property(ops.numpy_T)


def _mT(self):
    """The last two dimensions swapped (a view): the batched matrix transpose, as PyTorch's `.mT`.

    Examples:
        >>> import chainrule as cr
        >>> cr.zeros(5, 2, 3).mT.shape
        chainrule.Size([5, 3, 2])
    """
    return ops.transpose(self, -2, -1)


T.mT = property(_mT)


# ---- dtype and device -----------------------------------------------------------------------------------
def to(self, *args, **kwargs):
    """`to(dtype)`, `to("cpu")`, `to(device)` or `to(other)`; CPU is the only device.

    Args:
        *args: a dtype, a device ("cpu" or chainrule.device) or a tensor (whose dtype is taken), in any order.
        **kwargs: dtype=, device= (non_blocking= and copy= are accepted and ignored).

    Returns:
        self when nothing changes, else a new tensor of the dtype (differentiable between floating dtypes).

    Raises:
        RuntimeError: a device other than the CPU ("cuda", "mps").

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.5])
        >>> x.to(cr.float64)
        tensor([1.0000, 2.5000], dtype=chainrule.float64)
        >>> x.to("cpu") is x
        True
        >>> x.to(cr.tensor([1]))
        tensor([1, 2])
    """
    dtype = kwargs.get("dtype")
    for a in list(args) + [kwargs.get("device")]:
        if a is None:
            continue
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif _is_device(a):
            from .device import require_cpu

            require_cpu(a, "Tensor.to")  # devices other than the CPU raise
        else:
            dtype = a
    return self if dtype is None else ops.cast(self, dtype)


def _is_device(a) -> bool:
    from .device import device as _device

    return isinstance(a, (str, _device))


def _astype(self, dtype):
    """self converted to dtype, as NumPy's `astype` (`to(dtype)` in PyTorch's words); differentiable between
    floating dtypes.

    Args:
        dtype: the dtype of the result (a chainrule dtype or a NumPy one).

    Examples:
        >>> import chainrule as cr
        >>> cr.tensor([1.7, -2.2]).astype(cr.int64)
        tensor([ 1, -2])
    """
    return ops.cast(self, dtype)


T.to = to
T.astype = _astype


def _type(self, dtype=None, non_blocking: bool = False, **kwargs):
    """No argument: PyTorch's type string ('torch.FloatTensor': PyTorch programs compare these exact strings);
    a dtype or a type string ('torch.DoubleTensor'): the tensor cast to it.

    Args:
        dtype: None (default) to read the type string, or the dtype / type string to cast to.
        non_blocking: accepted for PyTorch compatibility.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.0])
        >>> x.type()
        'torch.FloatTensor'
        >>> x.type(cr.float64).dtype
        chainrule.float64
        >>> x.type("torch.LongTensor")
        tensor([1, 2])
    """
    if dtype is None:
        return _dtypes.type_string(self._data.dtype)
    if isinstance(dtype, str) and dtype.endswith("Tensor"):
        dtype = _dtypes.from_type_string(dtype)
    return ops.cast(self, dtype)


# The examples of the methods made by the factories below (their docstrings are built, so are their examples):
# name -> (the call on x, what it prints). `__test__` at the end hands them to doctest.
_EXAMPLES = {
    "float": ("cr.tensor([1.5, -2.0], dtype=cr.float64).float()", "tensor([ 1.5000, -2.0000])"),
    "double": ("cr.tensor([1.5, -2.0]).double()", "tensor([ 1.5000, -2.0000], dtype=chainrule.float64)"),
    "half": ("cr.tensor([1.5, -2.0]).half()", "tensor([ 1.5000, -2.0000], dtype=chainrule.float16)"),
    "long": ("cr.tensor([1.5, -2.0]).long()", "tensor([ 1, -2])"),
    "int": ("cr.tensor([1.5, -2.0]).int()", "tensor([ 1, -2], dtype=chainrule.int32)"),
    "bool": ("cr.tensor([1.5, 0.0]).bool()", "tensor([ True, False])"),
    "add_": ("x.add_(3)", "tensor([4., 1.])"),
    "sub_": ("x.sub_(3)", "tensor([-2., -5.])"),
    "mul_": ("x.mul_(3)", "tensor([ 3., -6.])"),
    "pow_": ("x.pow_(2)", "tensor([1., 4.])"),
    "floor_divide_": ("x.floor_divide_(3)", "tensor([ 0., -1.])"),
    "remainder_": ("x.remainder_(3)", "tensor([1., 1.])"),
    "relu_": ("x.relu_()", "tensor([1., 0.])"),
    "neg_": ("x.neg_()", "tensor([-1.,  2.])"),
    "exp_": ("x.exp_()", "tensor([2.7183, 0.1353])"),
    "sigmoid_": ("x.sigmoid_()", "tensor([0.7311, 0.1192])"),
    "tanh_": ("x.tanh_()", "tensor([ 0.7616, -0.9640])"),
    "sqrt_": ("x.abs().sqrt_()", "tensor([1.0000, 1.4142])"),
    "zero_": ("x.zero_()", "tensor([0., 0.])"),
}


def _example(name: str) -> str:
    """The Examples section of a built method's docstring (x = tensor([1., -2.]) for the in-place ones)."""
    call, shown = _EXAMPLES[name]
    setup = "" if call.startswith("cr.") else "\n    >>> x = cr.tensor([1.0, -2.0])"
    after = "" if call.startswith(("cr.", "x.abs")) else f"\n    >>> x\n    {shown}"
    return (f"\n\nExamples:\n    >>> import chainrule as cr{setup}\n    >>> {call}\n    {shown}{after}")


def _cast_to(dtype, name: str, what: str):
    def method(self):
        return ops.cast(self, dtype)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"self converted to {what} (`self.to({what})`); the same tensor when it already has that "
                      "dtype. Differentiable between floating dtypes." + _example(name))
    return method


def type_as(self, other):
    """self converted to other's dtype (`self.to(other.dtype)`).

    Args:
        other: the tensor whose dtype the result takes.

    Examples:
        >>> import chainrule as cr
        >>> cr.tensor([1, 2]).type_as(cr.tensor([0.5]))
        tensor([1., 2.])
    """
    return ops.cast(self, other.dtype)


def cpu(self, memory_format=None):
    """self: chainrule's tensors always live on the CPU (memory_format is accepted and ignored).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.ones(2)
        >>> x.cpu() is x
        True
    """
    return self


def cuda(self, device=None, non_blocking: bool = False, memory_format=None):
    """Refused: chainrule has no CUDA backend (`chainrule.cuda.is_available()` is False).

    Args:
        device: the CUDA device (None, an index or "cuda:N"); named in the error.
        non_blocking: accepted for PyTorch compatibility.
        memory_format: accepted for PyTorch compatibility.

    Raises:
        RuntimeError: always, naming the device (PyTorch programs test `torch.cuda.is_available()` first).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.ones(2)
        >>> x = x.cuda() if cr.cuda.is_available() else x
        >>> x.device
        device(type='cpu')
    """
    from .device import require_cpu

    require_cpu("cuda" if device is None else device if not isinstance(device, int) else f"cuda:{device}",
                "Tensor.cuda")


def is_floating_point(self) -> bool:
    """True when the dtype is floating (float16, float32, float64).

    Examples:
        >>> import chainrule as cr
        >>> cr.ones(2).is_floating_point(), cr.ones(2, dtype=cr.int64).is_floating_point()
        (True, False)
    """
    return self._data.dtype.kind == "f"


def is_complex(self) -> bool:
    """True when the dtype is complex64 or complex128.

    Examples:
        >>> import chainrule as cr
        >>> cr.ones(2, dtype=cr.complex64).is_complex(), cr.ones(2).is_complex()
        (True, False)
    """
    return self._data.dtype.kind == "c"


def is_signed(self) -> bool:
    """True when the dtype can hold negative values (floats, complex and signed integers; not uint8 or bool).

    Examples:
        >>> import chainrule as cr
        >>> cr.ones(2).is_signed(), cr.ones(2, dtype=cr.uint8).is_signed()
        (True, False)
    """
    return self._data.dtype.kind in "fci"


T.type = _type
T.type_as = type_as
T.float = _cast_to(np.float32, "float", "chainrule.float32")
T.double = _cast_to(np.float64, "double", "chainrule.float64")
T.half = _cast_to(np.float16, "half", "chainrule.float16")
T.long = _cast_to(np.int64, "long", "chainrule.int64")
T.int = _cast_to(np.int32, "int", "chainrule.int32")
T.bool = _cast_to(np.bool_, "bool", "chainrule.bool")
T.cpu = cpu
T.cuda = cuda
T.is_floating_point = is_floating_point
T.is_complex = is_complex
T.is_signed = is_signed


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
    method.__doc__ = (
        f"In-place {name[:-1]}: self = {name[:-1]}(self, other), written into this tensor's memory; returns "
        "self and bumps its version counter.\n\nArgs:\n    other: a tensor broadcastable to self's shape, or "
        "a number.\n    alpha: (add_, sub_) other is multiplied by it first.\n\nRaises:\n    RuntimeError: "
        "the result's dtype cannot be cast to self's (a float into an int tensor), or self is a leaf that "
        "requires grad." + _example(name))
    return method


for _name, _fn in (("add_", ar.add), ("sub_", ar.sub), ("mul_", ar.mul), ("pow_", ar.pow),
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
    """In-place clamp.

    Args:
        min: lower bound (a number or tensor; default None: none).
        max: upper bound (default None: none).

    Returns:
        self, with each element limited to [min, max].

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([-2.0, 0.5, 3.0])
        >>> x.clamp_(min=0.0, max=1.0)
        tensor([0.0000, 0.5000, 1.0000])
    """
    return _views.inplace(self, "clamp_", _promote.inplace_checked("clamp_", ops.clamp), min, max)


def _unary_inplace(name: str, fn):
    def method(self):
        return _views.inplace(self, name, fn)

    method.__name__ = name
    method.__doc__ = (f"In-place {name[:-1]}: modifies this tensor and bumps its version counter; returns "
                      "self.\n\nRaises:\n    RuntimeError: self is a leaf that requires grad."
                      + _example(name))
    return method


T.clamp_ = clamp_
T.clip_ = clamp_
for _name, _fn in (("relu_", ops.relu), ("neg_", ar.neg), ("exp_", ops.exp), ("sigmoid_", ops.sigmoid),
                   ("tanh_", ops.tanh), ("sqrt_", ops.sqrt)):
    setattr(T, _name, _unary_inplace(_name, _promote.inplace_checked(_name, _fn)))  # PyTorch's cast check


def _fill(name: str, make, doc: str):
    """In-place fills (zero_, normal_, uniform_ ...): when recorded, the old value gets a zero gradient."""

    def method(self, *args, **kwargs):
        return _views.inplace(self, name, _Fill.apply, make(self, *args, **kwargs))

    method.__name__ = name
    method.__doc__ = (doc + "\n\nIn place: returns self, bumps its version counter; the old values get no "
                      "gradient." + _example(name))
    return method


T.zero_ = _fill("zero_", lambda self: 0, "Fill with zeros.")


def fill_(self, value):
    """Fill with a number or a 0-d tensor (which then gets the gradient, summed).

    Args:
        value: a number, or a 0-d tensor.

    Returns:
        self, every element set to value.

    Raises:
        RuntimeError: value is a tensor with dimensions.

    Examples:
        >>> import chainrule as cr
        >>> cr.zeros(2, 2).fill_(7)
        tensor([[7., 7.],
                [7., 7.]])
    """
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        return _views.inplace(self, "fill_", _Copy.apply, value)
    return _views.inplace(self, "fill_", _Fill.apply, value)


def _copy_inplace(self, src, non_blocking=False):
    """x.copy_(src): src broadcast to x's shape and cast to x's dtype; src gets the gradient when recorded.

    Args:
        src: a tensor (or values) broadcastable to self's shape.
        non_blocking: accepted for PyTorch compatibility.

    Returns:
        self.

    Raises:
        RuntimeError: src's shape does not broadcast to self's.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.zeros(2, 3, dtype=cr.int64)
        >>> x.copy_(cr.tensor([1.9, 2.0, 3.0]))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """
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
                   (np.trunc, "trunc"), (np.reciprocal, "reciprocal"), (np.arctanh, "atanh"), (np.tan, "tan"),
                   (np.arcsin, "asin"), (np.arccos, "acos"), (np.arctan, "atan"), (np.sinh, "sinh"),
                   (np.cosh, "cosh"), (np.arcsinh, "asinh"), (np.arccosh, "acosh"), (np.arctan2, "atan2"),
                   (np.hypot, "hypot"), (np.copysign, "copysign"), (np.fmod, "fmod"), (np.logaddexp, "logaddexp"),
                   (np.logaddexp2, "logaddexp2")):
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
    """NumPy functions with a chainrule op: concatenate, stack, max ..."""
    pairs = {
        np.concatenate: "cat", np.stack: "stack", np.flip: "flip", np.roll: "roll", np.tril: "tril",
        np.triu: "triu", np.tile: "tile", np.outer: "outer", np.moveaxis: "movedim",
    }
    for npf, name in pairs.items():
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
    _FUNCTIONS[np.max] = _FUNCTIONS[np.amax] = lambda a, axis=None, keepdims=False, **k: ops.amax(
        a, axis if axis is not None else tuple(range(a.ndim)), keepdims)
    _FUNCTIONS[np.min] = _FUNCTIONS[np.amin] = lambda a, axis=None, keepdims=False, **k: ops.amin(
        a, axis if axis is not None else tuple(range(a.ndim)), keepdims)


_register_functions()
T.__array_ufunc__ = _array_ufunc
T.__array_function__ = _array_function

from . import _layout as _layout  # noqa: E402,F401  (stride, storage_offset, is_contiguous ...; after contiguous)


# doctest finds module-level functions only: the built methods' examples are listed for it here
__test__ = {f"Tensor.{name}": getattr(T, name) for name in _EXAMPLES}
