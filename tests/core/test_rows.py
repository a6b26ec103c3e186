"""ops._rows: the short-row reductions (softmax, cross-entropy, attention) against NumPy's max and sum over the last axis."""

import numpy as np
import pytest

from chainrule.ops._rows import rowmax, rowsum


@pytest.mark.parametrize("shape", [(16, 16), (2, 3, 5, 7), (4, 1), (0, 5), (2, 0, 3), (3, 4, 1, 16), (3, 0), (0, 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_reductions_match_numpy(shape, dtype):
    a = np.random.default_rng(0).standard_normal(shape).astype(dtype) * 30
    assert rowsum(a).shape == a.sum(axis=-1, keepdims=True).shape
    if a.shape[-1] == 0:  # no keys: _attend skips the max (NumPy's max of nothing raises)
        return
    assert rowmax(a).shape == a.max(axis=-1, keepdims=True).shape
    np.testing.assert_array_equal(rowmax(a), a.max(axis=-1, keepdims=True))  # max is exact
    assert rowsum(a).dtype == dtype
    np.testing.assert_allclose(rowsum(a), a.sum(axis=-1, keepdims=True), rtol=1e-5, atol=1e-4)


def test_rowmax_masked_rows_and_nan():
    a = np.triu(np.full((4, 4), -np.inf, np.float32), 1)
    a[2, 1] = np.nan
    a[3] = -np.inf
    np.testing.assert_array_equal(rowmax(a), a.max(axis=-1, keepdims=True))  # NaN and -inf propagate alike
    np.testing.assert_array_equal(rowmax(a[:, ::2]), a[:, ::2].max(axis=-1, keepdims=True))  # strided input


def test_out_arrays_are_filled_and_returned():
    a = np.random.default_rng(1).standard_normal((7, 5)).astype(np.float32)
    mx, sm = np.empty((7, 1), np.float32), np.empty((7, 1), np.float32)
    assert rowmax(a, out=mx) is mx and rowsum(a, out=sm) is sm
    np.testing.assert_array_equal(mx, a.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(sm, a.sum(axis=-1, keepdims=True), rtol=1e-5, atol=1e-5)
