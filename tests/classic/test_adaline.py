"""ADALINE / LMS: the textbook step, XOR through the feature map, the 0/1 threshold, online and batch modes."""

import numpy as np
import pytest

from chainrule.classic import Adaline, feature_map_xor

X01 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR01 = np.array([0, 1, 1, 0])
AND01 = np.array([0, 0, 0, 1])


def test_textbook_online_step():
    a = Adaline(lr=0.1)  # (x1, x2, t) = (1, 1, 1) from w = (0, 0), b = 0: z = 0, t - z = 1
    assert a.step([1, 1], 1) == pytest.approx(1.0)
    assert a.w_ == pytest.approx([0.1, 0.1]) and a.b_ == pytest.approx(0.1)


def test_step_from_given_initial_weights():
    a = Adaline(lr=0.1, labels=(0, 1), w_init=[0.5, -0.5], b_init=0.2)
    assert a.step([2, 1], 0) == pytest.approx(-0.7)  # z = 1 - 0.5 + 0.2
    assert a.w_ == pytest.approx([0.5 - 0.14, -0.5 - 0.07]) and a.b_ == pytest.approx(0.13)


def test_xor_by_feature_map_textbook_variant():
    # 0/1 inputs and labels, threshold 0.5: LMS finds the constructed solution w = (1, 1, -2), b = 0
    phi = feature_map_xor(X01)
    a = Adaline(lr=0.1, epochs=1000, labels=(0, 1)).fit(phi, XOR01)
    assert a.predict(phi).tolist() == XOR01.tolist()
    assert a.w_ == pytest.approx([1, 1, -2], abs=1e-3) and a.b_ == pytest.approx(0, abs=1e-3)


def test_xor_by_feature_map_bipolar_variant():
    Xpm, xor_pm = 2 * X01 - 1, np.array([-1, 1, 1, -1])  # z = -x1 x2 separates it, threshold 0
    a = Adaline(lr=0.1, epochs=50).fit(feature_map_xor(Xpm), xor_pm)
    assert a.predict(feature_map_xor(Xpm)).tolist() == xor_pm.tolist()


def test_zero_one_labels_threshold_at_half_not_zero():
    # least squares onto 0/1 AND targets gives z ≈ (-0.25, 0.25, 0.25, 0.75): a threshold at 0 would be wrong
    a = Adaline(lr=0.1, epochs=200, labels=(0, 1)).fit(X01, AND01)
    assert a.threshold == 0.5 and a.predict(X01).tolist() == AND01.tolist()
    assert (a.decision_function(X01) >= 0).tolist() != AND01.astype(bool).tolist()
    assert Adaline().threshold == 0.0


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_both_modes_reduce_the_error(mode):
    phi = feature_map_xor(X01)
    a = Adaline(lr=0.1, epochs=300, mode=mode, labels=(0, 1)).fit(phi, XOR01)
    initial = np.mean(XOR01**2.0)  # zero weights: z = 0
    assert len(a.errors_) == a.n_epochs_ == 300
    assert a.errors_[-1] < a.errors_[0] < initial and a.errors_[-1] < 0.05
    assert a.cost_[-1] == pytest.approx(a.errors_[-1] / 2)
    if mode == "batch":  # full-batch gradient descent with a small step decreases E every epoch
        assert np.all(np.diff(a.errors_) <= 1e-12)


def test_divergence_warns_and_stops():
    from chainrule.classic import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="diverged"), np.errstate(all="ignore"):
        a = Adaline(lr=10.0, epochs=1000, mode="batch").fit(100 * X01, 2 * AND01 - 1)
    assert a.n_epochs_ < 1000


def test_bad_mode_and_lr():
    with pytest.raises(ValueError, match="mode must be 'online' or 'batch'"):
        Adaline(mode="minibatch")
    with pytest.raises(ValueError, match="lr must be positive"):
        Adaline(lr=0)
