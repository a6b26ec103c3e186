"""The perceptron rule: it learns AND, fails on XOR with a warning, and updates only on mistakes."""

import warnings

import numpy as np
import pytest

from chainrule.classic import ConvergenceWarning, Perceptron

X01 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
AND01 = np.array([0, 0, 0, 1])
XOR01 = np.array([0, 1, 1, 0])


@pytest.mark.parametrize("labels", [(0, 1), (-1, 1)])
def test_learns_and_and_stops_after_a_clean_epoch(labels):
    y = np.where(AND01 == 1, labels[1], labels[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converging must not warn
        p = Perceptron(labels=labels).fit(X01, y)
    assert p.converged_ and p.n_epochs_ == len(p.mistakes_) < p.max_epochs
    assert p.mistakes_[-1] == 0 and all(m > 0 for m in p.mistakes_[:-1])
    assert p.predict(X01).tolist() == y.tolist() and p.score(X01, y) == 1.0
    assert np.array_equal(p.weights, p.w_) and p.decision_function(X01).shape == (4,)


def test_fails_on_xor_and_warns():
    with pytest.warns(ConvergenceWarning, match="did not converge in 30 epochs"):
        p = Perceptron(labels=(0, 1), max_epochs=30).fit(X01, XOR01)
    assert not p.converged_ and p.n_epochs_ == 30 and min(p.mistakes_) > 0
    assert p.score(X01, XOR01) < 1.0


def test_updates_only_on_mistakes():
    p = Perceptron(lr=0.5, labels=(0, 1), w_init=[1.0, 1.0], b_init=-1.5)  # already computes AND
    assert not p.step([1, 1], 1) and p.w_.tolist() == [1.0, 1.0] and p.b_ == -1.5
    assert p.step([1, 1], 0)  # a mistake: w += 0.5 * (0 - 1) * x
    assert p.w_.tolist() == [0.5, 0.5] and p.b_ == -2.0


def test_shuffle_with_seed_is_reproducible():
    runs = [Perceptron(labels=(0, 1), shuffle=True, seed=3).fit(X01, AND01) for _ in range(2)]
    assert runs[0].mistakes_ == runs[1].mistakes_ and np.array_equal(runs[0].w_, runs[1].w_)
    assert runs[0].converged_
