"""chainrule vs PyTorch (and hand-written NumPy), interleaved in one process: `python benchmarks/run.py [--quick]`.

Prints, per workload, the median and min-max time, the ratio to PyTorch, peak memory and accuracy reached;
`--json out.json` writes the same so results can be compared across commits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

import chainrule as cr  # noqa: E402
from harness import fmt_row, interleave, peak_memory_mb  # noqa: E402
from cnn_bench import cnn_workload  # noqa: E402
from workloads import (  # noqa: E402
    cr_accuracy, cr_compiled_epoch, cr_epoch, cr_mlp, gemm_and_flat_adam, mnist_arrays, numpy_accuracy, numpy_epoch, timed, torch,
    torch_accuracy, torch_epoch,
)


# The workloads that take milliseconds (per op, inference, data loading): more repeats, so that one burst of
# machine noise does not decide them.
MICRO_REPEATS = 11


def training(X, y, Xt, yt, batch: int, repeats: int, numpy_ref: bool) -> dict:
    """Workloads 1, 2 and 5: one MNIST MLP epoch (Adam, shuffled) at a batch size."""
    makers = {"chainrule": (cr_epoch, cr_accuracy), "chainrule-compiled": (cr_compiled_epoch, cr_accuracy)}
    if torch is not None:
        makers["pytorch"] = (torch_epoch, torch_accuracy)
    if numpy_ref:
        makers["numpy-by-hand"] = (numpy_epoch, numpy_accuracy)
    contenders, models = {}, {}
    for name, (make, acc) in makers.items():
        model, run = make(X, y, batch)
        models[name] = (model, acc)
        contenders[name] = run
    res = interleave(contenders, repeats, warmup=0)
    for name, (model, acc) in models.items():
        res[name].extra["test_acc"] = acc(model, Xt, yt)
        res[name].extra["steps"] = -(-len(X) // batch)
    res["chainrule"].peak_mb = peak_memory_mb(cr_epoch(X[: batch * 20], y[: batch * 20], batch)[1])
    run = cr_compiled_epoch(X[: batch * 20], y[: batch * 20], batch)[1]
    run()  # the recording (an eager step) happens here; the peak is that of the replays
    res["chainrule-compiled"].peak_mb = peak_memory_mb(run)
    return res


def inference(Xt, repeats: int) -> dict:
    """Workload 3: forward of the MLP under no_grad, batch 1024, 10,000 images."""
    model = cr_mlp()
    chunks = [cr.from_numpy(Xt[i:i + 1024]) for i in range(0, len(Xt), 1024)]

    def run_cr():
        with cr.no_grad():
            for c in chunks:
                model(c)

    contenders = {"chainrule": run_cr}
    if torch is not None:
        tm = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                 torch.nn.ReLU(), torch.nn.Linear(128, 10))
        tchunks = [torch.from_numpy(Xt[i:i + 1024]) for i in range(0, len(Xt), 1024)]

        def run_torch():
            with torch.no_grad():
                for c in tchunks:
                    tm(c)

        contenders["pytorch"] = run_torch
    return interleave(contenders, max(repeats, MICRO_REPEATS))


def op_chain(repeats: int, n_ops: int = 1000) -> dict:
    """Workload 4: a chain of small elementwise ops (mul, add, tanh, sigmoid), forward + backward."""
    x0 = np.random.default_rng(0).standard_normal(64).astype(np.float32)

    def chain(lib, x):
        y = x
        for i in range(n_ops // 4):
            y = (y * 0.9 + 0.1).tanh().sigmoid()
        y.sum().backward()

    contenders = {"chainrule": lambda: chain(cr, cr.tensor(x0, requires_grad=True))}
    if torch is not None:
        contenders["pytorch"] = lambda: chain(torch, torch.tensor(x0, requires_grad=True))
    res = interleave(contenders, max(repeats, MICRO_REPEATS))
    for r in res.values():
        r.extra["us_per_op"] = r.median / n_ops * 1e6
    return res


def data_loading(X, y, repeats: int) -> dict:
    """Workload 8: one epoch of batches of 128 from the DataLoader vs slicing the arrays by hand."""
    loader = cr.utils.data.DataLoader(cr.utils.data.TensorDataset(cr.from_numpy(X), cr.from_numpy(y)),
                                      batch_size=128, shuffle=True, seed=0)
    rng = np.random.default_rng(0)

    def by_hand():
        perm = rng.permutation(len(X))
        for i in range(0, len(X), 128):
            idx = perm[i:i + 128]
            X[idx], y[idx]

    contenders = {"chainrule": lambda: [None for _ in loader], "slicing-by-hand": by_hand}
    if torch is not None:
        tl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
                                         batch_size=128, shuffle=True)
        contenders["pytorch"] = lambda: [None for _ in tl]
    return interleave(contenders, max(repeats, MICRO_REPEATS))


def nograd_op(repeats: int) -> dict:
    """Workload 9: one small elementwise op under no_grad vs the bare NumPy call.

    The overhead is taken from each side's fastest repeat, as timeit does for micro-benchmarks (noise only ever
    adds time); the medians' difference is reported beside it.
    """
    a = np.random.default_rng(0).standard_normal(64).astype(np.float32)
    t = cr.from_numpy(a)
    n = 20000

    def run_cr():
        with cr.no_grad():
            for _ in range(n):
                t * t

    def run_np():
        for _ in range(n):
            a * a

    res = interleave({"chainrule": run_cr, "numpy": run_np}, max(repeats, MICRO_REPEATS))
    cr_t, np_t = res["chainrule"].times, res["numpy"].times
    res["chainrule"].extra["overhead_us"] = (min(cr_t) - min(np_t)) / n * 1e6
    res["chainrule"].extra["overhead_us_medians"] = (res["chainrule"].median - res["numpy"].median) / n * 1e6
    return res


def two_threads(X, y, Xt, yt, batch: int, repeats: int) -> dict:
    """The MLP epoch with 2 BLAS (and PyTorch) threads for every contender: does the second core pay?"""
    from chainrule.utils.threads import blas_threads

    prev = torch.get_num_threads() if torch is not None else None
    with blas_threads(2):
        if torch is not None:
            torch.set_num_threads(2)
        try:
            return training(X, y, Xt, yt, batch, repeats, numpy_ref=False)
        finally:
            if torch is not None:
                torch.set_num_threads(prev)


def compiled_floor(w: dict, lb: dict) -> dict:
    """The compiled MLP step against the GEMM floor (the step's GEMMs + one flat Adam, workload 6's timings)."""
    out = {}
    floor = lb["gemm_ms"] + lb["flat_adam_ms"]
    res = w.get("mlp-epoch-b128", {}).get("chainrule-compiled")
    if res is not None:
        step = res["median"] / res["extra"]["steps"] * 1e3
        out.update(compiled_step_ms=step, floor_ms=floor, compiled_over_floor=step / floor,
                   gemm_adam_share_of_compiled_step=floor / step)
    return out


def lower_bound(batch: int, step_ms: float, by_hand_ms: float) -> dict:
    """Workload 6: GEMMs + flat Adam of one step, as fractions of chainrule's measured step time.

    The same fraction of the hand-written NumPy step (`by_hand_together`) says what is within reach here.
    """
    gemms, adam = gemm_and_flat_adam(batch)
    g = min(timed(gemms, 50) for _ in range(3)) * 1e3
    a = min(timed(adam, 50) for _ in range(3)) * 1e3
    return {"gemm_ms": g, "flat_adam_ms": a, "chainrule_step_ms": step_ms,
            "gemm_fraction": g / step_ms, "adam_fraction": a / step_ms, "together": (g + a) / step_ms,
            "by_hand_step_ms": by_hand_ms, "by_hand_together": (g + a) / by_hand_ms}


def _ratio(w: dict, name: str, base: str = "pytorch", who: str = "chainrule"):
    """Median time of `who` over that of `base` in workload `name`, or None when either did not run."""
    if name not in w or base not in w[name] or who not in w[name]:
        return None
    return w[name][who]["median"] / w[name][base]["median"]


def _peak_ratio(w: dict, name: str):
    """Peak memory of the compiled epoch over eager's (None when either was not measured)."""
    a = w.get(name, {}).get("chainrule-compiled", {}).get("peak_mb")
    b = w.get(name, {}).get("chainrule", {}).get("peak_mb")
    return a / b if a and b else None


def targets(w: dict) -> list[dict]:
    """The performance issue's targets next to what this run measured (only the workloads that ran)."""
    rows = [
        ("1. MLP epoch b128 / PyTorch", _ratio(w, "mlp-epoch-b128"), "<= 0.8"),
        ("2. MLP epoch b32 / PyTorch", _ratio(w, "mlp-epoch-b32"), "<= 0.8"),
        ("2. MLP epoch b512 / PyTorch", _ratio(w, "mlp-epoch-b512"), "<= 0.8"),
        ("3. inference b1024 / PyTorch", _ratio(w, "inference-b1024"), "<= 1.0"),
        ("4. 1,000-op chain / PyTorch", _ratio(w, "op-chain-1000"), "<= 1.0"),
        ("5. MLP epoch b128 / NumPy by hand", _ratio(w, "mlp-epoch-b128", "numpy-by-hand"), "<= 1.15"),
        ("6. (GEMMs + flat Adam) / step b128", w.get("lower-bound-b128", {}).get("together"), ">= 0.75"),
        ("7. CNN epoch / PyTorch", _ratio(w, "cnn-epoch"), "<= 1.5"),
        ("7. CNN backward / forward (batch 64)",
         w.get("cnn-epoch", {}).get("chainrule", {}).get("extra", {}).get("bwd_over_fwd"), "<= 3"),
        ("8. DataLoader epoch / slicing by hand", _ratio(w, "dataloader-b128", "slicing-by-hand"), "<= 1.1"),
        ("9. no_grad op: overhead over NumPy, us",
         w.get("nograd-op", {}).get("chainrule", {}).get("extra", {}).get("overhead_us"), "<= 1.0"),
        ("16. compiled MLP epoch b32 / PyTorch", _ratio(w, "mlp-epoch-b32", who="chainrule-compiled"), "<= 0.45"),
        ("16. compiled MLP epoch b128 / PyTorch", _ratio(w, "mlp-epoch-b128", who="chainrule-compiled"), "<= 0.55"),
        ("16. compiled MLP epoch b512 / PyTorch", _ratio(w, "mlp-epoch-b512", who="chainrule-compiled"), "<= 0.75"),
        ("16. (GEMMs + Adam) / compiled step b128",
         w.get("compiled-floor-b128", {}).get("gemm_adam_share_of_compiled_step"), ">= 0.85"),
        ("16. eager CNN epoch / PyTorch", _ratio(w, "cnn-epoch"), "<= 1.0"),
        ("16. compiled CNN epoch / PyTorch", _ratio(w, "cnn-epoch", who="chainrule-compiled"), "<= 0.8"),
        ("16. peak memory compiled / eager, MLP b128", _peak_ratio(w, "mlp-epoch-b128"), "<= 1.0"),
        ("16. compiled MLP b512, 2 threads / PyTorch",
         _ratio(w, "mlp-epoch-b512-2threads", who="chainrule-compiled"), "<= 0.75"),
    ]
    out = []
    for what, value, target in rows:
        if value is None:
            continue
        op, bound = target.split()
        met = value <= float(bound) if op == "<=" else value >= float(bound)
        out.append({"what": what, "measured": value, "target": target, "met": met})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="a smoke run: small data, one repeat")
    ap.add_argument("--json", default=None, help="also write the results to this file")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--only", default=None, help="comma-separated workload names")
    ap.add_argument("--threads", type=int, default=None,
                    help="BLAS/PyTorch threads for every contender (default: each library's own default)")
    args = ap.parse_args(argv)
    if args.threads:
        from chainrule.utils.threads import blas_threads

        with blas_threads(args.threads):
            if torch is not None:
                torch.set_num_threads(args.threads)
            return _run(args)
    return _run(args)


def _run(args) -> int:
    reps = args.repeats or (1 if args.quick else 3)
    X, y, Xt, yt = mnist_arrays(args.quick)
    only = set(args.only.split(",")) if args.only else None
    out = {"machine": {"python": platform.python_version(), "numpy": np.__version__, "threads": args.threads,
                       "torch": getattr(torch, "__version__", None), "cpus": os.cpu_count()}, "workloads": {}}

    def report(name, res):
        print(fmt_row(name, res), flush=True)
        out["workloads"][name] = {k: r.summary() for k, r in res.items()}

    step_ms = None
    for batch in (128, 32, 512):
        name = f"mlp-epoch-b{batch}"
        if only and name not in only:
            continue
        res = training(X, y, Xt, yt, batch, reps, numpy_ref=True)
        report(name, res)
        if batch == 128:
            steps = res["chainrule"].extra["steps"]
            step_ms = res["chainrule"].median / steps * 1e3
            by_hand_ms = res["numpy-by-hand"].median / steps * 1e3
    if step_ms is not None:
        lb = lower_bound(128, step_ms, by_hand_ms)
        print("== lower-bound-b128  " + "  ".join(f"{k} {v:.3f}" for k, v in lb.items()), flush=True)
        out["workloads"]["lower-bound-b128"] = lb
        cf = compiled_floor(out["workloads"], lb)
        print("== compiled-floor-b128  " + "  ".join(f"{k} {v:.3f}" for k, v in cf.items()), flush=True)
        out["workloads"]["compiled-floor-b128"] = cf
    for batch in (128, 512):
        name = f"mlp-epoch-b{batch}-2threads"
        if only and name not in only:
            continue
        n = 2048 if args.quick else len(X)  # a smoke run times a few steps only
        report(name, two_threads(X[:n], y[:n], Xt, yt, batch, reps))
    for name, fn in (("inference-b1024", lambda: inference(Xt, reps)), ("op-chain-1000", lambda: op_chain(reps)),
                     ("dataloader-b128", lambda: data_loading(X, y, reps)), ("nograd-op", lambda: nograd_op(reps))):
        if only and name not in only:
            continue
        report(name, fn())
    if not only or "cnn-epoch" in only:
        report("cnn-epoch", cnn_workload(X, y, Xt, yt, quick=args.quick, repeats=reps))
    out["targets"] = targets(out["workloads"])
    print("== the issue's targets")
    for t in out["targets"]:
        print(f"  {t['what']:<44} {t['measured']:8.3f}  target {t['target']:<8} {'met' if t['met'] else 'MISSED'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
