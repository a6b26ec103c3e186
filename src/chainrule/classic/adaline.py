"""Widrow and Hoff's ADALINE: a linear neuron fitted to the labels by LMS, thresholded only to predict."""

from __future__ import annotations

import warnings

import numpy as np

from chainrule.classic._base import ConvergenceWarning, _LinearNeuron

MODES = ("online", "batch")


class Adaline(_LinearNeuron):
    """z = w·x + b trained by gradient descent on E = mean((t - z)^2) / 2; predicts the positive label where z >= θ.

    Online (Widrow-Hoff / LMS), one sample at a time: w += lr (t - z) x, b += lr (t - z).
    Batch, the mean over all samples: w += lr X^T (t - z) / N, b += lr mean(t - z).

    The targets t are the labels themselves, and the threshold θ is their midpoint: 0 for labels=(-1, 1), 0.5 for
    labels=(0, 1), as in the textbook. Least squares puts z near 0 or 1 for 0/1 targets, so thresholding at 0 (the
    classic trap) would call nearly everything positive.

    Args:
        lr: the learning rate eta (default 0.01); too large and the cost diverges (standardise the features).
        epochs: passes over the data in `fit` (default 50).
        mode: "online" (default: one LMS update per sample) or "batch" (one full-batch gradient step per epoch).
        labels: the label convention, (-1, 1) (default) or (0, 1); the targets t are these labels.
        seed: the seed of the shuffled order (default None).
        shuffle: online mode visits the samples in a new random order each epoch (default False).
        w_init: the initial weights (default None: zeros).
        b_init: the initial bias (default 0.0).

    Attributes:
        w_: the weight vector after `fit` (None before).
        b_: the bias.
        errors_: the training MSE after each epoch (`cost_` is half of it, the textbook E).
        n_epochs_: the epochs run.

    Raises:
        ValueError: lr <= 0, an unknown mode, another label convention, or targets outside it.

    Warns:
        ConvergenceWarning: the cost became NaN or infinite (lower lr or standardise the features).

    Examples:
        >>> a = Adaline(lr=0.1)
        >>> a.step([1, 1], 1)  # from w = (0, 0), b = 0: z = 0, error t - z = 1
        1.0
        >>> a.w_.tolist(), a.b_
        ([0.1, 0.1], 0.1)
    """

    def __init__(self, lr: float = 0.01, epochs: int = 50, mode: str = "online", labels=(-1, 1),
                 seed: int | None = None, shuffle: bool = False, w_init=None, b_init: float = 0.0):
        super().__init__(lr, labels, shuffle, seed, w_init, b_init)
        if mode not in MODES:
            raise ValueError(f"Adaline: mode must be 'online' or 'batch', got {mode!r}")
        self.epochs, self.mode = int(epochs), mode
        self.errors_: list[float] = []
        self.n_epochs_ = 0

    @property
    def threshold(self) -> float:
        """The midpoint of the two labels: 0 for (-1, 1), 0.5 for (0, 1).

        Examples:
            >>> from chainrule.classic import Adaline
            >>> Adaline().threshold, Adaline(labels=(0, 1)).threshold
            (0.0, 0.5)
        """
        return (self.labels[0] + self.labels[1]) / 2

    @property
    def cost_(self) -> list[float]:
        """The textbook cost E = MSE / 2 after each epoch (errors_ holds the MSE).

        Examples:
            >>> from chainrule.classic import Adaline
            >>> a = Adaline(lr=0.1, epochs=3, mode="batch").fit([[1.0], [-1.0]], [1, -1])
            >>> [round(e, 4) for e in a.errors_], [round(c, 4) for c in a.cost_]
            ([0.81, 0.6561, 0.5314], [0.405, 0.3281, 0.2657])
        """
        return [e / 2 for e in self.errors_]

    def _update(self, x: np.ndarray, t: float) -> float:
        """One LMS update on one sample; returns the error t - z before the update."""
        err = float(t - (x @ self.w_ + self.b_))
        self.w_ += self.lr * err * x  # dE/dw = -(t - z) x
        self.b_ += self.lr * err  # dE/db = -(t - z)
        return err

    def step(self, x, t) -> float:
        """One online LMS update on one sample x (n_features,) with label t; returns the error t - z."""
        x = self._inputs(x, ndim=1)
        (t,) = self._targets([t])
        if self.w_ is None:
            self._reset(x.size)
        return self._update(x, t)

    def _batch_update(self, X: np.ndarray, y: np.ndarray) -> None:
        """One full-batch gradient step on E = mean((t - z)^2) / 2."""
        err = y - (X @ self.w_ + self.b_)
        self.w_ += self.lr * (X.T @ err) / len(X)  # dE/dw = -X^T (t - z) / N
        self.b_ += self.lr * err.mean()  # dE/db = -mean(t - z)

    def fit(self, X, y) -> Adaline:
        """`epochs` passes of LMS from w_init; errors_[k] is the training MSE after epoch k.

        Args:
            X: the inputs, (n_samples, n_features) (an array-like or a Tensor).
            y: the labels, (n_samples,), in the label convention.

        Returns:
            self, fitted (w_, b_, errors_, n_epochs_).

        Raises:
            ValueError: labels outside the convention, or X and y of different lengths.

        Examples:
            >>> from chainrule.classic import Adaline
            >>> X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], [-1, -1, -1, 1]         # AND
            >>> a = Adaline(lr=0.1, epochs=50, mode="batch").fit(X, y)
            >>> a.predict(X).tolist()
            [-1, -1, -1, 1]
        """
        X = self._inputs(X)
        y = self._targets(y, len(X))
        self._reset(X.shape[1])
        rng = np.random.default_rng(self.seed)
        self.errors_ = []
        for epoch in range(self.epochs):
            if self.mode == "batch":
                self._batch_update(X, y)
            else:
                for i in self._order(len(X), rng):
                    self._update(X[i], y[i])
            self.errors_.append(float(np.mean((y - self.decision_function(X)) ** 2)))
            if not np.isfinite(self.errors_[-1]):
                warnings.warn(f"Adaline diverged at epoch {epoch + 1} (lr={self.lr:g}): lower lr or standardise "
                              "the features", ConvergenceWarning, stacklevel=2)
                break
        self.n_epochs_ = len(self.errors_)
        return self
