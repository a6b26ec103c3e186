"""Train the small CNN on MNIST or Fashion-MNIST with chainrule or PyTorch: accuracy, epoch time, peak memory.

    PYTHONPATH=src python benchmarks/cnn_train.py --dataset mnist --framework chainrule --threads 1
    PYTHONPATH=src python benchmarks/cnn_train.py --dataset fashion-mnist --framework torch --threads 1

Both frameworks get the same model (chainrule.models.small_cnn and its torch.nn twin: same layers, same
state-dict keys), the same batches (one NumPy permutation per epoch, sliced), the same optimizer and schedule.
Prints one JSON line per epoch and a summary line (add --json PATH to also write the summary there).
--threads sets both torch.set_num_threads and OPENBLAS_NUM_THREADS: on a machine shared with other jobs, 1 thread
is faster for both libraries than 2 (a multi-threaded BLAS call waits for its slowest thread).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import time
from pathlib import Path

if "--threads" in sys.argv:  # OpenBLAS reads its thread count once, when NumPy loads
    os.environ.setdefault("OPENBLAS_NUM_THREADS", sys.argv[sys.argv.index("--threads") + 1])

import numpy as np

DATA = Path(os.environ.get("CHAINRULE_DATASETS", "/work/shared/datasets"))
MEAN_STD = {"mnist": (0.1307, 0.3081), "fashion-mnist": (0.2860, 0.3530)}


def read_idx(path: Path, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(name: str, train: bool) -> tuple[np.ndarray, np.ndarray]:
    """(N, 1, 28, 28) float32 normalised images and int64 labels (chainrule's loader, else the IDX files)."""
    try:
        from chainrule.data.datasets import fashion_mnist, mnist

        ds = (mnist if name == "mnist" else fashion_mnist)(root=DATA / name, train=train, cache=False)
        return np.asarray(ds.data.numpy(), dtype=np.float32), np.asarray(ds.targets.numpy(), dtype=np.int64)
    except ImportError:
        split = "train" if train else "t10k"
        x = read_idx(DATA / name / f"{split}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)
        y = read_idx(DATA / name / f"{split}-labels-idx1-ubyte.gz", 8).astype(np.int64)
        mean, std = MEAN_STD[name]
        return ((x.astype(np.float32) / 255 - mean) / std).astype(np.float32), y


def torch_cnn(torch, in_channels=1, num_classes=10, channels=(32, 64), hidden=0, dropout=0.1, image_size=28):
    """The torch.nn twin of chainrule.models.small_cnn (same layer order, so the same state-dict keys)."""
    nn = torch.nn
    c1, c2 = channels
    features = c2 * (image_size // 4) ** 2
    layers = [
        nn.Conv2d(in_channels, c1, 3, padding=1, bias=False), nn.BatchNorm2d(c1), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(c1, c2, 3, padding=1, bias=False), nn.BatchNorm2d(c2), nn.MaxPool2d(2), nn.ReLU(), nn.Flatten(),
    ]
    if hidden:
        layers += [nn.Linear(features, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, num_classes)]
    else:
        layers += [nn.Dropout(dropout), nn.Linear(features, num_classes)]
    return nn.Sequential(*layers)


class Framework:
    """The few calls the loop needs, for chainrule or torch."""

    def __init__(self, name: str, args):
        self.name = name
        if name == "torch":
            import torch

            torch.manual_seed(args.seed)
            torch.set_num_threads(args.threads)
            self.lib, self.F = torch, torch.nn.functional
            self.model = torch_cnn(torch, channels=args.channels, hidden=args.hidden, dropout=args.dropout)
            self.optim, self.sched_mod = torch.optim, torch.optim.lr_scheduler
            self.no_grad = torch.no_grad
        else:
            import chainrule as cr
            import chainrule.nn.functional as F
            from chainrule import optim
            from chainrule.models import small_cnn
            from chainrule.optim import lr_scheduler

            cr.manual_seed(args.seed)
            self.lib, self.F = cr, F
            self.model = small_cnn(channels=args.channels, hidden=args.hidden, dropout=args.dropout)
            self.optim, self.sched_mod = optim, lr_scheduler
            self.no_grad = cr.no_grad

    def tensor(self, a: np.ndarray):
        return self.lib.from_numpy(a) if self.name == "torch" else self.lib.tensor(a)


def make_optimizer(fw: Framework, args, steps_per_epoch: int):
    params = fw.model.parameters()
    if args.optimizer == "adam":
        opt = fw.optim.Adam(params, lr=args.lr, weight_decay=args.weight_decay)
    else:
        opt = fw.optim.SGD(params, lr=args.lr, momentum=0.9, nesterov=True, weight_decay=args.weight_decay)
    total = args.epochs * steps_per_epoch
    if args.schedule == "onecycle":
        sched = fw.sched_mod.OneCycleLR(opt, max_lr=args.lr, total_steps=total)
    elif args.schedule == "cosine":
        sched = fw.sched_mod.CosineAnnealingLR(opt, T_max=total)
    else:
        sched = None
    return opt, sched


def augment(x: np.ndarray, rng: np.random.Generator, shift: int, flip: bool) -> np.ndarray:
    """Random translation by up to `shift` pixels (zero fill) and, if flip, random horizontal flips."""
    n, _, h, w = x.shape
    out = np.zeros_like(x)
    dy, dx = rng.integers(-shift, shift + 1, size=(2, n))
    for i in range(n):
        ys, xs = slice(max(dy[i], 0), h + min(dy[i], 0)), slice(max(dx[i], 0), w + min(dx[i], 0))
        yd, xd = slice(max(-dy[i], 0), h + min(-dy[i], 0)), slice(max(-dx[i], 0), w + min(-dx[i], 0))
        out[i, :, yd, xd] = x[i, :, ys, xs]
    if flip:
        mirror = rng.random(n) < 0.5
        out[mirror] = out[mirror, :, :, ::-1]
    return out


def evaluate(fw: Framework, x: np.ndarray, y: np.ndarray, batch: int = 1000) -> float:
    fw.model.eval()
    correct = 0
    with fw.no_grad():
        for i in range(0, len(x), batch):
            logits = fw.model(fw.tensor(x[i:i + batch])).numpy()
            correct += int((logits.argmax(1) == y[i:i + batch]).sum())
    return correct / len(x)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"])
    p.add_argument("--framework", default="chainrule", choices=["chainrule", "torch"])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--optimizer", default="adam", choices=["adam", "sgd"])
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--schedule", default="onecycle", choices=["onecycle", "cosine", "none"])
    p.add_argument("--channels", type=int, nargs=2, default=(32, 64))
    p.add_argument("--hidden", type=int, default=0, help="hidden units before the last Linear (0: none)")
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--shift", type=int, default=0, help="augment: random translation by up to N pixels")
    p.add_argument("--flip", action="store_true", help="augment: random horizontal flips (Fashion-MNIST)")
    p.add_argument("--train-limit", type=int, default=0, help="use only the first N training images")
    p.add_argument("--max-steps", type=int, default=0, help="stop each epoch after N steps (timing runs)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads and OPENBLAS_NUM_THREADS")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tracemalloc", action="store_true", help="also report the peak of traced (NumPy) allocations")
    p.add_argument("--json", default="")
    args = p.parse_args(argv)

    xtr, ytr = load(args.dataset, True)
    xte, yte = load(args.dataset, False)
    if args.train_limit:
        xtr, ytr = xtr[:args.train_limit], ytr[:args.train_limit]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    fw = Framework(args.framework, args)
    n_params = sum(p.numel() for p in fw.model.parameters())
    steps = len(xtr) // args.batch_size  # drop the last partial batch (BatchNorm wants > 1 sample)
    if args.max_steps:
        steps = min(steps, args.max_steps)
    opt, sched = make_optimizer(fw, args, steps)
    if args.tracemalloc:  # NumPy reports its buffers to tracemalloc; torch's allocator does not
        import tracemalloc

        tracemalloc.start()
    train_peak = 0
    rng = np.random.default_rng(args.seed)
    epochs = []
    for epoch in range(1, args.epochs + 1):
        fw.model.train()
        order = rng.permutation(len(xtr))
        t0, loss_sum = time.perf_counter(), 0.0
        for s in range(steps):
            idx = np.sort(order[s * args.batch_size:(s + 1) * args.batch_size])
            xb = xtr[idx]
            if args.shift or args.flip:
                xb = augment(xb, rng, args.shift, args.flip)
            xb, yb = fw.tensor(np.ascontiguousarray(xb)), fw.tensor(ytr[idx])
            loss = fw.F.cross_entropy(fw.model(xb), yb, label_smoothing=args.label_smoothing)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            loss_sum += loss.item()
        dt = time.perf_counter() - t0
        if args.tracemalloc:  # the training steps' peak, before evaluation's larger batches
            train_peak = max(train_peak, tracemalloc.get_traced_memory()[1])
        acc = evaluate(fw, xte, yte)
        rec = {"epoch": epoch, "epoch_s": round(dt, 2), "ms_per_step": round(1e3 * dt / steps, 2),
               "train_loss": round(loss_sum / steps, 4), "test_acc": round(acc, 4)}
        epochs.append(rec)
        print(json.dumps(rec), flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    traced = None
    if args.tracemalloc:
        traced = {"train_steps_mb": round(train_peak / 2**20, 1),
                  "with_eval_mb": round(tracemalloc.get_traced_memory()[1] / 2**20, 1)}
        tracemalloc.stop()
    summary = {
        "framework": args.framework, "dataset": args.dataset, "params": n_params, "batch_size": args.batch_size,
        "steps_per_epoch": steps, "optimizer": args.optimizer, "lr": args.lr, "schedule": args.schedule,
        "channels": list(args.channels), "hidden": args.hidden, "dropout": args.dropout, "label_smoothing": args.label_smoothing,
        "shift": args.shift, "flip": args.flip, "threads": args.threads,
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"), "final_test_acc": epochs[-1]["test_acc"],
        "best_test_acc": max(e["test_acc"] for e in epochs),
        "mean_epoch_s": round(float(np.mean([e["epoch_s"] for e in epochs])), 2),
        "min_epoch_s": min(e["epoch_s"] for e in epochs),
        "peak_rss_mb": round(rss / 1024, 1), "tracemalloc_peak_mb": traced, "rss_after_data_mb": round(rss0 / 1024, 1),
        "load_avg_1m_at_end": os.getloadavg()[0], "argv": sys.argv[1:],
    }
    print(json.dumps(summary), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "epochs": epochs}, indent=1))
    return summary


if __name__ == "__main__":
    main()
