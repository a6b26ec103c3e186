"""Containers of modules: Sequential, ModuleList, ModuleDict."""

from __future__ import annotations

import operator
from collections import OrderedDict

from .module import Module, _addindent


def _index(idx, n: int, cls: str) -> int:
    i = operator.index(idx)
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of range for {cls} of length {n}")
    return i % n


class Sequential(Module):
    """Modules applied in order, each to the previous one's output: `Sequential(m1, m2, ...)`, or
    `Sequential(OrderedDict([("name", module), ...]))` to name them.

    Indexing gives a module (`seq[0]`) or a Sequential of a slice (`seq[1:]`); `len`, iteration, `append`,
    `insert`, `extend` and `del` work as on a list.

    Args:
        *args: the modules, or one OrderedDict (or dict) of name -> module.

    Raises:
        IndexError: an index out of range.
        TypeError: `+` with something that is not a Sequential, or an entry that is not a Module.

    Examples:
        >>> import chainrule as cr
        >>> model = cr.nn.Sequential(cr.nn.Linear(4, 8), cr.nn.ReLU(), cr.nn.Linear(8, 3))
        >>> model(cr.randn(16, 4)).shape
        chainrule.Size([16, 3])
        >>> model[0]
        Linear(in_features=4, out_features=8, bias=True)
        >>> len(model), sum(p.numel() for p in model.parameters())
        (3, 67)
        >>> model.insert(1, cr.nn.Dropout(0.1)).append(cr.nn.Softmax(dim=1)).extend([cr.nn.Identity()])
        Sequential(
          (0): Linear(in_features=4, out_features=8, bias=True)
          (1): Dropout(p=0.1, inplace=False)
          (2): ReLU()
          (3): Linear(in_features=8, out_features=3, bias=True)
          (4): Softmax(dim=1)
          (5): Identity()
        )
        >>> model.pop(1), len(model), model[1:3]  # a slice keeps the names, as PyTorch's
        (Dropout(p=0.1, inplace=False), 5, Sequential(
          (1): ReLU()
          (2): Linear(in_features=8, out_features=3, bias=True)
        ))
    """

    def __init__(self, *args) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], (OrderedDict, dict)):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index(idx, len(self._modules), "Sequential")]

    def __setitem__(self, idx, module) -> None:
        key = list(self._modules)[_index(idx, len(self._modules), "Sequential")]
        self.add_module(key, module)

    def __delitem__(self, idx) -> None:
        keys = list(self._modules)
        for key in keys[idx] if isinstance(idx, slice) else [keys[_index(idx, len(keys), "Sequential")]]:
            del self._modules[key]
        self._renumber()

    def _renumber(self) -> None:
        """Keep default string-int keys consecutive after a deletion or insertion (as PyTorch does)."""
        items = list(self._modules.items())
        if all(k.isdigit() for k, _ in items):
            self._modules.clear()
            for i, (_, m) in enumerate(items):
                self._modules[str(i)] = m

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __add__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise TypeError(f"add operator supports only Sequential objects, got {type(other).__name__}")
        return Sequential(*self, *other)

    def append(self, module: Module) -> Sequential:
        """Add module at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules) -> Sequential:
        """Append each module of an iterable; returns self."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert module before position index (renumbering the ones after); returns self.

        Raises:
            IndexError: index outside [-len, len].
        """
        mods = list(self._modules.values())
        n = len(mods)
        if not -n <= index <= n:
            raise IndexError(f"index {index} is out of range for Sequential of length {n}")
        mods.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(mods):
            self.add_module(str(i), m)
        return self

    def pop(self, key: int) -> Module:
        """Remove the module at position key and return it (the ones after are renumbered)."""
        m = self[key]
        del self[key]
        return m


class ModuleList(Module):
    """A list of modules whose parameters the parent sees (a plain Python list would hide them from
    `parameters()`, `state_dict()`, `to()`, `train()` and `eval()`).

    Args:
        modules: an iterable of modules to start with (default None: empty).

    Examples:
        >>> import chainrule as cr
        >>> class Stack(cr.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.layers = cr.nn.ModuleList(cr.nn.Linear(4, 4) for _ in range(3))
        ...     def forward(self, x):
        ...         for layer in self.layers:
        ...             x = layer(x).relu()
        ...         return x
        >>> len(list(Stack().parameters()))
        6
        >>> acts = cr.nn.ModuleList([cr.nn.ReLU()])
        >>> acts.append(cr.nn.Tanh()).extend([cr.nn.Sigmoid()])
        ModuleList(
          (0): ReLU()
          (1): Tanh()
          (2): Sigmoid()
        )
        >>> acts.insert(0, cr.nn.Identity())
        >>> acts.pop(), len(acts), acts[0]
        (Sigmoid(), 3, Identity())
    """

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[str(_index(idx, len(self._modules), "ModuleList"))]

    def __setitem__(self, idx, module) -> None:
        self.add_module(str(_index(idx, len(self._modules), "ModuleList")), module)

    def __delitem__(self, idx) -> None:
        mods = list(self._modules.values())
        if isinstance(idx, slice):
            del mods[idx]
        else:
            del mods[_index(idx, len(mods), "ModuleList")]
        self._modules.clear()
        for i, m in enumerate(mods):
            self.add_module(str(i), m)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other) -> ModuleList:
        return ModuleList(list(self) + list(other))

    def append(self, module: Module) -> ModuleList:
        """Add module at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules) -> ModuleList:
        """Append each module of an iterable; returns self."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert module before position index (as list.insert)."""
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(mods):
            self.add_module(str(i), m)

    def pop(self, key: int = -1) -> Module:
        """Remove the module at position key (default -1: the last) and return it."""
        m = self[key]
        del self[key]
        return m

    def __repr__(self) -> str:
        """Runs of identical modules print once, as `(0-2): 3 x Linear(...)` (PyTorch's format)."""
        items = [(k, repr(m)) for k, m in self._modules.items()]
        if not items:
            return self._get_name() + "()"
        lines = []
        start = 0
        for i in range(1, len(items) + 1):
            if i < len(items) and items[i][1] == items[start][1]:
                continue
            text = _addindent(items[start][1], 2)
            if i - start == 1:
                lines.append(f"({items[start][0]}): {text}")
            else:
                lines.append(f"({items[start][0]}-{items[i - 1][0]}): {i - start} x {text}")
            start = i
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """An ordered dict of modules (string keys) whose parameters the parent sees.

    Args:
        modules: a mapping or an iterable of (name, module) pairs to start with (default None: empty).

    Examples:
        >>> import chainrule as cr
        >>> heads = cr.nn.ModuleDict({"digit": cr.nn.Linear(8, 10), "parity": cr.nn.Linear(8, 2)})
        >>> list(heads), heads["parity"](cr.randn(1, 8)).shape
        (['digit', 'parity'], chainrule.Size([1, 2]))
        >>> heads.update([("sign", cr.nn.Linear(8, 1))])
        >>> list(heads.keys()), [type(m).__name__ for m in heads.values()], [k for k, _ in heads.items()][-1]
        (['digit', 'parity', 'sign'], ['Linear', 'Linear', 'Linear'], 'sign')
        >>> heads.pop("digit"), "digit" in heads
        (Linear(in_features=8, out_features=10, bias=True), False)
        >>> heads.clear()
        >>> len(heads)
        0
    """

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def keys(self):
        """The keys, in insertion order."""
        return self._modules.keys()

    def items(self):
        """(key, module) pairs, in insertion order."""
        return self._modules.items()

    def values(self):
        """The modules, in insertion order."""
        return self._modules.values()

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove the module under key and return it (KeyError when there is none)."""
        m = self[key]
        del self[key]
        return m

    def update(self, modules) -> None:
        """Add or replace modules from a mapping or an iterable of (key, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, m in pairs:
            self[key] = m
