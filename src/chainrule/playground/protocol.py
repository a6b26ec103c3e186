"""Every message the page sends, checked against explicit limits before anything acts on it.

``parse_message(text)`` turns one WebSocket text frame into a ``dict`` with a known ``type`` and checked fields, or
raises ``ProtocolError`` whose text says what was wrong and which field. Nothing here trains or draws.
"""

from __future__ import annotations

import json
import math
from typing import Any

from chainrule.playground import datasets

# Explicit limits: a page can ask for no more than this.
MAX_MESSAGE_BYTES = 300_000  # one WebSocket frame; a CSV upload is the only large message
MAX_CSV_BYTES = 256_000
MAX_CSV_ROWS = 5_000
MAX_LAYERS = 6
MAX_NEURONS = 8
MAX_SAMPLES = 2_000
MAX_BATCH = 500
MAX_STEP_EPOCHS = 20
MAX_SEED = 2**31 - 1

PROBLEMS = ("classification", "regression")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
INITS = ("xavier", "he")
OPTIMIZERS = ("sgd", "momentum", "adam")
REGULARIZATIONS = ("none", "l1", "l2")
SCHEDULES = ("none", "step", "exponential", "cosine")
DATASETS = (*datasets.CLASSIFICATION, *datasets.REGRESSION, "csv")

# The defaults and presets: Adam at lr 0.03 on a 2-8-8-1 tanh network reaches test loss < 0.05 in seconds.
DEFAULT_CONFIG: dict[str, Any] = {
    "dataset": "xor",
    "problem": "classification",
    "noise": 0,
    "train_percent": 50,
    "samples": 500,
    "seed": 1,
    "features": ["x1", "x2", "x1x2"],
    "hidden": [8, 8],
    "activations": ["tanh", "tanh"],
    "init": "xavier",
    "optimizer": "adam",
    "learning_rate": 0.03,
    "batch_size": 10,
    "regularization": "none",
    "reg_rate": 0.0,
    "schedule": "none",
}
PRESETS: dict[str, dict[str, Any]] = {
    "xor": {**DEFAULT_CONFIG},
    "rings": {**DEFAULT_CONFIG, "dataset": "rings", "features": ["x1", "x2"]},
    "gaussians": {**DEFAULT_CONFIG, "dataset": "gaussians", "features": ["x1", "x2"]},
    "spirals": {
        **DEFAULT_CONFIG,
        "dataset": "spirals",
        "features": ["x1", "x2", "sin1", "sin2"],
        "hidden": [8, 8, 8],
        "activations": ["tanh", "tanh", "tanh"],
    },
    "moons": {**DEFAULT_CONFIG, "dataset": "moons", "features": ["x1", "x2"]},
    "plane": {**DEFAULT_CONFIG, "dataset": "plane", "problem": "regression", "features": ["x1", "x2"]},
    "multi_gaussian": {
        **DEFAULT_CONFIG,
        "dataset": "multi_gaussian",
        "problem": "regression",
        "features": ["x1", "x2"],
    },
}

# Changing one of these keeps the network's weights; any other change rebuilds it.
LIVE_KEYS = frozenset({"learning_rate", "batch_size", "regularization", "reg_rate"})

LIMITS = {
    "max_layers": MAX_LAYERS,
    "max_neurons": MAX_NEURONS,
    "max_samples": MAX_SAMPLES,
    "max_batch": MAX_BATCH,
    "max_csv_bytes": MAX_CSV_BYTES,
    "max_csv_rows": MAX_CSV_ROWS,
    "max_message_bytes": MAX_MESSAGE_BYTES,
}


class ProtocolError(ValueError):
    """A message the server refuses; ``field`` names the offending part when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _in_float_range(value: Any) -> bool:
    """False for an int too large for a float (400 digits: math.isfinite would raise OverflowError)."""
    return not isinstance(value, int) or abs(value) <= 1e300


def _number(value: Any, field: str, low: float, high: float) -> float:
    if isinstance(value, int) and not isinstance(value, bool) and not _in_float_range(value):
        digits = len(str(abs(value)))
        raise ProtocolError(f"{field} must lie in [{low:g}, {high:g}], got a {digits}-digit number", field)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProtocolError(f"{field} must be a number, got {json.dumps(value)[:40]}", field)
    if not low <= value <= high:
        raise ProtocolError(f"{field} must lie in [{low:g}, {high:g}], got {value:g}", field)
    return float(value)


def _integer(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
        got = f"a {len(str(abs(value)))}-digit number" if not _in_float_range(value) else str(value)
        raise ProtocolError(f"{field} must lie in [{low}, {high}], got {got}", field)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value != int(value)
    ):
        raise ProtocolError(f"{field} must be an integer, got {json.dumps(value)[:40]}", field)
    if not low <= value <= high:
        raise ProtocolError(f"{field} must lie in [{low}, {high}], got {int(value)}", field)
    return int(value)


def _choice(value: Any, field: str, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise ProtocolError(
            f"{field} must be one of {', '.join(options)}, got {json.dumps(value)[:40]}", field
        )
    return value


def _list(value: Any, field: str, max_len: int) -> list:
    if not isinstance(value, list):
        raise ProtocolError(f"{field} must be a list, got {type(value).__name__}", field)
    if len(value) > max_len:
        raise ProtocolError(f"{field} has {len(value)} entries; at most {max_len} allowed", field)
    return value


def validate_config(config: Any) -> dict[str, Any]:
    """A complete, checked copy of a training configuration; raises ProtocolError on the first bad field."""
    if not isinstance(config, dict):
        raise ProtocolError("config must be an object", "config")
    unknown = sorted(set(config) - set(DEFAULT_CONFIG))
    if unknown:
        raise ProtocolError(f"unknown config field {unknown[0]!r}", unknown[0])
    missing = sorted(set(DEFAULT_CONFIG) - set(config))
    if missing:
        raise ProtocolError(f"config field {missing[0]!r} is missing", missing[0])
    c = config
    out: dict[str, Any] = {
        "dataset": _choice(c["dataset"], "dataset", DATASETS),
        "problem": _choice(c["problem"], "problem", PROBLEMS),
        "noise": _number(c["noise"], "noise", 0, 50),
        "train_percent": _number(c["train_percent"], "train_percent", 10, 90),
        "samples": _integer(c["samples"], "samples", 20, MAX_SAMPLES),
        "seed": _integer(c["seed"], "seed", 0, MAX_SEED),
        "init": _choice(c["init"], "init", INITS),
        "optimizer": _choice(c["optimizer"], "optimizer", OPTIMIZERS),
        "learning_rate": _number(c["learning_rate"], "learning_rate", 1e-6, 10),
        "batch_size": _integer(c["batch_size"], "batch_size", 1, MAX_BATCH),
        "regularization": _choice(c["regularization"], "regularization", REGULARIZATIONS),
        "reg_rate": _number(c["reg_rate"], "reg_rate", 0, 10),
        "schedule": _choice(c["schedule"], "schedule", SCHEDULES),
    }
    names = _list(c["features"], "features", len(datasets.FEATURES))
    for name in names:
        _choice(name, "features", tuple(datasets.FEATURES))
    if not names:
        raise ProtocolError("choose at least one input feature", "features")
    out["features"] = [name for name in datasets.FEATURES if name in names]  # canonical order, no repeats
    hidden = _list(c["hidden"], "hidden", MAX_LAYERS)
    out["hidden"] = [_integer(h, "hidden", 1, MAX_NEURONS) for h in hidden]
    acts = _list(c["activations"], "activations", MAX_LAYERS)
    out["activations"] = [_choice(a, "activations", ACTIVATIONS) for a in acts]
    if len(out["activations"]) != len(out["hidden"]):
        raise ProtocolError("activations needs one entry per hidden layer", "activations")
    if out["dataset"] in datasets.CLASSIFICATION and out["problem"] != "classification":
        raise ProtocolError(f"{out['dataset']} is a classification data set", "problem")
    if out["dataset"] in datasets.REGRESSION and out["problem"] != "regression":
        raise ProtocolError(f"{out['dataset']} is a regression data set", "problem")
    return out


def parse_csv(text: Any, problem: str) -> tuple[list[tuple[float, float]], list[float]]:
    """Rows of ``x1,x2,label`` (an optional header line) -> (points, labels), checked and bounded."""
    if not isinstance(text, str):
        raise ProtocolError("csv must be text", "csv")
    if len(text.encode("utf-8")) > MAX_CSV_BYTES:
        raise ProtocolError(f"the CSV is larger than {MAX_CSV_BYTES // 1000} kB", "csv")
    points, labels = [], []
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    for number, line in enumerate(lines, start=1):
        cells = [cell.strip() for cell in line.replace(";", ",").replace("\t", ",").split(",")]
        if len(cells) != 3:
            raise ProtocolError(
                f"CSV line {number}: expected 3 values (x1, x2, label), got {len(cells)}", "csv"
            )
        try:
            x1, x2, label = (float(cell) for cell in cells)
        except ValueError:
            if number == 1 and not points:
                continue  # a header line
            raise ProtocolError(f"CSV line {number}: {line[:40]!r} is not three numbers", "csv") from None
        if not all(math.isfinite(v) for v in (x1, x2, label)):
            raise ProtocolError(f"CSV line {number}: values must be finite", "csv")
        if problem == "classification" and label not in (0.0, 1.0, -1.0):
            raise ProtocolError(
                f"CSV line {number}: a class label must be 0 or 1 (or -1), got {label:g}", "csv"
            )
        points.append((x1, x2))
        labels.append(1.0 if label == 1.0 else 0.0 if problem == "classification" else label)
        if len(points) > MAX_CSV_ROWS:
            raise ProtocolError(f"the CSV has more than {MAX_CSV_ROWS} rows", "csv")
    if len(points) < 4:
        raise ProtocolError("the CSV needs at least 4 rows of x1, x2, label", "csv")
    if problem == "classification" and len(set(labels)) < 2:
        raise ProtocolError("the CSV needs points of both classes", "csv")
    return points, labels


def parse_message(text: Any) -> dict[str, Any]:
    """One frame from the page -> a checked message ``{"type": ..., ...}``; raises ProtocolError."""
    if not isinstance(text, str):
        raise ProtocolError("messages must be JSON text")
    if len(text) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message too large ({len(text)} bytes; at most {MAX_MESSAGE_BYTES})")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        raise ProtocolError(f"malformed JSON: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    kind = message.get("type")
    allowed = {
        "play": set(),
        "pause": set(),
        "reset": set(),
        "ping": set(),
        "drawn": set(),
        "step": {"epochs"},
        "config": {"config"},
        "preset": {"name"},
        "upload": {"csv", "problem", "name"},
    }
    if not isinstance(kind, str) or kind not in allowed:
        raise ProtocolError(f"unknown message type {json.dumps(kind)[:40]}", "type")
    extra = sorted(set(message) - allowed[kind] - {"type"})
    if extra:
        raise ProtocolError(f"unexpected field {extra[0]!r} in a {kind} message", extra[0])
    if kind == "step":
        return {"type": "step", "epochs": _integer(message.get("epochs", 1), "epochs", 1, MAX_STEP_EPOCHS)}
    if kind == "config":
        return {"type": "config", "config": validate_config(message.get("config"))}
    if kind == "preset":
        return {"type": "preset", "name": _choice(message.get("name"), "name", tuple(PRESETS))}
    if kind == "upload":
        problem = _choice(message.get("problem", "classification"), "problem", PROBLEMS)
        name = message.get("name", "upload.csv")
        if not isinstance(name, str) or len(name) > 200:
            raise ProtocolError("name must be a short text", "name")
        points, labels = parse_csv(message.get("csv"), problem)
        return {"type": "upload", "problem": problem, "name": name, "points": points, "labels": labels}
    return {"type": kind}
