"""PyTorch's type promotion, checked against a table generated from PyTorch (no torch needed to run).

tests/core/data/promotion.json holds, for each op on each combination of operand kinds (bool/int32/int64/
float32/float64 tensors with dimensions and 0-d, Python and NumPy scalars; see promotion_cases.py), the dtype,
shape and values torch gave, or the exception it raised. Regenerate it with gen_promotion_table.py.
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pytest
from promotion_cases import expand, run

import chainrule as cr

with open(os.path.join(os.path.dirname(__file__), "data", "promotion.json")) as _f:
    TABLE = json.load(_f)
ROWS = [expand(item) for item in TABLE["rows"]]


def _check(row) -> str | None:
    """None when chainrule agrees with torch on this row, else what differs."""
    name, specs = row["op"], tuple(row["args"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = run(cr, name, specs)
    except Exception as e:  # noqa: BLE001 - compared with what torch raised
        if "error" in row:
            return None
        return f"raised {type(e).__name__}: {e}; torch gave {row['dtype']}"
    if "error" in row:
        got = getattr(res, "dtype", type(res).__name__)
        return f"gave {got}; torch raised {row['error']}: {row['message']}"
    if not isinstance(res, cr.Tensor):
        return f"returned {type(res).__name__}"
    if str(res.dtype).replace("chainrule.", "") != row["dtype"]:
        return f"dtype {res.dtype}, torch {row['dtype']}"
    if list(res.shape) != row["shape"]:
        return f"shape {list(res.shape)}, torch {row['shape']}"
    got = np.ravel(res.detach().numpy()).astype(np.float64)
    want = np.array([np.nan if v is None else v for v in row["values"]], dtype=np.float64)
    if not np.allclose(got, want, rtol=1e-6, atol=1e-6, equal_nan=True):
        return f"values {got.tolist()}, torch {want.tolist()}"
    return None


def _group(op: str) -> list:
    return [r for r in ROWS if r["op"] == op]


OPS = sorted({r["op"] for r in ROWS})


@pytest.mark.parametrize("op", OPS)
def test_matches_torch_table(op):
    """Every row of the op: the same dtype, shape and values as torch, or an error where torch raised one."""
    bad = []
    for row in _group(op):
        diff = _check(row)
        if diff is not None:
            bad.append(f"{op}{tuple(row['args'])}: {diff}")
    assert not bad, f"{len(bad)} of {len(_group(op))} rows differ from torch:\n" + "\n".join(bad[:30])


def test_table_covers_the_operand_kinds():
    kinds = {a for r in ROWS for a in r["args"]}
    assert {"t:float32", "s:float64", "py:float", "np:float64", "py:bool", "np:int64"} <= kinds
    assert len(ROWS) > 5000


def test_promote_types_grid():
    """chainrule.promote_types over bool, unsigned, signed, float and complex dtypes: torch.promote_types."""
    bad = []
    for key, want in TABLE["promote_types"].items():
        a, b = key.split(",")
        got = cr.promote_types(np.dtype(a), np.dtype(b))
        if str(got).replace("chainrule.", "") != want:
            bad.append(f"{a} + {b}: {got}, torch {want}")
    assert not bad, "\n".join(bad)


def test_cast_error_message_is_pytorchs():
    x = cr.ones(3, dtype=cr.int64)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        x.add_(1.5)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        x /= 2
    assert x.dtype == cr.int64 and x.tolist() == [1, 1, 1]  # untouched


def test_can_cast():
    assert cr.can_cast(cr.float64, cr.float32) and cr.can_cast(cr.int64, cr.int8)
    assert cr.can_cast(cr.bool, cr.int32) and cr.can_cast(cr.int32, cr.float16)
    assert not cr.can_cast(cr.float32, cr.int64) and not cr.can_cast(cr.int32, cr.bool)
    assert not cr.can_cast(np.complex64, cr.float64)


def test_result_type():
    assert cr.result_type(cr.ones(3, dtype=cr.int32), 1.5) == cr.float32
    assert cr.result_type(cr.ones(3), cr.tensor(2.0, dtype=cr.float64)) == cr.float32
    assert cr.result_type(cr.tensor(2, dtype=cr.int32), cr.tensor(2.0, dtype=cr.float64)) == cr.float64
    assert cr.result_type(cr.ones(3, dtype=cr.bool), 2) == cr.int64
    assert cr.result_type(cr.ones(3, dtype=cr.int32), np.int64(2)) == cr.int32  # a NumPy scalar is wrapped
    assert cr.promote_types(cr.int64, cr.float32) == cr.float32


def test_default_dtype_follows_set_default_dtype():
    try:
        cr.set_default_dtype(cr.float64)
        assert (cr.ones(3, dtype=cr.int64) * 1.5).dtype == cr.float64
        assert (cr.ones(3, dtype=cr.int64) / 2).dtype == cr.float64
        assert (cr.ones(3, dtype=cr.float32) * 1.5).dtype == cr.float32  # a float32 tensor keeps its dtype
    finally:
        cr.set_default_dtype(cr.float32)
