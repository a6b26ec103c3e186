"""The example of every declared op, by the op's name: doctest text (code and the output it prints).

`declare` (ops/_declare.py) appends an op's example to its docstring, so that `help(chainrule.exp)` and the
reference pages show it; tests/docs/test_op_examples.py runs every example and checks its output, checks that
every declared op has one, and compares what each prints with what PyTorch prints for the same code.

The examples run with `chainrule` and `F` (chainrule.nn.functional) imported, after
`chainrule.manual_seed(0)`.
Aliases and Tensor methods share their op's example (`x.exp()` is `chainrule.exp(x)`); in-place variants have
their own. To add or change one, write its `>>>` lines here, then let the code write what they print:

    python docs/_data/update_examples.py src/chainrule/ops/_examples/<file>.py

and read the diff (a changed number is a fixed bug or a new one). These files hold text only: importing them
costs no chainrule import.
"""

from __future__ import annotations

from . import activation, binary, conv, indexing, inplace, linalg, loss, nn, pointwise, random, reduce, shape

__all__ = ["EXAMPLES"]

EXAMPLES: dict[str, str] = {}
_FAMILIES = (pointwise, binary, reduce, shape, indexing, linalg, activation, conv, nn, loss, inplace, random)
for _family in _FAMILIES:
    _twice = EXAMPLES.keys() & _family.EXAMPLES.keys()
    if _twice:
        raise ValueError(f"ops/_examples: {sorted(_twice)} have an example in two files; keep one")
    EXAMPLES.update(_family.EXAMPLES)
