"""Devices: chainrule computes on the CPU with NumPy; `device("cpu")` exists so PyTorch scripts run unchanged."""

from __future__ import annotations


class device:  # noqa: N801 - PyTorch's name
    """A device handle; only the CPU is available."""

    __slots__ = ("type", "index")

    def __init__(self, type: str = "cpu", index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index  # noqa: A001
        name, _, idx = str(type).partition(":")
        if name != "cpu":
            raise RuntimeError(
                f"device {type!r} is not available: chainrule runs on the CPU with NumPy "
                "(chainrule.cuda.is_available() is False)"
            )
        if idx:
            if index is not None:
                raise RuntimeError(f"device: type {type!r} already names an index; pass the index once")
            index = int(idx)
        self.type, self.index = "cpu", index

    def __repr__(self) -> str:
        return "device(type='cpu')" if self.index is None else f"device(type='cpu', index={self.index})"

    def __str__(self) -> str:
        return "cpu" if self.index is None else f"cpu:{self.index}"

    def __eq__(self, other) -> bool:
        """Equal to a device of the same type and index (a string is not a device: False, as in PyTorch)."""
        return isinstance(other, device) and other.type == self.type and other.index == self.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return device, (self.type, self.index)


cpu = device("cpu")
