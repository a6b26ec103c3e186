"""StandardScaler: statistics from the training split only, dtypes kept, Tensors and arrays, inverse."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import Tensor, tensor
from chainrule.data import StandardScaler, TensorDataset, random_split


def data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, 3)) * [1.0, 10.0, 0.1] + [5.0, -3.0, 100.0]).astype(np.float32)


def test_fit_on_train_only_and_transform_test_with_train_statistics():
    x = data()
    train, test = x[:150], x[150:]
    scaler = StandardScaler().fit(train)
    np.testing.assert_allclose(scaler.mean_, train.mean(0), rtol=1e-5)
    np.testing.assert_allclose(scaler.scale_, train.std(0), rtol=1e-5)
    z = scaler.transform(train)
    np.testing.assert_allclose(z.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(z.std(0), 1, atol=1e-4)
    zt = scaler.transform(test)  # the test split uses the train statistics, so it is not exactly 0/1
    t64 = train.astype(np.float64)
    np.testing.assert_allclose(zt, (test - t64.mean(0)) / t64.std(0), atol=2e-4)  # float32 rounding of 100
    assert not np.allclose(zt.mean(0), 0, atol=1e-4)


def test_with_random_split_indices():
    x = data()
    tr, _ = random_split(TensorDataset(x), [0.8, 0.2], generator=0)
    scaler = StandardScaler().fit(x[tr.indices])
    assert scaler.n_samples_seen_ == 160


def test_float32_stays_float32_and_tensors_give_tensors():
    x = data()
    scaler = StandardScaler()
    z = scaler.fit_transform(tensor(x))
    assert isinstance(z, Tensor) and z.dtype == cr.float32
    assert scaler.mean_.dtype == cr.float32
    back = scaler.inverse_transform(z)
    assert isinstance(back, Tensor) and back.dtype == cr.float32
    np.testing.assert_allclose(back._data, x, rtol=1e-5, atol=1e-4)
    assert scaler.transform(x.astype(np.float64)).dtype == cr.float64
    assert StandardScaler().fit_transform(np.arange(6).reshape(3, 2)).dtype == cr.float32  # ints -> float32


def test_constant_feature_and_images():
    x = np.zeros((4, 2), np.float32)
    x[:, 1] = [1, 2, 3, 4]
    z = StandardScaler().fit_transform(x)
    assert np.all(z[:, 0] == 0) and np.isfinite(z).all()
    imgs = np.random.default_rng(0).random((10, 1, 4, 4), dtype=np.float32)
    s = StandardScaler().fit(imgs)
    assert s.mean_.shape == (1, 4, 4) and s.transform(imgs).shape == imgs.shape


def test_errors_name_the_fix():
    with pytest.raises(RuntimeError, match=r"call scaler.fit\(X_train\) first"):
        StandardScaler().transform(np.zeros((2, 3)))
    s = StandardScaler().fit(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"input has shape \(2, 4\).*expected \(N, 3\)"):
        s.transform(np.zeros((2, 4)))


def test_state_dict_roundtrip_and_options():
    x = data()
    s = StandardScaler().fit(x)
    t = StandardScaler()
    t.load_state_dict(s.state_dict())
    np.testing.assert_array_equal(t.transform(x), s.transform(x))
    centred = StandardScaler(with_std=False).fit_transform(x)
    np.testing.assert_allclose(centred, x - x.mean(0), atol=1e-3)
