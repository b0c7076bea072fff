"""GradientStats: per-layer gradient norms and update-to-weight ratios per epoch ("is my network learning?").

For every parameter ``p`` of the model and every sampled batch ``t``:

- gradient norm ``||g_t||``: the Frobenius norm of ``p.grad`` after backward,
  before the optimizer's update;
- update-to-weight ratio ``||w_{t+1} - w_t|| / ||w_t||``: how far that update
  moved the weights, relative to their size (about 1e-3 is the classic
  healthy value for SGD; much smaller means the layer barely learns, much
  larger that it jumps around).

Each epoch records the mean over its sampled batches of both, and the weight
norm ``||w||`` at the epoch's end. The cost per sampled batch is one copy of
the parameters and three dot products over them (no allocation after the
first batch); ``bench/gradient_stats.py`` measures it.
"""

import json
import math
import os
from pathlib import Path

import numpy as np

from .callbacks import Callback
from .errors import TrainingConfigError

#: the statistics recorded per parameter, each ``{name: [one value per epoch]}``
STATISTICS = ("grad_norm", "update_ratio", "weight_norm")


def _array(value):
    """The ndarray of a parameter or gradient (a Tensor's ``.data``, or an ndarray as is)."""
    return value if isinstance(value, np.ndarray) else value.data


def _norm(array):
    """||a||_F = sqrt(sum a^2), accumulated in float64.

    >>> _norm(np.array([[3.0, 0.0], [0.0, 4.0]], np.float32))
    5.0
    """
    flat = array.reshape(-1)
    return math.sqrt(float(np.dot(flat, flat).astype(np.float64)))


class GradientStats(Callback):
    """Record per-parameter gradient norms, update-to-weight ratios and weight norms, one value per epoch.

    Parameters
    ----------
    every : int
        Sample every ``every``-th batch of an epoch (batch 1, 1 + every, ...);
        1 (the default) samples them all.
    weights_only : bool
        Only parameters with two or more dimensions (weight matrices), leaving
        biases out.
    path : str or Path, optional
        Write ``records`` as JSON there after every epoch (atomically).

    Attributes
    ----------
    records : dict
        ``{"epoch": [1, 2, ...], "grad_norm": {name: [...]}, "update_ratio":
        {name: [...]}, "weight_norm": {name: [...]}}``; epochs counted from 1,
        names from ``model.named_parameters()``. Kept across
        ``Trainer.save``/``load``, so a resumed run continues the same records.

    Examples
    --------
    One full-batch SGD step per epoch on ``y_hat = w x`` with ``x = 1``, target 2,
    from ``w = 0``: the gradient of ``(w - 2)^2`` is ``2 (w - 2)``, -4 then -2,
    and the steps of 0.25 times it move w to 1, then 1.5 (a ratio 0.5 / 1).

    >>> import numpy as np
    >>> from gradstep import nn, optim
    >>> from gradstep.train import Trainer
    >>> model = nn.Linear(1, 1, init="zeros", bias=False)
    >>> stats = GradientStats(weights_only=False)
    >>> trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.25), callbacks=[stats],
    ...                   progress=False)
    >>> X = np.ones((4, 1), np.float32)
    >>> _ = trainer.fit((X, 2 * X), epochs=2, batch_size=None)
    >>> stats.records["epoch"], stats.records["grad_norm"]["weight"], stats.records["weight_norm"]["weight"]
    ([1, 2], [4.0, 2.0], [1.0, 1.5])
    >>> stats.records["update_ratio"]["weight"]  # ||w|| was 0 before the first update: no ratio
    [None, 0.5]
    """

    def __init__(self, every=1, weights_only=False, path=None):
        if not (isinstance(every, int) and not isinstance(every, bool) and every >= 1):
            raise TrainingConfigError(f"GradientStats: every must be an int >= 1, got {every!r}")
        self.every = every
        self.weights_only = bool(weights_only)
        self.path = None if path is None else Path(path)
        self.records = self._empty()
        self._params = None
        self._before = None
        self._sampled = False

    @staticmethod
    def _empty():
        return {"epoch": [], **{name: {} for name in STATISTICS}}

    def _named_parameters(self):
        model = self.trainer.model
        if hasattr(model, "named_parameters"):
            named = list(model.named_parameters())
        elif hasattr(model, "parameters"):
            named = [(str(i), p) for i, p in enumerate(model.parameters())]
        else:
            raise TrainingConfigError(f"GradientStats: the model {type(model).__name__} has no parameters()")
        return [(name, p) for name, p in named if not (self.weights_only and p.data.ndim < 2)]

    def on_train_begin(self, logs=None):
        if len(self.trainer.history) == 0:  # a fresh run; a resumed one gets its records from load_state_dict
            self.records = self._empty()
        self._params = self._named_parameters()
        self._before = [np.empty_like(_array(p)) for _, p in self._params]

    def on_epoch_begin(self, epoch, logs=None):
        n = len(self._params)
        self._sums = {name: [0.0] * n for name in ("grad_norm", "update_ratio")}
        self._counts = {name: [0] * n for name in ("grad_norm", "update_ratio")}

    def on_after_backward(self, step, logs=None):
        self._sampled = step % self.every == 0
        if not self._sampled:
            return
        for i, ((_, p), before) in enumerate(zip(self._params, self._before)):
            np.copyto(before, _array(p))
            if p.grad is not None:
                self._sums["grad_norm"][i] += _norm(_array(p.grad))
                self._counts["grad_norm"][i] += 1

    def on_batch_end(self, step, logs=None):
        if not self._sampled:
            return
        self._sampled = False
        for i, ((_, p), before) in enumerate(zip(self._params, self._before)):
            size = _norm(before)  # ||w_t||
            if size == 0.0:
                continue
            np.subtract(_array(p), before, out=before)  # w_{t+1} - w_t, in the snapshot's buffer
            self._sums["update_ratio"][i] += _norm(before) / size
            self._counts["update_ratio"][i] += 1

    def on_epoch_end(self, epoch, logs=None):
        records = self.records
        records["epoch"].append(epoch + 1)
        n_before = len(records["epoch"]) - 1
        for i, (name, p) in enumerate(self._params):
            for stat in ("grad_norm", "update_ratio"):
                count = self._counts[stat][i]
                column = records[stat].setdefault(name, [None] * n_before)
                column.append(self._sums[stat][i] / count if count else None)
            records["weight_norm"].setdefault(name, [None] * n_before).append(_norm(_array(p)))
        if self.path is not None:
            self.write(self.path)

    def write(self, path):
        """Write ``records`` as JSON to ``path`` (a temporary file renamed over it: never half-written)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.records) + "\n")
        os.replace(tmp, path)

    def state_dict(self):
        return {"records": self.records}

    def load_state_dict(self, state):
        self.records = state["records"]
