"""History: what ``Trainer.fit`` logged, one entry per epoch."""

import math

from .errors import TrainingConfigError
from .metrics import metric_mode


class History:
    """Per-epoch logs of a training run, as Keras keeps them.

    ``history`` maps each logged quantity (``loss``, ``val_loss``, every
    metric and ``val_`` metric, ``lr``, ``seconds``) to a list with one value
    per epoch; ``epoch`` lists the epoch indices (counting from 0). A quantity
    missing in some epoch holds ``None`` there.

    >>> h = History()
    >>> h.append(0, {"loss": 0.9, "val_loss": 0.8})
    >>> h.append(1, {"loss": 0.5, "val_loss": 0.6})
    >>> h.append(2, {"loss": 0.3, "val_loss": 0.7})
    >>> h["val_loss"], h.best_epoch("val_loss"), h.best("val_loss")
    ([0.8, 0.6, 0.7], 1, 0.6)
    """

    def __init__(self):
        self.history = {}
        self.epoch = []
        self.params = {}

    def append(self, epoch, logs):
        """Record the logs of one epoch.

        A quantity missing from an epoch's logs is recorded as None there.

        >>> h = History()
        >>> h.append(0, {"loss": 0.9})
        >>> h.append(1, {"loss": 0.5, "val_loss": 0.6})
        >>> h.epoch, h["loss"], h["val_loss"]
        ([0, 1], [0.9, 0.5], [None, 0.6])
        """
        self.epoch.append(int(epoch))
        n = len(self.epoch)
        for key, value in logs.items():
            column = self.history.setdefault(key, [None] * (n - 1))
            column.append(value)
        for column in self.history.values():
            if len(column) < n:
                column.append(None)

    def __getitem__(self, key):
        if key not in self.history:
            raise KeyError(f"History: no quantity {key!r} was logged (logged: {', '.join(self.history) or 'none'})")
        return self.history[key]

    def __contains__(self, key):
        return key in self.history

    def __len__(self):
        return len(self.epoch)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"

    def _repr_html_(self):
        """Jupyter's rich display: the loss curves (inline SVG) and the last epoch's numbers."""
        from .history_html import history_html

        return history_html(self)

    def _best_index(self, monitor, mode):
        values = self[monitor]
        sign = 1.0 if metric_mode(monitor, mode) == "min" else -1.0
        candidates = [(sign * v, i) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
        if not candidates:
            raise TrainingConfigError(f"History: {monitor!r} has no finite value to pick the best epoch from")
        return min(candidates)[1]  # the first epoch among equally good ones

    def best_epoch(self, monitor="val_loss", mode="auto"):
        """Epoch index with the best value of ``monitor`` (``mode="auto"``: min for losses, max for accuracy...).

        >>> h = History(); h.append(0, {"accuracy": 0.7}); h.append(1, {"accuracy": 0.9})
        >>> h.best_epoch("accuracy")
        1
        """
        return self.epoch[self._best_index(monitor, mode)]

    def best(self, monitor="val_loss", mode="auto"):
        """Best value of ``monitor`` over the epochs.

        >>> h = History(); h.append(0, {"loss": 0.7}); h.append(1, {"loss": 0.9})
        >>> h.best("loss")
        0.7
        """
        return self[monitor][self._best_index(monitor, mode)]

    def to_dict(self):
        """Plain dict ``{"epoch": [...], "history": {...}, "params": {...}}`` (JSON-serialisable).

        >>> h = History(); h.append(0, {"loss": 1.0})
        >>> History.from_dict(h.to_dict()).history
        {'loss': [1.0]}
        """
        return {"epoch": list(self.epoch), "history": {k: list(v) for k, v in self.history.items()},
                "params": dict(self.params)}  # fmt: skip

    @classmethod
    def from_dict(cls, data):
        """Rebuild a History saved with ``to_dict``.

        >>> h = History.from_dict({"epoch": [0, 1], "history": {"loss": [0.8, 0.4]}})  # "params" optional
        >>> len(h), h["loss"], h.best_epoch("loss"), h.params
        (2, [0.8, 0.4], 1, {})
        """
        history = cls()
        history.epoch = [int(e) for e in data["epoch"]]
        history.history = {k: list(v) for k, v in data["history"].items()}
        history.params = dict(data.get("params", {}))
        return history
