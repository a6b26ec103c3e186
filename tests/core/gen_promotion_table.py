"""Regenerate tests/core/data/promotion.json from PyTorch: `python tests/core/gen_promotion_table.py`.

Each row is one op on one combination of operand kinds (see promotion_cases.py) with what torch gave: the
result's dtype, shape and values, or the name of the exception it raised (one row a line, as a list:
[op, args, dtype, shape, values] or [op, args, "!Error", message]). test_promotion.py checks chainrule
against every row without torch. Also records torch.promote_types over a grid of dtypes.
"""

from __future__ import annotations

import json
import os
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from promotion_cases import rows, run

OUT = os.path.join(os.path.dirname(__file__), "data", "promotion.json")
GRID = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "complex64",
        "complex128")


def _number(v) -> float | int | None:
    """A value for JSON: None for NaN, whole numbers without the '.0'."""
    v = float(v)
    if np.isnan(v):
        return None
    return int(v) if np.isfinite(v) and v == int(v) else v


def record(name: str, specs: tuple) -> dict:
    row = {"op": name, "args": list(specs)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = run(torch, name, specs)
    except Exception as e:  # noqa: BLE001 - the row records whatever torch raised
        row["error"] = type(e).__name__
        row["message"] = str(e).splitlines()[0][:64]
        return row
    if not isinstance(res, torch.Tensor):
        row["error"] = f"returned {type(res).__name__}"
        return row
    row["dtype"] = str(res.dtype).replace("torch.", "")
    row["shape"] = list(res.shape)
    vals = res.detach().double().numpy() if res.dtype != torch.bool else res.numpy()
    row["values"] = [_number(v) for v in np.ravel(vals)]
    return row


def _compact(row: dict) -> list:
    """A row as a list, to keep the file small (promotion_cases.expand reads it back)."""
    if "error" in row:
        return [row["op"], row["args"], "!" + row["error"], row["message"]]
    return [row["op"], row["args"], row["dtype"], row["shape"], row["values"]]


def main() -> None:
    table = {
        "torch": torch.__version__,
        "promote_types": {f"{a},{b}": str(torch.promote_types(getattr(torch, a), getattr(torch, b)))
                          .replace("torch.", "") for a in GRID for b in GRID},
        "rows": [record(name, specs) for name, specs in rows()],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:  # one row a line: diffs of a regenerated table stay readable
        head = {k: v for k, v in table.items() if k != "rows"}
        f.write(json.dumps(head, separators=(",", ":"))[:-1] + ',"rows":[\n')
        f.write(",\n".join(json.dumps(_compact(r), separators=(",", ":")) for r in table["rows"]))
        f.write("\n]}\n")
    print(f"{len(table['rows'])} rows -> {OUT}")


if __name__ == "__main__":
    main()
