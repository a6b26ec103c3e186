"""The global random generator: `manual_seed(s)` makes every random call in chainrule reproducible."""

from __future__ import annotations

import numpy as np

_rng = [np.random.default_rng()]
_seed = [None]


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the global generator (as torch.manual_seed); returns it."""
    _seed[0] = int(seed)
    _rng[0] = np.random.default_rng(int(seed))
    return _rng[0]


seed = manual_seed


def initial_seed() -> int | None:
    """The seed last given to manual_seed (None if never seeded)."""
    return _seed[0]


def default_rng() -> np.random.Generator:
    """The global generator every random op draws from when no generator is given."""
    return _rng[0]


def get_rng_state() -> dict:
    """A copy of the generator's state (for checkpoints: resume exactly)."""
    return _rng[0].bit_generator.state


def set_rng_state(state: dict) -> None:
    """Restore a state from get_rng_state."""
    _rng[0].bit_generator.state = state
