"""utils.data against PyTorch: DataLoader's argument checks, default_collate/default_convert types, samplers'
checks and laziness, WeightedRandomSampler, random_split, ConcatDataset, IterableDataset."""

from __future__ import annotations

import collections
import time
import tracemalloc

import numpy as np
import pytest

import chainrule as cr
from chainrule.utils import data as crdata

torch = pytest.importorskip("torch")
tdata = torch.utils.data

Point = collections.namedtuple("Point", "x y")


def _env(lib, libdata):
    class It(libdata.IterableDataset):
        def __iter__(self):
            return iter(range(5))

    return {"lib": lib, "D": libdata, "ds": libdata.TensorDataset(lib.arange(10.0)), "It": It, "np": np,
            "Point": Point}


def _outcome(lib, libdata, expr):
    try:
        r = eval(expr, _env(lib, libdata))  # noqa: S307 - the expressions below
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e).split(" (")[0][:90]
    return _describe(r)


def _describe(r):
    """A structure's types, dtypes and values, comparable between the libraries."""
    if isinstance(r, (cr.Tensor, torch.Tensor)):
        return "Tensor", str(r.dtype).split(".")[-1], tuple(r.shape), r.tolist()
    if isinstance(r, dict):
        return "dict", {k: _describe(v) for k, v in r.items()}
    if isinstance(r, tuple) and hasattr(r, "_fields"):
        return type(r).__name__, [_describe(v) for v in r]
    if isinstance(r, (list, tuple)):
        return type(r).__name__, [_describe(v) for v in r]
    if isinstance(r, np.ndarray):
        return "ndarray", r.dtype.str, r.tolist()
    if type(r).__module__.startswith(("torch", "chainrule")):
        return type(r).__name__
    return r


LOADER_CASES = [
    "D.DataLoader(ds, num_workers=-1)", "D.DataLoader(ds, timeout=-1)", "D.DataLoader(ds, prefetch_factor=2)",
    "D.DataLoader(ds, persistent_workers=True)", "D.DataLoader(ds, shuffle=True, sampler=D.SequentialSampler(ds))",
    "D.DataLoader(ds, batch_sampler=D.BatchSampler(D.SequentialSampler(ds), 2, False), batch_size=3)",
    "D.DataLoader(ds, batch_sampler=D.BatchSampler(D.SequentialSampler(ds), 2, False), drop_last=True)",
    "D.DataLoader(ds, batch_sampler=D.BatchSampler(D.SequentialSampler(ds), 2, False), shuffle=True)",
    "D.DataLoader(ds, batch_size=None, drop_last=True)", "D.DataLoader(It(), shuffle=True)",
    "D.DataLoader(It(), sampler=[0])", "D.DataLoader(It(), batch_sampler=[[0]])", "len(D.DataLoader(It(), batch_size=2))",
    "list(D.DataLoader(It(), batch_size=2))", "list(D.DataLoader(It()))", "list(D.DataLoader(It(), batch_size=None))",
    "D.DataLoader(ds, multiprocessing_context='spawn')", "D.DataLoader(ds, multiprocessing_context='bogus', num_workers=1)",
    "D.DataLoader(ds, batch_size=0)", "D.DataLoader(ds, batch_size=-1)", "D.DataLoader(ds, batch_size=2.5)",
    "len(D.DataLoader(ds, batch_size=3))", "len(D.DataLoader(ds, batch_size=3, drop_last=True))",
    "list(D.DataLoader(ds, batch_size=4))", "list(D.DataLoader(ds, batch_size=None))[:2]",
    "list(D.DataLoader(ds, batch_size=4, in_order=False))", "D.DataLoader(ds, shuffle=None).sampler",
    "D.DataLoader(ds, shuffle=True).sampler", "D.DataLoader(ds).generator", "D.DataLoader(ds, num_workers=2).prefetch_factor",
    "D.DataLoader(ds, num_workers=2, prefetch_factor=0).prefetch_factor", "D.DataLoader(ds).batch_size",
    "D.DataLoader(ds, batch_sampler=[[0, 1]]).batch_size", "list(D.DataLoader(ds, batch_sampler=[[0, 1], [5]]))",
    "list(D.DataLoader([(1, 2.5), (3, 4.5)], batch_size=2))", "list(D.DataLoader([{'a': np.ones(2)}] * 2, batch_size=2))",
    "list(D.DataLoader(D.ConcatDataset([ds, ds]), batch_size=8))[1]",
]


@pytest.mark.parametrize("expr", LOADER_CASES)
def test_dataloader_matches_torch(expr):
    with _quiet():
        assert _outcome(cr, crdata, expr) == _outcome(torch, tdata, expr)


class _quiet:  # noqa: N801 - a context manager that silences PyTorch's pin_memory-style warnings
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


COLLATE_CASES = [
    "D.default_collate([1, 2])", "D.default_collate([1.0, 2.0])", "D.default_collate([True, False])",
    "D.default_collate(['a', 'b'])", "D.default_collate([b'a', b'b'])", "D.default_collate([{'a': 1}, {'a': 2}])",
    "D.default_collate([(1, 2.0), (3, 4.0)])", "D.default_collate([[1, 2], [3, 4]])",
    "D.default_collate([lib.zeros(2), lib.ones(2)])", "D.default_collate([np.zeros(2), np.ones(2)])",
    "D.default_collate([np.float32(2), np.float32(1)])", "D.default_collate([np.int32(2), np.int32(1)])",
    "D.default_collate([np.zeros(2, dtype=np.float16)])", "D.default_collate([np.arange(3, dtype=np.uint8)] * 2)",
    "D.default_collate([[1, 2], [3]])", "D.default_collate([None, None])", "D.default_collate([object()])",
    "D.default_collate([])", "D.default_collate([np.array(['a'])])", "D.default_collate([lib.zeros(2), lib.ones(3)])",
    "D.default_collate([(1, 2), (3, 4, 5)])", "D.default_collate([Point(1, 2.5), Point(3, 4.5)])",
    "D.default_collate([{'p': Point(np.ones(2), 's'), 'q': [1, (2, 3.0)]}] * 2)",
    "D.default_collate([(lib.zeros(2, dtype=lib.int32), {'k': [True]})] * 3)",
    "D.default_convert(np.zeros(2))", "D.default_convert([np.zeros(2), 1])", "D.default_convert({'a': np.zeros(2)})",
    "D.default_convert(np.float32(2))", "D.default_convert(3)", "D.default_convert((np.ones(1), 'x'))",
    "D.default_convert(Point(np.ones(1), 2))", "D.default_convert('str')",
]


@pytest.mark.parametrize("expr", COLLATE_CASES)
def test_collate_and_convert_match_torch(expr):
    ours, theirs = _outcome(cr, crdata, expr), _outcome(torch, tdata, expr)
    if isinstance(theirs, tuple) and theirs and theirs[0] in ("RuntimeError", "TypeError", "IndexError"):
        assert ours[0] == theirs[0]  # same exception type; our message says more
    else:
        assert ours == theirs


SAMPLER_CASES = [
    "list(D.RandomSampler(ds, num_samples=0))", "D.RandomSampler(ds, num_samples=-1)", "D.RandomSampler(ds, replacement=1)",
    "D.RandomSampler(ds, num_samples=2.0)", "len(D.RandomSampler(ds, replacement=True, num_samples=10**10))",
    "len(D.RandomSampler(ds, num_samples=25))", "sorted(D.RandomSampler(ds))", "len(list(D.RandomSampler(ds, num_samples=25)))",
    "D.WeightedRandomSampler([0.1, 0.9], 0)", "D.WeightedRandomSampler([0.1, 0.9], 5, replacement=2)",
    "D.WeightedRandomSampler([[0.1, 0.9]], 5)", "list(D.WeightedRandomSampler([0.1, 0.9], 3, replacement=False))",
    "list(D.WeightedRandomSampler([0.0, 1.0], 3))", "sorted(D.WeightedRandomSampler([1.0, 1.0, 0.0], 2, replacement=False))",
    "len(D.WeightedRandomSampler([0.1, 0.9], 7))", "D.BatchSampler([1, 2], 0, False)", "D.BatchSampler([1, 2], 2, 1)",
    "list(D.BatchSampler(range(5), 2, False))", "list(D.BatchSampler(range(5), 2, True))",
    "len(D.BatchSampler(range(5), 2, False))", "list(D.SequentialSampler(ds))", "sorted(D.SubsetRandomSampler([3, 1, 7]))",
    "[len(s) for s in D.random_split(ds, [0.33, 0.33, 0.34])]", "[len(s) for s in D.random_split(ds, [0.5, 0.5])]",
    "[len(s) for s in D.random_split(ds, [0.3, 0.3, 0.4])]", "[len(s) for s in D.random_split(ds, [3, 7])]",
    "D.random_split(ds, [3, 3])", "D.random_split(ds, [0.5, 0.6])", "sorted(i for s in D.random_split(ds, [2, 8]) for i in s.indices)",
    "D.Subset(ds, [1, 2])[0]", "D.ConcatDataset([ds, ds])[15]", "len(D.ConcatDataset([ds, ds]))",
    "D.ConcatDataset([ds, ds]).cumulative_sizes", "D.get_worker_info()", "list(D.ChainDataset([It(), It()]))",
    "list(It() + It())", "len(ds + ds)", "ds[3]",
]


@pytest.mark.parametrize("expr", SAMPLER_CASES)
def test_samplers_and_datasets_match_torch(expr):
    ours, theirs = _outcome(cr, crdata, expr), _outcome(torch, tdata, expr)
    if isinstance(theirs, tuple) and theirs and theirs[0].endswith("Error"):
        assert ours[0] == theirs[0] or theirs[0] == "AssertionError", (ours, theirs)
    else:
        assert ours == theirs


def test_random_sampler_with_replacement_draws_lazily():
    tracemalloc.start()
    start = time.perf_counter()
    sampler = crdata.RandomSampler(range(10), replacement=True, num_samples=10**10)
    it = iter(sampler)
    first = [next(it) for _ in range(1000)]
    loader = crdata.DataLoader(crdata.TensorDataset(cr.arange(10)), batch_size=4, sampler=sampler)
    batches = [b for _, b in zip(range(3), loader)]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(sampler) == 10**10 and len(loader) == 10**10 // 4 and all(0 <= i < 10 for i in first)
    assert [tuple(x.shape) for (x,) in batches] == [(4,)] * 3
    assert peak < 50 * 2**20 and time.perf_counter() - start < 5  # 10**10 indices would be 80 GB


def test_seeded_samplers_are_reproducible_and_weighted_frequencies():
    def draw(cls, *args, **kw):
        return list(cls(*args, generator=cr.Generator().manual_seed(4), **kw))

    assert draw(crdata.RandomSampler, range(30)) == draw(crdata.RandomSampler, range(30))
    assert draw(crdata.SubsetRandomSampler, [1, 5, 9]) == draw(crdata.SubsetRandomSampler, [1, 5, 9])
    w = [1.0, 3.0, 0.0, 6.0]
    counts = np.bincount(draw(crdata.WeightedRandomSampler, w, 20000), minlength=4) / 20000
    np.testing.assert_allclose(counts, np.array(w) / 10, atol=0.015)
    splits = [[list(s.indices) for s in crdata.random_split(range(10), [0.5, 0.5],
                                                            generator=cr.Generator().manual_seed(2))]
              for _ in range(2)]
    assert splits[0] == splits[1]
