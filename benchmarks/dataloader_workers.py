"""DataLoader num_workers=2 against num_workers=0: seconds per epoch, interleaved runs, median of each.

    PYTHONPATH=src CHAINRULE_DATA=/work/shared/datasets python benchmarks/dataloader_workers.py [--reps 3]

Datasets: "expensive" (each __getitem__ does ~1-2 ms of NumPy work, like decoding and augmenting an image),
"mnist-array" (MNIST's TensorDataset: the main process cuts batches by slicing, workers can only add overhead),
"mnist-items" (MNIST read sample by sample with a per-sample transform, as torchvision's datasets are).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import chainrule as cr
from chainrule.utils.data import DataLoader, Dataset


class Expensive(Dataset):
    """Sample i: a 32x32 image put through 40 rounds of a small matrix filter (real CPU work per item)."""

    def __init__(self, n: int = 512) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        rng = np.random.default_rng(i)
        img = rng.random((32, 32), dtype=np.float32)
        k = np.eye(32, dtype=np.float32) * 0.9 + 0.003
        for _ in range(40):
            img = np.tanh(k @ img @ k)
        return img, i % 10


class MnistItems(Dataset):
    """MNIST sample by sample with a per-sample transform (scale, normalise, add a channel), as torchvision's."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.images, self.labels = images, labels

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i):
        x = (self.images[i].astype(np.float32) / 255.0 - 0.1307) / 0.3081
        return x[None], int(self.labels[i])


def epoch_seconds(loader) -> float:
    start = time.perf_counter()
    for _batch in loader:
        pass
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", default="expensive,mnist-array,mnist-items")
    args = ap.parse_args()
    sets = {}
    if "expensive" in args.only:
        sets["expensive"] = (Expensive(), 32)
    if "mnist" in args.only:
        from chainrule.data.datasets import mnist

        train = mnist(train=True, normalize=False)
        if "mnist-array" in args.only:
            sets["mnist-array"] = (train, 64)
        if "mnist-items" in args.only:
            sets["mnist-items"] = (MnistItems(train.data.numpy(), train.targets.numpy()), 64)
    for name, (ds, bs) in sets.items():
        times = {0: [], 2: []}
        for _ in range(args.reps):  # interleaved: the machine's load drifts
            for nw in (0, 2):
                times[nw].append(epoch_seconds(DataLoader(ds, batch_size=bs, shuffle=True, num_workers=nw)))
        m0, m2 = statistics.median(times[0]), statistics.median(times[2])
        print(f"{name:12s} n={len(ds):6d} bs={bs:3d}  workers=0 {m0:7.3f}s  workers=2 {m2:7.3f}s  "
              f"speed-up x{m0 / m2:.2f}  (runs: {[round(t, 3) for t in times[0]]} / {[round(t, 3) for t in times[2]]})")
    cr.manual_seed(0)


if __name__ == "__main__":
    main()
