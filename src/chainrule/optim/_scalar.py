"""Per-parameter scalar state (NAdam's mu_product, ASGD's eta and mu) beside the flat buffers.

PyTorch keeps such values as 0-d float32 tensors in `state[p]`, right after "step". Here each bucket holds one
float32 array per scalar key (one entry per parameter), `state[p][key]` is a 0-d view of its entry, and a run
of parameters is split where the scalars differ so that `_update` sees one value per call in `self._scalars`
(it may change them; they are written back after the call).
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


class ScalarState:
    """Mixin before Optimizer: `_scalar_keys` names the scalars; `_scalar_init(group, key)` their start value."""

    _scalar_keys: tuple = ()

    def _scalar_init(self, group: dict, key: str) -> float:
        raise NotImplementedError

    def _adopt(self, group: dict, b, i: int) -> None:
        old = self.state.get(b.params[i])
        super()._adopt(group, b, i)
        arrays = b.__dict__.setdefault(
            "scalars", {k: np.zeros(len(b.params), np.float32) for k in self._scalar_keys})
        rec = b.recs[i]
        new = {"step": rec.pop("step")}
        for k in self._scalar_keys:
            v = old.get(k) if old else None
            arrays[k][i] = self._scalar_init(group, k) if v is None else float(
                v.item() if isinstance(v, Tensor) else np.asarray(v).item())
            new[k] = Tensor._wrap(arrays[k][i : i + 1].reshape(()))
        new.update(rec)
        self.state[b.params[i]] = b.recs[i] = new

    def _run(self, group: dict, b, keys: tuple, runs: list) -> None:
        if not runs:
            return
        arrays = b.scalars
        for i0, i1, s in runs:
            j = i0
            while j < i1:
                k = j + 1
                while k < i1 and all(a[k] == a[j] for a in arrays.values()):
                    k += 1
                self._scalars = {n: float(a[j]) for n, a in arrays.items()}
                super()._run(group, b, keys, [(j, k, s)])
                for n, a in arrays.items():
                    a[j:k] = self._scalars[n]
                j = k
