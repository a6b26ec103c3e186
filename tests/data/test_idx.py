"""IDX files: good raw/gzip ones; corrupt, truncated, wrong-magic ones fail clearly; the .npy cache."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from chainrule.data.datasets import IDXError, read_idx, write_idx
from chainrule.data.datasets.cache import cached


def images(n=5):
    return np.arange(n * 28 * 28, dtype=np.uint32).reshape(n, 28, 28).astype(np.uint8)


@pytest.mark.parametrize("name", ["img-idx3-ubyte", "img-idx3-ubyte.gz"])
def test_roundtrip_raw_and_gzip(tmp_path, name):
    a = images()
    write_idx(tmp_path / name, a)
    raw = (tmp_path / name).read_bytes()
    assert raw[:2] == (b"\x1f\x8b" if name.endswith(".gz") else b"\x00\x00")
    b = read_idx(tmp_path / name, magic=2051)
    assert b.dtype == np.uint8 and b.shape == (5, 28, 28)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.float32, np.float64])
def test_other_element_types_come_back_native_endian(tmp_path, dtype):
    a = np.arange(6, dtype=dtype).reshape(2, 3)
    write_idx(tmp_path / "x.idx", a)
    b = read_idx(tmp_path / "x.idx")
    assert b.dtype == np.dtype(dtype) and b.dtype.isnative
    np.testing.assert_array_equal(a, b)


def test_header_bytes_match_the_spec(tmp_path):
    write_idx(tmp_path / "l", np.array([7, 2, 1], np.uint8))
    assert (tmp_path / "l").read_bytes() == struct.pack(">II", 2049, 3) + bytes([7, 2, 1])


def test_wrong_magic_names_the_file_and_both_numbers(tmp_path):
    write_idx(tmp_path / "labels", np.zeros(4, np.uint8))
    with pytest.raises(IDXError, match=r"labels: wrong magic number 2049 .*expected 2051.*swapped"):
        read_idx(tmp_path / "labels", magic=2051)


def test_not_an_idx_file(tmp_path):
    (tmp_path / "page.html").write_bytes(b"<html>not found</html>")
    with pytest.raises(IDXError, match=r"page.html: not an IDX file: magic number"):
        read_idx(tmp_path / "page.html")


@pytest.mark.parametrize("cut", [2, 10, 16 + 100, 16 + 5 * 784 - 1])
def test_truncated_files(tmp_path, cut):
    write_idx(tmp_path / "full", images())
    (tmp_path / "short").write_bytes((tmp_path / "full").read_bytes()[:cut])
    with pytest.raises(IDXError, match=r"short: truncated"):
        read_idx(tmp_path / "short", magic=2051)


def test_truncation_message_gives_the_sizes(tmp_path):
    write_idx(tmp_path / "full", images())
    (tmp_path / "short").write_bytes((tmp_path / "full").read_bytes()[:1000])
    msg = r"short: truncated: header says shape \(5, 28, 28\) \(3920 bytes of data\), the file has 984"
    with pytest.raises(IDXError, match=msg):
        read_idx(tmp_path / "short")


def test_trailing_bytes_are_corruption(tmp_path):
    write_idx(tmp_path / "f", images())
    with open(tmp_path / "f", "ab") as f:
        f.write(b"junk")
    with pytest.raises(IDXError, match="corrupt: .*trailing bytes"):
        read_idx(tmp_path / "f")


def test_truncated_and_corrupt_gzip(tmp_path):
    write_idx(tmp_path / "f.gz", images())
    blob = (tmp_path / "f.gz").read_bytes()
    (tmp_path / "cut.gz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(IDXError, match=r"cut.gz: corrupt or truncated gzip"):
        read_idx(tmp_path / "cut.gz")
    (tmp_path / "bad.gz").write_bytes(blob[:20] + bytes(len(blob) - 20))
    with pytest.raises(IDXError, match=r"bad.gz: corrupt or truncated gzip"):
        read_idx(tmp_path / "bad.gz")
    (tmp_path / "inner.gz").write_bytes(gzip.compress(struct.pack(">II", 2049, 10) + bytes(3)))
    with pytest.raises(IDXError, match="inner.gz: truncated: header says shape"):
        read_idx(tmp_path / "inner.gz")


def test_npy_cache_is_reused_and_rebuilt_when_the_source_changes(tmp_path):
    src = tmp_path / "img.gz"
    write_idx(src, images(3))
    calls = []

    def decode(p):
        calls.append(p)
        return read_idx(p)

    folder = tmp_path / "cache"
    a = cached(src, folder, decode)
    b = cached(src, folder, decode)
    assert len(calls) == 1 and np.array_equal(a, b)
    (npy,) = folder.glob("img-*.npy")
    assert np.load(npy, allow_pickle=False).shape == (3, 28, 28)
    assert not list(folder.glob("*.part"))  # written through a temp file + os.replace
    write_idx(src, images(4))
    assert cached(src, folder, decode).shape == (4, 28, 28) and len(calls) == 2
    assert len(list(folder.glob("img-*.npy"))) == 1  # the stale copy is gone
    (new,) = folder.glob("img-*.npy")
    new.write_bytes(b"garbage")
    assert cached(src, folder, decode).shape == (4, 28, 28) and len(calls) == 3
