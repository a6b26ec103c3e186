"""Function: one differentiable operation, its forward and its backward (a vector-Jacobian product) side by side.

An instance of a Function subclass is the graph node (PyTorch's `grad_fn` and `ctx` at once): it keeps the edges
to its inputs' nodes, what forward saved for backward, and the versions of the saved tensors.

Two flavours share this class:
- user Functions (PyTorch's `torch.autograd.Function`): forward and backward see Tensors;
- built-in ops (`Op`, below): forward and backward see ndarrays, which keeps each op to a few NumPy calls. For
  higher-order gradients the engine calls the same backward with Tensors instead; NumPy calls in it dispatch back
  into chainrule through `__array_ufunc__`/`__array_function__`, so one backward serves both.
"""

from __future__ import annotations

import traceback

import numpy as np

from ..tensor import EDITS, Tensor
from .grad_mode import anomaly_used as _anomaly_used
from .grad_mode import no_grad
from .grad_mode import state as _state

_new = object.__new__
_ndarray = np.ndarray
FREED = ("<freed>",)
USER = "user"  # Function._ctx_attrs of a user Function's node


class Function:
    """Base class for differentiable operations: subclass with static `forward(ctx, ...)` and
    `backward(ctx, ...)`.

    `forward(ctx, *args)` computes the outputs from the inputs (Tensors and any other arguments) and may keep
    what backward needs with `ctx.save_for_backward(...)`. `backward(ctx, *grad_outputs)` receives one
    gradient per output (dL/d(output), the output's shape and dtype) and returns one gradient per forward
    argument (None for an argument that needs none). Call the Function with `Cls.apply(*args)`, never by
    instantiating it: the instance is the graph node (the outputs' `grad_fn`) and the `ctx` that both methods
    receive.

    Examples:
        >>> import chainrule as cr
        >>> class Cube(cr.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad_output):
        ...         x, = ctx.saved_tensors
        ...         return grad_output * 3 * x ** 2      # dL/dx = g * 3x^2
        >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
        >>> y = Cube.apply(x)
        >>> y
        tensor([1., 8.], grad_fn=<CubeBackward...>)
        >>> y.grad_fn.next_functions
        ((tensor([1., 2.], requires_grad=True), 0),)
        >>> y.sum().backward()
        >>> x.grad
        tensor([ 3., 12.])
        >>> cr.autograd.gradcheck(Cube.apply, (cr.tensor([0.5, -1.5], dtype=cr.float64, requires_grad=True),))
        True
    """

    # Class-level defaults, so a node only pays for what it uses.
    saved = ()
    _versions = None
    _edits = -1  # EDITS[0] when the versions were recorded
    _watched = None
    _stack = None
    _n_out = 1
    _out_pos = -1
    _osh = None  # the shape and dtype of output 0: what the gradient flowing into this node must have
    _odt = None
    _materialize = True
    _non_diff = ()
    _tensor_args = None  # user Functions: which forward arguments were Tensors (others get no gradient)
    next = ()
    inputs = ()
    needs_input_grad = ()
    differentiable_backward = True
    _is_op = False
    # Op: whether forward keeps attributes on ctx (None until the engine learns it, release.py); a user
    # Function's nodes say "user", so that the engine reads one attribute per node for both questions
    _ctx_attrs = USER
    # PyTorch's name for this node, shown in grad_fn=<...>: a user Function is "<Class>Backward", a built-in one
    # "<Class>Backward0" unless the class names PyTorch's node (`node_name = "NllLossBackward0"`).
    node_name = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "node_name" not in cls.__dict__:
            builtin = cls.__module__.startswith("chainrule.")
            cls.node_name = cls.__name__ + ("Backward0" if builtin else "Backward")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """The op's outputs (a Tensor or a tuple of Tensors); subclasses define it (see the class example).

        Args:
            ctx: the node being built: keep what backward needs on it (`ctx.save_for_backward`, attributes).
            *args: the inputs, as given to `apply` (Tensors and any other values).

        Raises:
            NotImplementedError: the subclass did not define forward.
        """
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")  # abstract

    @staticmethod
    def backward(ctx, *grad_outputs):
        """The gradients of the inputs from those of the outputs; subclasses define it (see the class
        example).

        Args:
            ctx: the node forward filled (`ctx.saved_tensors`, `ctx.needs_input_grad`, its attributes).
            *grad_outputs: dL/d(output) for each output, each of its output's shape and dtype (zeros for an
                output that got no gradient, or None after `ctx.set_materialize_grads(False)`).

        Returns:
            One gradient per argument of forward (a Tensor of that input's shape, or None), or a single Tensor
            when forward took one argument.

        Raises:
            NotImplementedError: the subclass did not define backward.
        """
        raise NotImplementedError("a Function subclass must define backward(ctx, *grad_outputs)")  # abstract

    # ---- the ctx API ------------------------------------------------------------------------------------
    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (or arrays, in built-in ops) for backward; in-place edits to them are caught.

        Args:
            *tensors: the tensors backward reads back, in order, from `ctx.saved_tensors` (None allowed).

        Examples:
            >>> import chainrule as cr
            >>> class Square(cr.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x * x
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         x, = ctx.saved_tensors
            ...         return 2 * x * g                 # dL/dx = 2x g
            >>> x = cr.tensor(3.0, requires_grad=True)
            >>> Square.apply(x).backward()
            >>> x.grad
            tensor(6.)
        """
        self.saved = tensors

    @property
    def saved_tensors(self) -> tuple:
        """The tuple given to `save_for_backward`, for backward to read (see `save_for_backward`'s example).

        Raises:
            RuntimeError: the graph was already freed by a backward without `retain_graph=True` (PyTorch's
                "Trying to backward through the graph a second time" message).
        """
        if self.saved is FREED:
            raise RuntimeError(_freed_message(self))
        return self.saved

    def mark_non_differentiable(self, *outputs) -> None:
        """Outputs that get no gradient (e.g. indices): they come out with `requires_grad=False`.

        Args:
            *outputs: tensors returned by this forward.

        Examples:
            >>> import chainrule as cr
            >>> class Sort(cr.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         values, idx = x.sort()
            ...         ctx.mark_non_differentiable(idx)
            ...         ctx.save_for_backward(idx)
            ...         return values, idx
            ...     @staticmethod
            ...     def backward(ctx, g_values, g_idx):
            ...         idx, = ctx.saved_tensors
            ...         grad = cr.zeros_like(g_values)
            ...         grad[idx] = g_values                 # each value's gradient goes back to its place
            ...         return grad
            >>> x = cr.tensor([3.0, 1.0, 2.0], requires_grad=True)
            >>> values, idx = Sort.apply(x)
            >>> idx, idx.requires_grad
            (tensor([1, 2, 0]), False)
            >>> (values * cr.tensor([1.0, 2.0, 3.0])).sum().backward()
            >>> x.grad
            tensor([3., 1., 2.])
        """
        self._non_diff = tuple(id(o) for o in outputs)

    def set_materialize_grads(self, value: bool) -> None:
        """Whether backward sees zeros (True, default) or None for outputs that got no gradient.

        Args:
            value: True: an unused output's gradient arrives as zeros of its shape; False: as None.

        Examples:
            >>> import chainrule as cr
            >>> class Pair(cr.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.set_materialize_grads(False)
            ...         return 2 * x, 3 * x
            ...     @staticmethod
            ...     def backward(ctx, g2, g3):
            ...         print("g3 is", g3)
            ...         return 2 * g2 + (0 if g3 is None else 3 * g3)
            >>> x = cr.tensor([1.0], requires_grad=True)
            >>> a, b = Pair.apply(x)
            >>> a.sum().backward()
            g3 is None
            >>> x.grad
            tensor([2.])
        """
        self._materialize = bool(value)

    def mark_dirty(self, *tensors) -> None:
        """Accepted for PyTorch compatibility; in-place outputs are handled by version counters.

        Args:
            *tensors: inputs that forward modified in place (nothing is recorded).

        Examples:
            >>> import chainrule as cr
            >>> class AddOne_(cr.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.mark_dirty(x)
            ...         return x.add_(1)
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         return g                              # dL/dx = g
            >>> x = cr.tensor([1.0, 2.0])
            >>> AddOne_.apply(x)
            tensor([2., 3.])
        """

    # ---- the node API -----------------------------------------------------------------------------------
    def name(self) -> str:
        """PyTorch's name of this node: 'MulBackward0', 'NllLossBackward0'; a user Function's 'CubeBackward'.

        Examples:
            >>> import chainrule as cr
            >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> (x * 2).grad_fn.name()
            'MulBackward0'
        """
        return self.node_name

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def next_functions(self) -> tuple:
        """((node, output_index) | (AccumulateGrad-like leaf, 0) | (None, 0)) per input, as in PyTorch.

        A leaf that requires grad appears as the leaf tensor itself (PyTorch shows an AccumulateGrad node); an
        input that needs no gradient as (None, 0). Walking these pairs from `loss.grad_fn` visits the graph.

        Examples:
            >>> import chainrule as cr
            >>> x = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> y = (x * 2).sum()
            >>> y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()
            ('SumBackward0', 'MulBackward0')
            >>> y.grad_fn.next_functions[0][0].next_functions
            ((tensor([1., 2.], requires_grad=True), 0), (None, 0))
        """
        out = []
        for e in self.next:
            if type(e) is tuple:
                out.append(e)
            else:
                out.append((e, 0))
        return tuple(out)

    def _watch(self, tensor: Tensor) -> None:
        """Report the gradient of this output tensor to its hooks / retain_grad during backward."""
        if self._watched is None:
            self._watched = {}
        self._watched[tensor._out_idx] = tensor

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward; when grad is needed, record the node and connect the outputs to it.

        Args:
            *args: forward's arguments after ctx (Tensors get gradients; other values are passed through).
            **kwargs: forward's keyword arguments (they get no gradient).

        Returns:
            What forward returns; its Tensors have this node as `grad_fn` when an input requires grad and grad
            mode is on (see the class example).
        """
        need = False
        _refresh_views(args)
        if _state.enabled:
            for a in args:
                if type(a) is Tensor and a._rg:
                    need = True
                    break
        ctx = _new(cls)
        if not need:
            with no_grad():
                return cls.forward(ctx, *args, **kwargs)
        ctx.needs_input_grad = tuple(type(a) is Tensor and a._rg for a in args)
        ctx.next = tuple(_edge(a) if type(a) is Tensor and a._rg else None for a in args)
        ctx.inputs = args
        ctx._tensor_args = tuple(type(a) is Tensor for a in args)
        if _anomaly_used[0] and _state.anomaly:
            ctx._stack = traceback.extract_stack()[:-1]
        with no_grad():
            outs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outs, tuple)
        outs = (outs,) if single else outs
        ctx._n_out = len(outs)
        ctx._out_shapes = tuple(o._data.shape if isinstance(o, Tensor) else None for o in outs)  # NumPy's
        ctx._out_dtypes = tuple(o._data.dtype if isinstance(o, Tensor) else None for o in outs)
        ctx._osh, ctx._odt = ctx._out_shapes[0], ctx._out_dtypes[0]
        wrapped = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor) or id(o) in ctx._non_diff or o._data.dtype.kind not in "fc":
                wrapped.append(o)
                continue
            w = Tensor._wrap(o._data, ctx)
            w._out_idx = i
            wrapped.append(w)
        if ctx.saved:
            remap = {id(o): w for o, w in zip(outs, wrapped)}
            ctx.saved = tuple(remap.get(id(s), s) for s in ctx.saved)
            ctx._versions = [(s._vc(), s._vc()[0]) for s in ctx.saved if isinstance(s, Tensor)]
            ctx._edits = EDITS[0]
        return wrapped[0] if single else tuple(wrapped)


def _edge(t: Tensor):
    """Where the gradient of input t goes: its node (with output index if not 0), or the leaf itself."""
    fn = t.grad_fn
    if fn is None:
        return t
    return fn if t._out_idx == 0 else (fn, t._out_idx)


_NO_ARG = object()  # Op.apply's `b` when the call has one argument


class Op(Function):
    """A built-in op: forward(ctx, *arrays) -> ndarray and backward(ctx, grad) -> arrays, on NumPy arrays."""

    is_view = False  # forward returns a view of its first input: the output shares its version counter
    _is_op = True
    _ctx_attrs = None  # whether forward keeps attributes on ctx (learned by the engine when it frees a node)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._ctx_attrs = None  # each class learns its own (a subclass may have another forward)
        if cls.is_view and "apply" not in cls.__dict__:
            cls.apply = classmethod(_view_apply)  # the view bookkeeping, so that other ops do not ask is_view

    @classmethod
    def apply(cls, a, b=_NO_ARG, *more):
        """Run forward on the arrays; when an input needs grad, record this node (the per-op cost every model pays).

        Unary and binary calls are spelled out (no loops, no comprehensions): this is the hot path. The signature
        names the first two arguments so that a unary or binary call packs no argument tuple (`b` is `_NO_ARG`
        for a unary call). Under no_grad, or when no input needs grad, ctx stays None and only the forward and
        one Tensor are made.
        """
        ctx = None
        if more:
            args = (a, b) + more
            _refresh_views(args)
            arrays = [x._data if type(x) is Tensor else x for x in args]
            nig = tuple(type(x) is Tensor and x._rg for x in args)
            if True in nig and _state.enabled:
                ctx = _new(cls)
                ctx.needs_input_grad = nig
                ctx.next = tuple(_edge(x) if g else None for x, g in zip(args, nig))
                ctx.inputs = args
                out = cls.forward(ctx, *arrays)
            else:
                out = cls.forward(_NULL_CTX, *arrays)
        elif b is _NO_ARG:
            args = None
            if type(a) is not Tensor:
                raise TypeError(f"{cls.__name__.lower()}(): expected a Tensor, got {type(a).__name__}")
            if a._view is not None and a._view[2] != a._version[0]:
                _refresh(a)  # a view whose memory was written in place since its grad_fn was made
            if a._rg and _state.enabled:
                ctx = _new(cls)
                ctx.needs_input_grad = _ONE
                fn = a.grad_fn
                ctx.next = (a if fn is None else fn if a._out_idx == 0 else (fn, a._out_idx),)
                ctx.inputs = args = (a,)
                out = cls.forward(ctx, a._data)
            else:
                out = cls.forward(_NULL_CTX, a._data)
        else:
            args = None
            # each operand: its array, a stale view re-made (written in place since its grad_fn was made;
            # before reading _rg, which that can change), whether it needs grad
            if type(a) is Tensor:
                a0 = a._data
                if a._view is not None and a._view[2] != a._version[0]:
                    _refresh(a)
                ga = a._rg
            else:
                a0, ga = a, False
            if type(b) is Tensor:
                a1 = b._data
                if b._view is not None and b._view[2] != b._version[0]:
                    _refresh(b)
                gb = b._rg
            else:
                a1, gb = b, False
            if (ga or gb) and _state.enabled:
                ctx = _new(cls)
                ctx.needs_input_grad = (ga, gb)
                ea = eb = None
                if ga:
                    fn = a.grad_fn
                    ea = a if fn is None else fn if a._out_idx == 0 else (fn, a._out_idx)
                if gb:
                    fn = b.grad_fn
                    eb = b if fn is None else fn if b._out_idx == 0 else (fn, b._out_idx)
                ctx.next = (ea, eb)
                ctx.inputs = args = (a, b)
                out = cls.forward(ctx, a0, a1)
            else:
                out = cls.forward(_NULL_CTX, a0, a1)
        if type(out) is not _ndarray:  # NumPy gives scalars for 0-d results: a Tensor always holds an ndarray
            out = _as_output_array(ctx, out)
        res = _new(Tensor)  # Tensor._wrap(out, ctx), inlined
        res._data = out
        res._grad = res._hooks = None
        res._out_idx = 0
        res._version = res._view = None  # a view op's own apply (_view_apply) then shares its input's counter
        if ctx is None:
            res._rg = False
            res.grad_fn = None
            return res
        res._rg = True
        res.grad_fn = ctx
        ctx._osh = out.shape  # the gradient's shape and dtype, checked by the engine (the inputs are freed)
        ctx._odt = out.dtype
        saved = ctx.saved
        if saved:
            # _record_versions inlined for one or two arguments: the version of each tensor input (None: not a
            # tensor; a tensor without a counter is at version 0), and the output's counter if forward saved it
            if b is _NO_ARG:
                vc = a._version
                ctx._versions = (0 if vc is None else vc[0],)
            elif not more:
                va = vb = None
                if type(a) is Tensor:
                    vc = a._version
                    va = 0 if vc is None else vc[0]
                if type(b) is Tensor:
                    vc = b._version
                    vb = 0 if vc is None else vc[0]
                ctx._versions = (va, vb)
            else:
                ctx._versions = _input_versions(args)
            ctx._edits = EDITS[0]
            for k, s in enumerate(saved):
                if s is out:  # forward saved its output: an in-place edit of it then raises at backward
                    ctx._out_pos = k
                    vc = res._version
                    if vc is None:
                        vc = res._version = [0]
                    ctx._out_vc = vc
                    ctx._out_v = vc[0]
                    break
        if _anomaly_used[0] and _state.anomaly:
            ctx._stack = traceback.extract_stack()[:-1]
        return res


_ONE = (True,)


def _view_apply(cls, a, b=_NO_ARG, *more):
    """Op.apply for a view op (`is_view = True`): the output shares its input's version counter and records how
    it was made (views.py). Calls the Op.apply installed now, so that a wrapper of it (chainrule.compile's
    recorder) still sees the op."""
    op_apply = Op.__dict__["apply"].__func__
    if b is _NO_ARG:
        res = op_apply(cls, a)
        args = (a,)
    else:
        res = op_apply(cls, a, b, *more)
        args = (a, b) + more
    if not cls.is_view:  # a subclass that is not a view (it inherited this apply)
        return res
    vc = a._vc()
    res._version = vc
    ctx = res.grad_fn
    if ctx is None:
        # no node although the input requires grad: made under no_grad (the record's last item; grad mode is
        # not read - thread-local state is slow - so a no_grad view of a tensor that does not require grad
        # counts as made in grad mode). PyTorch: such a view still requires grad.
        res._view = (cls, args, vc[0], not a._rg)
        res._rg = a._rg
        return res
    res._view = (cls, args, vc[0], True)
    if ctx._out_pos >= 0:  # forward saved its output: watch the shared counter
        ctx._out_vc = vc
        ctx._out_v = vc[0]
    return res


def _as_output_array(ctx, out) -> np.ndarray:
    """The 0-d array for a forward that returned a NumPy scalar; where forward saved that scalar as its
    output, the array replaces it, so that backward still knows the saved value is the output (create_graph
    needs it)."""
    arr = np.asarray(out)
    if ctx is not None and ctx.saved:
        ctx.saved = tuple(arr if s is out else s for s in ctx.saved)
    return arr


def _input_versions(args: tuple) -> tuple:
    """The version of each tensor input when the node was recorded (None for other arguments).

    Backward compares them with the versions then; only on a change does it look for the changed input among
    the saved arrays (an in-place edit of an input that was not saved is harmless). Cheap, as it runs per op;
    `Op.apply` spells out the unary and binary cases.
    """
    vers = []
    for a in args:
        if type(a) is Tensor:
            vc = a._version
            vers.append(0 if vc is None else vc[0])
        else:
            vers.append(None)
    return tuple(vers)


def _refresh_views(args) -> None:
    """Re-make the grad_fn of the views among args whose memory was written in place since it was made."""
    for a in args:
        if type(a) is Tensor and a._view is not None and a._view[2] != a._version[0]:
            _refresh(a)


class _NullCtx:
    """The ctx given to forward when nothing will be differentiated: saving is a no-op."""

    needs_input_grad = ()

    def save_for_backward(self, *args) -> None:
        pass

    def __setattr__(self, name, value) -> None:
        pass


_NULL_CTX = _NullCtx()


def _freed_message(node) -> str:
    """PyTorch's message, word for word (programs and tests match on it), naming the node."""
    return (
        "Trying to backward through the graph a second time (or directly access saved tensors after they "
        "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
        "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
        f"or if you need to access saved tensors after calling backward. (The node: {node.name()}.)"
    )


def once_differentiable(fn):
    """Decorator for a Function's backward that cannot itself be differentiated (raises under create_graph).

    Args:
        fn: the backward staticmethod's function.

    Returns:
        fn, marked: a backward with `create_graph=True` through this node raises RuntimeError.

    Examples:
        >>> import chainrule as cr
        >>> class Double(cr.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return 2 * x
        ...     @staticmethod
        ...     @cr.autograd.once_differentiable
        ...     def backward(ctx, g):
        ...         return 2 * g
        >>> x = cr.tensor([1.0], requires_grad=True)
        >>> cr.autograd.grad(Double.apply(x).sum(), x)
        (tensor([2.]),)
    """
    fn._once_differentiable = True
    return fn


from .views import refresh as _refresh  # views.py builds on Op, defined above
