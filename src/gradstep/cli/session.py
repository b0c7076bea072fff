"""One training session built from resolved options: data, preprocessing, network, optimizer and Trainer.

``train`` builds a fresh session, ``resume`` and ``evaluate`` rebuild the same
one from a run folder's config.json (the split is drawn from the seed, so it is
the same split) and load model.safetensors into it.
"""

import math
import os
from dataclasses import dataclass

import numpy as np

from ..data import Standardizer
from ..data._arrays import first_non_finite
from ..train import Callback, EarlyStopping, GradientStats, Trainer
from .datasets import load_dataset, split_dataset
from .errors import CommandLineError
from .networks import build_network, build_optimizer, check_model_fits_task
from .rundir import defining_options, write_history


def standardize(X, mean, scale):
    """``(X - mean) / scale`` in X's float dtype (the statistics of the training set).

    >>> standardize(np.array([[3.0]], np.float32), np.array([1.0]), np.array([2.0]))
    array([[1.]], dtype=float32)
    """
    return ((X - mean.astype(X.dtype)) / scale.astype(X.dtype)).astype(np.float32)


@dataclass
class Preprocessing:
    """Feature and target scaling fitted on the training set (identity when --no-standardize)."""

    x_mean: np.ndarray
    x_scale: np.ndarray
    y_mean: float = 0.0
    y_scale: float = 1.0

    @classmethod
    def fit(cls, X, y, standardize_on, regression):
        """Statistics of the training features (and regression targets) when ``standardize_on``."""
        if not standardize_on:
            return cls(np.zeros(X.shape[1]), np.ones(X.shape[1]))
        scaler = Standardizer().fit(X)
        if not regression:
            return cls(scaler.mean_, scaler.scale_)
        std = float(np.std(y))
        return cls(scaler.mean_, scaler.scale_, float(np.mean(y)), std if std > 0 else 1.0)

    def features(self, X):
        """Scaled float32 features."""
        return standardize(X.astype(np.float32, copy=False), self.x_mean, self.x_scale)


@dataclass
class Readout:
    """How a run turns raw labels into training targets and network outputs into predictions.

    The part of a Session that scoring needs, without the data: small enough
    to send to dask workers (``evaluate`` / ``predict`` with ``--workers``).
    """

    task: str  # "classification" or "regression"
    classes: list
    prep: Preprocessing
    network: object = None  # the Network (set once built)

    def codes(self, y):
        """Class codes 0..K-1 of raw labels, or standardized values of a regression target."""
        if self.task == "classification":
            return np.searchsorted(np.asarray(self.classes), y)
        return (np.asarray(y, np.float64) - self.prep.y_mean) / self.prep.y_scale

    def targets(self, y):
        """Training targets of raw labels or values (class codes, +-1, or standardized values)."""
        return self.network.targets(self.codes(y))

    def labels(self, outputs):
        """Raw labels (classification) or values in the original units (regression) of network outputs."""
        decoded = self.network.decode(outputs)
        if self.task == "classification":
            return np.asarray(self.classes)[decoded]
        return decoded * self.prep.y_scale + self.prep.y_mean


class SaveRun(Callback):
    """After every epoch: the whole training state to model.safetensors, then history.csv from it.

    The checkpoint holds the history and the options that define the model and
    the split; history.csv is rewritten from that history right after, so a
    kill between the two leaves history.csv one epoch behind at most, and
    ``resume`` rewrites it from the checkpoint before it goes on.
    """

    def __init__(self, run_dir, options):
        self.run_dir = run_dir
        self.run = defining_options(options)

    def on_epoch_end(self, epoch, logs=None):
        self.trainer.save(self.run_dir / "model.safetensors", run=self.run)
        write_history(self.run_dir / "history.csv", self.trainer.history)


def _check_finite(dataset):
    """NaN or infinite features would only show up as a diverged loss: name the column instead."""
    found = first_non_finite(dataset.X)
    if found is not None:
        (row, column), value = found
        rows = int((~np.isfinite(dataset.X)).any(axis=1).sum())
        raise CommandLineError(
            f"--data {dataset.name}: feature column {column} holds {value} (row {row + 1}; {rows} rows in all): "
            "gradstep trains on complete numeric data only; fill or drop those rows"
        )


def _memory_bytes():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: no limit known
        return None


def check_network_size(options, n_in, n_out):
    """Refuse a network whose weights, gradients and optimizer state cannot fit in this machine's memory.

    >>> check_network_size({"model": "mlp", "hidden": [10**9]}, 64, 10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gradstep.errors.CommandLineError: --hidden 1000000000: the network would have 75000000010 parameters, ...
    """
    sizes = [n_in, *(options["hidden"] if options["model"] == "mlp" else []), max(n_out, 1)]
    params = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    need = 16 * params  # float32 weights, gradients and two optimizer moments
    have = _memory_bytes()
    if have is not None and need > have:
        hidden = ",".join(map(str, options["hidden"]))
        raise CommandLineError(
            f"--hidden {hidden}: the network would have {params} parameters, {need / 1e9:.3g} GB with its "
            f"gradients and optimizer state, more than this machine's {have / 1e9:.3g} GB of memory; use smaller layers"
        )


class Session:
    """Everything a run needs, built from resolved train options (see ``gradstep.cli.options``).

    >>> from gradstep.cli.options import default_options
    >>> s = Session({**default_options(), "data": "iris", "hidden": [8]})
    >>> s.dataset.name, s.network.kind, len(s.X_train)
    ('iris', 'multiclass', 90)
    """

    #: the rows are here (WorkersSession: on dask workers)
    on_workers = False

    def __init__(self, options):
        self.options = options
        self.dataset = load_dataset(options["data"], options["target"])
        _check_finite(self.dataset)
        if self.dataset.task == "classification" and len(self.dataset.classes) < 2:
            raise CommandLineError(
                f"--data {options['data']}: the target column {self.dataset.target!r} holds a single class "
                f"{self.dataset.classes}; a classifier needs at least two (for a numeric target, every row is that value)"
            )
        check_model_fits_task(options["model"], self.dataset.task, self.dataset.classes, options["data"])
        X_train, X_val, X_test, y_train, y_val, y_test = split_dataset(self.dataset, options["split"], options["seed"])
        for part, rows in (("training", X_train), ("validation", X_val), ("test", X_test)):
            if len(rows) == 0:
                raise CommandLineError(
                    f"--split {','.join(map(str, options['split']))}: the {part} split of {options['data']} "
                    f"({len(self.dataset.X)} rows) is empty; give it a larger fraction"
                )
        check_network_size(options, self.dataset.X.shape[1], len(self.dataset.classes))
        regression = self.dataset.task == "regression"
        self.prep = Preprocessing.fit(X_train, y_train, options["standardize"], regression)
        self.readout = Readout(self.dataset.task, self.dataset.classes, self.prep)
        self.X_train, self.X_val, self.X_test = (self.prep.features(X) for X in (X_train, X_val, X_test))
        # the model is the gradstep.models estimator of --model, set up on the (scaled) training set
        self.network = build_network(
            options, self.X_train, self.codes(y_train), len(self.dataset.classes), self.dataset.task
        )  # fmt: skip
        self.readout.network = self.network
        self.y_train, self.y_val, self.y_test = (self.targets(y) for y in (y_train, y_val, y_test))
        self.raw_y_test = y_test
        batch = self.batch_size
        self.steps_per_epoch = 1 if batch is None else math.ceil(len(X_train) / batch)
        self.optimizer = build_optimizer(options, self.network, self.steps_per_epoch)
        self.sizes = {"train": len(self.X_train), "val": len(self.X_val), "test": len(self.X_test)}

    def training_blocks(self):
        """``((X_train, y_train), (X_val, y_val))``: what Trainer.fit trains and validates on."""
        return (self.X_train, self.y_train), (self.X_val, self.y_val)

    def test_scores(self, trainer, rows="test"):
        """``(metrics, confusion or None)`` of the held-out test split (``rows="all"``: every row of the data set)."""
        from .report import evaluate_session

        if rows == "test":
            return evaluate_session(self, trainer, self.X_test, self.y_test, self.raw_y_test)
        X = self.prep.features(self.dataset.X)
        return evaluate_session(self, trainer, X, self.targets(self.dataset.y), self.dataset.y)

    @property
    def batch_size(self):
        """``--batch-size``; the perceptron learns one sample at a time (its rule)."""
        return 1 if self.options["model"] == "perceptron" else self.options["batch_size"]

    def check_compatible(self, other):
        """Raise CommandLineError unless Dataset ``other`` has this run's features (and known labels)."""
        n = self.dataset.X.shape[1]
        if other.X.shape[1] != n:
            raise CommandLineError(
                f"--data {other.name}: has {other.X.shape[1]} feature columns, but the run was trained on {n}"
            )
        if self.dataset.task == "classification":
            unknown = sorted(set(np.unique(other.y).tolist()) - set(self.dataset.classes))
            if unknown:
                raise CommandLineError(
                    f"--data {other.name}: labels {unknown} are not among the run's classes {self.dataset.classes}"
                )

    def codes(self, y):
        """Class codes 0..K-1 of raw labels, or standardized values of a regression target."""
        return self.readout.codes(y)

    def targets(self, y):
        """Training targets of raw labels or values (class codes, +-1, or standardized values)."""
        return self.readout.targets(y)

    def trainer(self, callbacks=(), progress=True):
        """A Trainer over this session's network, loss, optimizer and per-epoch metric."""
        return Trainer(self.network.module, self.network.loss, self.optimizer, metrics=[self.network.metric],
                       callbacks=[*self.network.callbacks, *callbacks], progress=progress,
                       loss_and_grad=self.network.loss_and_grad)  # fmt: skip

    def run_callbacks(self, run_dir):
        """Early stopping (when asked), gradient_stats.json and the per-epoch save of model.safetensors and history.csv."""
        callbacks = []
        if self.options["early_stopping"] is not None:
            callbacks.append(EarlyStopping(monitor="val_loss", patience=self.options["early_stopping"]))
        callbacks.append(GradientStats(path=run_dir / "gradient_stats.json"))  # before the save that keeps its records
        callbacks.append(SaveRun(run_dir, self.options))
        return callbacks

    def explain_divergence(self, err):
        """A CommandLineError naming --alpha when the penalty, not the learning rate, made the loss blow up."""
        lr, alpha = self.network.learning_rate, self.options["alpha"]  # --lr auto resolved by the model
        if alpha > 0 and (alpha * lr > 2 or alpha > 1e30):
            return CommandLineError(
                f"the training loss became NaN or infinite because of --alpha {alpha:g}, not the data: the penalty "
                f"alpha/2 ||W||^2 overflows, or its own step W <- (1 - lr alpha) W overshoots (lr x alpha = "
                f"{alpha * lr:.3g} > 2 with --lr {lr:g}); use a much smaller --alpha"
            )
        return err

    def predict(self, trainer, X_scaled):
        """Raw labels (classification) or values in the original units (regression)."""
        return self.readout.labels(trainer.predict(X_scaled))
