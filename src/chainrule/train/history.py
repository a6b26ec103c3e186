"""History: what fit() measured, per epoch (loss, metrics, learning rate, time)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class History:
    """What `fit` measured, one value per epoch: `history.history["loss"]`, `["val_accuracy"]`, `["lr"]`, `["time"]`.

    `history["loss"]` is the same list; `len(history)` the number of epochs; `history.plot()` draws the curves
    (matplotlib).

    Examples:
        >>> from chainrule.train import History
        >>> h = History()
        >>> h.log(1, loss=0.9, accuracy=0.5)
        >>> h.log(2, loss=0.4, accuracy=0.8)
        >>> h["loss"], h.last("accuracy"), len(h)
        ([0.9, 0.4], 0.8, 2)
    """

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
        """Loss and metric curves as a matplotlib figure (needs the `plot` extra).

        Args:
            keys: the logged names to draw (default None: every loss and metric; see
                `chainrule.viz.plot_history`).

        Returns:
            The matplotlib Figure.

        Raises:
            ImportError: matplotlib is not installed.

        Examples:
            >>> from chainrule.train import History
            >>> h = History()
            >>> for epoch, loss in enumerate([0.9, 0.5, 0.3], start=1):
            ...     h.log(epoch, loss=loss)
            >>> fig = h.plot()
            >>> fig.savefig("history.png")
            >>> type(fig).__name__
            'Figure'
        """
        from ..viz import plot_history

        return plot_history(self, keys) if keys is not None else plot_history(self)

    def to_dict(self) -> dict:
        """The epochs and every logged list, as one JSON-friendly dict.

        Examples:
            >>> from chainrule.train import History
            >>> h = History()
            >>> h.log(1, loss=0.9)
            >>> h.log(2, loss=0.4)
            >>> h.to_dict()
            {'epochs': [1, 2], 'loss': [0.9, 0.4]}
        """
        return {"epochs": list(self.epochs), **{k: list(v) for k, v in self.history.items()}}
