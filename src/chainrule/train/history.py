"""History: what fit() measured, per epoch (loss, metrics, learning rate, time)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class History:
    """Per-epoch records: `history.history["loss"]`, `["val_accuracy"]`, `["lr"]`, `["time"]`."""

    history: dict = field(default_factory=dict)
    epochs: list = field(default_factory=list)

    def log(self, epoch: int, **values) -> None:
        self.epochs.append(epoch)
        for k, v in values.items():
            self.history.setdefault(k, []).append(v)

    def __getitem__(self, key: str) -> list:
        return self.history[key]

    def __contains__(self, key: str) -> bool:
        return key in self.history

    def __len__(self) -> int:
        """Epochs recorded."""
        return len(self.epochs)

    def last(self, key: str, default=None):
        vals = self.history.get(key)
        return vals[-1] if vals else default

    def plot(self, keys=None):
        """Loss and metric curves as a matplotlib figure (needs the `plot` extra)."""
        from ..viz import plot_history

        return plot_history(self, keys) if keys is not None else plot_history(self)

    def to_dict(self) -> dict:
        return {"epochs": list(self.epochs), **{k: list(v) for k, v in self.history.items()}}
