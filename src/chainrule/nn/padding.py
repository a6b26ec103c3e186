"""Padding modules: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad in 1-, 2- and 3-d, thin
Modules over F.pad with PyTorch's argument forms (an int pads every side) and reprs."""

from __future__ import annotations

from ..ops.shape import pad
from ..tensor import Tensor
from .module import Module


class _PadNd(Module):
    _n = 1
    _mode = "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        want = 2 * self._n
        self.padding = (padding,) * want if isinstance(padding, int) else tuple(padding)
        if len(self.padding) != want:
            raise ValueError(f"{type(self).__name__}: padding must be an int or a {want}-tuple, got {padding!r}")
        self.value = 0.0

    def forward(self, input: Tensor) -> Tensor:
        if self._mode == "constant":
            return pad(input, self.padding, "constant", self.value)
        return pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


def _make(name: str, base, n: int, mode: str, doc: str):
    return type(name, (base,), {"_n": n, "_mode": mode, "__doc__": doc, "__module__": __name__})


_SIDES = {1: "(left, right)", 2: "(left, right, top, bottom)", 3: "(left, right, top, bottom, front, back)"}
_SHAPES = {1: ("(N, C, W) or (C, W)", "W + left + right"),
           2: ("(N, C, H, W) or (C, H, W)", "H + top + bottom, W + left + right"),
           3: ("(N, C, D, H, W) or (C, D, H, W)", "D + front + back, H + top + bottom, W + left + right")}
_MODES = {"Zero": ("constant", "zeros", ""), "Constant": ("constant", "`value`", ""),
          "Reflection": ("reflect", "the input reflected at its edge",
                         ("The edge value is not repeated; each padding must be smaller than the padded "
                          "dimension.")),
          "Replication": ("replicate", "copies of the edge value", ""),
          "Circular": ("circular", "the input wrapped around",
                       "The padding before the start is the end of the input, and the other way round.")}
# The examples' printed outputs, written out (checked by the docstring doctest): 1-d pads (2, 1) on [1, 2, 3],
# 2-d pads (1, 0, 0, 1) on [[1, 2], [3, 4]], 3-d pads (1, 0, 0, 0, 0, 1) on ones(1, 1, 2, 2, 2).
_OUT = {
    "Zero": ("[[[0., 0., 1., 2., 3., 0.]]]", "[[[0., 1., 2.], [0., 3., 4.], [0., 0., 0.]]]"),
    "Constant": ("[[[9., 9., 1., 2., 3., 9.]]]", "[[[9., 1., 2.], [9., 3., 4.], [9., 9., 9.]]]"),
    "Reflection": ("[[[3., 2., 1., 2., 3., 2.]]]", "[[[2., 1., 2.], [4., 3., 4.], [2., 1., 2.]]]"),
    "Replication": ("[[[1., 1., 1., 2., 3., 3.]]]", "[[[1., 1., 2.], [3., 3., 4.], [3., 3., 4.]]]"),
    "Circular": ("[[[2., 3., 1., 2., 3., 1.]]]", "[[[2., 1., 2.], [4., 3., 4.], [2., 1., 2.]]]"),
}
_PADS = {1: "(2, 1)", 2: "(1, 0, 0, 1)", 3: "(1, 0, 0, 0, 0, 1)"}


def _doc(kind: str, n: int) -> str:
    """The docstring of {kind}Pad{n}d: arguments, shapes, errors and an example whose output is written
    out."""
    mode, fill, note = _MODES[kind]
    name, value = f"{kind}Pad{n}d", ", 9.0" if kind == "Constant" else ""
    if n == 1:
        example = (f">>> cr.nn.{name}({_PADS[1]}{value})(cr.tensor([[[1.0, 2.0, 3.0]]]))\n"
                   f"        tensor({_OUT[kind][0]})")
    elif n == 2:
        rows = "],\n                 [".join(_OUT[kind][1].split("], ["))  # one row a line, as repr prints
        example = (f">>> cr.nn.{name}({_PADS[2]}{value})(cr.tensor([[[1.0, 2.0], [3.0, 4.0]]]))\n"
                   f"        tensor({rows})")
    else:
        example = (f">>> cr.nn.{name}({_PADS[3]}{value})(cr.ones(1, 1, 2, 2, 2)).shape\n"
                   "        chainrule.Size([1, 1, 3, 2, 3])")
    value_arg = "\n        value: the fill value." if kind == "Constant" else ""
    dims = "the last dimension" if n == 1 else f"the last {n} dimensions"
    note = f"\n\n    {note}" if note else ""
    return f"""Pads {dims} of the input with {fill}: `F.pad(input, padding, "{mode}")`.{note}

    Args:
        padding: an int (the same padding on every side) or a {2 * n}-tuple {_SIDES[n]}.{value_arg}

    Shape:
        - Input: {_SHAPES[n][0]}.
        - Output: the same, with {_SHAPES[n][1]}.

    Raises:
        ValueError: padding is neither an int nor a {2 * n}-tuple.

    Examples:
        >>> import chainrule as cr
        {example}
    """


_g = globals()
for _n in (1, 2, 3):
    _g[f"ConstantPad{_n}d"] = _make(f"ConstantPad{_n}d", _ConstantPadNd, _n, "constant", _doc("Constant", _n))
    for _name, (_mode, _, _) in _MODES.items():
        if _name != "Constant":
            _g[f"{_name}Pad{_n}d"] = _make(f"{_name}Pad{_n}d", _PadNd, _n, _mode, _doc(_name, _n))

__all__ = [f"{k}Pad{n}d" for n in (1, 2, 3) for k in ("Constant", "Zero", "Reflection", "Replication", "Circular")]
