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
from .trig import *  # noqa: F401,F403  (tan, asin ... atanh)
from .special import *  # noqa: F401,F403  (erfc, erfinv, lgamma, digamma, polygamma)
from .pointwise_binary import *  # noqa: F401,F403  (atan2 ... xlogy, div(rounding_mode=))
from .matmul_family import *  # noqa: F401,F403  (mv addmm addmv baddbmm kron)
from .sorting import *  # noqa: F401,F403  (sort argsort topk kthvalue median mode unique)
from .cumulative import *  # noqa: F401,F403  (cumprod cummax cummin logcumsumexp)
from .scatter import *  # noqa: F401,F403  (scatter scatter_reduce index_add index_copy index_fill)
from .masking import *  # noqa: F401,F403  (masked_select masked_scatter nonzero take repeat_interleave)
from .diag import *  # noqa: F401,F403  (diag diag_embed diagflat trace)
from .bitwise import *  # noqa: F401,F403  (bitwise_and ... shifts, & | ^ ~ << >>, logical_xor)
from .stats import *  # noqa: F401,F403  (std_mean var_mean nan_to_num clamp_min clamp_max isposinf ...)
from .activation_more import *  # noqa: F401,F403  (celu selu mish hardswish ... glu)
from .interpolate import *  # noqa: F401,F403  (interpolate and the upsample aliases)
from .conv_transpose import *  # noqa: F401,F403  (conv1d, conv_transpose1d, conv_transpose2d)
from .pool_more import *  # noqa: F401,F403  (1-d pools, adaptive max pools, max_unpool)
from .distance import *  # noqa: F401,F403  (normalize, cosine_similarity, pdist, pixel_shuffle, ...)
from .group_norm import *  # noqa: F401,F403  (group_norm, instance_norm)

from ._declare import REGISTRY as _REGISTRY, TORCH as _TORCH, names_in as _names_in
from . import stats as _stats
from ._aliases import with_axis_alias as _with_axis_alias, with_out_arg as _with_out_arg

# `chainrule.*` gets the declared ops only (ops/_declare.py), with their aliases: not NumPy, the Op classes or
# the helpers, which stay importable from their modules (chainrule.ops._util.broadcast_error, ...).
# out= on the function forms of the earlier ops (the newer families take it in their own files): elementwise
# results are cast into out's dtype where PyTorch allows it; the others need out's dtype to be the result's.
for _names, _exact in (("add sub mul true_divide pow neg exp log sqrt abs sin cos tanh sigmoid clamp maximum "
                        "minimum remainder floor_divide", False), ("matmul cat stack sum mean prod cumsum", True)):
    for _n in _names.split():
        _REGISTRY[_n] = _with_out_arg(_REGISTRY[_n], _exact)
for _n in _stats.AXIS_ALIASED:  # axis=/keepdims= as PyTorch's argument parser takes them
    _REGISTRY[_n] = _with_axis_alias(_REGISTRY[_n])
globals().update(_names_in(_TORCH))
__all__ = sorted(_names_in(_TORCH))
