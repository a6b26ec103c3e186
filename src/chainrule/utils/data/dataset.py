"""Datasets: the map-style base class, array-backed TensorDataset/ArrayDataset, Subset and ConcatDataset."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from ._convert import as_data, is_tensor, wrap


class Dataset:
    """A map-style dataset: subclasses define `__getitem__(i)` and `__len__()` (torch.utils.data.Dataset).

    `a + b` concatenates two datasets (a ConcatDataset).

    Examples:
        >>> from chainrule.utils.data import Dataset
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return i, i * i
        >>> len(Squares()), Squares()[3]
        (4, (3, 9))
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset read as a stream: subclasses define `__iter__()` (torch.utils.data.IterableDataset).

    With `DataLoader(num_workers=n)` every worker iterates its own copy of the dataset: split the work inside
    `__iter__` with `get_worker_info()` (None in the main process), or every sample comes n times.

    Examples:
        >>> from chainrule.utils.data import IterableDataset, get_worker_info
        >>> class Range(IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         info = get_worker_info()  # None without workers: all of it
        ...         start, step = (0, 1) if info is None else (info.id, info.num_workers)
        ...         return iter(range(start, self.n, step))
        >>> list(Range(4))
        [0, 1, 2, 3]
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} is an IterableDataset: iterate it, it has no [index]")

    def __len__(self) -> int:
        raise TypeError(f"object of type '{type(self).__name__}' has no len() (an IterableDataset may define "
                        "__len__ if it knows its length)")

    def __add__(self, other) -> ChainDataset:
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """IterableDatasets one after another (torch.utils.data.ChainDataset).

    Args:
        datasets: the IterableDatasets to chain.


    Raises:
        TypeError: (when iterated) one of the datasets is not an IterableDataset.

    Examples:
        >>> from chainrule.utils.data import ChainDataset, IterableDataset
        >>> class Count(IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        ...     def __len__(self):
        ...         return self.n
        >>> list(ChainDataset([Count(2), Count(3)]))
        [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)


class TensorDataset(Dataset):
    """A dataset of equally long Tensors (or arrays): sample i is the tuple of their i-th rows.

    Args:
        *tensors: Tensors or arrays with the same first dimension (the samples), e.g. inputs and labels.

    Raises:
        ValueError: no tensor is given, a tensor is 0-d, or their first dimensions differ.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import TensorDataset
        >>> data = TensorDataset(cr.zeros(100, 3), cr.arange(100))
        >>> len(data)
        100
        >>> x, y = data[7]
        >>> x.shape, y.item()
        (chainrule.Size([3]), 7)
    """

    def __init__(self, *tensors) -> None:
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor, e.g. TensorDataset(X, y)")
        self._arrays = tuple(as_data(t) for t in tensors)
        n = len(self._arrays[0]) if self._arrays[0].ndim else 0
        for i, a in enumerate(self._arrays):
            if a.ndim == 0 or len(a) != n:
                shapes = ", ".join(str(b.shape) for b in self._arrays)
                raise ValueError(
                    f"TensorDataset: tensor {i} has shape {a.shape}, but every tensor needs the same first "
                    f"dimension (shapes: {shapes}); index samples along dim 0"
                )
        self.tensors = tuple(t if is_tensor(t) else wrap(a) for t, a in zip(tensors, self._arrays))

    @property
    def arrays(self) -> tuple[np.ndarray, ...]:
        """The ndarrays behind the tensors (no copy).

        Examples:
            >>> import chainrule as cr
            >>> from chainrule.utils.data import TensorDataset
            >>> x, y = TensorDataset(cr.zeros(4, 2), cr.arange(4)).arrays
            >>> x.shape, y.dtype
            ((4, 2), dtype('int64'))
        """
        return self._arrays

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            return tuple(wrap(a[index, ...]) for a in self._arrays)
        if isinstance(index, slice):
            return tuple(wrap(a[index]) for a in self._arrays)
        return self.get_batch(index)

    def get_batch(self, indices) -> tuple:
        """Gather many samples at once: one `take` per tensor, dtypes kept.

        Args:
            indices: a sequence or int array of sample indices.

        Returns:
            A tuple with one Tensor per dataset tensor, its first dimension len(indices).

        Examples:
            >>> import chainrule as cr
            >>> from chainrule.utils.data import TensorDataset
            >>> data = TensorDataset(cr.arange(10) * 1.0, cr.arange(10))
            >>> data.get_batch([2, 5, 7])
            (tensor([2., 5., 7.]), tensor([2, 5, 7]))
        """
        idx = np.asarray(indices, dtype=np.intp)
        return tuple(wrap(a.take(idx, axis=0)) for a in self._arrays)

    def __len__(self) -> int:
        return len(self._arrays[0])


class ArrayDataset(TensorDataset):
    """A TensorDataset of `(data, targets)` with torchvision's names: `.data`, `.targets`, `.classes` (what
    `chainrule.data.datasets.mnist` returns).

    Args:
        data: the inputs, a Tensor or array (N, ...).
        targets: the labels, a Tensor or array (N, ...).
        classes: the class names (default None).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import ArrayDataset
        >>> ds = ArrayDataset(cr.zeros(4, 2), cr.tensor([0, 1, 1, 0]), classes=["no", "yes"])
        >>> ds.data.shape, ds.targets.tolist(), ds.classes
        (chainrule.Size([4, 2]), [0, 1, 1, 0], ['no', 'yes'])
    """

    def __init__(self, data, targets, classes: Sequence[str] | None = None) -> None:
        super().__init__(data, targets)
        self.classes = list(classes) if classes is not None else None

    @property
    def data(self):
        """The inputs, as one Tensor (N, ...)."""
        return self.tensors[0]

    @property
    def targets(self):
        """The labels, as one Tensor (N, ...)."""
        return self.tensors[1]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order (as torch.utils.data.Subset).

    Args:
        dataset: the dataset to take samples from.
        indices: the indices of the samples, in [-len(dataset), len(dataset)).

    Raises:
        IndexError: an index is out of range.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import Subset, TensorDataset
        >>> part = Subset(TensorDataset(cr.arange(10)), [9, 0, 4])
        >>> len(part), part[0][0].item()
        (3, 9)
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.intp).reshape(-1)
        n = len(dataset)
        if self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(f"Subset: indices must lie in [-{n}, {n}) for a dataset of length {n}")

    def __getitem__(self, index):
        if isinstance(index, (list, np.ndarray)):
            return [self.dataset[int(self.indices[i])] for i in index]
        return self.dataset[int(self.indices[index])]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Datasets one after another (as torch.utils.data.ConcatDataset).

    Args:
        datasets: the map-style datasets to join; index i of the result is in the first dataset whose
            cumulative length exceeds i (`cumulative_sizes`).

    Raises:
        ValueError: no dataset given.
        TypeError: an IterableDataset among them (use ChainDataset).
        IndexError: (when indexed) an index out of range.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import ConcatDataset, TensorDataset
        >>> both = ConcatDataset([TensorDataset(cr.arange(3)), TensorDataset(cr.arange(10, 12))])
        >>> len(both), both.cumulative_sizes
        (5, [3, 5])
        >>> both[3], both[-1]
        ((tensor(10),), (tensor(11),))
    """

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: give at least one dataset")
        if any(isinstance(d, IterableDataset) for d in self.datasets):
            raise TypeError("ConcatDataset does not support IterableDataset; use ChainDataset to chain streams")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"ConcatDataset: index {index} out of range for length {n}")
        index = index + n if index < 0 else index
        d = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[d - 1] if d else 0
        return self.datasets[d][index - start]


def array_source(dataset) -> tuple[tuple[np.ndarray, ...], np.ndarray | None] | None:
    """`(arrays, index_map)` when batches can be cut from arrays (TensorDataset, its Subsets), else None."""
    if isinstance(dataset, TensorDataset):
        plain = type(dataset).__getitem__ is TensorDataset.__getitem__
        plain = plain and type(dataset).get_batch is TensorDataset.get_batch
        return (dataset.arrays, None) if plain else None
    if type(dataset) is Subset:
        inner = array_source(dataset.dataset)
        if inner is None:
            return None
        arrays, index_map = inner
        idx = dataset.indices % len(dataset.dataset)
        return arrays, idx if index_map is None else index_map[idx]
    return None
