"""Callbacks: code that ``Trainer.fit`` runs at the start and end of training, of each epoch and of each batch.

The epoch logs a callback sees hold plain floats: ``loss``, each metric,
``val_loss`` and ``val_<metric>`` (when there is validation data), ``lr`` and
``seconds``. Batch logs hold ``loss`` (this batch), ``mean_loss`` (running mean
over the epoch so far) and ``size`` (examples in the batch). A callback stops
training by setting ``self.trainer.stop_training = True`` (and, to say why,
``self.trainer.stop_reason``).
"""

import csv
import math
import os

import numpy as np

from ..data._arrays import first_non_finite
from ..errors import DataError
from .errors import TrainingConfigError, TrainingDivergedError
from .metrics import metric_mode


class Callback:
    """Base class: override any of the hooks; ``self.trainer`` is set by ``Trainer.fit``.

    ``state_dict``/``load_state_dict`` let ``Trainer.save``/``Trainer.load``
    carry a callback's counters across an interrupted run.

    >>> class CountEpochs(Callback):
    ...     def on_train_begin(self, logs=None): self.n = 0
    ...     def on_epoch_end(self, epoch, logs=None): self.n += 1
    >>> cb = CountEpochs(); cb.on_train_begin(); cb.on_epoch_end(0, {}); cb.n
    1
    """

    trainer = None

    def set_trainer(self, trainer):
        """Attach to the Trainer whose ``fit`` is running."""
        self.trainer = trainer

    def on_train_begin(self, logs=None):
        """Before the first epoch."""

    def on_train_end(self, logs=None):
        """After the last epoch, also when training stops early or with an error."""

    def on_epoch_begin(self, epoch, logs=None):
        """Before epoch ``epoch`` (counting from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """After epoch ``epoch`` with its training and validation logs."""

    def on_after_backward(self, step, logs=None):
        """After backward of batch ``step``, before the optimizer's update: the gradients are in ``.grad``."""

    def on_batch_end(self, step, logs=None):
        """After the update of batch ``step`` (counting from 0 within the epoch)."""

    def state_dict(self):
        """JSON-serialisable state (arrays allowed) to resume from; empty by default."""
        return {}

    def load_state_dict(self, state):
        """Restore what ``state_dict`` returned."""


def _monitored(who, monitor, logs):
    """The value of ``monitor`` in the epoch logs, or a clear error listing what is there."""
    if monitor not in logs:
        hint = " (pass val=... or validation_split=... to fit)" if monitor.startswith("val_") else ""
        raise TrainingConfigError(
            f"{who}: monitor {monitor!r} is not in the epoch logs; available: {', '.join(logs)}{hint}"
        )
    return logs[monitor]


class _Best:
    """The best value of a monitored quantity so far, and whether a new value improves on it."""

    def __init__(self, who, monitor, mode, min_delta):
        if not (isinstance(min_delta, (int, float)) and min_delta >= 0):
            raise TrainingConfigError(f"{who}: min_delta must be a number >= 0, got {min_delta!r}")
        self.mode = metric_mode(monitor, mode)
        self.min_delta = float(min_delta)
        self.value = None

    def improves(self, value):
        # min mode: value < best - min_delta ; max mode: value > best + min_delta (NaN never improves)
        if value is None or math.isnan(value):
            return False
        if self.value is None:
            return True
        if self.mode == "min":
            return value < self.value - self.min_delta
        return value > self.value + self.min_delta


def _check_count(who, name, value):
    if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        raise TrainingConfigError(f"{who}: {name} must be an int >= 0, got {value!r}")


class TerminateOnNaN(Callback):
    """Stop at the first NaN or infinite batch loss with ``TrainingDivergedError``.

    The Trainer adds one by default (``Trainer(terminate_on_nan=True)``). The
    error names the epoch and the step (both counted from 1, as the progress
    bar shows them), the global step and the learning rate, and suggests a
    smaller one. When the training data, not the step, are the cause (a NaN
    or inf in X or y, or features so large that their products overflow) it
    raises ``DataError`` saying so instead. Checkpoints written before stay
    intact: no epoch-end hook runs after the divergence. ``trainer.stop_reason``
    holds the same message.

    ``advice`` replaces the generic advice about the learning rate (the
    estimators name the stability bound of their data here) and ``where`` the
    ``Trainer.fit`` that starts the message.

    >>> cb = TerminateOnNaN()
    >>> cb.on_batch_end(0, {"loss": 0.5})   # finite: nothing happens
    """

    def __init__(self, advice=None, where="Trainer.fit"):
        self.advice = advice
        self.where = where

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, step, logs=None):
        value = logs["loss"]
        if math.isfinite(value):
            return
        trainer = self.trainer
        lr = trainer._current_lr()
        data_fault = _data_fault(getattr(trainer, "_loader", None))
        if data_fault is not None:
            advice = data_fault
        elif self.advice is not None:
            advice = self.advice
        elif lr is None:
            advice = "the learning rate is probably too large: try a smaller one"
        else:
            advice = f"the learning rate ({lr:g}) is probably too large: try a smaller one, e.g. {lr / 10:g}"
        epochs = trainer.history.params.get("epochs", "?")
        message = (
            f"{self.where}: the training loss became {value} at epoch {self._epoch + 1}/{epochs}, "
            f"step {step + 1} (optimizer global step {trainer.optimizer.global_step}); training stopped. "
            f"{advice[0].upper()}{advice[1:]}. Checkpoints saved before this point are intact."
        )
        trainer.stop_training = True
        trainer.stop_reason = message
        if data_fault is not None:
            raise DataError(message)
        raise TrainingDivergedError(message, history=trainer.history)


def _data_fault(loader):
    """Why the training data, not the learning rate, made the loss non-finite: a NaN/inf, or features so large
    that their products overflow (|x| above the square root of the dtype's largest number); None when neither."""
    for name in ("X", "y"):
        array = getattr(loader, name, None)
        if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
            continue
        found = first_non_finite(array)
        if found is not None:
            index, value = found
            return (f"the training data {name} contain {value} (first at index {index}), not a learning-rate "
                    "problem: NaN and inf values are not supported, remove or impute them first")  # fmt: skip
        largest = float(np.abs(array).max()) if array.size else 0.0
        if name == "X" and largest > np.sqrt(np.finfo(array.dtype).max):
            return (f"the training data X hold values as large as {largest:.3g}, whose products overflow "
                    f"{array.dtype}: standardise the features (gradstep.data.Standardizer) or train in float64")  # fmt: skip
    return None


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Parameters
    ----------
    monitor : str
        A key of the epoch logs, e.g. ``"val_loss"`` or ``"val_accuracy"``.
    patience : int
        Epochs without improvement to wait before stopping.
    min_delta : float
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}
        ``"auto"`` minimises losses and errors and maximises accuracy, r2,
        precision, recall and f1.
    restore_best_weights : bool
        When training ends (stopped early or not) put back the weights of the
        best epoch.

    After training, ``best``, ``best_epoch`` and ``stopped_epoch`` (None if
    patience never ran out) tell what happened.

    >>> es = EarlyStopping(monitor="val_loss", patience=2)
    >>> es.on_train_begin()
    >>> for epoch, v in enumerate([0.5, 0.4, 0.45, 0.41]):
    ...     es.on_epoch_end(epoch, {"val_loss": v})
    >>> es.best, es.best_epoch, es.stopped_epoch
    (0.4, 1, 3)
    """

    def __init__(self, monitor="val_loss", patience=5, min_delta=0.0, mode="auto", restore_best_weights=False):
        _check_count("EarlyStopping", "patience", patience)
        self.monitor = monitor
        self.patience = patience
        self.restore_best_weights = bool(restore_best_weights)
        self._best = _Best("EarlyStopping", monitor, mode, min_delta)
        self.on_train_begin()

    @property
    def best(self):
        """Best value of the monitored quantity so far (None before the first epoch).

        >>> es = EarlyStopping(monitor="val_accuracy")  # mode "auto": higher accuracy is better
        >>> es.best is None
        True
        >>> for epoch, acc in enumerate([0.7, 0.9, 0.8]):
        ...     es.on_epoch_end(epoch, {"val_accuracy": acc})
        >>> es.best
        0.9
        """
        return self._best.value

    def on_train_begin(self, logs=None):
        self._best.value = None
        self.wait = 0
        self.best_epoch = None
        self.stopped_epoch = None
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        value = _monitored("EarlyStopping", self.monitor, logs)
        if self._best.improves(value):
            self._best.value = value
            self.best_epoch = epoch
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.trainer.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            reason = (
                f"early stopping at epoch {epoch + 1}: {self.monitor} did not improve for {self.wait} epochs "
                f"(best {self.best:.6g} at epoch {self.best_epoch + 1})"
                if self.best_epoch is not None
                else f"early stopping at epoch {epoch + 1}: {self.monitor} was never finite"
            )
            if self.trainer is not None:
                self.trainer.stop_training = True
                self.trainer.stop_reason = reason
                self.trainer.echo(reason)

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.trainer.model.load_state_dict(self.best_weights)
            self.trainer.echo(f"restored the weights of epoch {self.best_epoch + 1} ({self.monitor} {self.best:.6g})")

    def state_dict(self):
        return {"best": self.best, "wait": self.wait, "best_epoch": self.best_epoch, "best_weights": self.best_weights}

    def load_state_dict(self, state):
        self._best.value = state["best"]
        self.wait = state["wait"]
        self.best_epoch = state["best_epoch"]
        self.best_weights = state["best_weights"]


class ModelCheckpoint(Callback):
    """Save the whole training state with ``Trainer.save`` at the end of each epoch.

    ``path`` may hold ``str.format`` fields filled from the epoch (counted
    from 1) and the logs, e.g. ``"ckpt/epoch{epoch:03d}-{val_loss:.3f}.safetensors"``.
    With ``save_best_only`` a file is written only when ``monitor`` improves.
    Every save is atomic, so an interrupted run never leaves a broken file.

    >>> cb = ModelCheckpoint("run/best.safetensors", monitor="val_accuracy", save_best_only=True)
    >>> cb.filepath(4, {"val_accuracy": 0.9})
    'run/best.safetensors'
    """

    def __init__(self, path, monitor="val_loss", save_best_only=False, mode="auto"):
        self.path = os.fspath(path)
        self.monitor = monitor
        self.save_best_only = bool(save_best_only)
        self._best = _Best("ModelCheckpoint", monitor, mode, 0.0)
        self.last_saved = None

    def filepath(self, epoch, logs):
        """The file name for ``epoch`` (from 0) with the template fields filled in.

        >>> cb = ModelCheckpoint("ckpt/epoch{epoch:02d}-{val_loss:.2f}.safetensors")
        >>> cb.filepath(2, {"val_loss": 0.4567})  # epoch counted from 1 in the name
        'ckpt/epoch03-0.46.safetensors'
        """
        try:
            return self.path.format(epoch=epoch + 1, **logs)
        except (KeyError, IndexError, ValueError) as err:
            raise TrainingConfigError(
                f"ModelCheckpoint: cannot fill the path template {self.path!r} ({err!r}); "
                f"available fields: epoch, {', '.join(logs)}"
            ) from err

    def on_epoch_end(self, epoch, logs=None):
        if self.save_best_only:
            value = _monitored("ModelCheckpoint", self.monitor, logs)
            if not self._best.improves(value):
                return
            self._best.value = value
        path = self.filepath(epoch, logs)
        self.trainer.save(path)
        self.last_saved = path

    def state_dict(self):
        return {"best": self._best.value}

    def load_state_dict(self, state):
        self._best.value = state["best"]


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of each epoch to ``schedule(epoch)``.

    ``epoch`` counts from 0. (For a learning rate that changes every update,
    give the optimizer a schedule from ``gradstep.optim`` instead.)

    >>> cb = LearningRateScheduler(lambda epoch: 0.1 * 0.5 ** epoch)
    >>> cb.schedule(2)
    0.025
    """

    def __init__(self, schedule):
        if not callable(schedule):
            raise TrainingConfigError(f"LearningRateScheduler: schedule must be callable, got {schedule!r}")
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        lr = self.schedule(epoch)
        if not (isinstance(lr, (int, float)) and not isinstance(lr, bool) and math.isfinite(lr) and lr >= 0):
            raise TrainingConfigError(
                f"LearningRateScheduler: schedule({epoch}) returned {lr!r}; it must return a finite number >= 0"
            )
        self.trainer.optimizer.lr = float(lr)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` stalls for ``patience`` epochs.

    new lr = max(lr * factor, min_lr); after a reduction, ``cooldown`` epochs
    pass before stalls are counted again. Setting ``optimizer.lr`` makes the
    learning rate constant on every parameter group.

    >>> cb = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    >>> cb.factor, cb.patience
    (0.5, 2)
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, min_lr=0.0, min_delta=1e-4, mode="auto",
                 cooldown=0):  # fmt: skip
        if not (isinstance(factor, (int, float)) and 0.0 < factor < 1.0):
            raise TrainingConfigError(f"ReduceLROnPlateau: factor must be in (0, 1), got {factor!r}")
        if not (isinstance(min_lr, (int, float)) and min_lr >= 0):
            raise TrainingConfigError(f"ReduceLROnPlateau: min_lr must be a number >= 0, got {min_lr!r}")
        _check_count("ReduceLROnPlateau", "patience", patience)
        _check_count("ReduceLROnPlateau", "cooldown", cooldown)
        self.monitor = monitor
        self.factor = float(factor)
        self.patience = patience
        self.min_lr = float(min_lr)
        self.cooldown = cooldown
        self._best = _Best("ReduceLROnPlateau", monitor, mode, min_delta)
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self._best.value = None
        self.wait = 0
        self.cooldown_left = 0

    def on_epoch_end(self, epoch, logs=None):
        value = _monitored("ReduceLROnPlateau", self.monitor, logs)
        cooling = self.cooldown_left > 0  # epochs right after a reduction do not count as stalls
        if cooling:
            self.cooldown_left -= 1
        if self._best.improves(value):
            self._best.value = value
            self.wait = 0
            return
        if cooling:
            return
        self.wait += 1
        if self.wait >= self.patience:
            optimizer = self.trainer.optimizer
            old = float(optimizer.lr)
            new = max(old * self.factor, self.min_lr)
            if new < old:
                optimizer.lr = new
                self.trainer.echo(f"epoch {epoch + 1}: ReduceLROnPlateau lowered the learning rate to {new:g}")
            self.cooldown_left = self.cooldown
            self.wait = 0

    def state_dict(self):
        return {"best": self._best.value, "wait": self.wait, "cooldown_left": self.cooldown_left}

    def load_state_dict(self, state):
        self._best.value = state["best"]
        self.wait = state["wait"]
        self.cooldown_left = state["cooldown_left"]


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` (from 0) and every epoch log.

    The file is flushed after each row, so it can be watched while training
    runs. ``append=True`` continues an existing file (e.g. after a resume)
    without repeating the header.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> cb = CSVLogger(path); cb.on_train_begin()
    >>> cb.on_epoch_end(0, {"loss": 0.5, "lr": 0.1}); cb.on_train_end()
    >>> open(path).read().splitlines()
    ['epoch,loss,lr', '0,0.5,0.1']
    """

    def __init__(self, path, separator=",", append=False):
        self.path = os.fspath(path)
        self.separator = separator
        self.append = bool(append)
        self._file = None

    def on_train_begin(self, logs=None):
        continuing = self.append and os.path.exists(self.path) and os.path.getsize(self.path) > 0
        self._file = open(self.path, "a" if continuing else "w", newline="")
        self._writer = None
        self._header_written = continuing
        self._keys = None

    def on_epoch_end(self, epoch, logs=None):
        if self._keys is None:
            self._keys = list(logs)
            self._writer = csv.writer(self._file, delimiter=self.separator)
            if not self._header_written:
                self._writer.writerow(["epoch", *self._keys])
        self._writer.writerow([epoch, *("" if logs.get(k) is None else logs[k] for k in self._keys)])
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
            self._file = None
