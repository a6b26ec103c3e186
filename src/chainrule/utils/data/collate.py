"""default_collate: stack a list of samples into a batch (Tensors, arrays, numbers; into tuples and dicts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._convert import as_array, as_data, is_tensor, wrap


def default_collate(batch: list):
    """Joins a list of samples into a batch: Tensors, arrays and numbers are stacked into one Tensor along a new
    dimension 0; tuples, lists and dicts are collated field by field (DataLoader's default `collate_fn`).

    Args:
        batch: the samples, as returned by `dataset[i]`.

    Returns:
        The batch, with the samples' structure: e.g. (inputs (B, ...), labels (B,)) for (input, label) samples.
        Python ints become int64, floats the default dtype (float32), bools bool.

    Raises:
        ValueError: an empty batch, or samples of different shapes or lengths (the message names them).
        TypeError: a sample of a type it cannot stack (write your own collate_fn).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.utils.data import default_collate
        >>> x, y = default_collate([(cr.zeros(3), 0), (cr.ones(3), 1)])
        >>> x.shape, y
        (chainrule.Size([2, 3]), tensor([0, 1]))
    """
    if not batch:
        raise ValueError("default_collate: got an empty batch")
    elem = batch[0]
    if is_tensor(elem) or isinstance(elem, (np.ndarray, np.generic)):
        return wrap(_stack([as_array(b) for b in batch]))
    if isinstance(elem, (bool, int, float)):
        return wrap(as_data(batch))  # bool stays bool, int -> int64, float -> the default dtype (float32)
    if isinstance(elem, (str, bytes)) or elem is None:
        return list(batch)
    if isinstance(elem, Mapping):
        return {key: default_collate([b[key] for b in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(f)) for f in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(b) != len(elem) for b in batch):
            lengths = sorted({len(b) for b in batch})
            raise ValueError(f"default_collate: samples are sequences of different lengths {lengths}; "
                             "every sample must have the same fields")
        fields = [default_collate(list(f)) for f in zip(*batch)]
        return tuple(fields) if isinstance(elem, tuple) else fields
    raise TypeError(f"default_collate: cannot batch samples of type {type(elem).__name__}; "
                    "return Tensors, arrays, numbers, tuples or dicts, or pass collate_fn=")


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    """np.stack, with an error that names the first two shapes that differ."""
    first = arrays[0].shape
    for a in arrays:
        if a.shape != first:
            raise ValueError(f"default_collate: samples have different shapes {first} and {a.shape}; "
                             "pad or crop them to one shape, or pass collate_fn=")
    return np.stack(arrays)
