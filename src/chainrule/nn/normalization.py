"""Batch norm (shared base for every BatchNorm{1,2,3}d) and LayerNorm."""

from __future__ import annotations

import numpy as np

from .. import _capture
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import empty_parameter


class _BatchNorm(Module):
    """Batch norm over dim 1 of (N, C, *) inputs; subclasses only say which input ranks they accept.

    A BatchNorm2d is `class BatchNorm2d(_BatchNorm): _ndims = (4,)` (the functional form handles any rank).
    """

    _ndims: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats, self._has_bias = affine, track_running_stats, affine and bias
        if affine:
            self.weight = empty_parameter(num_features, dtype=dtype, device=device)
            if bias:
                self.bias = empty_parameter(num_features, dtype=dtype, device=device)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            dt = np.float32 if dtype is None else dtype
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dt)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dt)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, num_batches_tracked 0 (nothing without track_running_stats).

        Examples:
            >>> import chainrule as cr
            >>> bn = cr.nn.BatchNorm1d(2)
            >>> _ = bn(cr.tensor([[1.0, 2.0], [3.0, 6.0]]))
            >>> bn.running_mean, bn.num_batches_tracked
            (tensor([0.2000, 0.4000]), tensor(1))
            >>> bn.reset_running_stats()
            >>> bn.running_mean, bn.num_batches_tracked
            (tensor([0., 0.]), tensor(0))
        """
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self) -> None:
        """reset_running_stats(), then weight 1 and bias 0 (with affine).

        Examples:
            >>> import chainrule as cr
            >>> bn = cr.nn.BatchNorm1d(2)
            >>> with cr.no_grad():
            ...     _ = bn.weight.fill_(3.0)
            >>> bn.reset_parameters()
            >>> bn.weight
            Parameter containing:
            tensor([1., 1.], requires_grad=True)
        """
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._ndims:
            want = " or ".join(f"{n}D" for n in self._ndims)
            raise ValueError(f"{type(self).__name__}: expected {want} input, got {input.ndim}D {tuple(input.shape)}")
        if input._data.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}): input {tuple(input.shape)} has {input.shape[1]} "
                f"channels in dim 1, expected {self.num_features}"
            )

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            _capture.count_batch(self.num_batches_tracked)  # a plain += 1 that chainrule.compile replays
            if self.momentum is None:  # cumulative moving average
                _capture.value_read("BatchNorm(momentum=None)'s averaging factor")
                factor = 1.0 / float(self.num_batches_tracked._data)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(
            input, self.running_mean if keep else None, self.running_var if keep else None, self.weight,
            self.bias, use_batch, factor, self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self._has_bias}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation for (N, C) or (N, C, L) inputs: statistics per feature C over the batch (and L).

    In training mode each feature is normalised by the batch's mean and (biased) variance, x_hat =
    (x - mean) / sqrt(var + eps), and the running estimates are updated (the unbiased variance, as in PyTorch);
    in eval mode the running estimates are used. Then y = weight * x_hat + bias. One fused node forward and
    backward.

    Args:
        num_features: C, the number of features.
        eps: added to the variance for stability (default 1e-5).
        momentum: weight of the new batch in the running estimates (default 0.1); None: a cumulative average.
        affine: learn a per-feature scale (weight, from 1) and shift (bias, from 0) (default True).
        track_running_stats: keep running estimates for eval mode (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).
        bias: with affine, learn the shift too (default True).

    Shape:
        - Input: (N, C) or (N, C, L). Output: the same shape.

    Raises:
        ValueError: an input of another rank, or whose dimension 1 is not num_features; training with a batch
            of one sample per feature (the variance is undefined).

    Examples:
        >>> import chainrule as cr
        >>> bn = cr.nn.BatchNorm1d(4)
        >>> y = bn(cr.randn(32, 4) * 3 + 1)
        >>> y.mean(0).abs().max().item() < 1e-5, bn.running_mean.shape
        (True, chainrule.Size([4]))
    """

    _ndims = (2, 3)


class LayerNorm(Module):
    """Layer normalisation: normalise each sample over its trailing `normalized_shape` dimensions, then scale and
    shift per element. Unlike batch norm it uses no batch statistics, so training and eval behave the same.

    Args:
        normalized_shape: the trailing shape to normalise over (an int for the last dimension).
        eps: added to the variance for stability (default 1e-5).
        elementwise_affine: learn a per-element scale (weight, from 1) and shift (bias, from 0) (default True).
        bias: with elementwise_affine, learn the shift too (default True).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (*, *normalized_shape). Output: the same shape.

    Raises:
        ValueError: the input's trailing dimensions are not normalized_shape.

    Examples:
        >>> import chainrule as cr
        >>> ln = cr.nn.LayerNorm(10)
        >>> y = ln(cr.randn(3, 10) * 5)
        >>> y.mean(-1).abs().max().item() < 1e-5
        True
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device=None, dtype=None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        self._has_bias = elementwise_affine and bias
        if elementwise_affine:
            self.weight = empty_parameter(*shape, dtype=dtype, device=device)
            if bias:
                self.bias = empty_parameter(*shape, dtype=dtype, device=device)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight 1 and bias 0 (with elementwise_affine).

        Examples:
            >>> import chainrule as cr
            >>> ln = cr.nn.LayerNorm(2)
            >>> with cr.no_grad():
            ...     _ = ln.bias.fill_(3.0)
            >>> ln.reset_parameters()
            >>> ln.bias
            Parameter containing:
            tensor([0., 0.], requires_grad=True)
        """
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self._has_bias}"
        )
