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
_g = globals()
for _n in (1, 2, 3):
    _g[f"ConstantPad{_n}d"] = _make(f"ConstantPad{_n}d", _ConstantPadNd, _n, "constant",
                                    f"Pad the last {_n} dims with `value`; padding: an int or {_SIDES[_n]}.")
    for _name, _mode in (("Zero", "constant"), ("Reflection", "reflect"), ("Replication", "replicate"),
                         ("Circular", "circular")):
        _g[f"{_name}Pad{_n}d"] = _make(f"{_name}Pad{_n}d", _PadNd, _n, _mode,
                                       f"Pad the last {_n} dims ({_mode} padding); padding: an int or {_SIDES[_n]}.")

__all__ = [f"{k}Pad{n}d" for n in (1, 2, 3) for k in ("Constant", "Zero", "Reflection", "Replication", "Circular")]
