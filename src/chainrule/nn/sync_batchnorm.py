"""SyncBatchNorm: batch norm whose statistics are taken over the whole global batch (all ranks), as PyTorch's.

Each rank computes its per-channel count, mean and variance; one all-gather combines them (Chan's parallel
formula: no E[x^2] - E[x]^2 cancellation). Backward all-reduces the per-channel sums of G and G * (x - mean),
so dL/dx accounts for every rank's samples. Outside training, or on one process, it is plain batch norm.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op
from ..distributed import group as _group
from ..distributed.buffers import spec
from ..distributed.work import wait_all
from ..ops.nn_fused import _cdot, _csum, _rows
from .module import Module
from .normalization import _BatchNorm


def _gather_stats(comm_group, m: int, mean: np.ndarray, var: np.ndarray):
    """(N, mean, var) of the union of every rank's values from each rank's (count, mean, var)."""
    c = mean.shape[0]
    mine = np.concatenate([[m], mean, var]).astype(np.float64)
    every = np.empty((comm_group.size(), 2 * c + 1), dtype=np.float64)
    req = comm_group.comm.Iallgather(spec(mine), spec(every))
    wait_all([req], comm_group, "SyncBatchNorm statistics all-gather", comm_group.timeout)
    counts, means, vars_ = every[:, :1], every[:, 1 : c + 1], every[:, c + 1 :]
    n = counts.sum()
    g_mean = (counts * means).sum(axis=0) / n
    g_var = (counts * (vars_ + (means - g_mean) ** 2)).sum(axis=0) / n  # Chan et al.: within + between
    return int(n), g_mean, g_var


class SyncBatchNormFunction(Op):
    """Batch norm over axis 1 with statistics of the global batch; updates the running statistics in place."""

    differentiable_backward = False

    @staticmethod
    def forward(ctx, x, w, b, running_mean, running_var, momentum, eps, group):
        x3 = _rows(x)
        m = x3.shape[0] * x3.shape[2]
        mean = _csum(x3) / m if m else np.zeros(x3.shape[1], x.dtype)
        xc = x3 - mean[:, None]
        var = _cdot(xc, xc) / m if m else np.zeros(x3.shape[1], x.dtype)
        n, g_mean, g_var = _gather_stats(group, m, mean, var)
        if n <= 1:
            raise ValueError(f"SyncBatchNorm: expected more than 1 value per channel over all ranks when "
                             f"training, got {n} (input {x.shape} on this rank)")
        mean, var = g_mean.astype(x.dtype), g_var.astype(x.dtype)
        invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype)
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += momentum * mean
            running_var *= 1 - momentum
            running_var += (momentum * n / (n - 1)) * var  # the unbiased variance of the global batch
        out = x3 - mean[:, None]  # xc = x - global mean
        scale = invstd if w is None else w * invstd
        out *= scale[:, None]
        if b is not None:
            out += b[:, None]  # y = xhat * w + b
        ctx.save_for_backward(x, w, mean)
        ctx.invstd, ctx.n, ctx.group = invstd, n, group
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, g):
        # xc = x - mean, xhat = xc * invstd, scale = w * invstd; sums over this rank's values, S = summed over ranks:
        # dL/db = sum(G) ;  dL/dw = sum(G * xc) * invstd   (local: DDP averages parameter gradients)
        # dL/dx = scale * (G - S(G)/N - xc * invstd^2 * S(G * xc)/N)   (N values per channel over all ranks)
        x, w, mean = ctx.saved
        invstd, n, group = ctx.invstd, ctx.n, ctx.group
        g3 = _rows(g)
        xc = _rows(x) - mean[:, None]
        gsum, gxc = _csum(g3), _cdot(g3, xc)
        both = np.concatenate([gsum, gxc])
        req = group.comm.Iallreduce(_group.mpi().IN_PLACE, spec(both), op=_group.mpi().SUM)
        wait_all([req], group, "SyncBatchNorm gradient all-reduce", group.timeout)
        c = gsum.shape[0]
        s_g, s_gxc = both[:c] / n, both[c:] / n
        scale = invstd if w is None else w * invstd
        xc *= (invstd * invstd * s_gxc)[:, None]
        gx = (g3 - s_g[:, None] - xc) * scale[:, None]
        gw = gxc * invstd if w is not None else None
        gb = gsum if ctx.needs_input_grad[2] else None
        return gx.reshape(x.shape), gw, gb, None, None, None, None, None


class SyncBatchNorm(_BatchNorm):
    """Batch norm over (N, C, *) inputs with statistics over the global batch of every rank in training.

    In eval mode, or when no process group is initialised or it has one rank, it computes exactly what
    BatchNorm does. Every rank must call forward the same number of times. Build one from an existing model
    with `SyncBatchNorm.convert_sync_batchnorm(model)`.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for stability (default 1e-5).
        momentum: weight of the new batch in the running estimates (default 0.1; None: a cumulative average).
        affine: learn a per-channel scale and shift (default True).
        track_running_stats: keep running estimates for eval mode (default True).
        process_group: the group whose ranks share statistics (default None: the world group).
        device: only "cpu" (or None).
        dtype: the parameters' dtype (default float32).

    Shape:
        - Input: (N, C, *), at least 2-D.
        - Output: the same shape.

    Raises:
        ValueError: an input below 2-D or with another channel count; training with one value per channel
            over all ranks.

    Examples:
        >>> import chainrule as cr
        >>> bn = cr.nn.SyncBatchNorm(4)  # no process group: plain batch norm
        >>> bn(cr.randn(2, 4, 5, 5)).shape
        chainrule.Size([2, 4, 5, 5])
        >>> model = cr.nn.Sequential(cr.nn.Conv2d(3, 4, 3), cr.nn.BatchNorm2d(4), cr.nn.ReLU())
        >>> cr.nn.SyncBatchNorm.convert_sync_batchnorm(model)[1]
        SyncBatchNorm(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    _ndims = (2, 3, 4, 5)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group=None, device=None, dtype=None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = process_group

    def _check_input_dim(self, input) -> None:
        if input.ndim < 2:
            raise ValueError(f"SyncBatchNorm: expected at least 2D input (N, C, *), got {input.ndim}D "
                             f"{tuple(input.shape)}")
        super()._check_input_dim(input)

    def forward(self, input):
        group = self.process_group or _group.state.world
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        if not (use_batch and group is not None and group.size() > 1):
            return super().forward(input)
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked._data += 1
            self.num_batches_tracked._bump()
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked._data)
        keep = self.training and self.track_running_stats and self.running_mean is not None
        rm = self.running_mean._data if keep else None
        rv = self.running_var._data if keep else None
        out = SyncBatchNormFunction.apply(input, self.weight, self.bias, rm, rv, float(factor), float(self.eps),
                                          group)
        if keep:
            self.running_mean._bump()
            self.running_var._bump()
        return out

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group=None) -> Module:
        """Replace every BatchNorm*d in `module` (or module itself) by a SyncBatchNorm sharing its parameters
        and buffers; returns the converted module (the same object when it is not a BatchNorm itself).

        Args:
            module: the model (or one batch-norm layer).
            process_group: the group the new layers synchronise over (default None: the world group).

        Returns:
            The converted module.

        Examples:
            >>> import chainrule as cr
            >>> model = cr.nn.Sequential(cr.nn.Linear(4, 4), cr.nn.BatchNorm1d(4))
            >>> bn = model[1]
            >>> converted = cr.nn.SyncBatchNorm.convert_sync_batchnorm(model)
            >>> converted is model, type(converted[1]).__name__, converted[1].weight is bn.weight
            (True, 'SyncBatchNorm', True)
        """
        out = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats,
                      process_group)
            if module.affine:
                out.weight, out.bias = module.weight, module.bias
            out.running_mean, out.running_var = module.running_mean, module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
