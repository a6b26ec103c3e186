"""Random generators: `Generator` (torch.Generator), the `default_generator` and the global seeding functions.

A `Generator` wraps a NumPy `np.random.Generator` (PCG64). PyTorch's names and behaviour: `manual_seed` returns
the generator, a fresh `Generator()` starts from PyTorch's fixed default seed 67280421310721, the default generator
starts from a random seed (as PyTorch's), `get_state()` is a uint8 Tensor that `set_state` restores exactly. The
streams differ from PyTorch's (another algorithm): the same seed gives reproducible numbers, not PyTorch's numbers.
"""

from __future__ import annotations

import json
import secrets

import numpy as np

_DEFAULT_SEED = 67280421310721  # torch.Generator().initial_seed()
_U64 = 1 << 64


class Generator:
    """A random number generator, as torch.Generator; pass it as `generator=` to any random function.

    Args:
        device: "cpu" (the default; the only device chainrule computes on).

    Raises:
        RuntimeError: a device other than the CPU.

    Examples:
        >>> import chainrule as cr
        >>> g = cr.Generator().manual_seed(0)
        >>> a = cr.rand(3, generator=g)
        >>> bool((a == cr.rand(3, generator=g.manual_seed(0))).all())
        True
    """

    def __init__(self, device="cpu") -> None:
        from .device import device as _device

        dev = _device(device) if not isinstance(device, _device) else device
        if dev.type != "cpu":
            raise RuntimeError(f"Generator(device={str(dev)!r}): chainrule has only CPU generators "
                               "(there is no CUDA backend); use Generator() or Generator('cpu')")
        self._reseed(_DEFAULT_SEED)

    def _reseed(self, seed: int) -> None:
        self._seed = seed
        self._rng = np.random.default_rng(seed)

    @property
    def device(self):
        """The generator's device: always the CPU.

        Examples:
            >>> import chainrule as cr
            >>> cr.Generator().device
            device(type='cpu')
        """
        from .device import cpu

        return cpu

    def manual_seed(self, seed) -> Generator:
        """Seed the generator (an int in [-2**63, 2**64); negatives wrap modulo 2**64 as in PyTorch); returns self.

        Raises:
            RuntimeError: a non-integer seed (e.g. a float).
            ValueError: a seed outside [-2**63, 2**64).

        Examples:
            >>> import chainrule as cr
            >>> g = cr.Generator().manual_seed(42)
            >>> g.initial_seed()
            42
        """
        self._reseed(_check_seed(seed))
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy (non-deterministic) and return the 64-bit seed used.

        Examples:
            >>> import chainrule as cr
            >>> g = cr.Generator()
            >>> s = g.seed()
            >>> g.initial_seed() == s
            True
        """
        s = secrets.randbits(64)
        self._reseed(s)
        return s

    def initial_seed(self) -> int:
        """The seed this generator was last seeded with (67280421310721 for a fresh Generator).

        Examples:
            >>> import chainrule as cr
            >>> cr.Generator().initial_seed()
            67280421310721
        """
        return self._seed

    def get_state(self):
        """The full state as a uint8 Tensor (NumPy's PCG64 state and the seed, serialized); `set_state` restores it.

        The bytes are chainrule's own format: a PyTorch state cannot be loaded here, nor this one into PyTorch.

        Examples:
            >>> import chainrule as cr
            >>> g = cr.Generator().manual_seed(0)
            >>> state = g.get_state()
            >>> state.dtype
            chainrule.uint8
            >>> a = cr.rand(2, generator=g)
            >>> b = cr.rand(2, generator=g.set_state(state))
            >>> bool((a == b).all())
            True
        """
        from .tensor import Tensor

        blob = json.dumps({"seed": self._seed, "bit_generator": self._rng.bit_generator.state}).encode()
        return Tensor._wrap(np.frombuffer(blob, dtype=np.uint8).copy())

    def set_state(self, new_state) -> Generator:
        """Restore a state from `get_state()` (of this or any chainrule Generator); returns self.

        Raises:
            TypeError: new_state is not a uint8 Tensor (PyTorch's "RNG state must be a torch.ByteTensor").
            RuntimeError: the bytes are not a chainrule generator state.

        Examples:
            >>> import chainrule as cr
            >>> g = cr.Generator().manual_seed(1)
            >>> state = g.get_state()
            >>> first = cr.randn(3, generator=g)
            >>> _ = g.set_state(state)
            >>> bool((cr.randn(3, generator=g) == first).all())
            True
        """
        from .tensor import Tensor

        if isinstance(new_state, dict) and "bit_generator" in new_state:  # checkpoints of chainrule <= 0.1
            rng = np.random.default_rng()
            rng.bit_generator.state = new_state
            self._rng = rng
            return self
        if not isinstance(new_state, Tensor) or new_state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor (a uint8 Tensor from Generator.get_state())")
        try:
            state = json.loads(new_state._data.tobytes().decode())
            rng = np.random.default_rng()
            rng.bit_generator.state = state["bit_generator"]
            seed = int(state["seed"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
            raise RuntimeError(f"set_state: the {new_state._data.size} bytes are not a chainrule generator state "
                               "(pass a tensor from Generator.get_state() or chainrule.get_rng_state())") from e
        self._seed, self._rng = seed, rng
        return self

    def __repr__(self) -> str:
        return f"<chainrule.Generator object at {hex(id(self))}>"


def _check_seed(seed) -> int:
    """PyTorch's seed rules for Generator.manual_seed: an int (bool and NumPy ints too)."""
    if not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed < _U64:
        raise ValueError(f"manual_seed: seed {seed} is out of range; it must lie in [-2**63, 2**64)")
    return seed % _U64


default_generator = Generator()
default_generator.seed()  # as PyTorch: the default generator starts from a random seed


def manual_seed(seed) -> Generator:
    """Seed the default generator (as torch.manual_seed) and return it: every random call then repeats exactly.

    As PyTorch's, it converts the seed with int() first (a float or a digit string is accepted).

    Args:
        seed: an integer (or a value int() accepts) in [-2**63, 2**64).

    Returns:
        The default Generator.

    Raises:
        ValueError: a seed outside the range.

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(0)
        >>> cr.rand(3)
        tensor([0.6370, 0.2698, 0.0410])
        >>> _ = cr.manual_seed(0)
        >>> cr.rand(3)
        tensor([0.6370, 0.2698, 0.0410])
    """
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator non-deterministically (as torch.seed) and return the 64-bit seed used.

    Examples:
        >>> import chainrule as cr
        >>> s = cr.seed()
        >>> cr.initial_seed() == s
        True
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The seed of the default generator (from manual_seed, seed, or chosen at random at import).

    Examples:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(7)
        >>> cr.initial_seed()
        7
    """
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 Tensor (for checkpoints: `set_rng_state` resumes exactly).

    Examples:
        >>> import chainrule as cr
        >>> state = cr.get_rng_state()
        >>> a = cr.randn(2)
        >>> cr.set_rng_state(state)
        >>> bool((cr.randn(2) == a).all())
        True
    """
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator from a `get_rng_state()` tensor.

    Args:
        new_state: a uint8 Tensor from `get_rng_state()` (or `Generator.get_state()`).

    Raises:
        TypeError: new_state is not a uint8 Tensor.
        RuntimeError: the bytes are not a chainrule generator state.

    Examples:
        >>> import chainrule as cr
        >>> state = cr.get_rng_state()
        >>> x = cr.rand(2)
        >>> cr.set_rng_state(state)
        >>> bool((cr.rand(2) == x).all())
        True
    """
    default_generator.set_state(new_state)


def default_rng() -> np.random.Generator:
    """The NumPy generator behind the default generator, looked up now (after any manual_seed).

    Examples:
        >>> import chainrule as cr
        >>> from chainrule.random import default_rng
        >>> _ = cr.manual_seed(0)
        >>> default_rng().integers(0, 10, size=3)
        array([8, 6, 5])
    """
    return default_generator._rng


def np_rng(generator=None) -> np.random.Generator:
    """The NumPy generator to draw from for a `generator=` argument: None means the default generator.

    A `numpy.random.Generator` is accepted too (chainrule's addition, for NumPy code).

    Raises:
        TypeError: anything else (e.g. an int: seed a Generator instead, `Generator().manual_seed(s)`).

    Args:
        generator: a chainrule.Generator, a numpy.random.Generator, or None (default: the default generator).

    Examples:
        >>> from chainrule.random import np_rng
        >>> import chainrule as cr
        >>> g = cr.Generator().manual_seed(0)
        >>> np_rng(g).integers(0, 10, size=3)
        array([8, 6, 5])
    """
    if generator is None:
        return default_generator._rng
    if type(generator) is Generator:
        return generator._rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"generator must be a chainrule.Generator, got {type(generator).__name__}; "
                    "e.g. generator=chainrule.Generator().manual_seed(0)")
