"""Containers of parameters: ParameterList and ParameterDict (plain tensors put in become Parameters)."""

from __future__ import annotations

from ..tensor import Tensor
from .container import _index
from .module import Module
from .parameter import Parameter, is_parameter


def _as_param(value):
    if isinstance(value, Tensor) and not is_parameter(value):
        return Parameter(value)
    return value


def _describe(key, p) -> str:
    if not isinstance(p, Tensor):
        return f"  ({key}): Object of type: {type(p).__name__}"
    size = "x".join(str(s) for s in p.shape)
    kind = "Parameter containing" if is_parameter(p) else "Tensor"
    return f"  ({key}): {kind}: [chainrule.{p._data.dtype} of size {size}]"


class ParameterList(Module):
    """A list of Parameters registered with the parent module (plain tensors put in become Parameters).

    Indexing, `len`, iteration, `append`, `extend` and `+=` work as on a list; the entries are named "0", "1",
    ... in `named_parameters()` and `state_dict()`.

    Args:
        values: an iterable of tensors to start with (default None: empty).

    Raises:
        RuntimeError: the list is called like a module.

    Examples:
        >>> import chainrule as cr
        >>> params = cr.nn.ParameterList([cr.ones(2), cr.nn.Parameter(cr.zeros(3))])
        >>> params.append(cr.ones(1)).extend([cr.ones(4)])
        ParameterList(
            (0): Parameter containing: [chainrule.float32 of size 2]
            (1): Parameter containing: [chainrule.float32 of size 3]
            (2): Parameter containing: [chainrule.float32 of size 1]
            (3): Parameter containing: [chainrule.float32 of size 4]
        )
        >>> len(params), isinstance(params[0], cr.nn.Parameter)
        (4, True)
    """

    def __init__(self, values=None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(self._size)[idx]])
        return getattr(self, str(_index(idx, self._size, "ParameterList")))

    def __setitem__(self, idx, param) -> None:
        setattr(self, str(_index(idx, self._size, "ParameterList")), _as_param(param))

    def __len__(self) -> int:
        return self._size

    def __iter__(self):
        return (self[i] for i in range(self._size))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value) -> ParameterList:
        """Add one tensor at the end (wrapped as a Parameter unless it is one); returns self."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values) -> ParameterList:
        """Append each tensor of an iterable; returns self."""
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_describe(i, p) for i, p in enumerate(self))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """An ordered dict of Parameters (string keys) registered with the parent module.

    Plain tensors put in become Parameters. Indexing by key, `in`, `len`, iteration over the keys, `keys()`,
    `values()`, `items()`, `get()`, `pop()`, `update()` and `clear()` work as on a dict.

    Args:
        parameters: a mapping or an iterable of (name, tensor) pairs to start with (default None: empty).

    Raises:
        KeyError: a missing key is read.
        RuntimeError: the dict is called like a module.

    Examples:
        >>> import chainrule as cr
        >>> params = cr.nn.ParameterDict({"scale": cr.ones(2)})
        >>> params.update({"shift": cr.zeros(2)})
        >>> params
        ParameterDict(
            (scale): Parameter containing: [chainrule.float32 of size 2]
            (shift): Parameter containing: [chainrule.float32 of size 2]
        )
        >>> list(params.keys()), [tuple(p.shape) for p in params.values()], params.get("bias") is None
        (['scale', 'shift'], [(2,), (2,)], True)
        >>> [name for name, _ in params.items()], params.pop("scale").shape, list(params)
        (['scale', 'shift'], chainrule.Size([2]), ['shift'])
        >>> params.clear()
        >>> len(params)
        0
    """

    def __init__(self, parameters=None) -> None:
        super().__init__()
        self._keys: dict = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str):
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value) -> None:
        self._keys[key] = None
        setattr(self, key, _as_param(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key) -> bool:
        return key in self._keys

    def keys(self):
        """The keys, in insertion order."""
        return self._keys.keys()

    def items(self):
        """(key, parameter) pairs, in insertion order."""
        return ((k, self[k]) for k in self._keys)

    def values(self):
        """The parameters, in insertion order."""
        return (self[k] for k in self._keys)

    def get(self, key: str, default=None):
        """The parameter under key, or default (None) when there is none."""
        return self[key] if key in self._keys else default

    def pop(self, key: str):
        """Remove the parameter under key and return it (KeyError when there is none)."""
        v = self[key]
        del self[key]
        return v

    def clear(self) -> None:
        """Remove every parameter."""
        for k in list(self._keys):
            del self[k]

    def update(self, parameters) -> None:
        """Add or replace parameters from a mapping or an iterable of (key, tensor) pairs."""
        pairs = parameters.items() if hasattr(parameters, "items") else parameters
        for k, v in pairs:
            self[k] = v

    def extra_repr(self) -> str:
        return "\n".join(_describe(k, p) for k, p in self.items())

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterDict should not be called.")
