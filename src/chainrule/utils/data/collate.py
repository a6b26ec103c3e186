"""default_collate: stack a list of samples into a batch (Tensors, arrays, numbers; into tuples and dicts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._convert import as_array, is_tensor, wrap


def default_collate(batch: list):
    """Joins a list of samples into a batch, as torch.utils.data.default_collate (DataLoader's default `collate_fn`):
    Tensors, arrays and numbers are stacked into one Tensor along a new dimension 0; dicts, namedtuples and
    sequences are collated field by field; strings and bytes stay a list.

    Args:
        batch: the samples, as returned by `dataset[i]`.

    Returns:
        The batch, with the samples' structure, typed as PyTorch's: Python ints become int64, Python floats
        float64 (PyTorch's choice, not the default dtype), bools bool; arrays and NumPy scalars keep their dtype;
        a tuple of fields becomes a list of batches (as in PyTorch), a namedtuple stays one, a dict stays a dict.

    Raises:
        RuntimeError: samples of different shapes or lengths (the message names them).
        TypeError: a sample of a type it cannot stack, None, or an array of strings (write your own collate_fn).
        IndexError: an empty batch.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import default_collate
        >>> x, y = default_collate([(cr.zeros(3), 0), (cr.ones(3), 1)])
        >>> x.shape, y
        (chainrule.Size([2, 3]), tensor([0, 1]))
    """
    if not batch:
        raise IndexError("default_collate: got an empty batch (list index out of range)")
    elem = batch[0]
    if is_tensor(elem) or isinstance(elem, (np.ndarray, np.generic)):
        if isinstance(elem, (np.ndarray, np.generic)) and elem.dtype.kind in "USO":
            raise TypeError(_unsupported(elem.dtype))
        return wrap(_stack([as_array(b) for b in batch]))
    if isinstance(elem, bool):
        return wrap(np.asarray(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return wrap(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, float):
        return wrap(np.asarray(batch, dtype=np.float64))  # PyTorch: torch.tensor(batch, dtype=torch.float64)
    if isinstance(elem, (str, bytes)):
        return batch  # as given (PyTorch: a list at the top, a tuple inside a tuple or namedtuple)
    if isinstance(elem, Mapping):
        out = {key: default_collate([b[key] for b in batch]) for key in elem}
        return out if type(elem) is dict else _rebuild(elem, out)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(f) for f in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(b) != len(elem) for b in batch):
            lengths = sorted({len(b) for b in batch})
            raise RuntimeError(f"each element in list of batch should be of equal size (default_collate: samples "
                               f"are sequences of lengths {lengths}; every sample must have the same fields)")
        fields = [default_collate(f) for f in zip(*batch)]
        if isinstance(elem, (tuple, list)) and type(elem) in (tuple, list):
            return fields  # PyTorch returns a list for tuples too
        return _rebuild(elem, fields)
    raise TypeError(_unsupported(type(elem)))


def _unsupported(kind) -> str:
    return (f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {kind} "
            "(pass collate_fn= to batch other types)")


def _rebuild(elem, fields):
    """A collated mapping or sequence in the sample's own type when that type can be built from it."""
    try:
        return type(elem)(fields)
    except TypeError:
        return fields


def default_convert(data):
    """Converts NumPy arrays (and NumPy scalars) inside `data` to Tensors, leaving everything else as it is
    (torch.utils.data.default_convert: DataLoader's collate_fn when batch_size=None).

    Args:
        data: a sample: an array, a number, or dicts/lists/tuples/namedtuples of them.

    Examples:
        >>> import numpy as np
        >>> from chainrule.utils.data import default_convert
        >>> default_convert({"x": np.zeros(2), "n": 3})
        {'x': tensor([0., 0.], dtype=chainrule.float64), 'n': 3}
    """
    if isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind not in "USO":
        return wrap(np.asarray(data))
    if isinstance(data, Mapping):
        out = {k: default_convert(v) for k, v in data.items()}
        return out if type(data) is dict else _rebuild(data, out)
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(v) for v in data))
    if isinstance(data, tuple):
        return [default_convert(v) for v in data]  # as PyTorch's default_convert
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        out = [default_convert(v) for v in data]
        return out if type(data) is list else _rebuild(data, out)
    return data


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    """np.stack, with PyTorch's error type and a message that names the first two shapes that differ."""
    first = arrays[0].shape
    for i, a in enumerate(arrays):
        if a.shape != first:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                               f"{list(a.shape)} at entry {i} (default_collate: pad or crop the samples to one "
                               "shape, or pass collate_fn=)")
    return np.stack(arrays)
