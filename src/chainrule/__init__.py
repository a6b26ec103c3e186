"""chainrule: reverse-mode automatic differentiation on NumPy n-d tensors, with PyTorch's API.

`import chainrule as torch` runs PyTorch programs that use the features chainrule has.
"""

from . import _malloc
from . import _methods as _methods  # noqa: F401  (binds ops onto Tensor)
from . import accelerator, autograd, backends, cuda, ops  # noqa: F401
from ._layout import contiguous_format, memory_format, preserve_format
from .autograd.grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, logspace, normal, ones,
    ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm, tensor, zeros, zeros_like,
)
from .device import device, get_default_device, set_default_device
from .dtypes import (
    bool, cdouble, cfloat, complex64, complex128, double, dtype, finfo, float, float16, float32, float64,
    get_default_dtype, half, iinfo, int, int8, int16, int32, int64, long, set_default_dtype, short, uint8, uint16,
    uint32, uint64,
)
from .ops import *  # noqa: F401,F403  (the declared ops: ops/_declare.py)
from .ops._promote import can_cast, promote_types, result_type
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .sampling import bernoulli, multinomial, poisson
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .size import Size
from .tensor import Tensor

__version__ = "0.1.0"


def is_tensor(obj) -> bool:
    """True for chainrule Tensors.

    Args:
        obj: any object.

    Examples:
        >>> import chainrule as cr
        >>> cr.is_tensor(cr.zeros(2)), cr.is_tensor([0.0, 0.0])
        (True, False)
    """
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """The number of elements of input (the product of its shape), as torch.numel.

    Args:
        input: a tensor of any shape.

    Examples:
        >>> import chainrule as cr
        >>> cr.numel(cr.zeros(2, 3))
        6
    """
    return input.numel()


def is_floating_point(input: Tensor) -> bool:
    """True when input's dtype is a floating dtype (float16/32/64), as torch.is_floating_point.

    Args:
        input: a tensor.

    Examples:
        >>> import chainrule as cr
        >>> cr.is_floating_point(cr.zeros(2)), cr.is_floating_point(cr.arange(2))
        (True, False)
    """
    return input._data.dtype.kind == "f"


def is_complex(input: Tensor) -> bool:
    """True when input's dtype is complex64 or complex128, as torch.is_complex.

    Args:
        input: a tensor.

    Examples:
        >>> import chainrule as cr
        >>> cr.is_complex(cr.zeros(2, dtype=cr.complex64)), cr.is_complex(cr.zeros(2))
        (True, False)
    """
    return input._data.dtype.kind == "c"


def _lazy(name: str):
    import importlib

    return importlib.import_module(f".{name}", __name__)

_malloc.keep_freed_memory()  # freed step buffers stay in the heap: no page faults per step (see _malloc.py)


def __getattr__(name: str):
    """Subpackages that import heavier pieces load on first use (nn, optim, utils, data, train, viz...)."""
    if name in {"nn", "optim", "utils", "data", "train", "viz", "classic", "serialization", "experiments", "models",
                "compiler"}:
        return _lazy(name)
    if name == "compile":  # the function; the package is chainrule.compiler, as torch.compile / torch.compiler
        return _lazy("compiler").compile
    if name in {"save", "load"}:
        return getattr(_lazy("serialization"), name)
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
