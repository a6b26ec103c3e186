"""The graph node of a replayed forward whose result the caller differentiates (`compile(model)` in training).

The replay runs the recorded forward into its buffers and returns the result with one node as its grad_fn; the
node's inputs are the leaves the step reads (its tensor arguments and the parameters), so the engine delivers
their gradients as for any op (accumulation, hooks, `inputs=`, `autograd.grad`). Its backward replays the
recorded ops' backward from the incoming gradient. The buffers are the plan's: while a node waits for its
backward, the next call of the same plan runs eagerly instead (see Replay.run_node).
"""

from __future__ import annotations

from ..autograd.function import Op, _edge
from ..tensor import Tensor

_new = object.__new__


class CompiledBackward(Op):
    """The whole recorded forward as one node; backward replays the recorded backward."""

    node_name = "CompiledBackward"
    differentiable_backward = False  # create_graph through a replay is refused clearly

    @staticmethod
    def forward(ctx, *arrays):
        raise RuntimeError("CompiledBackward is made by a compiled replay, not applied")

    @staticmethod
    def backward(ctx, g):
        # dL/d(leaves) = the recorded ops' backward, replayed from G = dL/d(result)
        return ctx.replay.backward_node(ctx, g)


CompiledBackward._ctx_attrs = False  # it keeps no arrays: the engine frees it with two attribute writes


def make_node(replay, inputs: list, out) -> Tensor:
    """The result tensor (array `out`) with a CompiledBackward node over `inputs`."""
    node = _new(CompiledBackward)
    node.replay = replay
    node.done = False
    node.inputs = tuple(inputs)
    node.needs_input_grad = tuple(t._rg for t in inputs)
    node.next = tuple(_edge(t) if t._rg else None for t in inputs)
    node.saved = (True,)  # marked FREED after its backward: a second one raises PyTorch's error
    node._osh, node._odt = out.shape, out.dtype
    return Tensor._wrap(out, node)
