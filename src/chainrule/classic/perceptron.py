"""Rosenblatt's perceptron: a step neuron trained by the perceptron rule, which updates only on mistakes."""

from __future__ import annotations

import warnings

import numpy as np

from chainrule.classic._base import ConvergenceWarning, _LinearNeuron


class Perceptron(_LinearNeuron):
    """y = H(w·x + b); on a mistake w += lr (t - y) x and b += lr (t - y), where t, y are labels.

    H gives the positive label where z >= 0. With labels=(-1, 1) a mistake moves w by 2 lr t x, with (0, 1) by
    lr (t - y) x = ±lr x; either way the boundary w·x + b = 0 moves toward the misclassified point. On linearly
    separable data the rule stops after finitely many mistakes (the perceptron convergence theorem); on XOR it never
    does, and fit() warns.

    Args:
        lr: the learning rate eta (default 1.0; with zero initial weights the rule is scale-free, so it only matters
            relative to w_init).
        max_epochs: the most passes over the data before `fit` gives up and warns (default 100).
        labels: the label convention, (-1, 1) (default) or (0, 1), as (negative, positive).
        shuffle: visit the samples in a new random order each epoch (default False: in order).
        seed: the seed of that order (default None).
        w_init: the initial weights (default None: zeros).
        b_init: the initial bias (default 0.0).

    Attributes:
        w_: the weight vector after `fit` (None before).
        b_: the bias.
        converged_: whether the last epoch made no mistake.
        mistakes_: the number of updates in each epoch.
        n_epochs_: the epochs run.

    Raises:
        ValueError: lr <= 0, another label convention, or targets outside it (the message names the fix).

    Warns:
        ConvergenceWarning: `fit` reached max_epochs with mistakes left (the data may not be linearly separable).

    Examples:
        >>> p = Perceptron(labels=(0, 1)).fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])  # AND
        >>> p.converged_, p.predict([[1, 1], [0, 1]]).tolist()
        (True, [1, 0])
    """

    def __init__(self, lr: float = 1.0, max_epochs: int = 100, labels=(-1, 1), shuffle: bool = False,
                 seed: int | None = None, w_init=None, b_init: float = 0.0):
        super().__init__(lr, labels, shuffle, seed, w_init, b_init)
        self.max_epochs = int(max_epochs)
        self.converged_ = False
        self.n_epochs_ = 0
        self.mistakes_: list[int] = []

    def _update(self, x: np.ndarray, t: float) -> bool:
        """The perceptron rule on one sample; returns True when it was a mistake (and w, b moved)."""
        y = self.labels[1] if x @ self.w_ + self.b_ >= 0 else self.labels[0]
        if y == t:
            return False
        self.w_ += self.lr * (t - y) * x  # w <- w + lr (t - y) x
        self.b_ += self.lr * (t - y)  # b <- b + lr (t - y)
        return True

    def step(self, x, t) -> bool:
        """One perceptron-rule update on one sample x (n_features,) with label t; True if it was a mistake.

        Args:
            x: one sample, (n_features,).
            t: its label, in the label convention.

        Examples:
            >>> from chainrule.classic import Perceptron
            >>> p = Perceptron(lr=1.0)
            >>> p.step([1.0, 2.0], 1)        # w = 0 predicts +1 (z = 0 >= 0): no mistake, no update
            False
            >>> p.step([1.0, 2.0], -1)       # a mistake: w <- w + lr (t - y) x = -2 x
            True
            >>> p.w_.tolist(), float(p.b_)
            ([-2.0, -4.0], -2.0)
        """
        x = self._inputs(x, ndim=1)
        (t,) = self._targets([t])
        if self.w_ is None:
            self._reset(x.size)
        return self._update(x, t)

    def fit(self, X, y) -> Perceptron:
        """Epochs of the rule from w_init until an epoch makes no mistake (converged_) or max_epochs is reached."""
        X = self._inputs(X)
        y = self._targets(y, len(X))
        self._reset(X.shape[1])
        rng = np.random.default_rng(self.seed)
        self.mistakes_, self.converged_ = [], False
        for _ in range(self.max_epochs):
            self.mistakes_.append(sum(self._update(X[i], y[i]) for i in self._order(len(X), rng)))
            if self.mistakes_[-1] == 0:
                self.converged_ = True
                break
        self.n_epochs_ = len(self.mistakes_)
        if not self.converged_:
            warnings.warn(f"Perceptron did not converge in {self.max_epochs} epochs ({self.mistakes_[-1]} mistakes "
                          "in the last one): the classes may not be linearly separable (XOR is not; try "
                          "feature_map_xor) or max_epochs is too small", ConvergenceWarning, stacklevel=2)
        return self
