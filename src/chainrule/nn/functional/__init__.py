"""chainrule.nn.functional: stateless layers, activations and losses (`import chainrule.nn.functional as F`).

Each family lives in its own small file and declares its functions (ops/_declare.py, namespace "F"); the
functions of `chainrule.ops` declared for "F" too (relu, softmax, conv2d, pad ...) come from there.
"""

from . import (  # noqa: F401  (they declare their functions)
    activations, attention, conv, ctc, dense, embedding, losses, losses_margin, losses_prob, normalization,
)
from ...ops._declare import FUNCTIONAL as _FUNCTIONAL, names_in as _names_in

globals().update(_names_in(_FUNCTIONAL))  # the functions declared for nn.functional (ops/_declare.py)
__all__ = sorted(_names_in(_FUNCTIONAL))
