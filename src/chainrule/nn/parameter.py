"""Parameter: a leaf Tensor that a Module registers as learnable (`isinstance(p, nn.Parameter)` is True).

The engine and the ops recognise tensors by `type(t) is Tensor` (the fast path), so a Parameter is not a Tensor
subclass but a Tensor with its `_param` flag set: `Parameter(data)` returns such a tensor, `isinstance` reads the
flag, `repr(p)` reads "Parameter containing:\ntensor(...)" and a deep copy stays a Parameter, as in PyTorch.
`type(p) is nn.Parameter` is False (PyTorch: True); `isinstance` is the test to use.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


def is_parameter(obj) -> bool:
    """True when obj is a Tensor made by (or registered as) a Parameter."""
    return isinstance(obj, Tensor) and getattr(obj, "_param", False)


def mark_parameter(t: Tensor) -> Tensor:
    """Flag an existing leaf Tensor as a Parameter."""
    t._param = True
    return t


class _ParameterMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return is_parameter(obj)

    def __call__(cls, data=None, requires_grad: bool = True) -> Tensor:
        if data is None:
            arr = np.empty(0, dtype=np.float32)
        elif isinstance(data, Tensor):
            arr = data._data
        else:
            arr = Tensor(data)._data
        t = Tensor._wrap(arr)  # shares memory with data, as PyTorch's Parameter does; always a leaf
        if isinstance(data, Tensor):
            t._version = data._vc()
        t.requires_grad_(requires_grad)
        return mark_parameter(t)


class Parameter(metaclass=_ParameterMeta):
    """Parameter(data=None, requires_grad=True): a learnable leaf tensor sharing memory with `data`.

    Assigned as a module attribute, a Parameter is registered: it appears in `parameters()`, `state_dict()`
    and
    the optimizer's view of the model. `isinstance(p, nn.Parameter)` is True; `type(p)` is Tensor (see the
    module docstring).

    Constructor arguments (a Parameter is made by its metaclass, which static documentation cannot see):

    - data (Tensor or array-like, optional): the values; a Tensor's memory is shared, not copied. Default: an
      empty float32 tensor.
    - requires_grad (bool, optional): whether the parameter collects gradients. Default: True.

    The call returns a leaf Tensor flagged as a Parameter.

    Examples:
        >>> import chainrule as cr
        >>> p = cr.nn.Parameter(cr.tensor([1.0, 2.0]))
        >>> p
        Parameter containing:
        tensor([1., 2.], requires_grad=True)
        >>> isinstance(p, cr.nn.Parameter), p.is_leaf
        (True, True)
        >>> class Scale(cr.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.gain = cr.nn.Parameter(cr.ones(3))
        ...     def forward(self, x):
        ...         return x * self.gain
        >>> [name for name, _ in Scale().named_parameters()]
        ['gain']
    """


def empty_parameter(*shape, dtype=None, device=None) -> Tensor:
    """An uninitialised Parameter of the given shape (dtype: the default float dtype); device must be the CPU."""
    from ..creation import empty
    from ..device import require_cpu

    require_cpu(device, "Parameter")
    return Parameter(empty(*shape, dtype=dtype))
