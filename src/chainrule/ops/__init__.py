"""Built-in differentiable ops, one small Function each, grouped by family."""

from .activation import *  # noqa: F401,F403
from ._promote import can_cast, promote_types, result_type  # noqa: F401
from .arithmetic import (  # noqa: F401
    add, div, divide, floor_divide, mul, multiply, neg, negative, pow, remainder, rsub, sub, subtract,
    true_divide,
)
from .cast import cast, clone  # noqa: F401
from .comparison import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .einsum import *  # noqa: F401,F403
from .extrema import *  # noqa: F401,F403
from .gather import *  # noqa: F401,F403
from .indexing import getitem, index_put_add, setitem  # noqa: F401
from .linalg import *  # noqa: F401,F403
from .movement import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from .nn_fused import *  # noqa: F401,F403  (fused Linear, BatchNorm, LayerNorm, PReLU and the losses)
from .conv import *  # noqa: F401,F403  (conv2d: im2col + one matmul per group)
from .pool import *  # noqa: F401,F403  (max_pool2d, avg_pool2d, adaptive_avg_pool2d)

from ._declare import TORCH as _TORCH, names_in as _names_in

# Export the public functions only (not NumPy, the Op classes or helpers) to `chainrule.*`: the declared ops
# (ops/_declare.py) with their aliases, and the functions not yet declared.
globals().update(_names_in(_TORCH))
__all__ = sorted(
    n for n, v in dict(globals()).items()
    if not n.startswith("_") and callable(v) and not isinstance(v, type)
    and getattr(v, "__module__", "").startswith("chainrule.ops")
)
