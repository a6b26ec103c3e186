"""What `chainrule train` and `chainrule evaluate` check before they load, allocate or train anything.

Each check raises `UserError`, whose message the command prints as one line (no traceback) before exiting with
status 2: a `--save` path that cannot be written, a network too large for this machine's memory, a checkpoint
whose metadata was not written by `chainrule train --save` (or was altered).
"""

from __future__ import annotations

import itertools
import os
import tempfile

from .argtypes import hidden_sizes, probability
from .recipes import DATASETS

BYTES_PER_PARAMETER = 16  # float32 weight + gradient + two optimizer moments (Adam's); SGD needs less
BYTES_PER_ACTIVATION = 16  # float32 per example per hidden unit: pre-activation, output, and their gradients
_ACTIVATIONS = {"relu", "tanh", "sigmoid", "gelu", "leaky_relu", "elu"}
_INITS = {"he", "xavier", "default"}


class UserError(RuntimeError):
    """A mistake in what the user asked for; the command prints the message and exits with status 2."""


def check_save_path(path: str) -> None:
    """Refuse a --save path that cannot be written (a probe file is written), before training starts."""
    target = os.path.abspath(path)
    if os.path.isdir(target):
        raise UserError(
            f"--save {path}: is a folder; give a file name, e.g. {os.path.join(path, 'model.safetensors')}"
        )
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise UserError(f"--save {path}: folder {folder} does not exist; create it first (mkdir -p {folder})")
    try:
        fd, probe = tempfile.mkstemp(prefix=".chainrule-probe-", dir=folder)
    except OSError as e:
        raise UserError(f"--save {path}: cannot write into {folder}: {e.strerror or e}") from None
    os.close(fd)
    os.unlink(probe)


def physical_memory() -> int:
    """Bytes of RAM on this machine (8 GiB where the OS does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def mlp_parameters(n_in: int, hidden: str, n_classes: int, batchnorm: bool = False) -> int:
    """How many parameters an MLP n_in-hidden-n_classes has (computed, nothing allocated)."""
    widths = [n_in, *(int(h) for h in str(hidden).split(",")), n_classes]
    n = sum((a + 1) * b for a, b in itertools.pairwise(widths))
    return n + (2 * sum(widths[1:-1]) if batchnorm else 0)


def check_model_size(
    n_in: int, cfg: dict, n_classes: int, memory: int | None = None, what: str = "--hidden"
) -> None:
    """Refuse an MLP whose weights, gradients and optimizer state would not fit in this machine's memory."""
    memory = physical_memory() if memory is None else memory
    n = mlp_parameters(n_in, cfg["hidden"], n_classes, bool(cfg.get("batchnorm")))
    units = sum(int(h) for h in str(cfg["hidden"]).split(","))
    need = n * BYTES_PER_PARAMETER + int(cfg.get("batch_size") or 1) * units * BYTES_PER_ACTIVATION
    if need > memory:
        raise UserError(
            f"{what} {cfg['hidden']}: the network would have {n:,} parameters, needing about "
            f"{_size(need)} with their gradients, optimizer state and a batch's activations, and this "
            f"machine has {_size(memory)} of memory; choose smaller layers (e.g. --hidden 256,128)"
        )


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} PB"


def check_meta(meta, where: str) -> dict:
    """The metadata of a `chainrule train --save` file, checked field by field (tampered: refused)."""

    def bad(what: str) -> UserError:
        return UserError(
            f"{where}: {what}; it was not written by `chainrule train --save`, or it was altered"
        )

    if not isinstance(meta, dict):
        raise bad("no chainrule train metadata")
    if meta.get("dataset") not in DATASETS:
        raise bad(
            f"unknown data set {str(meta.get('dataset'))[:40]!r} (known: {', '.join(sorted(DATASETS))})"
        )
    if meta.get("model") not in ("mlp", "cnn"):
        raise bad(f"unknown model {str(meta.get('model'))[:40]!r} (mlp or cnn)")
    for key in ("n_in", "n_classes"):
        v = meta.get(key)
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 1 << 20:
            raise bad(f"{key} is {str(v)[:40]!r}, not a size")
    cfg = meta.get("config")
    if not isinstance(cfg, dict):
        raise bad("no model configuration")
    try:
        cfg["dropout"] = probability(str(cfg.get("dropout", 0.0)))
        if meta["model"] == "mlp":
            cfg["hidden"] = hidden_sizes(str(cfg.get("hidden")))
    except Exception as e:  # noqa: BLE001 - an ArgumentTypeError: say which field
        raise bad(f"config: {e}") from None
    if meta["model"] == "mlp":
        if cfg.get("activation") not in _ACTIVATIONS or cfg.get("init") not in _INITS:
            raise bad(
                f"config: activation {str(cfg.get('activation'))[:20]!r} / init {str(cfg.get('init'))[:20]!r}"
            )
        if not isinstance(cfg.get("batchnorm", False), bool):
            raise bad("config: batchnorm is not true or false")
        try:
            check_model_size(meta["n_in"], cfg, meta["n_classes"], what="hidden")
        except UserError as e:
            raise bad(f"config: {e}") from None
    return meta
