"""The backward pass step by step, in the lectures' words: upstream x local gradient -> input gradients.

One line per node, in the order the engine runs them (`loss.backward(trace=True)` or `trace(loss)`):

    mul q*z: upstream 1.0 x local [z=-4, q=3] -> grads [-4.0, 3.0]
    add x+y: upstream -4.0 x local [1, 1] -> grads [-4.0, -4.0]

Names come from a `{tensor: "q"}` mapping (or `{"q": tensor}`); an unnamed tensor shows its shape, an unnamed
constant its value. Tensors with more than SMALL elements print as `<(32, 10) norm 3.21>`. `explain` turns one
engine step into a `Step`; `chainrule.viz` records Steps to draw and export the backward pass.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

import numpy as np

from ..autograd.flow import sum_to
from ..tensor import Tensor

SMALL = 6  # tensors with more elements are shown as shape and norm
LOCAL_LIMIT = 4096  # elementwise local gradients of larger outputs are not computed (only named)
_INFIX = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Pow": "**", "MatMul": "@"}
_OP_NAMES = {"MatMul": "matmul", "LogSoftmax": "log_softmax", "CrossEntropy": "cross_entropy",
             "NLL": "nll_loss", "MSE": "mse_loss", "BCE": "bce", "BCEWithLogits": "bce_with_logits",
             "LeakyReLU": "leaky_relu",
             "LogSumExp": "logsumexp", "ReLU": "relu", "GELU": "gelu", "ELU": "elu", "SiLU": "silu"}


def _arr(a) -> np.ndarray:
    return np.asarray(a._data if isinstance(a, Tensor) else a)


def _num(v: float, grad: bool) -> str:
    s = f"{v + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0
    return s + ".0" if grad and re.fullmatch(r"-?\d+", s) else s


def _fmt(a, grad: bool) -> str:
    if a is None:
        return "-"
    if isinstance(a, (list, tuple)):
        return "[" + ", ".join(_fmt(x, grad) for x in a) + "]"
    arr = _arr(a)
    if arr.size == 1:
        return _num(float(arr.reshape(())), grad)
    if arr.size <= SMALL and arr.ndim == 1:
        return "[" + ", ".join(_num(float(v), grad) for v in arr) + "]"
    norm = float(np.linalg.norm(arr.ravel().astype(np.float64))) if arr.size else 0.0
    return f"<{tuple(arr.shape)} norm {norm:.3g}>"


def fmt_value(a) -> str:
    """A forward value: `-4`, `[1, 2.5]`, or `<(32, 10) norm 3.21>` for large tensors."""
    return _fmt(a, grad=False)


def fmt_grad(a) -> str:
    """A gradient: `-4.0`, `[1.0, 2.5]`, or `<(32, 10) norm 3.21>` for large tensors."""
    return _fmt(a, grad=True)


def op_name(node) -> str:
    """The op's name in lower case: Mul -> 'mul', MatMul -> 'matmul', LogSoftmax -> 'log_softmax'."""
    cls = type(node).__name__
    if cls in _OP_NAMES:
        return _OP_NAMES[cls]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls).lower()


class Names:
    """Who is who: explicit names first, else a constant's value, else the tensor's shape."""

    def __init__(self, mapping=None):
        self.ids: dict[int, str] = {}
        self._keep = []  # the named tensors stay alive, so their ids stay theirs
        if isinstance(mapping, Names):
            self.ids, self._keep = dict(mapping.ids), list(mapping._keep)
        elif isinstance(mapping, dict):
            for k, v in mapping.items():
                t, name = (v, k) if isinstance(k, str) else (k, v)
                if isinstance(t, Tensor):
                    self.ids[id(t)] = str(name)
                    self._keep.append(t)

    def get(self, t) -> str | None:
        """The given name of t, or None."""
        return self.ids.get(id(t))

    def __call__(self, t) -> str:
        if not isinstance(t, Tensor):
            return fmt_value(t) if isinstance(t, (int, float, np.number)) else repr(t)
        name = self.ids.get(id(t))
        if name is not None:
            return name
        if not t._rg and t._data.size == 1:
            return fmt_value(t)
        return str(tuple(t.shape))


def describe(node, names: Names) -> str:
    """The op applied to its inputs' names: 'q*z', 'x+y', 'h', 'logits, y'."""
    # numbers arrive as NumPy scalars of the op's dtype (type promotion converts them)
    args = [a for a in node.inputs if isinstance(a, (Tensor, int, float, np.number)) and not isinstance(a, bool)]
    sym = _INFIX.get(type(node).__name__)
    if sym and len(args) == 2:
        return names(args[0]) + sym + names(args[1])
    if type(node).__name__ == "Neg" and args:
        return "-" + names(args[0])
    return ", ".join(names(a) for a in node.inputs if isinstance(a, Tensor))


@dataclass
class Step:
    """One node's backward: its gradient (upstream), local gradients and what flows to each tensor input."""

    node: object
    op: str
    expr: str
    upstream: object  # ndarray (or a list of them, for a node with several outputs)
    inputs: list  # positions of the node's tensor inputs among its forward arguments
    local: list  # per tensor input: text such as 'z=-4', '1', '@ W.T'
    local_values: list  # per tensor input: the local gradient (ndarray) where it is elementwise, else None
    grads: list  # per tensor input: the gradient sent to it (ndarray) or None where it needs none

    @property
    def line(self) -> str:
        local = ", ".join(self.local)
        grads = ", ".join(fmt_grad(g) for g in self.grads)
        up = fmt_grad(self.upstream)
        return f"{self.op} {self.expr}: upstream {up} x local [{local}] -> grads [{grads}]"


def explain(node, upstream, grads, names: Names | None = None) -> Step:
    """The Step for one `on_step(node, upstream, grads)` call of the engine."""
    names = names if isinstance(names, Names) else Names(names)
    up = [_plain(u) for u in upstream] if type(upstream) is list else _plain(upstream)
    pos = [i for i, a in enumerate(node.inputs) if isinstance(a, Tensor)]
    nxt = list(node.next)
    sent = [_sent(grads, nxt, node.inputs, i) for i in pos]
    local, values = [], []
    for k, i in enumerate(pos):
        text, value = _local(node, i, up, sent[k], names) if sent[k] is not None else ("-", None)
        local.append(text)
        values.append(value)
    return Step(node, op_name(node), describe(node, names), up, pos, local, values, sent)


def _sent(grads, nxt: list, inputs, i: int):
    """The gradient that reaches input i, summed to its shape as the engine does (None if it needs none)."""
    if i >= len(grads) or i >= len(nxt) or nxt[i] is None or grads[i] is None:
        return None
    return sum_to(_plain(grads[i]), inputs[i]._data.shape)


def _plain(g):
    """A copy as an ndarray: the engine may later add into the array it handed over (a leaf's .grad buffer)."""
    if g is None:
        return None
    return np.array(g._data if isinstance(g, Tensor) else g)


def _small(a) -> bool:
    return _arr(a).size <= SMALL


def _named_value(t, names: Names) -> str:
    """'z=-4' for a small named tensor, '-4' for a constant, 'W' (or its shape) for a large one."""
    label = names(t)
    if not _small(t):
        return label
    value = fmt_value(t)
    return value if label == value else f"{label}={value}"


def _local(node, i: int, up, sent, names: Names) -> tuple[str, np.ndarray | None]:
    """(text, numeric local gradient or None) for input position i of node."""
    cls, ins = type(node).__name__, node.inputs
    other = ins[1 - i] if len(ins) == 2 else None
    if cls == "Add":
        return "1", np.ones(())
    if cls == "Sub":
        return ("1", np.ones(())) if i == 0 else ("-1", -np.ones(()))
    if cls == "Neg":
        return "-1", -np.ones(())
    if cls == "Mul" and other is not None:
        return _named_value(other, names), _arr(other)
    if cls == "Div":
        a, b = _arr(ins[0]), _arr(ins[1])
        with np.errstate(all="ignore"):
            value = 1 / b if i == 0 else -a / b**2
        text = f"1/{names(ins[1])}" if i == 0 else f"-{names(ins[0])}/{names(ins[1])}^2"
        return (f"{text}={fmt_value(value)}", value) if _small(value) else (text, None)
    if cls == "MatMul":
        return (f"@ {names(ins[1])}.T" if i == 0 else f"{names(ins[0])}.T @"), None
    if cls == "Linear":
        return [f"@ {names(ins[1])}", f"G.T @ {names(ins[0])}", "sum over rows"][i], None
    if cls in ("Sum", "Mean"):
        n = _arr(ins[0]).size // max(1, np.prod(np.shape(up), dtype=int)) if cls == "Mean" else 1
        return ("1" if cls == "Sum" else f"1/{n}"), np.full((), 1.0 / n)
    value = _numeric_local(node, i, up, sent)
    if value is not None and value.size <= SMALL:
        return fmt_value(value), value
    name = names(ins[i])
    if value is not None:
        return f"{op_name(node)}'({name})", value
    return f"d{op_name(node)}/d{name}", None


def _numeric_local(node, i: int, up, sent) -> np.ndarray | None:
    """d out / d input_i elementwise, where input and output have one shape (or are scalars); else None."""
    if type(up) is list or sent is None:
        return None
    x = _arr(node.inputs[i])
    if x.shape != up.shape:
        return None
    if up.size == 1 and float(up.reshape(())) != 0:
        return sent / up
    if not getattr(node, "_is_op", False) or up.size > LOCAL_LIMIT:
        return None
    try:  # a built-in op's backward is a pure function of its saved arrays: ask it with upstream = 1
        with np.errstate(all="ignore"):
            res = type(node).backward(node, np.ones_like(up))
    except Exception:  # noqa: BLE001 - a local gradient we cannot show is only missing from the printout
        return None
    res = res if type(res) is tuple else (res,)
    if i >= len(res) or res[i] is None:
        return None
    r = np.asarray(res[i])
    return r if r.shape == x.shape else None


def printer(trace, file=None):
    """A callback for the engine's on_step that prints one line per node, in the order the engine runs them.

    `trace` is True or a names mapping ({tensor: "q"} or {"q": tensor}).
    """
    names = Names(trace if isinstance(trace, (dict, Names)) else None)

    def on_step(node, upstream, grads):
        print(explain(node, upstream, grads, names).line, file=file or sys.stdout)

    return on_step


def trace(output, names=None, file=None) -> None:
    """Run output.backward() (accumulating into .grad as usual), printing each step (see `printer`).

    Args:
        output: the tensor to differentiate (a scalar).
        names: {tensor: name} or {name: tensor} for the lines (default None).
        file: where to print (default None: stdout).

    Raises:
        RuntimeError: output does not require grad.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(-2.0, requires_grad=True)
        >>> y = cr.tensor(5.0, requires_grad=True)
        >>> z = cr.tensor(-4.0, requires_grad=True)
        >>> q = x + y
        >>> viz.trace(q * z, names={"x": x, "y": y, "z": z, "q": q})
        mul q*z: upstream 1.0 x local [z=-4, q=3] -> grads [-4.0, 3.0]
        add x+y: upstream -4.0 x local [1, 1] -> grads [-4.0, -4.0]
    """
    from ..autograd.engine import backward

    if not output._rg:
        raise RuntimeError("trace: the output does not require grad, so there is no backward pass to show")
    backward(output, on_step=printer(names or True, file))
