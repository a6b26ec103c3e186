"""Flatten parameters into one vector and back (for line searches, second-order methods, evolution)."""

from __future__ import annotations

import numpy as np

from ... import ops
from ...tensor import Tensor


def parameters_to_vector(parameters) -> Tensor:
    """One 1-D tensor with every parameter flattened, in order (differentiable, like torch.cat of views).

    Args:
        parameters: an iterable of tensors (e.g. `model.parameters()`).

    Returns:
        A new 1-D tensor of length sum(p.numel()); its gradient flows back to each parameter.

    Raises:
        ValueError: `parameters` is empty.

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.Linear(2, 1)
        >>> with cr.no_grad():
        ...     _ = layer.weight.fill_(1.0), layer.bias.fill_(-1.0)
        >>> cr.nn.utils.parameters_to_vector(layer.parameters())
        tensor([ 1.,  1., -1.], grad_fn=<CatBackward0>)
    """
    params = list(parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return ops.cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of the 1-D vec into the parameters (in place, not recorded): the inverse of
    `parameters_to_vector`.

    Args:
        vec: a 1-D tensor with exactly as many elements as the parameters together.
        parameters: an iterable of tensors, filled in order (values are cast to each parameter's dtype).

    Returns:
        None.

    Raises:
        TypeError: vec is not a Tensor.
        ValueError: vec is not 1-D or its length differs from the parameters' total number of elements.

    Examples:
        >>> import chainrule as cr
        >>> layer = cr.nn.Linear(2, 1)
        >>> cr.nn.utils.vector_to_parameters(cr.tensor([1.0, 2.0, 3.0]), layer.parameters())
        >>> layer.weight, layer.bias
        (Parameter containing:
        tensor([[1., 2.]], requires_grad=True), Parameter containing:
        tensor([3.], requires_grad=True))
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected vec to be a Tensor, but got {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise ValueError(f"vector_to_parameters: vec has shape {tuple(vec.shape)}, the parameters need ({total},)")
    start = 0
    for p in params:
        n = p.numel()
        np.copyto(p._data, vec._data[start:start + n].reshape(p.shape), casting="unsafe")
        p._bump()
        start += n
