"""Module: the base class of layers and models (parameters, buffers, submodules, hooks, modes, state)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..tensor import Tensor
from . import hooks as _hooks
from . import state as _state
from .parameter import Parameter, is_parameter, mark_parameter


class Module:
    """Base class for all neural network modules: subclass it, create layers in __init__, write forward.

    Attributes assigned in `__init__` are registered by kind: a Parameter becomes a learnable parameter, a
    Module a child (its parameters are the parent's too), and `register_buffer` adds state that is saved but
    not
    learned. Calling the module runs its hooks and `forward`; never call `forward` directly when hooks matter.

    Args:
        *args: none are accepted (a subclass calls `super().__init__()` first).
        **kwargs: none are accepted.

    Raises:
        TypeError: arguments given to `Module.__init__`.

    Attributes:
        training: True in training mode (the default), False after `eval()`; dropout and batch norm read it.

    Examples:
        >>> import chainrule as cr
        >>> class MLP(cr.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = cr.nn.Linear(4, 8)
        ...         self.out = cr.nn.Linear(8, 3)
        ...         self.register_buffer("calls", cr.zeros(()))
        ...     def forward(self, x):
        ...         self.calls += 1
        ...         return self.out(self.hidden(x).relu())
        >>> model = MLP()
        >>> model(cr.randn(16, 4)).shape
        chainrule.Size([16, 3])
        >>> [name for name, _ in model.named_parameters()]
        ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
        >>> list(model.state_dict())  # own parameters and buffers first, then each child's
        ['calls', 'hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
        >>> model
        MLP(
          (hidden): Linear(in_features=4, out_features=8, bias=True)
          (out): Linear(in_features=8, out_features=3, bias=True)
        )
    """

    training: bool
    _version: int = 1

    def __init__(self, *args, **kwargs) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments {args} {kwargs}")
        d = self.__dict__  # written directly: __setattr__ needs these to exist
        d["training"] = True
        d["_non_persistent_buffers_set"] = set()
        for name in _STORES:
            d[name] = {}

    def forward(self, *args, **kwargs):
        """The computation of the module, written by each subclass; run it by calling the module, `module(x)`.

        Raises:
            NotImplementedError: the subclass did not define forward.
        """
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # ---- calling ----------------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks:
            return _hooks.call(self, args, kwargs)
        return self.forward(*args, **kwargs)

    def register_forward_pre_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False):
        """hook(module, args) runs before forward; a non-None return replaces args (a tuple or one value).

        Args:
            hook: the function; with with_kwargs=True it is called as hook(module, args, kwargs) and may
                return
                a new (args, kwargs) pair.
            prepend: run this hook before the ones already registered (default False: after them).
            with_kwargs: pass the keyword arguments of the call too (default False).

        Returns:
            A RemovableHandle; `handle.remove()` unregisters the hook.

        Examples:
            >>> import chainrule as cr
            >>> layer = cr.nn.Identity()
            >>> handle = layer.register_forward_pre_hook(lambda module, args: (args[0] * 10,))
            >>> layer(cr.tensor([1.0, 2.0]))
            tensor([10., 20.])
            >>> handle.remove()
            >>> layer(cr.tensor([1.0, 2.0]))
            tensor([1., 2.])
        """
        h = _hooks.add_hook(self._forward_pre_hooks, hook, prepend, self._forward_pre_hooks_with_kwargs)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[h.id] = True
        return h

    def register_forward_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False):
        """hook(module, args, output) runs after forward; a non-None return replaces the output.

        Args:
            hook: the function; with with_kwargs=True it is called as hook(module, args, kwargs, output).
            prepend: run this hook before the ones already registered (default False: after them).
            with_kwargs: pass the keyword arguments of the call too (default False).
            always_call: accepted for PyTorch compatibility (hooks run whenever forward returns).

        Returns:
            A RemovableHandle; `handle.remove()` unregisters the hook.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(4, 3), cr.nn.ReLU())
            >>> shapes = []
            >>> handle = model[0].register_forward_hook(lambda m, args, out: shapes.append(tuple(out.shape)))
            >>> _ = model(cr.randn(5, 4))
            >>> shapes
            [(5, 3)]
        """
        h = _hooks.add_hook(self._forward_hooks, hook, prepend, self._forward_hooks_with_kwargs)
        if with_kwargs:
            self._forward_hooks_with_kwargs[h.id] = True
        return h

    def register_full_backward_hook(self, hook, prepend: bool = False):
        """hook(module, grad_input, grad_output) runs once per backward of each call; may return new
        grad_input.

        grad_input and grad_output are tuples of the gradients with respect to the module's tensor inputs and
        outputs (None for an input that needs no gradient). `register_backward_hook` is the same method.

        Args:
            hook: the function; a non-None return (a tuple like grad_input) replaces the input gradients.
            prepend: run this hook before the ones already registered (default False: after them).

        Returns:
            A RemovableHandle; `handle.remove()` unregisters the hook.

        Examples:
            >>> import chainrule as cr
            >>> layer = cr.nn.Sigmoid()
            >>> def show(module, grad_input, grad_output):
            ...     print("dL/dy", grad_output[0], "dL/dx", grad_input[0])
            >>> _ = layer.register_full_backward_hook(show)
            >>> x = cr.zeros(2, requires_grad=True)
            >>> layer(x).sum().backward()
            dL/dy tensor([1., 1.]) dL/dx tensor([0.2500, 0.2500])
        """
        return _hooks.add_hook(self._backward_hooks, hook, prepend)

    register_backward_hook = register_full_backward_hook

    def register_full_backward_pre_hook(self, hook, prepend: bool = False):
        """hook(module, grad_output) runs when the outputs' gradients are ready; may return new grad_output.

        Args:
            hook: the function; a non-None return (a tuple like grad_output) replaces the output gradients
                before they flow into the module.
            prepend: run this hook before the ones already registered (default False: after them).

        Returns:
            A RemovableHandle; `handle.remove()` unregisters the hook.

        Examples:
            >>> import chainrule as cr
            >>> layer = cr.nn.Identity()
            >>> _ = layer.register_full_backward_pre_hook(lambda m, gout: (gout[0] * 2,))
            >>> x = cr.ones(2, requires_grad=True)
            >>> layer(x).sum().backward()
            >>> x.grad
            tensor([2., 2.])
        """
        return _hooks.add_hook(self._backward_pre_hooks, hook, prepend)

    # ---- attributes -------------------------------------------------------------------------------------
    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if is_parameter(value):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _remove_from(self, name, "_buffers", "_modules")  # a reassigned parameter keeps its place
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' (chainrule.nn.Parameter or "
                    "None expected); wrap it: nn.Parameter(tensor), or assign to .data to change the values"
                )
            self.register_parameter(name, value)
            return
        if isinstance(value, Module):
            if "_modules" not in d:
                raise AttributeError("cannot assign module before Module.__init__() call")
            _remove_from(self, name, "_parameters", "_buffers")  # a reassigned child keeps its place
            d["_modules"][name] = value
            return
        modules = d.get("_modules")
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' (chainrule.nn.Module or "
                    "None expected)"
                )
            modules[name] = value
            return
        buffers = d.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' (chainrule.Tensor or None expected)"
                )
            buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in ("_parameters", "_buffers", "_modules"):
            s = self.__dict__.get(store)
            if s is not None and name in s:
                del s[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = list(super().__dir__())
        return sorted(set(keys + list(self._parameters) + list(self._buffers) + list(self._modules)))

    def __setstate__(self, state: dict) -> None:
        """Unpickling / deepcopy: the copied parameters are new tensors, so register them as Parameters."""
        self.__dict__.update(state)
        for p in self._parameters.values():
            if p is not None:
                mark_parameter(p)

    # ---- registration -----------------------------------------------------------------------------------
    def _check_name(self, name, kind: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f'{kind} name can\'t be empty or contain ".", got: {name!r}')
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")

    def register_parameter(self, name: str, param) -> None:
        """Add a Parameter (or None) under `name`; assigning `self.name = nn.Parameter(...)` does the same.

        Args:
            name: the attribute name (no "." and not empty).
            param: an nn.Parameter (a leaf), or None for an optional parameter that is absent (e.g. no bias).

        Raises:
            KeyError: the name is empty, contains ".", or is an existing attribute that is not a parameter.
            TypeError: the name is not a string, or param is neither a Parameter nor None.
            ValueError: param is not a leaf (it has a grad_fn).
            AttributeError: called before `Module.__init__`.

        Examples:
            >>> import chainrule as cr
            >>> m = cr.nn.Module()
            >>> m.register_parameter("scale", cr.nn.Parameter(cr.ones(3)))
            >>> m.register_parameter("shift", None)
            >>> [name for name, _ in m.named_parameters()], m.shift is None
            (['scale'], True)
        """
        self._check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not is_parameter(param):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' (chainrule.nn.Parameter "
                "or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"cannot assign non-leaf Tensor to parameter '{name}'; compute it in forward() instead, or make "
                "a leaf with nn.Parameter(tensor.detach())"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Add a tensor (not learned: running statistics, masks) saved in state_dict unless persistent=False.

        Buffers follow the module in `to()`, `float()`, `state_dict()` and `load_state_dict()`, and read as
        attributes (`self.name`); reassigning `self.name = tensor` later keeps it a buffer.

        Args:
            name: the attribute name (no "." and not empty).
            tensor: the tensor, or None.
            persistent: include it in state_dict (default True).

        Raises:
            KeyError: the name is empty, contains ".", or is an existing attribute that is not a buffer.
            TypeError: the name is not a string, or tensor is neither a Tensor nor None.

        Examples:
            >>> import chainrule as cr
            >>> m = cr.nn.Module()
            >>> m.register_buffer("running_mean", cr.zeros(2))
            >>> m.register_buffer("mask", cr.ones(2), persistent=False)
            >>> list(m.state_dict()), [name for name, _ in m.named_buffers()]
            (['running_mean'], ['running_mean', 'mask'])
        """
        self._check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' (Tensor or None)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module) -> None:
        """Add a child module (or None) under `name`; `self.name = module` does the same. `register_module` is
        the same method.

        Args:
            name: the attribute name (no "." and not empty).
            module: a Module, or None.

        Raises:
            TypeError: module is neither a Module nor None, or the name is not a string.
            KeyError: the name is empty, contains ".", or is an existing attribute that is not a child.

        Examples:
            >>> import chainrule as cr
            >>> m = cr.nn.Module()
            >>> m.add_module("encoder", cr.nn.Linear(2, 2))
            >>> m.register_module("act", cr.nn.ReLU())
            >>> m
            Module(
              (encoder): Linear(in_features=2, out_features=2, bias=True)
              (act): ReLU()
            )
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The submodule at a dotted path such as "encoder.0" (the empty string: the module itself).

        Args:
            target: the path, names separated by "." as in `named_modules()`.

        Returns:
            The Module at that path.

        Raises:
            AttributeError: a name along the path is not a child module.

        Examples:
            >>> import chainrule as cr
            >>> block = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.ReLU())
            >>> model = cr.nn.Sequential(block, cr.nn.Linear(3, 1))
            >>> model.get_submodule("0.1")
            ReLU()
        """
        mod = self
        if target == "":
            return mod
        for item in target.split("."):
            sub = mod._modules.get(item) if isinstance(mod, Module) else None
            if sub is None:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{item}` (looking up {target!r})")
            mod = sub
        return mod

    def get_parameter(self, target: str) -> Tensor:
        """The parameter at a dotted path such as "encoder.0.weight".

        Args:
            target: the path, as the keys of `named_parameters()`.

        Returns:
            The Parameter.

        Raises:
            AttributeError: the module path does not exist or its module has no such parameter.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.ReLU(), cr.nn.Linear(3, 1))
            >>> model.get_parameter("2.weight").shape
            chainrule.Size([1, 3])
        """
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if name not in mod._parameters:
            raise AttributeError(f"{type(mod).__name__} has no parameter `{name}`")
        return mod._parameters[name]

    # ---- iteration --------------------------------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True):
        """(dotted name, module) for self and every submodule, depth first; a module shared by several parents
        comes once unless remove_duplicate=False.

        Args:
            memo: a set of modules to skip, filled as they are seen (default None: a new set).
            prefix: prepended to every name (default "": self is named "").
            remove_duplicate: yield a shared module once (default True).

        Yields:
            (name, module) pairs, self first.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.Sequential(cr.nn.ReLU()))
            >>> [name for name, _ in model.named_modules()]
            ['', '0', '1', '1.0']
            >>> [type(m).__name__ for m in model.modules()]
            ['Sequential', 'Linear', 'Sequential', 'ReLU']
        """
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            yield from m.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self):
        """Every module in the tree, self first, depth first, each once (`named_modules()` without the names).

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.ReLU())
            >>> sum(isinstance(m, cr.nn.Linear) for m in model.modules())
            1
        """
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """(name, module) for each direct child, in registration order (a child registered twice comes once).

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.Sequential(cr.nn.ReLU()))
            >>> [name for name, _ in model.named_children()]
            ['0', '1']
        """
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self):
        """The direct child modules (not their children), in registration order.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.Sequential(cr.nn.ReLU()))
            >>> list(model.children())
            [Linear(in_features=2, out_features=3, bias=True), Sequential(
              (0): ReLU()
            )]
        """
        for _, m in self.named_children():
            yield m

    def _named_members(self, store: str, prefix: str, recurse: bool, remove_duplicate: bool = True):
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for mod_prefix, mod in mods:
            for name, v in getattr(mod, store).items():
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                seen.add(id(v))
                yield mod_prefix + ("." if mod_prefix else "") + name, v

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        """(dotted name, parameter) for every parameter, the state_dict's keys and order.

        Args:
            prefix: prepended to every name (default "").
            recurse: include the submodules' parameters (default True: only this module's with False).
            remove_duplicate: yield a shared (tied) parameter once (default True).

        Yields:
            (name, Parameter) pairs.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.ReLU(), cr.nn.Linear(3, 1))
            >>> [(name, tuple(p.shape)) for name, p in model.named_parameters()]
            [('0.weight', (3, 2)), ('0.bias', (3,)), ('2.weight', (1, 3)), ('2.bias', (1,))]
        """
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True):
        """Every parameter of the module and (with recurse) its submodules, each once: what an optimizer
        takes.

        Args:
            recurse: include the submodules' parameters (default True).

        Yields:
            Parameters.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.ReLU(), cr.nn.Linear(3, 1))
            >>> sum(p.numel() for p in model.parameters())
            13
            >>> optimizer = cr.optim.SGD(model.parameters(), lr=0.1)
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        """(dotted name, buffer) for every buffer, persistent or not.

        Args:
            prefix: prepended to every name (default "").
            recurse: include the submodules' buffers (default True).
            remove_duplicate: yield a shared buffer once (default True).

        Yields:
            (name, Tensor) pairs.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.BatchNorm1d(3))
            >>> [name for name, _ in model.named_buffers()]
            ['1.running_mean', '1.running_var', '1.num_batches_tracked']
        """
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True):
        """Every buffer of the module and (with recurse) its submodules.

        Args:
            recurse: include the submodules' buffers (default True).

        Examples:
            >>> import chainrule as cr
            >>> [tuple(b.shape) for b in cr.nn.BatchNorm1d(3).buffers()]
            [(3,), (3,), ()]
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ---- modes and gradients ----------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch statistics) on this module and all submodules.

        Args:
            mode: True for training mode, False for evaluation mode (default True).

        Returns:
            self.

        Raises:
            ValueError: mode is not a bool.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 2), cr.nn.Dropout(0.5))
            >>> model.eval().training, model[1].training
            (False, False)
            >>> model.train().training, model[1].training
            (True, True)
        """
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be boolean, got {type(mode).__name__}")  # noqa: TRY004
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: dropout off, batch norm uses running statistics. Same as train(False).

        It does not turn off gradient recording: use `chainrule.no_grad()` for that.

        Returns:
            self.

        Examples:
            >>> import chainrule as cr
            >>> drop = cr.nn.Dropout(0.5).eval()
            >>> drop(cr.ones(4))
            tensor([1., 1., 1., 1.])
        """
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set requires_grad on every parameter, e.g. False to freeze a pretrained part of a model.

        Args:
            requires_grad: whether the parameters collect gradients (default True).

        Returns:
            self.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.Linear(3, 1))
            >>> _ = model[0].requires_grad_(False)
            >>> [p.requires_grad for p in model.parameters()]
            [False, False, True, True]
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (to None by default, or to zeros).

        Args:
            set_to_none: set each `.grad` to None (default True, cheaper); with False, fill it with zeros.

        Examples:
            >>> import chainrule as cr
            >>> layer = cr.nn.Linear(2, 1)
            >>> layer(cr.ones(1, 2)).sum().backward()
            >>> layer.bias.grad
            tensor([1.])
            >>> layer.zero_grad(set_to_none=False)
            >>> layer.bias.grad
            tensor([0.])
            >>> layer.zero_grad()
            >>> layer.bias.grad is None
            True
        """
        for p in self.parameters():
            g = p._grad
            if g is None:
                continue
            if set_to_none:
                p._grad = None
            elif g.grad_fn is None and g._data.flags.writeable:
                g._data[...] = 0
            else:
                p._grad = Tensor._wrap(np.zeros_like(p._data))

    def apply(self, fn) -> Module:
        """Call fn on every submodule (children first) and on self, e.g. for custom initialisation.

        Args:
            fn: a function of one module; its return value is ignored.

        Returns:
            self.

        Examples:
            >>> import chainrule as cr
            >>> def init_weights(m):
            ...     if isinstance(m, cr.nn.Linear):
            ...         cr.nn.init.constant_(m.weight, 0.5)
            ...         cr.nn.init.zeros_(m.bias)
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 2), cr.nn.ReLU()).apply(init_weights)
            >>> model[0].weight
            Parameter containing:
            tensor([[0.5000, 0.5000],
                    [0.5000, 0.5000]], requires_grad=True)
        """
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ---- dtype and device -------------------------------------------------------------------------------
    def to(self, *args, **kwargs) -> Module:
        """`to("cpu")`, `to(device)`, `to(dtype)` (floating parameters and buffers, in place), `to(tensor)`.

        The parameters stay the same tensor objects (an optimizer built before keeps working); their values,
        gradients and the floating buffers are converted. Integer buffers (e.g. num_batches_tracked) keep
        their
        dtype.

        Args:
            *args: a device ("cpu", `chainrule.device("cpu")`), a floating dtype, or a tensor (its dtype).
            **kwargs: device=, dtype= or tensor=, as the positional forms; non_blocking and copy are ignored.

        Returns:
            self.

        Raises:
            TypeError: a dtype that is not floating.
            RuntimeError: a device other than the CPU (chainrule has no GPU backend).

        Examples:
            >>> import chainrule as cr
            >>> layer = cr.nn.Linear(2, 2).to(cr.float64)
            >>> layer.weight.dtype, layer.to("cpu") is layer
            (chainrule.float64, True)
        """
        dtype = _state.target_dtype(args, kwargs)
        if dtype is not None:
            _state.cast_floating(self, dtype)
        return self

    def float(self) -> Module:
        """Convert the floating parameters and buffers to float32 in place: `to(chainrule.float32)`.

        Examples:
            >>> import chainrule as cr
            >>> cr.nn.Linear(2, 2).double().float().weight.dtype
            chainrule.float32
        """
        return self.to(np.float32)

    def double(self) -> Module:
        """Convert the floating parameters and buffers to float64 in place (e.g. for gradcheck).

        Examples:
            >>> import chainrule as cr
            >>> cr.nn.Linear(2, 2).double().weight.dtype
            chainrule.float64
        """
        return self.to(np.float64)

    def half(self) -> Module:
        """Convert the floating parameters and buffers to float16 in place.

        Examples:
            >>> import chainrule as cr
            >>> cr.nn.Linear(2, 2).half().weight.dtype
            chainrule.float16
        """
        return self.to(np.float16)

    def cpu(self) -> Module:
        """Return self: chainrule's tensors always live in CPU memory.

        Examples:
            >>> import chainrule as cr
            >>> layer = cr.nn.Linear(2, 2)
            >>> layer.cpu() is layer
            True
        """
        return self

    def cuda(self, device=None) -> Module:
        """Always raises: chainrule has no GPU backend (the error says so, instead of silently staying on the
        CPU).

        Args:
            device: the CUDA device (ignored).

        Raises:
            RuntimeError: always.

        Examples:
            >>> import chainrule as cr
            >>> cr.nn.Linear(2, 2).cuda()
            Traceback (most recent call last):
            ...
            RuntimeError: ...
        """
        from ..device import require_cpu

        require_cpu("cuda" if device is None else device if not isinstance(device, int) else f"cuda:{device}",
                    "Module.cuda")
        return self

    def type(self, dst_type) -> Module:
        """Convert the floating parameters and buffers to dst_type in place: `to(dst_type)`.

        Args:
            dst_type: a floating dtype.

        Examples:
            >>> import chainrule as cr
            >>> cr.nn.Linear(2, 2).type(cr.float64).bias.dtype
            chainrule.float64
        """
        return self.to(dst_type)

    # ---- state ------------------------------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
        """Ordered dict of parameter and persistent-buffer name -> tensor (detached unless keep_vars).

        The tensors share memory with the module (save a copy with `chainrule.save` or clone them).

        Args:
            *args: ignored (PyTorch's deprecated positional destination and prefix).
            destination: a dict to fill and return (default None: a new OrderedDict).
            prefix: prepended to every key (default "").
            keep_vars: return the parameters themselves, not detached tensors (default False).

        Returns:
            An OrderedDict of key -> Tensor, PyTorch's keys ("0.weight", "bn.running_mean", ...).

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.BatchNorm1d(3))
            >>> list(model.state_dict())
            ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var',
             '1.num_batches_tracked']
        """
        return _state.state_dict(self, destination, prefix, keep_vars)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy tensors from state_dict; validates every key and shape first, so a failed load changes
        nothing.

        Args:
            state_dict: a mapping of key -> Tensor or NumPy array, e.g. from `state_dict()` or a checkpoint.
            strict: the keys must match exactly (default True); with False, missing and unexpected keys are
                only
                reported.
            assign: replace each tensor's values by the checkpoint's array instead of copying into it (default
                False); the dtype stays the module's.

        Returns:
            A named tuple (missing_keys, unexpected_keys).

        Raises:
            RuntimeError: a shape mismatch, or (with strict) missing or unexpected keys; the message lists
                them all.
            TypeError: state_dict is not dict-like, or a value is neither a Tensor nor an array.

        Examples:
            >>> import chainrule as cr
            >>> a, b = cr.nn.Linear(2, 1), cr.nn.Linear(2, 1)
            >>> b.load_state_dict(a.state_dict())
            <All keys matched successfully>
            >>> cr.equal(a.weight, b.weight)
            True
            >>> b.load_state_dict({"weight": cr.zeros(1, 2)}, strict=False)
            _IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
        """
        return _state.load_state_dict(self, state_dict, strict, assign)

    # ---- printing ---------------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (override in layers).

        Examples:
            >>> import chainrule as cr
            >>> cr.nn.Linear(2, 3).extra_repr()
            'in_features=2, out_features=3, bias=True'
        """
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({k}): " + _addindent(repr(m), 2) for k, m in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                body = extra_lines[0]
            else:
                body = "\n  " + "\n  ".join(lines) + "\n"
        return self._get_name() + "(" + body + ")"


_STORES = (
    "_parameters", "_buffers", "_modules", "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks",
    "_forward_hooks_with_kwargs", "_backward_hooks", "_backward_pre_hooks",
)


def _addindent(s: str, n: int) -> str:
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join(" " * n + line for line in lines[1:])


def _remove_from(module: Module, name: str, *stores: str) -> None:
    """Drop `name` from the instance dict and the given stores (not its own store: a reassignment of an existing
    parameter or child replaces it in place, so named_children and state_dict keep their order, as PyTorch's)."""
    d = module.__dict__
    d.pop(name, None)
    for store in stores:
        s = d.get(store)
        if s is not None:
            s.pop(name, None)
    d["_non_persistent_buffers_set"].discard(name)


__all__ = ["Module", "Parameter"]
