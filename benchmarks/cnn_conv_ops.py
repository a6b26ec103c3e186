"""Conv / pool op timings for the small CNN's shapes: chainrule vs PyTorch, backward/forward ratio, and which NumPy
contraction (matmul, einsum(optimize=True), tensordot) is fastest for the im2col products.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/cnn_conv_ops.py --threads 1
    PYTHONPATH=src python benchmarks/cnn_conv_ops.py --threads 2

Times are the minimum over --repeat runs (ms): on a shared machine the minimum is the least disturbed figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

if "--threads" in sys.argv:  # OpenBLAS reads its thread count once, when NumPy loads
    os.environ.setdefault("OPENBLAS_NUM_THREADS", sys.argv[sys.argv.index("--threads") + 1])

import numpy as np

import chainrule as cr
from chainrule.ops.conv import windows
from chainrule.ops.pool import max_pool2d


def best_ms(fn, repeat: int) -> float:
    fn()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return 1e3 * min(ts)


def conv_times(n, c, o, hw, repeat, torch=None) -> dict:
    """Forward, and forward+backward minus forward, of a 3x3 pad-1 conv (input needs grad when c > 1)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c, hw, hw)).astype(np.float32)
    w = (rng.standard_normal((o, c, 3, 3)) * 0.1).astype(np.float32)
    g = rng.standard_normal((n, o, hw, hw)).astype(np.float32)
    xc, wc = cr.tensor(x, requires_grad=c > 1), cr.tensor(w, requires_grad=True)

    def fwd():
        return cr.conv2d(xc, wc, None, 1, 1)

    def fwd_bwd():
        xc.grad = wc.grad = None
        y = fwd()
        y.backward(cr.tensor(g))

    node = fwd().grad_fn
    f = best_ms(fwd, repeat)
    fb = best_ms(fwd_bwd, repeat)
    op_b = best_ms(lambda: type(node).backward(node, g), repeat)  # the VJP alone, without the engine
    res = {"shape": f"({n},{c},{hw},{hw}) -> ({n},{o},{hw},{hw})", "chainrule_fwd_ms": round(f, 3),
           "chainrule_bwd_ms": round(fb - f, 3), "chainrule_bwd_over_fwd": round((fb - f) / f, 2),
           "chainrule_op_bwd_ms": round(op_b, 3), "op_bwd_over_fwd": round(op_b / f, 2)}
    if torch is not None:
        xt, wt = torch.tensor(x, requires_grad=c > 1), torch.tensor(w, requires_grad=True)
        gt = torch.tensor(g)

        def tfwd():
            return torch.nn.functional.conv2d(xt, wt, None, 1, 1)

        def tfwd_bwd():
            tfwd().backward(gt)

        tf = best_ms(tfwd, repeat)
        tfb = best_ms(tfwd_bwd, repeat)
        res.update({"torch_fwd_ms": round(tf, 3), "torch_bwd_ms": round(tfb - tf, 3),
                    "fwd_ratio_vs_torch": round(f / tf, 2), "fwd_bwd_ratio_vs_torch": round(fb / tfb, 2)})
    return res


def contraction_times(n, c, o, hw, repeat) -> dict:
    """The three products of an im2col conv, each written three ways (columns (N, K, L), K = C*9, L = H*W)."""
    rng = np.random.default_rng(1)
    k, length = c * 9, hw * hw
    xp = np.pad(rng.standard_normal((n, c, hw, hw)).astype(np.float32), ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.ascontiguousarray(windows(xp, (3, 3), (1, 1), (1, 1), (hw, hw))).reshape(n, k, length)
    w = rng.standard_normal((o, k)).astype(np.float32)
    g = rng.standard_normal((n, o, length)).astype(np.float32)
    out = {}
    ways = {
        "forward W@cols": {
            "matmul": lambda: np.matmul(w, cols),
            "einsum": lambda: np.einsum("ok,nkl->nol", w, cols, optimize=True),
            "tensordot": lambda: np.tensordot(w, cols, axes=([1], [1])).transpose(1, 0, 2),
        },
        "grad_weight G@cols^T": {
            "matmul": lambda: np.matmul(g, cols.transpose(0, 2, 1)).sum(axis=0),
            "einsum": lambda: np.einsum("nol,nkl->ok", g, cols, optimize=True),
            "tensordot": lambda: np.tensordot(g, cols, axes=([0, 2], [0, 2])),
        },
        "grad_cols W^T@G": {
            "matmul": lambda: np.matmul(w.T, g),
            "einsum": lambda: np.einsum("ok,nol->nkl", w, g, optimize=True),
            "tensordot": lambda: np.tensordot(w, g, axes=([0], [1])).transpose(1, 0, 2),
        },
    }
    for name, fns in ways.items():
        out[name] = {way: round(best_ms(fn, repeat), 3) for way, fn in fns.items()}
    return out


def pool_times(n, c, hw, repeat, torch=None) -> dict:
    x = np.random.default_rng(2).standard_normal((n, c, hw, hw)).astype(np.float32)
    g = np.ones((n, c, hw // 2, hw // 2), dtype=np.float32)
    xc = cr.tensor(x, requires_grad=True)
    f = best_ms(lambda: max_pool2d(xc, 2), repeat)
    fb = best_ms(lambda: max_pool2d(xc, 2).backward(cr.tensor(g)), repeat)
    res = {"shape": f"({n},{c},{hw},{hw})", "chainrule_fwd_ms": round(f, 3), "chainrule_bwd_ms": round(fb - f, 3)}
    if torch is not None:
        xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(g)
        tf = best_ms(lambda: torch.nn.functional.max_pool2d(xt, 2), repeat)
        tfb = best_ms(lambda: torch.nn.functional.max_pool2d(xt, 2).backward(gt), repeat)
        res.update({"torch_fwd_ms": round(tf, 3), "torch_bwd_ms": round(tfb - tf, 3)})
    return res


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--channels", type=int, nargs=2, default=(32, 64))
    p.add_argument("--threads", type=int, default=2, help="OPENBLAS_NUM_THREADS and torch.set_num_threads")
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--no-torch", action="store_true")
    args = p.parse_args()
    torch = None
    if not args.no_torch:
        try:
            import torch

            torch.set_num_threads(args.threads)
        except ImportError:
            torch = None
    n, (c1, c2), r = args.batch_size, args.channels, args.repeat
    report = {
        "threads": args.threads, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "conv1": conv_times(n, 1, c1, 28, r, torch), "conv2": conv_times(n, c1, c2, 14, r, torch),
        "contractions_conv2": contraction_times(n, c1, c2, 14, r),
        "contractions_conv1": contraction_times(n, 1, c1, 28, r),
        "maxpool1": pool_times(n, c1, 28, r, torch), "maxpool2": pool_times(n, c2, 14, r, torch),
        "load_avg_1m": os.getloadavg()[0],
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
