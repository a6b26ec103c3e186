"""Shared pieces of the classic single neurons: input conversion, label conventions, the linear score z = X @ w + b."""

from __future__ import annotations

import numpy as np

LABEL_CONVENTIONS = ((-1, 1), (0, 1))


class ConvergenceWarning(UserWarning):
    """A learning rule stopped at its epoch limit (or blew up) before it converged.

    Examples:
        >>> import warnings
        >>> from chainrule.classic import ConvergenceWarning, Perceptron
        >>> X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], [-1, 1, 1, -1]         # XOR: not linearly separable
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     _ = Perceptron(max_epochs=5).fit(X, y)
        >>> caught[0].category is ConvergenceWarning
        True
    """


def as_array(X) -> np.ndarray:
    """A float64 ndarray from an array-like or a chainrule Tensor (read through `.detach().numpy()`)."""
    X = getattr(X, "detach", lambda: X)()
    return np.asarray(getattr(X, "numpy", lambda: X)(), dtype=np.float64)


def check_labels(labels) -> tuple[int, int]:
    """The label convention as (negative, positive); only (-1, 1) and (0, 1) are allowed."""
    pair = tuple(labels) if np.ndim(labels) == 1 else None
    if pair is None or pair not in LABEL_CONVENTIONS:
        raise ValueError(f"labels must be (-1, 1) or (0, 1) as (negative, positive), got {labels!r}")
    return int(pair[0]), int(pair[1])


class _LinearNeuron:
    """One neuron with a linear score z = w·x + b and a thresholded prediction; subclasses add the learning rule."""

    def __init__(self, lr, labels, shuffle, seed, w_init, b_init):
        if not lr > 0:
            raise ValueError(f"{self._name}: lr must be positive, got {lr!r}")
        self.lr = float(lr)
        self.labels = check_labels(labels)
        self.shuffle, self.seed = bool(shuffle), seed
        self.w_init, self.b_init = w_init, float(b_init)
        self.w_: np.ndarray | None = None
        self.b_ = float(b_init)

    @property
    def _name(self) -> str:
        return type(self).__name__

    @property
    def threshold(self) -> float:
        """The score at which the prediction switches from the negative to the positive label."""
        return 0.0

    @property
    def weights(self) -> np.ndarray:
        """The weight vector w (the same array as `w_`)."""
        return self._fitted_w()

    def _fitted_w(self) -> np.ndarray:
        if self.w_ is None:
            raise RuntimeError(f"{self._name} has no weights yet: call fit(X, y) or step(x, t) first")
        return self.w_

    def _reset(self, n_features: int) -> None:
        """Start from w_init / b_init (zeros and 0.0 by default)."""
        if self.w_init is None:
            self.w_ = np.zeros(n_features)
        else:
            self.w_ = as_array(self.w_init).reshape(-1).copy()
            if self.w_.shape != (n_features,):
                raise ValueError(f"{self._name}: w_init has {self.w_.size} values but X has {n_features} features")
        self.b_ = self.b_init

    def _inputs(self, X, ndim: int = 2) -> np.ndarray:
        """X as float64 with `ndim` dims: (n_samples, n_features) for fit, (n_features,) for step."""
        X = as_array(X)
        if X.ndim != ndim:
            want = "(n_samples, n_features)" if ndim == 2 else "(n_features,)"
            raise ValueError(f"{self._name}: expected an input of shape {want}, got shape {X.shape}")
        return X

    def _targets(self, y, n: int | None = None) -> np.ndarray:
        """y as a float64 vector, checked against the label convention (and against n samples)."""
        y = as_array(y).reshape(-1)
        if n is not None and y.size != n:
            raise ValueError(f"{self._name}: X has {n} samples but y has {y.size} targets")
        bad = np.unique(y[~np.isin(y, self.labels)])
        if bad.size:
            seen = set(np.unique(y).tolist())
            fix = next((f"pass labels={c}" for c in LABEL_CONVENTIONS if seen <= set(c)),
                       "map the two classes to -1/1 or 0/1")
            values = ", ".join(f"{v:g}" for v in bad[:5]) + (", ..." if bad.size > 5 else "")
            raise ValueError(f"{self._name}: targets [{values}] are outside the label convention "
                             f"labels={self.labels}; {fix}")
        return y

    def decision_function(self, X) -> np.ndarray:
        """The linear score z = X @ w + b, one per sample (a scalar for a single sample)."""
        w, X = self._fitted_w(), as_array(X)
        if X.shape[-1:] != w.shape:
            raise ValueError(f"{self._name}: X has {X.shape[-1:]} features but the neuron has {w.size} weights")
        return X @ w + self.b_

    def predict(self, X) -> np.ndarray:
        """The positive label where z >= threshold, the negative one elsewhere."""
        neg, pos = self.labels
        return np.where(self.decision_function(X) >= self.threshold, pos, neg)

    def score(self, X, y) -> float:
        """Accuracy: the fraction of samples whose predicted label equals y."""
        X = self._inputs(X)
        return float(np.mean(self.predict(X) == self._targets(y, len(X))))

    def _order(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """The visiting order of one epoch: shuffled when shuffle=True, else 0..n-1."""
        return rng.permutation(n) if self.shuffle else np.arange(n)

    def __repr__(self) -> str:
        return f"{self._name}(lr={self.lr:g}, labels={self.labels})"
