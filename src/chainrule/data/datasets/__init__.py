"""Ready-made data: toy 2-D generators (Tensors X, y) and MNIST / Fashion-MNIST (ArrayDatasets)."""

from .idx import IDXError, read_idx, write_idx
from .names import Names
from .toy import and_gate, blobs, moons, rings, sine, spirals, xor
from .vision import fashion_mnist, mnist

__all__ = [
    "IDXError",
    "Names",
    "and_gate",
    "blobs",
    "fashion_mnist",
    "mnist",
    "moons",
    "read_idx",
    "rings",
    "sine",
    "spirals",
    "write_idx",
    "xor",
]
