"""The long differential run: many random examples per (op, dtype configuration), then what differed.

    PYTHONPATH=src python tests/differential/run_long.py --examples 200 [-n 2] [-k EXPR] [--out FILE.jsonl]

Runs the suite with the `diff-long` Hypothesis profile (random seeds, DIFF_EXAMPLES examples per test) in
survey mode: every difference from PyTorch is written to a JSONL file instead of failing its test, then
summarised per op and kind, each marked `known` (listed in diff_known.KNOWN for that op and config),
`known*` (a class listed for the op under other configs: the CI profile's examples did not reach it there)
or `NEW`. Exits 1 when something NEW differs. `--summarise FILE.jsonl` prints an earlier run's table again.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "core")]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=200, help="examples per (op, config) test (default 200)")
    p.add_argument("-n", default="2", help="pytest-xdist workers (default 2; 0 runs in this process)")
    p.add_argument("-k", default=None, help="pytest -k expression to select ops/configs")
    p.add_argument("--out", default=None, help="JSONL file for the differences (default: a temporary file)")
    p.add_argument("--show", type=int, default=2, help="example messages shown per NEW (op, kind)")
    p.add_argument("--summarise", default=None, help="only print the table of an earlier run's JSONL file")
    args = p.parse_args(argv)
    if args.summarise:
        return summarise(Path(args.summarise), 0.0, args.show)

    out = Path(args.out or tempfile.mkstemp(suffix=".jsonl", prefix="differential-")[1])
    out.write_text("")
    env = dict(os.environ, DIFF_PROFILE="diff-long", DIFF_EXAMPLES=str(args.examples), DIFF_COLLECT=str(out))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE), "-W",
           "ignore::DeprecationWarning"]
    if args.n != "0":
        cmd += ["-n", args.n]
    if args.k:
        cmd += ["-k", args.k]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    print("\n".join(line for line in lines if line.startswith("differential:") or " in " in line))
    if proc.returncode not in (0, 1):
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        return proc.returncode
    return summarise(out, took, args.show)


def summarise(path: Path, took: float, show: int) -> int:
    from diff_known import known_for

    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    table: dict = collections.defaultdict(lambda: [0, set(), []])
    for r in rows:
        known_kinds = set().union(*(k for _, k in known_for(r["op"], r["config"])))
        op_kinds = set().union(*(k for _, k in known_for(r["op"])))  # listed for another config of the op
        for kind, msg in r["diffs"]:
            status = "known" if kind in known_kinds else "known*" if kind in op_kinds else "NEW"
            entry = table[(status, r["op"], kind)]
            entry[0] += 1
            entry[1].add(r["config"])
            if len(entry[2]) < show:
                entry[2].append(f"{r['config']}: {msg[:220]}  <- {r['example']}")
    new = sum(v[0] for (s, _, _), v in table.items() if s == "NEW")
    print(f"{len(rows)} differing examples in {took:.0f} s ({new} NEW differences); details in {path}")
    for (status, op, kind), (n, configs, samples) in sorted(table.items()):
        print(f"{status:6} {op:28} {kind:14} {n:6} examples, {len(configs)} configs")
        if status == "NEW":
            for s in samples:
                print(f"        {s}")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
