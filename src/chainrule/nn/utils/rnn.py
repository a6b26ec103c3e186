"""PackedSequence and the helpers around it: pad_sequence, pack_padded_sequence, pad_packed_sequence, ...

A PackedSequence stores a batch of sequences of different lengths time step by time step: `data` holds, for
t = 0, 1, ..., the rows of the sequences still running at step t (sorted by decreasing length), `batch_sizes[t]`
says how many there are. The recurrent layers read it directly (no work on the padding). Moving between the packed
and the padded layout is one gather / scatter node each way, so gradients flow through all of it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...autograd.function import Op
from ...tensor import Tensor

__all__ = [
    "PackedSequence", "pack_padded_sequence", "pack_sequence", "packed_to_padded", "pad_packed_sequence",
    "pad_sequence", "padded_to_packed", "unpack_sequence", "unpad_sequence",
]


class PackedSequence(NamedTuple):
    """A packed batch of variable-length sequences (build it with `pack_padded_sequence` or `pack_sequence`).

    Attributes:
        data: (sum of lengths, *) the steps of all sequences, time step by time step.
        batch_sizes: int64 (max length,) how many sequences run at each step (non-increasing).
        sorted_indices: int64 (B,) the batch order of the packed rows (None when the input was already sorted).
        unsorted_indices: int64 (B,) its inverse (None likewise).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.nn.utils.rnn import pack_sequence
        >>> packed = pack_sequence([cr.tensor([1.0, 2.0, 3.0]), cr.tensor([4.0, 5.0]), cr.tensor([6.0])])
        >>> packed.data, packed.batch_sizes
        (tensor([1., 4., 6., 2., 5., 3.]), tensor([3, 2, 1]))
        >>> packed.double().data.dtype, packed.to(cr.float64).data.dtype, packed.float().data.dtype
        (chainrule.float64, chainrule.float64, chainrule.float32)
        >>> packed.cpu() is packed, packed.is_cuda, packed.is_pinned()
        (True, False, False)
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args, **kwargs) -> PackedSequence:
        """The same packed sequence with `data` converted (`data.to(...)`); the index tensors stay."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def float(self) -> PackedSequence:
        """The same packed sequence with `data` in float32."""
        return self._replace(data=self.data.float())

    def double(self) -> PackedSequence:
        """The same packed sequence with `data` in float64."""
        return self._replace(data=self.data.double())

    def cpu(self) -> PackedSequence:
        """Itself: chainrule's tensors are always on the CPU."""
        return self

    @property
    def is_cuda(self) -> bool:
        """Always False (no GPU backend)."""
        return False

    def is_pinned(self) -> bool:
        """Always False (no pinned memory)."""
        return False


class _Gather(Op):
    """Rows x[it, ib] of x (T, B, *): padded (time-major) to packed."""

    @staticmethod
    def forward(ctx, x, it, ib):
        ctx.shape = x.shape
        ctx.it, ctx.ib = it, ib
        return x[it, ib]

    @staticmethod
    def backward(ctx, g):
        # dL/dx = G scattered back to the rows it came from (each row once), zero elsewhere (the padding)
        gx = np.zeros(ctx.shape, dtype=g.dtype)
        gx[ctx.it, ctx.ib] = g
        return gx, None, None


class _Scatter(Op):
    """A (T, B, *) array filled with `value`, with data's rows written at [it, ib]: packed to padded."""

    @staticmethod
    def forward(ctx, data, it, ib, T, B, value):
        out = np.full((T, B) + data.shape[1:], value, dtype=data.dtype)
        out[it, ib] = data
        ctx.it, ctx.ib = it, ib
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/ddata = the rows of G the data went to (the padding gets no gradient)
        return g[ctx.it, ctx.ib], None, None, None, None, None


def _index(batch_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(time, batch) of each packed row, in packed order."""
    it = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    ib = np.concatenate([np.arange(b) for b in batch_sizes]) if len(batch_sizes) else np.zeros(0, np.int64)
    return it, ib


def _lengths(lengths) -> np.ndarray:
    arr = lengths._data if isinstance(lengths, Tensor) else np.asarray(lengths)
    return arr.astype(np.int64).reshape(-1)


def _int_tensor(a) -> Tensor:
    return Tensor._wrap(np.ascontiguousarray(a, dtype=np.int64))


def packed_to_padded(packed: PackedSequence, value: float = 0.0, total_length: int | None = None) -> Tensor:
    """(T, B, *) time-major, in the packed (sorted) batch order: the layout the recurrent layers compute in.

    Unlike `pad_packed_sequence`, the batch is not put back in its original order and no lengths are returned.

    Args:
        packed: the PackedSequence.
        value: the fill of the padding (default 0.0).
        total_length: pad to this many steps (default None: the longest sequence).

    Returns:
        A (T, B, *) tensor, differentiable with respect to `packed.data`.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.nn.utils.rnn import pack_sequence, packed_to_padded
        >>> packed_to_padded(pack_sequence([cr.tensor([1.0, 2.0]), cr.tensor([3.0])]), value=-1.0)
        tensor([[ 1.,  3.],
                [ 2., -1.]])
    """
    bs = packed.batch_sizes._data
    it, ib = _index(bs)
    T = len(bs) if total_length is None else total_length
    return _Scatter.apply(packed.data, it, ib, T, int(bs[0]) if len(bs) else 0, value)


def padded_to_packed(x: Tensor, batch_sizes: np.ndarray) -> Tensor:
    """The packed `data` of a time-major (T, B, *) tensor in sorted batch order (the inverse of
    `packed_to_padded`).

    Args:
        x: a (T, B, *) tensor whose batch is sorted by decreasing length.
        batch_sizes: an int array (T,): how many sequences run at each step.

    Returns:
        A (sum(batch_sizes), *) tensor, differentiable with respect to x.

    Examples:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.nn.utils.rnn import padded_to_packed
        >>> padded_to_packed(cr.tensor([[1.0, 3.0], [2.0, 0.0]]), np.array([2, 1]))
        tensor([1., 3., 2.])
    """
    it, ib = _index(batch_sizes)
    return _Gather.apply(x, it, ib)


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with batch_first) of sequences of the given lengths.

    Args:
        input: the padded batch.
        lengths: (B,) the length of each sequence (a list or a 1-D int tensor), each > 0.
        batch_first: input is (B, T, *) (default False: (T, B, *)).
        enforce_sorted: lengths must be non-increasing (default True); with False the batch is sorted here and
            `sorted_indices` / `unsorted_indices` record the order.

    Returns:
        A PackedSequence; its `data` is differentiable with respect to input.

    Raises:
        RuntimeError: a length <= 0, a length beyond T, or unsorted lengths with enforce_sorted=True.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.nn.utils.rnn import pack_padded_sequence
        >>> padded = cr.tensor([[4.0, 5.0, 0.0], [1.0, 2.0, 3.0]])  # (B=2, T=3), lengths 2 and 3
        >>> packed = pack_padded_sequence(padded, [2, 3], batch_first=True, enforce_sorted=False)
        >>> packed.data, packed.batch_sizes, packed.sorted_indices
        (tensor([1., 4., 2., 5., 3.]), tensor([2, 2, 1]), tensor([1, 0]))
    """
    lens = _lengths(lengths)
    if lens.size and lens.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    x = input.transpose(0, 1) if batch_first else input
    if enforce_sorted:
        if np.any(lens[1:] > lens[:-1]):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                "if you do not need ONNX exportability.")
        sorted_idx = unsorted_idx = None
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_idx, unsorted_idx = _int_tensor(order), _int_tensor(np.argsort(order))
        x = x.index_select(1, sorted_idx)
    if lens.size and lens[0] > x._data.shape[0]:
        raise RuntimeError(f"pack_padded_sequence: a length {int(lens[0])} exceeds the padded length "
                           f"{x._data.shape[0]}")
    T = int(lens[0]) if lens.size else 0
    bs = (lens[None, :] > np.arange(T)[:, None]).sum(axis=1)
    return PackedSequence(padded_to_packed(x, bs), _int_tensor(bs), sorted_idx, unsorted_idx)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Unpack a PackedSequence into (padded (T, B, *) or (B, T, *), lengths (B,) int64), in the original order.

    The inverse of `pack_padded_sequence`.

    Args:
        sequence: the PackedSequence (e.g. the output of a recurrent layer given a packed input).
        batch_first: return (B, T, *) (default False: (T, B, *)).
        padding_value: the fill of the padding (default 0.0).
        total_length: pad to this many steps (default None: the longest sequence), e.g. to match the input's
            T.

    Returns:
        (padded, lengths): the padded tensor (differentiable with respect to `sequence.data`) and the int64
        lengths (B,), both in the batch order given to `pack_padded_sequence`.

    Raises:
        ValueError: total_length shorter than the longest sequence.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.nn.utils.rnn import pack_sequence, pad_packed_sequence
        >>> packed = pack_sequence([cr.tensor([4.0, 5.0]), cr.tensor([1.0, 2.0, 3.0])], enforce_sorted=False)
        >>> pad_packed_sequence(packed, batch_first=True)
        (tensor([[4., 5., 0.],
                [1., 2., 3.]]), tensor([2, 3]))
    """
    bs = sequence.batch_sizes._data
    T = len(bs)
    if total_length is not None:
        if total_length < T:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {T}")
        T = total_length
    out = packed_to_padded(sequence, padding_value, T)
    B = int(bs[0]) if len(bs) else 0
    lens = (bs[None, :] > np.arange(B)[:, None]).sum(axis=1)
    if sequence.unsorted_indices is not None:
        out = out.index_select(1, sequence.unsorted_indices)
        lens = lens[sequence.unsorted_indices._data]
    if batch_first:
        out = out.transpose(0, 1)
    return out, _int_tensor(lens)


class _PadSequence(Op):
    """Stack sequences (L_i, *) into one padded (B, T, *) array (batch first)."""

    @staticmethod
    def forward(ctx, value, left, *arrays):
        T = max(a.shape[0] for a in arrays)
        out = np.full((len(arrays), T) + arrays[0].shape[1:], value, dtype=arrays[0].dtype)
        for i, a in enumerate(arrays):
            if left:
                out[i, T - a.shape[0]:] = a
            else:
                out[i, :a.shape[0]] = a
        ctx.lens, ctx.left = [a.shape[0] for a in arrays], left
        return out

    @staticmethod
    def backward(ctx, g):
        # dL/dseq_i = the rows of G where sequence i was written
        T = g.shape[1]
        return (None, None) + tuple(g[i, T - n:] if ctx.left else g[i, :n] for i, n in enumerate(ctx.lens))


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Pad a list of tensors (L_i, *) to (T, B, *) (or (B, T, *) with batch_first), T = the longest L_i.

    Args:
        sequences: tensors whose trailing dims agree.
        batch_first: output (B, T, *) (default False).
        padding_value: the fill (default 0).
        padding_side: "right" (default) or "left".

    Returns:
        The padded tensor, differentiable with respect to every sequence.

    Raises:
        ValueError: padding_side is neither "right" nor "left".
        RuntimeError: no sequences, or sequences whose trailing dimensions differ.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.nn.utils.rnn import pad_sequence
        >>> seqs = [cr.tensor([1.0, 2.0, 3.0]), cr.tensor([4.0, 5.0]), cr.tensor([6.0])]
        >>> pad_sequence(seqs, batch_first=True)
        tensor([[1., 2., 3.],
                [4., 5., 0.],
                [6., 0., 0.]])
        >>> pad_sequence(seqs, batch_first=True, padding_side="left")[2]
        tensor([0., 0., 6.])
    """
    if padding_side not in ("right", "left"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    seqs = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    tails = {tuple(s._data.shape[1:]) for s in seqs}
    if len(tails) > 1:
        raise RuntimeError(f"pad_sequence: the sequences' trailing dimensions differ: {sorted(tails)}")
    out = _PadSequence.apply(padding_value, padding_side == "left", *seqs)
    return out if batch_first else out.transpose(0, 1)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of tensors (L_i, *): `pack_padded_sequence(pad_sequence(sequences), lengths, ...)`.

    Args:
        sequences: tensors (L_i, *) whose trailing dims agree.
        enforce_sorted: the sequences must come longest first (default True); with False any order is packed
            and the order is recorded in `sorted_indices`.

    Returns:
        A PackedSequence.

    Raises:
        RuntimeError: unsorted lengths with enforce_sorted=True, or an empty sequence.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.nn.utils.rnn import pack_sequence
        >>> pack_sequence([cr.tensor([1.0, 2.0, 3.0]), cr.tensor([4.0, 5.0])]).data
        tensor([1., 4., 2., 5., 3.])
    """
    lengths = [s._data.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    """The list of sequences (L_i, *) inside a padded batch: the inverse of pad_sequence.

    Args:
        padded_sequences: a padded batch (T, B, *) (or (B, T, *) with batch_first).
        lengths: (B,) the length of each sequence (a list or a 1-D int tensor).
        batch_first: the input is (B, T, *) (default False).

    Returns:
        A list of B tensors (views of the input), the i-th of shape (lengths[i], *).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.nn.utils.rnn import unpad_sequence
        >>> unpad_sequence(cr.tensor([[4.0, 5.0, 0.0], [1.0, 2.0, 3.0]]), [2, 3], batch_first=True)
        [tensor([4., 5.]), tensor([1., 2., 3.])]
    """
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, :int(n)] for i, n in enumerate(_lengths(lengths))]


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The list of sequences inside a PackedSequence: the inverse of pack_sequence.

    Args:
        packed_sequences: a PackedSequence.

    Returns:
        A list of tensors (L_i, *) in the batch order given to `pack_sequence`.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.nn.utils.rnn import pack_sequence, unpack_sequence
        >>> packed = pack_sequence([cr.tensor([4.0, 5.0]), cr.tensor([1.0, 2.0, 3.0])], enforce_sorted=False)
        >>> unpack_sequence(packed)
        [tensor([4., 5.]), tensor([1., 2., 3.])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
