"""argparse type functions for the `chainrule` command: each turns one option's text into a checked value.

argparse calls them while parsing, so a bad value ends in one usage line and exit status 2 before anything is
loaded, allocated or trained: `chainrule train: error: argument --lr: must be a finite number > 0, got 'nan'`.
"""

from __future__ import annotations

import argparse
import math


def positive_int(text: str) -> int:
    """An integer >= 1 (epochs, batch size, subset, threads)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {v}")
    return v


def non_negative_int(text: str) -> int:
    """An integer >= 0 (a seed).

    Args:
        text: the command-line text.

    Raises:
        argparse.ArgumentTypeError: not a whole number, or negative (argparse prints the message).

    Examples:
        >>> from chainrule.argtypes import non_negative_int
        >>> non_negative_int("42")
        42
    """
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {v}")
    return v


def _finite(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return v


def positive_float(text: str) -> float:
    """A finite number > 0 (a learning rate): nan, inf, 0 and negatives are refused."""
    v = _finite(text)
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}")
    return v


def probability(text: str) -> float:
    """A number in [0, 1) (a dropout rate: 1 would drop every unit)."""
    v = _finite(text)
    if not 0 <= v < 1:
        raise argparse.ArgumentTypeError(f"must lie in [0, 1), got {text!r}")
    return v


def fraction(text: str) -> float:
    """A number in [0, 1) (the share of the training set held out for validation; 0 holds out nothing)."""
    return probability(text)


def hidden_sizes(text: str) -> str:
    """Comma-separated layer widths, each >= 1, e.g. '256,128'; returned normalised ('256,128')."""
    parts = [p.strip() for p in text.split(",")]
    if not parts or any(not p for p in parts):
        raise argparse.ArgumentTypeError(
            f"must be layer widths separated by commas, e.g. 256,128; got {text!r}"
        )
    sizes = []
    for p in parts:
        try:
            sizes.append(int(p))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be layer widths separated by commas, e.g. 256,128; {p!r} is not a whole number"
            ) from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"every layer width must be >= 1, got {text!r}")
    return ",".join(str(s) for s in sizes)


def port(text: str) -> int:
    """A TCP port, 0..65535 (0: any free port)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a port number 0-65535, got {text!r}") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number 0-65535, got {v}")
    return v
