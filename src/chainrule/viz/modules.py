"""Which Module created each graph node: forward hooks that tag the nodes made inside each module's forward.

    with chainrule.viz.record_modules(model) as tags:
        loss = loss_fn(model(x), y)
    chainrule.viz.draw_graph(loss, params=dict(model.named_parameters()), modules=tags)

Each module's forward hook walks back from its output to its inputs and tags the untagged nodes on the way; an
inner module's hook runs before its parent's, so a node belongs to the innermost module that made it.
"""

from __future__ import annotations

from ..tensor import Tensor


def _tensors(obj) -> list[Tensor]:
    """The tensors in a module's output (a tensor, or tuples/lists/dicts of them)."""
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (tuple, list)):
        return [t for o in obj for t in _tensors(o)]
    return []


def _inside(owner: str, path: str) -> bool:
    """Whether module `owner` is `path` or nested in it ('' is the root, holding every module)."""
    return path == "" or owner == path or owner.startswith(path + ".")


class ModuleRecorder:
    """A context manager tagging graph nodes with the dotted path of the module whose forward created them.

    Args:
        model: the Module whose forward passes are recorded.
        root_name: the model's label (default None: its class name).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.ReLU(), cr.nn.Linear(3, 1))
        >>> with viz.ModuleRecorder(model) as recorder:
        ...     out = model(cr.ones(1, 2))
        >>> recorder.module_of(out.grad_fn), recorder.display("0"), recorder.module_of_param("2.weight")
        ('2', '0 (Linear)', '2')
        >>> graph = viz.draw_graph(out, params=dict(model.named_parameters()), modules=recorder)
        >>> "cluster" in graph.source
        True
    """

    def __init__(self, model, root_name: str | None = None):
        self.model = model
        self.root_name = root_name or type(model).__name__
        self.tags: dict = {}  # Function -> module path ('' is the model itself)
        self.types: dict[str, str] = {}  # module path -> class name
        self._handles: list = []
        self._boundaries: list[set] = []

    def __enter__(self) -> ModuleRecorder:
        for path, module in self.model.named_modules():
            self.types.setdefault(path, type(module).__name__)
            self._handles.append(module.register_forward_pre_hook(self._pre))
            self._handles.append(module.register_forward_hook(self._make_post(path)))
        return self

    def __exit__(self, *exc) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()

    def _pre(self, module, args) -> None:
        self._boundaries.append({t.grad_fn for t in _tensors(args) if t.grad_fn is not None})

    def _make_post(self, path: str):
        def post(module, args, output) -> None:
            boundary = self._boundaries.pop() if self._boundaries else set()
            self._tag(path, _tensors(output), boundary)

        return post

    def _tag(self, path: str, outputs: list[Tensor], boundary: set) -> None:
        stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
        seen = set()
        while stack:
            fn = stack.pop()
            if fn in seen or fn in boundary:
                continue
            seen.add(fn)
            owner = self.tags.get(fn)
            if owner is None:
                self.tags[fn] = path
            elif not _inside(owner, path):
                continue  # made by a module called earlier, outside this one
            for e in fn.next:
                if e is None or isinstance(e, Tensor):
                    continue
                stack.append(e[0] if type(e) is tuple else e)

    # ---- queries used by Graph ----------------------------------------------------------------------------
    def module_of(self, fn) -> str | None:
        """The path of the module that created node fn (None: created outside the model)."""
        return self.tags.get(fn)

    def module_of_param(self, param_name: str) -> str | None:
        """'layers.0.weight' -> 'layers.0' when that module was recorded."""
        path = param_name.rpartition(".")[0]
        return path if path in self.types else None

    def display(self, path: str) -> str:
        """'fc1 (Linear)', or the model's class name for the root."""
        if path == "":
            return self.root_name
        return f"{path} ({self.types.get(path, '?')})"


def record_modules(model, root_name: str | None = None) -> ModuleRecorder:
    """`with record_modules(model) as tags:` tags the nodes created inside each module's forward.

    Args:
        model: the Module.
        root_name: the model's label (default None: its class name).

    Returns:
        A ModuleRecorder (use it as a context manager).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> model = cr.nn.Sequential(cr.nn.Linear(2, 2), cr.nn.Tanh())
        >>> with viz.record_modules(model, root_name="net") as tags:
        ...     out = model(cr.ones(1, 2))
        >>> tags.display(""), tags.module_of(out.grad_fn)
        ('net', '1')
    """
    return ModuleRecorder(model, root_name)
