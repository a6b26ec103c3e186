"""chainrule.nn.functional: stateless layers, activations and losses (`import chainrule.nn.functional as F`).

Each family lives in its own small file; add a family with one `from .family import ...` line here.
"""

from ...ops import pad  # noqa: F401
from .activations import (  # noqa: F401
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    prelu,
    relu,
    relu6,
    relu_,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    tanh,
)
from .dense import dropout, linear  # noqa: F401
from .losses import (  # noqa: F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    multi_margin_loss,
    nll_loss,
    one_hot,
    smooth_l1_loss,
)
from .normalization import batch_norm, layer_norm  # noqa: F401
from .conv import adaptive_avg_pool2d, avg_pool2d, conv2d, dropout2d, fold, max_pool2d, unfold  # noqa: F401

from ...ops._declare import FUNCTIONAL as _FUNCTIONAL, names_in as _names_in  # noqa: E402

globals().update(_names_in(_FUNCTIONAL))  # the ops declared for nn.functional (ops/_declare.py)
