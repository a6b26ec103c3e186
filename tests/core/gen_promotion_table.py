"""Regenerate tests/core/data/promotion.json from PyTorch: `python tests/core/gen_promotion_table.py`.

Each row is one op on one combination of operand kinds (see promotion_cases.py) with what torch gave: the
result's dtype, shape and values, or the name of the exception it raised. test_promotion.py checks chainrule
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


def record(name: str, specs: tuple) -> dict:
    row = {"op": name, "args": list(specs)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = run(torch, name, specs)
    except Exception as e:  # noqa: BLE001 - the row records whatever torch raised
        row["error"] = type(e).__name__
        row["message"] = str(e).splitlines()[0][:160]
        return row
    if not isinstance(res, torch.Tensor):
        row["error"] = f"returned {type(res).__name__}"
        return row
    row["dtype"] = str(res.dtype).replace("torch.", "")
    row["shape"] = list(res.shape)
    vals = res.detach().double().numpy() if res.dtype != torch.bool else res.numpy()
    row["values"] = [None if np.isnan(v) else float(v) for v in np.ravel(vals)]
    return row


def main() -> None:
    table = {
        "torch": torch.__version__,
        "promote_types": {f"{a},{b}": str(torch.promote_types(getattr(torch, a), getattr(torch, b)))
                          .replace("torch.", "") for a in GRID for b in GRID},
        "rows": [record(name, specs) for name, specs in rows()],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(table, f, indent=0, separators=(",", ":"))
        f.write("\n")
    print(f"{len(table['rows'])} rows -> {OUT}")


if __name__ == "__main__":
    main()
