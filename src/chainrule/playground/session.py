"""One browser tab's training session: its data, model, optimizer and schedule, stepped in time-boxed slices.

Everything runs in chainrule (``nn.Linear``, the activations, ``nn.BCEWithLogitsLoss`` / ``nn.MSELoss``,
``optim.SGD`` / ``optim.Adam``, ``optim.lr_scheduler``). A ``Session`` is locked as a whole, so the server may
step it in a worker thread while the event loop reads messages. ``Registry`` holds the sessions and frees idle ones.
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule as torch
from chainrule import nn, optim
from chainrule.playground import datasets, protocol

GRID = 50  # the output and every neuron are drawn from a GRID×GRID sample of the plane
UPLOAD_EXTENT = 5.5  # an uploaded CSV is centred and scaled so that its wider side spans ±this

_ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "linear": nn.Identity,
}
_DATA_KEYS = ("dataset", "problem", "noise", "train_percent", "samples", "seed")


def encode_grid(values: np.ndarray) -> str:
    """Values clipped to [-1, 1] -> bytes 0..255 (0 is -1, 255 is +1) -> base64 text, row by row."""
    finite = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0)
    q = np.rint((np.clip(finite, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def _numbers(a: np.ndarray) -> list:
    """A float array as nested lists of 5-significant-digit floats; NaN and infinities become None (JSON null)."""
    a = np.asarray(a, dtype=np.float64)
    flat = [float(f"{v:.5g}") if np.isfinite(v) else None for v in a.ravel().tolist()]
    return np.array(flat, dtype=object).reshape(a.shape).tolist() if a.ndim > 1 else flat


def _finite(v: float) -> float | None:
    return v if np.isfinite(v) else None


def _array(t: Any) -> np.ndarray:
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


class Session:
    """A tab's data, network and optimizer. Every public method holds ``lock``."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.lock = threading.RLock()
        self.config = protocol.validate_config(config if config is not None else protocol.DEFAULT_CONFIG)
        self.running = False
        self.upload: tuple[np.ndarray, np.ndarray, str, str] | None = None  # points, labels, problem, name
        self.builds = 0  # how many networks this session has built: seeds each new initialisation
        self.grid_points = datasets.grid(GRID)
        self._load_data()
        self._build_model()

    # ---- configuration ------------------------------------------------------------------------------------
    def set_config(self, config: dict[str, Any]) -> str:
        """Adopt a checked config; returns "live" (weights kept), "model" (network rebuilt) or "data" (both)."""
        with self.lock:
            config = protocol.validate_config(config)
            if config["dataset"] == "csv":
                if self.upload is None:
                    raise protocol.ProtocolError(
                        "upload a CSV file before choosing the csv data set", "dataset"
                    )
                if config["problem"] != self.upload[2]:
                    raise protocol.ProtocolError(
                        f"the uploaded CSV is a {self.upload[2]} data set", "problem"
                    )
            changed = {key for key in config if config[key] != self.config[key]}
            self.config = config
            if not changed:
                return "live"
            if changed & set(_DATA_KEYS):
                self._load_data()
                self._build_model()
                return "data"
            if changed - protocol.LIVE_KEYS:
                self._build_model()
                return "model"
            if "learning_rate" in changed:
                self._set_learning_rate(config["learning_rate"])
            return "live"

    def set_upload(self, points: list, labels: list, problem: str, name: str) -> None:
        """Use an uploaded CSV (already checked by protocol.parse_csv) as the data set."""
        with self.lock:
            xy = np.asarray(points, dtype=np.float64)
            low, high = xy.min(axis=0), xy.max(axis=0)
            half = (high - low).max() / 2
            xy = (xy - (low + high) / 2) * (UPLOAD_EXTENT / half if half > 0 else 1.0)  # centred, aspect kept
            y = np.asarray(labels, dtype=np.float64)
            if problem == "regression" and np.abs(y).max() > 0:
                y = y / np.abs(y).max()
            self.upload = (xy.astype(np.float32), y.astype(np.float32), problem, name)
            self.config = {**self.config, "dataset": "csv", "problem": problem}
            self._load_data()
            self._build_model()

    def reset(self) -> None:
        """Fresh weights (a new random draw), epoch 0, paused."""
        with self.lock:
            self.running = False
            self._build_model()

    # ---- building -----------------------------------------------------------------------------------------
    def _load_data(self) -> None:
        c = self.config
        if c["dataset"] == "csv":
            assert self.upload is not None
            xy, labels, _, _ = self.upload
        else:
            xy, labels = datasets.make(c["dataset"], c["samples"], c["noise"] / 100.0, c["seed"])
        (self.train_xy, self.train_y), (self.test_xy, self.test_y) = datasets.split(
            xy, labels, c["train_percent"] / 100.0, c["seed"]
        )
        self.data_version = getattr(self, "data_version", 0) + 1

    def _build_model(self) -> None:
        c = self.config
        self.builds += 1
        rng = np.random.default_rng([c["seed"], self.builds])
        self.rng = np.random.default_rng([c["seed"], self.builds, 1])  # shuffles the batches
        sizes = [len(c["features"]), *c["hidden"], 1]
        self.linears: list[nn.Linear] = []
        self.activations: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
            linear = nn.Linear(fan_in, fan_out)
            last = i == len(sizes) - 2
            activation = "linear" if last else c["activations"][i]
            _initialise(linear, c["init"], rng)
            self.linears.append(linear)
            self.activations.append(_ACTIVATIONS[activation]())
        self.params = [p for linear in self.linears for p in (linear.weight, linear.bias)]
        self.loss_fn = nn.BCEWithLogitsLoss() if c["problem"] == "classification" else nn.MSELoss()
        lr = c["learning_rate"]
        if c["optimizer"] == "adam":
            self.optimizer = optim.Adam(self.params, lr=lr)
        else:
            self.optimizer = optim.SGD(
                self.params, lr=lr, momentum=0.9 if c["optimizer"] == "momentum" else 0.0
            )
        self.scheduler = _scheduler(self.optimizer, c["schedule"])
        # The feature matrices: train, test and the drawing grid, stacked so one forward pass serves a frame.
        self.x_train = datasets.features(self.train_xy, c["features"])
        self.x_test = datasets.features(self.test_xy, c["features"])
        self.x_grid = datasets.features(self.grid_points, c["features"])
        self.x_all = torch.tensor(np.concatenate([self.x_grid, self.x_train, self.x_test]))
        self.y_train = torch.tensor(self.train_y.reshape(-1, 1))
        self.y_test = torch.tensor(self.test_y.reshape(-1, 1))
        self.epoch = 0
        self.iteration = 0
        self.cursor = 0  # position inside the current epoch's shuffled order
        self.order = self.rng.permutation(len(self.x_train))
        self.train_seconds = 0.0

    def _set_learning_rate(self, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr
            group["initial_lr"] = lr
        self.scheduler = _scheduler(self.optimizer, self.config["schedule"])

    # ---- training -----------------------------------------------------------------------------------------
    def forward(self, x):
        """The network's output (logits for classification) for a batch of feature rows."""
        for linear, activation in zip(self.linears, self.activations):
            x = activation(linear(x))
        return x

    def _train_batch(self) -> None:
        c = self.config
        idx = self.order[self.cursor : self.cursor + c["batch_size"]]
        x = torch.tensor(self.x_train[idx])
        y = torch.tensor(self.train_y[idx].reshape(-1, 1))
        loss = self.loss_fn(self.forward(x), y)
        if c["regularization"] != "none" and c["reg_rate"] > 0:
            weights = [linear.weight for linear in self.linears]
            if c["regularization"] == "l1":
                penalty = sum((w.abs().sum() for w in weights[1:]), weights[0].abs().sum())
            else:
                penalty = sum(((w * w).sum() for w in weights[1:]), (weights[0] * weights[0]).sum()) * 0.5
            loss = loss + penalty * c["reg_rate"]
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.iteration += 1
        self.cursor += len(idx)
        if self.cursor >= len(self.order):
            self.cursor = 0
            self.order = self.rng.permutation(len(self.x_train))
            self.epoch += 1
            if self.scheduler is not None:
                self.scheduler.step()

    def train_for(self, seconds: float) -> int:
        """Train mini-batches until ``seconds`` have passed (at least one batch); returns the batches run."""
        with self.lock:
            start = time.perf_counter()
            count = 0
            while True:
                self._train_batch()
                count += 1
                if time.perf_counter() - start >= seconds:
                    break
            self.train_seconds += time.perf_counter() - start
            return count

    def step_epochs(self, epochs: int = 1, max_seconds: float = 5.0) -> None:
        """Finish the current epoch, then train ``epochs - 1`` more (the page's "one step" button); stops after
        ``max_seconds`` whatever is left, so a step never holds the session for long."""
        with self.lock:
            target = self.epoch + epochs
            start = time.perf_counter()
            while self.epoch < target and time.perf_counter() - start < max_seconds:
                self._train_batch()
            self.train_seconds += time.perf_counter() - start

    # ---- what the page draws ------------------------------------------------------------------------------
    def losses(self) -> tuple[float, float]:
        """(train loss, test loss) over the whole sets, without regularisation."""
        with self.lock, torch.no_grad():
            out = self.forward(self.x_all)
            n_grid, n_train = len(self.x_grid), len(self.x_train)
            return self._split_losses(out, n_grid, n_train)

    def _split_losses(self, out, n_grid: int, n_train: int) -> tuple[float, float]:
        train = self.loss_fn(out[n_grid : n_grid + n_train], self.y_train)
        test = self.loss_fn(out[n_grid + n_train :], self.y_test)
        return float(train.item()), float(test.item())

    def frame(self) -> dict[str, Any]:
        """One picture of the network: losses, the output and every neuron over the grid, weights and grads."""
        with self.lock, torch.no_grad():
            n_grid, n_train = len(self.x_grid), len(self.x_train)
            x = self.x_all
            neurons, layers = [], []
            for i, (linear, activation) in enumerate(zip(self.linears, self.activations)):
                x = activation(linear(x))
                values = _array(x)
                if i < len(self.linears) - 1:
                    neurons.append(
                        [encode_grid(values[:n_grid, j].reshape(GRID, GRID)) for j in range(values.shape[1])]
                    )
                weight, bias = linear.weight, linear.bias
                layers.append(
                    {
                        "weight": _numbers(_array(weight)),
                        "bias": _numbers(_array(bias)),
                        "weight_grad": _numbers(_grad(weight)),
                        "bias_grad": _numbers(_grad(bias)),
                        "mean_output": _numbers(values[n_grid : n_grid + n_train].mean(axis=0)),
                    }
                )
            train_loss, test_loss = self._split_losses(x, n_grid, n_train)
            out = _array(x)[:n_grid, 0]
            if self.config["problem"] == "classification":
                out = 2.0 / (1.0 + np.exp(-out)) - 1.0  # p = sigmoid(logit), drawn as 2p - 1 in [-1, 1]
            return {
                "type": "frame",
                "epoch": self.epoch,
                "iteration": self.iteration,
                "train_loss": _finite(train_loss),
                "test_loss": _finite(test_loss),
                "diverged": not (np.isfinite(train_loss) and np.isfinite(test_loss)),
                "learning_rate": float(self.optimizer.param_groups[0]["lr"]),
                "running": self.running,
                "grid": GRID,
                "output": encode_grid(out.reshape(GRID, GRID)),
                "neurons": neurons,
                "layers": layers,
            }

    def data_message(self) -> dict[str, Any]:
        """The points (sent once per data change) and the input features' pictures over the grid."""
        with self.lock:
            csv = self.config["dataset"] == "csv" and self.upload is not None
            name = self.upload[3] if csv else self.config["dataset"]
            return {
                "type": "data",
                "version": self.data_version,
                "name": name,
                "problem": self.config["problem"],
                "extent": datasets.EXTENT,
                "train": _numbers(np.column_stack([self.train_xy, self.train_y])),
                "test": _numbers(np.column_stack([self.test_xy, self.test_y])),
                "grid": GRID,
                "features": {  # every feature, used or not: the page shows the switched-off ones too
                    name: encode_grid(datasets.features(self.grid_points, [name]).reshape(GRID, GRID))
                    for name in datasets.FEATURES
                },
                "feature_means": {
                    name: float(datasets.features(self.train_xy, [name]).mean()) for name in datasets.FEATURES
                },
            }


def _grad(t: Any) -> np.ndarray:
    g = t.grad
    return np.zeros(t.shape, dtype=np.float32) if g is None else _array(g)


def _initialise(linear: nn.Linear, init: str, rng: np.random.Generator) -> None:
    """Xavier (Glorot) or He (Kaiming) uniform weights drawn from this session's generator; biases 0."""
    if init == "xavier":
        nn.init.xavier_uniform_(linear.weight, generator=rng)
    else:
        nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu", generator=rng)
    nn.init.zeros_(linear.bias)


def _scheduler(optimizer: Any, schedule: str) -> Any:
    """The learning-rate schedule, stepped once per epoch."""
    if schedule == "step":
        return optim.lr_scheduler.StepLR(optimizer, step_size=100, gamma=0.5)
    if schedule == "exponential":
        return optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.99)
    if schedule == "cosine":
        return optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=500)
    return None


class Registry:
    """The live sessions, at most ``max_sessions``; a session with no message for ``idle_seconds`` is freed."""

    def __init__(
        self, max_sessions: int = 16, idle_seconds: float = 600.0, clock: Callable[[], float] = time.monotonic
    ):
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.sessions: dict[int, Session] = {}
        self.last_seen: dict[int, float] = {}
        self._next = 0
        self._building = 0  # sessions being built: they hold a slot already
        self._lock = threading.Lock()

    def create(self, config: dict[str, Any] | None = None) -> tuple[int, Session]:
        """A new session and its id; raises RuntimeError when the server is full."""
        with self._lock:  # the slot is reserved under the lock: simultaneous creates cannot pass the cap
            if len(self.sessions) + self._building >= self.max_sessions:
                raise RuntimeError(
                    f"the playground already has {self.max_sessions} open sessions; close a tab"
                )
            self._next += 1
            sid = self._next
            self._building += 1
        try:
            session = Session(config)
        except BaseException:
            with self._lock:
                self._building -= 1
            raise
        with self._lock:  # the reservation becomes the session in one step
            self._building -= 1
            self.sessions[sid] = session
            self.last_seen[sid] = self.clock()
        return sid, session

    def touch(self, sid: int) -> None:
        with self._lock:
            if sid in self.last_seen:
                self.last_seen[sid] = self.clock()

    def free(self, sid: int) -> None:
        with self._lock:
            session = self.sessions.pop(sid, None)
            self.last_seen.pop(sid, None)
        if session is not None:
            session.running = False

    def idle(self) -> list[int]:
        """The ids of sessions that have heard nothing for ``idle_seconds``."""
        now = self.clock()
        with self._lock:
            return [sid for sid, seen in self.last_seen.items() if now - seen > self.idle_seconds]

    def __len__(self) -> int:
        return len(self.sessions)
