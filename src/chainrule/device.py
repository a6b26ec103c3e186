"""Devices: chainrule computes on the CPU with NumPy; `device("cpu")` exists so PyTorch scripts run unchanged."""

from __future__ import annotations


class device:  # noqa: N801 - PyTorch's name
    """A device handle; only the CPU is available."""

    __slots__ = ("type", "index")

    def __init__(self, type: str = "cpu", index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index  # noqa: A001
        name = str(type).split(":")[0]
        if name != "cpu":
            raise RuntimeError(
                f"device {type!r} is not available: chainrule runs on the CPU with NumPy "
                "(chainrule.cuda.is_available() is False)"
            )
        self.type, self.index = "cpu", index

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other) -> bool:
        return isinstance(other, (device, str)) and str(other).split(":")[0] == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")


cpu = device("cpu")
