"""linear and dropout for nn.functional."""

from __future__ import annotations

from ...ops.dropout import Dropout, dropout_mask
from ...ops.nn_fused import Linear
from ...tensor import Tensor
from ...ops._declare import case, declare


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """The linear map y = input @ weight.T + bias, as one fused node (the functional form of `nn.Linear`).

    Args:
        input: (*, in_features).
        weight: (out_features, in_features).
        bias: (out_features,), or None (default).

    Returns:
        (*, out_features), the input's dtype.

    Raises:
        RuntimeError: the input's last dimension is not in_features, input and weight dtypes differ, or the bias
            has the wrong shape (each message names the shapes and the fix).
    """
    ws, xs = weight._data.shape, input._data.shape
    if len(ws) != 2 or not xs or xs[-1] != ws[1]:
        raise RuntimeError(
            f"linear: input {tuple(xs)} @ weight.T {tuple(ws[::-1])}: the last dimension of the input must equal "
            f"in_features; weight has shape (out_features, in_features) = {tuple(ws)}"
        )
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"linear: input is {input._data.dtype} but weight is {weight._data.dtype}; convert one of them: x.float() (or "
            f"x.to(weight.dtype)), or model.double() for a float64 model"
        )
    if bias is not None and bias._data.shape != (ws[0],):
        raise RuntimeError(f"linear: bias has shape {tuple(bias.shape)}, expected ({ws[0]},) = (out_features,)")
    return Linear.apply(input, weight, bias)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p); the identity when
    `training` is False. The functional form of `nn.Dropout` (pass `training=self.training` inside a Module).

    Args:
        input: any shape.
        p: the probability of zeroing an element (default 0.5), in [0, 1].
        training: apply dropout (default True).
        inplace: modify `input` in place (default False).

    Returns:
        A tensor of the input's shape.

    Raises:
        ValueError: p outside [0, 1].
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if inplace:  # the same product, written into input (autograd/views.py)
        from ...autograd.views import inplace as _inplace

        return _inplace(input, "dropout_", _mul, Tensor._wrap(dropout_mask(input._data, p, False)))
    return Dropout.apply(input, p, False)


def _mul(a, b):
    return a * b


# ---- declarations (ops/_declare.py): names, methods, aliases and test cases -----------------------------

declare(linear, namespaces=("F",), cases=[case(lambda m, x, w, b: m.F.linear(x, w, b), (5, 4), (3, 4), (3,))])
declare(dropout, namespaces=("F",), differentiable=True)
