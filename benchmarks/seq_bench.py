"""Sequence models: a training step of chainrule beside PyTorch's, same model, same batch, interleaved.

    PYTHONPATH=src python benchmarks/seq_bench.py                 # all workloads, 20 rounds, one BLAS thread
    PYTHONPATH=src python benchmarks/seq_bench.py --only gru --rounds 30
    PYTHONPATH=src python benchmarks/seq_bench.py --memory        # peak memory of each, in fresh processes

Workloads (issue 14): the makemore-sized transformer (4 layers, 4 heads, 64 dims, block 16, batch 32, vocab 27,
pre-norm, GELU-tanh, AdamW) and a GRU / LSTM language model (embedding 64, hidden 128, sequence 16, batch 32).
A step is forward, cross-entropy, zero_grad, backward, AdamW step. Rounds alternate the two frameworks; the
report is the median per step and the ratio chainrule / PyTorch (below 1: chainrule is faster). Peak memory is
the growth of the process's maximum resident set over 20 steps after building the model, in a fresh process per
framework (`--memory`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

V, T, B = 27, 16, 32


def _torch_model(kind: str):
    import torch
    from torch import nn

    class TorchGPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.block_size = T
            self.wte, self.wpe = nn.Embedding(V, 64), nn.Embedding(T, 64)
            layer = nn.TransformerEncoderLayer(64, 4, 256, dropout=0.0, activation=nn.GELU(approximate="tanh"),
                                               batch_first=True, norm_first=True)
            self.blocks = nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)
            self.ln_f = nn.LayerNorm(64)
            self.lm_head = nn.Linear(64, V, bias=False)
            self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(T), persistent=False)

        def forward(self, idx):
            x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
            return self.lm_head(self.ln_f(self.blocks(x, mask=self.mask, is_causal=True)))

    class TorchRNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(V, 64)
            self.rnn = {"gru": nn.GRU, "lstm": nn.LSTM}[kind](64, 128, batch_first=True)
            self.lm_head = nn.Linear(128, V)

        def forward(self, idx):
            return self.lm_head(self.rnn(self.wte(idx))[0])

    return TorchGPT() if kind == "transformer" else TorchRNN()


def make_step(lib: str, kind: str):
    """A closure running one training step of `kind` in `lib` ("chainrule" or "torch") on a fixed batch."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, V, (B, T))
    y = rng.integers(0, V, (B, T))
    if lib == "torch":
        import torch

        torch.manual_seed(0)
        model = _torch_model(kind)
        xt, yt = torch.tensor(x), torch.tensor(y)
        F = torch.nn.functional
    else:
        import chainrule as torch  # the same program, its import changed
        from chainrule.models.charlm import build

        torch.manual_seed(0)
        model = build(kind, V, T)
        xt, yt = torch.tensor(x), torch.tensor(y)
        F = torch.nn.functional
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

    def step():
        loss = F.cross_entropy(model(xt).reshape(-1, V), yt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(loss)

    return step


def timings(kinds, rounds: int) -> dict:
    import torch

    from chainrule.utils.threads import blas_threads

    torch.set_num_threads(1)
    out = {}
    with blas_threads(1):
        for kind in kinds:
            steps = {lib: make_step(lib, kind) for lib in ("chainrule", "torch")}
            times = {lib: [] for lib in steps}
            for lib, f in steps.items():  # warm up
                f()
                f()
            for _ in range(rounds):
                for lib, f in steps.items():
                    t0 = time.perf_counter()
                    f()
                    times[lib].append(time.perf_counter() - t0)
            med = {lib: float(np.median(v)) * 1e3 for lib, v in times.items()}
            out[kind] = {"chainrule_ms": round(med["chainrule"], 2), "torch_ms": round(med["torch"], 2),
                         "ratio": round(med["chainrule"] / med["torch"], 3)}
            print(f"{kind:12s} chainrule {med['chainrule']:8.2f} ms   torch {med['torch']:8.2f} ms   "
                  f"ratio {med['chainrule'] / med['torch']:.2f}x", flush=True)
    return out


def _peak_child(lib: str, kind: str) -> None:
    """Run in a fresh process: print the growth of max RSS over 20 steps (KiB on Linux)."""
    if lib == "torch":
        import torch

        torch.set_num_threads(1)
    step = make_step(lib, kind)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(20):
        step()
    print(json.dumps({"peak_growth_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}))


def memory(kinds) -> dict:
    out = {}
    for kind in kinds:
        row = {}
        for lib in ("chainrule", "torch"):
            res = subprocess.run([sys.executable, __file__, "--_child", lib, kind], capture_output=True, text=True,
                                 check=False, env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
            row[lib] = json.loads(res.stdout.strip().splitlines()[-1])["peak_growth_mib"] if res.returncode == 0 \
                else f"failed: {res.stderr[-200:]}"
        out[kind] = row
        print(f"{kind:12s} peak RSS growth over 20 steps: chainrule {row['chainrule']} MiB, torch {row['torch']} MiB",
              flush=True)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", choices=["transformer", "gru", "lstm"], default=None)
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--memory", action="store_true")
    p.add_argument("--_child", nargs=2, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a._child:
        _peak_child(*a._child)
        return
    kinds = [a.only] if a.only else ["transformer", "gru", "lstm"]
    print(json.dumps(memory(kinds) if a.memory else timings(kinds, a.rounds)))


if __name__ == "__main__":
    main()
