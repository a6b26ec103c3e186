"""Interleaved timing: run A, B, A, B ... so machine noise hits every contender alike; report median, min-max."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from dataclasses import asdict, dataclass, field


@dataclass
class Result:
    """One contender's timings for one workload."""

    name: str
    times: list = field(default_factory=list)
    peak_mb: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def summary(self) -> dict:
        d = asdict(self)
        d.update(median=self.median, min=min(self.times), max=max(self.times))
        return d


def interleave(contenders: dict, repeats: int, warmup: int = 1) -> dict[str, Result]:
    """contenders: name -> zero-arg callable (returns an optional dict of extras). Times each `repeats` times."""
    results = {k: Result(k) for k in contenders}
    for _ in range(warmup):
        for fn in contenders.values():
            fn()
    for _ in range(repeats):
        for name, fn in contenders.items():
            gc.collect()
            t0 = time.perf_counter()
            extra = fn()
            results[name].times.append(time.perf_counter() - t0)
            if isinstance(extra, dict):
                results[name].extra.update(extra)
    return results


def peak_memory_mb(fn) -> float:
    """Peak Python-visible allocation (NumPy buffers included) of one call, in MiB."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def fmt_row(workload: str, results: dict[str, Result], base: str = "pytorch") -> str:
    """One line per contender: median (min-max), ratio to the baseline, peak memory and extras."""
    lines = [f"== {workload}"]
    ref = results.get(base)
    for r in results.values():
        ratio = f"  ratio/{base} {r.median / ref.median:5.2f}" if ref and r is not ref else ""
        mem = f"  peak {r.peak_mb:7.1f} MiB" if r.peak_mb is not None else ""
        extra = "".join(f"  {k} {v:.4g}" if isinstance(v, float) else f"  {k} {v}" for k, v in r.extra.items())
        lines.append(f"  {r.name:<22} {r.median * 1e3:10.3f} ms  ({min(r.times) * 1e3:.3f}-{max(r.times) * 1e3:.3f})"
                     f"{ratio}{mem}{extra}")
    return "\n".join(lines)
