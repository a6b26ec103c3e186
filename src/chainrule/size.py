"""Size: a tensor's shape, a tuple subclass as torch.Size (`x.shape`, `x.size()`).

It is a tuple (equal to and hashed as the tuple of the same ints; `a, b = x.shape` works) that prints
`chainrule.Size([2, 3])` (PyTorch's `torch.Size([2, 3])` with this package's name, as dtypes print
`chainrule.float32`), counts its elements with `numel()`, and stays a Size when sliced, added to a tuple or repeated.
Internal code reads `t._data.shape` (a plain tuple) and never pays for building a Size.
"""

from __future__ import annotations

import operator

_tuple_new = tuple.__new__


class Size(tuple):
    """Size(sizes=()): a tuple of non-negative ints describing a tensor's shape.

    `sizes` is an iterable of ints (or objects with __index__, such as 0-d integer tensors); Size is a tuple,
    so its constructor is `__new__` (the reference would not match an Args section to it).

    Raises:
        TypeError: an element is not an integer.

    Examples:
        >>> import chainrule as cr
        >>> s = cr.Size([2, 3])
        >>> s, s[0], s.numel()
        (chainrule.Size([2, 3]), 2, 6)
        >>> cr.zeros(2, 3).shape == s
        True
        >>> s + (4,)
        chainrule.Size([2, 3, 4])
    """

    __slots__ = ()

    def __new__(cls, sizes=()):
        try:
            return _tuple_new(cls, [operator.index(s) for s in sizes])
        except TypeError:
            bad = next(s for s in sizes if not hasattr(s, "__index__"))
            raise TypeError(
                f"Size(): expected a sequence of integers, but got an element of type {type(bad).__name__}"
            ) from None

    def __repr__(self) -> str:
        return f"chainrule.Size({list(self)!r})"

    __str__ = __repr__

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds (1 for the empty Size)."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        got = tuple.__getitem__(self, key)
        return _tuple_new(Size, got) if isinstance(key, slice) else got

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _tuple_new(Size, tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _tuple_new(Size, tuple.__add__(other, self))

    def __mul__(self, n):
        return _tuple_new(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return Size, (tuple(self),)


def as_size(shape: tuple) -> Size:
    """Wrap a shape tuple of ints without checking it (Tensor.shape's path)."""
    return _tuple_new(Size, shape)
