"""The wrappers a recording installs, and removes again (see recorder.py for what each one reports)."""

from __future__ import annotations

from threading import get_ident

from .. import _capture
from ..tensor import Tensor

# Tensor methods that hand a tensor's value to Python: a step that calls one may branch on it.
_VALUE_READS = ("item", "tolist", "numpy", "__float__", "__int__", "__index__", "__bool__", "__array__",
                "__repr__", "__str__", "__format__")
_HOOKS = ("register_hook", "register_post_accumulate_grad_hook", "retain_grad")


def _subclasses(cls) -> list:
    out, todo = [], [cls]
    while todo:
        c = todo.pop()
        out.append(c)
        todo.extend(c.__subclasses__())
    return out


def install(rec) -> list:
    """Wrap what a recording must see; returns the undo list [(owner, name, old value or None)]."""
    from ..autograd import engine
    from ..autograd.function import Function, Op
    from ..nn.module import Module
    from ..optim.lr_scheduler import LRScheduler
    from ..optim.optimizer import Optimizer

    undo: list = []

    def put(owner, name, value):
        undo.append((owner, name, owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name)))
        setattr(owner, name, value)

    op_apply = Op.__dict__["apply"].__func__

    def apply(cls, *args):
        res = op_apply(cls, *args)
        if _capture.RECORDER[0] is rec and get_ident() == rec.thread:
            rec.op(cls, args, res)
        return res

    put(Op, "apply", classmethod(apply))
    fn_apply = Function.__dict__["apply"].__func__

    def function_apply(cls, *args, **kwargs):
        if not rec.depth:
            rec.fail(f"the autograd.Function {cls.__name__} runs Python a replay cannot repeat")
        return fn_apply(cls, *args, **kwargs)

    put(Function, "apply", classmethod(function_apply))
    eng_backward = engine.backward

    def backward(tensor, gradient=None, retain_graph=None, create_graph=False, inputs=None, on_step=None):
        return rec.backward(eng_backward, tensor, gradient, retain_graph, create_graph, inputs, on_step)

    put(engine, "backward", backward)
    _wrap_tensor(rec, put)
    module_call = Module.__call__

    def call(self, *args, **kwargs):
        if not rec.depth:
            if self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks:
                rec.fail(f"{type(self).__name__} has hooks, which a replay would not run")
            if self not in rec.tape.modules:
                rec.tape.modules.append(self)
        return module_call(self, *args, **kwargs)

    put(Module, "__call__", call)
    put(Module, "zero_grad", _as_call(rec, Module.zero_grad, "Module.zero_grad"))
    for cls in _subclasses(Optimizer):
        for name in ("step", "zero_grad"):
            if name in cls.__dict__:
                put(cls, name, _as_call(rec, cls.__dict__[name], f"{cls.__name__}.{name}", opt=name == "step"))
    for cls in _subclasses(LRScheduler):
        if "step" in cls.__dict__:
            put(cls, "step", _as_call(rec, cls.__dict__["step"], f"{cls.__name__}.step"))
    return undo


def _as_call(rec, fn, name: str, opt: bool = False):
    """fn wrapped so that a call made by the step itself is recorded (to be made again at each replay)."""

    def wrapper(self, *args, **kwargs):
        if rec.depth:
            return fn(self, *args, **kwargs)
        if opt:
            if args or kwargs.get("closure") is not None:
                rec.fail(f"{name}(closure) runs the step's forward inside the optimizer")
            elif self not in rec.tape.optimizers:
                rec.tape.optimizers.append(self)
        return rec.call(fn, (self,) + args, kwargs, f"{type(self).__name__}.{name.rsplit('.', 1)[1]}")

    return wrapper


def _wrap_tensor(rec, put) -> None:
    """Value reads, in-place edits, hooks and tensors made outside ops, on the Tensor class."""
    for name in _VALUE_READS:
        put(Tensor, name, _failing(rec, getattr(Tensor, name), f"Tensor.{name.strip('_')}() reads a tensor's value"))
    for name in _HOOKS:
        put(Tensor, name, _failing(rec, getattr(Tensor, name), f"Tensor.{name}: tensor hooks inside the step"))
    bump = Tensor._bump

    def _bump(self):
        if not rec.depth and get_ident() == rec.thread:
            rec.fail("an in-place edit of a tensor (use the out-of-place op)")
        bump(self)

    put(Tensor, "_bump", _bump)
    from ..autograd import views

    inplace = views.inplace

    def _inplace(self, name, *args, **kwargs):
        if not rec.depth and get_ident() == rec.thread:
            rec.fail(f"the in-place op {name} (use the out-of-place op)")
        return inplace(self, name, *args, **kwargs)

    put(views, "inplace", _inplace)
    detach = Tensor.detach

    def _detach(self):
        t = detach(self)
        r = rec.refs.get(id(self))
        if r is not None and r.kind in ("op", "det", "arg", "call"):  # the same array, without its graph
            rec.alias(t, r)
        return t

    put(Tensor, "detach", _detach)
    wrap = Tensor._wrap

    def _wrap(array, grad_fn=None):
        t = wrap(array, grad_fn)
        if get_ident() == rec.thread:
            rec.created_tensor(t)
        return t

    put(Tensor, "_wrap", staticmethod(_wrap))
    init = Tensor.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if get_ident() == rec.thread:
            rec.created_tensor(self)

    put(Tensor, "__init__", __init__)
    grad = Tensor.__dict__["grad"]

    def set_grad(self, value):
        if not rec.depth:
            if value is None:
                rec.call(_set_grad_none, (self,), {}, "tensor.grad = None")
                return
            rec.fail("assigning a tensor to .grad")
        grad.__set__(self, value)

    put(Tensor, "grad", property(grad.fget, set_grad, grad.fdel, grad.__doc__))
    data = Tensor.__dict__["data"]

    def set_data(self, value):
        if not rec.depth:
            rec.fail("assigning to .data")
        data.__set__(self, value)

    put(Tensor, "data", property(data.fget, set_data, data.fdel, data.__doc__))


def _set_grad_none(t: Tensor) -> None:
    t._grad = None


def _failing(rec, fn, why: str):
    def wrapper(self, *args, **kwargs):
        if not rec.depth and get_ident() == rec.thread:
            rec.fail(why)
        return fn(self, *args, **kwargs)

    wrapper.__name__ = getattr(fn, "__name__", "wrapper")
    return wrapper
