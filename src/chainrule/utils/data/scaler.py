"""StandardScaler: per-feature (x - mean) / std, fitted on the training split only (as sklearn's)."""

from __future__ import annotations

import numpy as np

from chainrule.dtypes import default_np_dtype

from ._convert import as_array, like


class StandardScaler:
    """Standardises features: z = (x - mean_) / scale_ per feature (over axis 0), as scikit-learn's.

    Fit it on the training set only, then transform every split with the same statistics. Tensors in give
    Tensors out, arrays give arrays; float32 stays float32 (the statistics accumulate in float64).

    Args:
        with_mean: subtract the mean (default True).
        with_std: divide by the standard deviation (default True).
        eps: a floor for the standard deviation, so constant features do not divide by zero (default 1e-12).

    Attributes:
        mean_: the per-feature mean after `fit`.
        scale_: the per-feature standard deviation (population, ddof=0) after `fit`.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import StandardScaler
        >>> x = cr.tensor([[1.0, 10.0], [3.0, 30.0]])
        >>> StandardScaler().fit(x).transform(x)
        tensor([[-1., -1.],
                [ 1.,  1.]])
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True, eps: float = 1e-12) -> None:
        self.with_mean, self.with_std, self.eps = with_mean, with_std, eps
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None
        self.var_: np.ndarray | None = None
        self.n_samples_seen_ = 0

    def fit(self, x) -> StandardScaler:
        """Learn per-feature mean and std (population, ddof=0) of `x` (N, ...), accumulated in float64."""
        a = as_array(x)
        if a.ndim == 0 or len(a) == 0:
            raise ValueError(f"StandardScaler.fit: need (N, features...), N >= 1; got shape {a.shape}")
        mean = a.mean(axis=0, dtype=np.float64)
        var = a.var(axis=0, dtype=np.float64)
        dtype = _float_dtype(a)
        self.mean_ = mean.astype(dtype) if self.with_mean else np.zeros_like(mean, dtype=dtype)
        self.var_ = var.astype(dtype)
        std = np.sqrt(var)
        # constant features would divide by zero: leave them unscaled (sklearn does the same)
        self.scale_ = np.where(std > self.eps, std, 1.0).astype(dtype)
        if not self.with_std:
            self.scale_ = np.ones_like(self.scale_)
        self.n_samples_seen_ = len(a)
        return self

    def transform(self, x):
        """(x - mean_) / scale_ with the statistics from fit (never refits)."""
        a, mean, scale = self._check(x, "transform")
        return like((a - mean) / scale, x)

    def fit_transform(self, x):
        """fit(x) then transform(x); use on the training split only.

        Examples:
            >>> import chainrule as cr
            >>> from chainrule.utils.data import StandardScaler
            >>> scaler = StandardScaler()
            >>> scaler.fit_transform(cr.tensor([[1.0, 10.0], [3.0, 30.0]]))
            tensor([[-1., -1.],
                    [ 1.,  1.]])
        """
        return self.fit(x).transform(x)

    def inverse_transform(self, z):
        """x = z * scale_ + mean_: back to the original units.

        Examples:
            >>> import chainrule as cr
            >>> from chainrule.utils.data import StandardScaler
            >>> scaler = StandardScaler().fit(cr.tensor([[1.0], [3.0]]))
            >>> scaler.inverse_transform(cr.tensor([[-1.0], [0.0], [2.0]]))
            tensor([[1.],
                    [2.],
                    [4.]])
        """
        a, mean, scale = self._check(z, "inverse_transform")
        return like(a * scale + mean, z)

    def _check(self, x, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x as a float array, and mean_/scale_ in x's dtype (no upcast), after checking fit and shapes."""
        if self.mean_ is None:
            raise RuntimeError(f"StandardScaler.{method}: not fitted; call scaler.fit(X_train) first")
        a = as_array(x)
        if a.shape[1:] != self.mean_.shape:
            want = ", ".join(["N", *map(str, self.mean_.shape)])
            raise ValueError(f"StandardScaler.{method}: input has shape {a.shape}, but the scaler was fitted "
                             f"on features of shape {self.mean_.shape}; expected ({want})")
        dtype = _float_dtype(a)
        mean, scale = self.mean_.astype(dtype, copy=False), self.scale_.astype(dtype, copy=False)
        return a.astype(dtype, copy=False), mean, scale

    def state_dict(self) -> dict[str, np.ndarray]:
        """The fitted statistics (to save next to a model).

        Examples:
            >>> import chainrule as cr
            >>> from chainrule.utils.data import StandardScaler
            >>> state = StandardScaler().fit(cr.tensor([[1.0], [3.0]])).state_dict()
            >>> sorted(state)
            ['mean', 'scale', 'var']
        """
        return {"mean": self.mean_, "scale": self.scale_, "var": self.var_}

    def load_state_dict(self, state: dict) -> None:
        """Restore statistics from state_dict.

        Args:
            state: what state_dict() returned.

        Examples:
            >>> import chainrule as cr
            >>> from chainrule.utils.data import StandardScaler
            >>> state = StandardScaler().fit(cr.tensor([[1.0], [3.0]])).state_dict()
            >>> restored = StandardScaler()
            >>> restored.load_state_dict(state)
            >>> restored.transform(cr.tensor([[3.0]]))
            tensor([[1.]])
        """
        self.mean_, self.scale_, self.var_ = (np.asarray(state[k]) for k in ("mean", "scale", "var"))

    def __repr__(self) -> str:
        fitted = f"features={self.mean_.shape}" if self.mean_ is not None else "not fitted"
        return f"StandardScaler({fitted})"


def _float_dtype(a: np.ndarray) -> np.dtype:
    """a's dtype if floating, else the default float dtype (ints and bools become float32)."""
    return a.dtype if a.dtype.kind == "f" else default_np_dtype()
