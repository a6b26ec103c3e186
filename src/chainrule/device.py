"""Devices: chainrule computes on the CPU with NumPy.

`device("cuda:1")` builds as in PyTorch (programs build device objects before they look for a GPU); placing a
tensor on a device other than the CPU (`.to("cuda")`, `.cuda()`, `tensor(..., device="cuda")`) raises a clear
RuntimeError (`require_cpu`). The default device is the CPU and can only be set to the CPU.
"""

from __future__ import annotations

import re

# PyTorch's device types, in its error message's order
_TYPES = ("cpu cuda ipu xpu mkldnn opengl opencl ideep hip ve fpga maia xla lazy vulkan mps meta hpu mtia "
          "privateuseone").split()
_SPEC = re.compile(r"([a-z]+)(?::(0|[1-9][0-9]*))?")


class device:  # noqa: N801 - PyTorch's name
    """A device handle, as torch.device: `device("cpu")`, `device("cuda:1")`, `device("cuda", 1)`.

    Attributes: `type` (a string) and `index` (an int or None). Any of PyTorch's device types builds; only the
    CPU holds tensors (moving a tensor elsewhere raises RuntimeError).

    Raises:
        RuntimeError: an unknown device type or a malformed string (PyTorch's messages), or an index given twice.

    Examples:
        >>> import chainrule as cr
        >>> cr.device("cpu")
        device(type='cpu')
        >>> d = cr.device("cuda:1")
        >>> d.type, d.index
        ('cuda', 1)
        >>> cr.zeros(2).device == cr.device("cpu")
        True
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str = "cpu", index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index  # noqa: A001
        if isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        spec = str(type)
        m = _SPEC.fullmatch(spec)
        if m is None or m.group(1) not in _TYPES:
            if m is not None or spec.split(":")[0] not in _TYPES:
                raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: "
                                   f"{spec}")
            raise RuntimeError(f"Invalid device string: '{spec}'")
        name, idx = m.group(1), m.group(2)
        if idx is not None:
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed "
                                   f"explicitly: {spec}")
            index = int(idx)
        if index is not None and int(index) < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        self.type, self.index = name, None if index is None else int(index)

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        """Equal to a device of the same type and index (a string is not a device: False, as in PyTorch)."""
        return isinstance(other, device) and other.type == self.type and other.index == self.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return device, (self.type, self.index)


cpu = device("cpu")


def require_cpu(dev, what: str = "tensor") -> device:
    """The device `dev` (a string, device, or None for the default) after checking that it is the CPU.

    Raises:
        RuntimeError: another device (e.g. "cuda"): chainrule has no GPU backend.
    """
    if dev is None:
        return cpu
    d = dev if isinstance(dev, device) else device(dev)
    if d.type != "cpu":
        raise RuntimeError(
            f"{what}: device {str(d)!r} is not available: chainrule computes on the CPU with NumPy "
            "(chainrule.cuda.is_available() is False); use device='cpu', or pick the device with "
            "'cuda' if chainrule.cuda.is_available() else 'cpu'"
        )
    return d


def set_default_device(dev) -> None:
    """Set the device new tensors go to, as torch.set_default_device: only "cpu" (or None, the CPU) is accepted.

    Raises:
        RuntimeError: another device.

    Examples:
        >>> import chainrule as cr
        >>> cr.set_default_device("cpu")
        >>> cr.get_default_device()
        device(type='cpu')
    """
    require_cpu(dev, "set_default_device")


def get_default_device() -> device:
    """The device new tensors go to: always `device(type='cpu')`.

    Examples:
        >>> import chainrule as cr
        >>> cr.get_default_device()
        device(type='cpu')
    """
    return cpu
