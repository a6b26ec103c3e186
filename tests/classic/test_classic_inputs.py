"""Label conventions, input checks, Tensor inputs and the XOR feature map shared by both classic neurons."""

import numpy as np
import pytest

import chainrule
from chainrule.classic import Adaline, Perceptron, feature_map_xor

X01 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


@pytest.mark.parametrize("cls", [Perceptron, Adaline])
def test_targets_outside_the_convention_name_values_and_fix(cls):
    with pytest.raises(ValueError, match=r"targets \[0\] are outside .*labels=\(-1, 1\); pass labels=\(0, 1\)"):
        cls().fit(X01, [0, 0, 0, 1])
    with pytest.raises(ValueError, match=r"targets \[-1\] .*labels=\(0, 1\); pass labels=\(-1, 1\)"):
        cls(labels=(0, 1)).fit(X01, [-1, -1, -1, 1])
    with pytest.raises(ValueError, match=r"targets \[2, 3\] .*map the two classes"):
        cls(labels=(0, 1)).fit(X01, [0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"targets \[0\]"):
        cls().step([1, 1], 0)
    with pytest.raises(ValueError, match=r"targets \[0\]"):
        cls().fit(X01, [1, 1, 1, -1]).score(X01, [0, 1, 1, 1])


@pytest.mark.parametrize("cls", [Perceptron, Adaline])
@pytest.mark.parametrize("labels", [(1, -1), (0, 2), "01", 1])
def test_unknown_label_conventions_are_rejected(cls, labels):
    with pytest.raises(ValueError, match=r"labels must be \(-1, 1\) or \(0, 1\)"):
        cls(labels=labels)


@pytest.mark.parametrize("cls", [Perceptron, Adaline])
def test_shape_checks(cls):
    with pytest.raises(ValueError, match="4 samples but y has 3"):
        cls().fit(X01, [1, 1, -1])
    with pytest.raises(ValueError, match=r"shape \(n_samples, n_features\), got shape \(4,\)"):
        cls().fit([0, 1, 1, 0], [1, 1, -1, -1])
    with pytest.raises(RuntimeError, match="call fit"):
        cls().predict(X01)
    with pytest.raises(ValueError, match="w_init has 3 values but X has 2 features"):
        cls(w_init=[0, 0, 0]).fit(X01, [1, 1, -1, -1])


class _FakeTensor:
    """Stands in for chainrule.Tensor: only `.numpy()` is used."""

    def __init__(self, a):
        self.a = np.asarray(a)

    def numpy(self):
        return self.a


@pytest.mark.parametrize("cls", [Perceptron, Adaline])
def test_accepts_objects_with_numpy_method(cls):
    m = cls(labels=(0, 1)).fit(_FakeTensor(feature_map_xor(X01)), _FakeTensor([0, 1, 1, 0]))
    assert m.predict(_FakeTensor(feature_map_xor(X01))).shape == (4,)


@pytest.mark.skipif(not hasattr(chainrule, "tensor"), reason="chainrule.Tensor not built yet")
def test_accepts_chainrule_tensors():
    X, y = chainrule.tensor(X01), chainrule.tensor([0, 0, 0, 1])
    p = Perceptron(labels=(0, 1)).fit(X, y)
    assert p.converged_ and p.score(X, y) == 1.0
    assert feature_map_xor(chainrule.tensor(X01, requires_grad=True)).shape == (4, 3)


def test_feature_map_xor():
    assert feature_map_xor(X01).tolist() == [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 1]]
    assert feature_map_xor([-1, 2]).tolist() == [-1, 2, -2]
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        feature_map_xor(np.ones((4, 3)))
