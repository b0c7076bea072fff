"""Curves over training: loss and metrics per epoch, and comparisons of several runs."""

import math

import numpy as np

from ..errors import GradstepError
from ._style import COLORS, figure_and_axes, finish, subplots, style_axes

# History columns that are bookkeeping, not metrics to draw
_NOT_METRICS = frozenset({"epoch", "lr", "learning_rate", "time", "seconds", "elapsed"})


def _history_dict(history, where):
    """The ``{"loss": [...], "val_loss": [...], ...}`` dict of a History object or of a dict."""
    columns = getattr(history, "history", history)
    if not isinstance(columns, dict):
        raise GradstepError(
            f"{where}: expected a History or a dict of per-epoch lists, got {type(history).__name__}"
        )
    return columns


def best_epoch(history, monitor=None):
    """The 1-based epoch with the lowest ``monitor`` (default: ``val_loss`` if present, else ``loss``).

    NaN entries (a diverged epoch) are ignored.

    >>> best_epoch({"loss": [3.0, 2.0, 1.0], "val_loss": [2.5, 1.5, 1.7]})
    2
    >>> best_epoch({"loss": [3.0, 2.0, 1.0]})
    3
    """
    columns = _history_dict(history, "best_epoch")
    if monitor is None:
        monitor = "val_loss" if columns.get("val_loss") else "loss"
    if not columns.get(monitor):
        raise GradstepError(f"best_epoch: history has no values for {monitor!r}; it has {sorted(columns)}")
    values = np.asarray(columns[monitor], dtype=float)
    if np.isnan(values).all():
        raise GradstepError(f"best_epoch: every value of {monitor!r} is NaN")
    return int(np.nanargmin(values)) + 1


def plot_history(history, metrics=None, best=None, path=None):
    """Train and validation loss (and each metric) per epoch, the best epoch marked.

    Parameters
    ----------
    history : History or dict
        ``gradstep.train.History`` (its ``.history`` dict is read) or a dict of
        per-epoch lists: ``"loss"`` and optionally ``"val_loss"``, ``"accuracy"``,
        ``"val_accuracy"``, ...
    metrics : list of str, optional
        Metric columns to draw, one panel each (default: every column besides
        loss, its ``val_`` twins and bookkeeping such as ``lr``).
    best : int, optional
        1-based epoch to mark (default: lowest ``val_loss``, else lowest ``loss``).
    path : str or Path, optional
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure

    >>> fig = plot_history({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.6, 0.7],
    ...                     "accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.5, 0.7, 0.7]})
    >>> len(fig.axes)
    2
    """
    columns = _history_dict(history, "plot_history")
    if not columns.get("loss"):
        raise GradstepError(f"plot_history: history has no 'loss' column; it has {sorted(columns)}")
    if metrics is None:
        metrics = [k for k in columns if k != "loss" and not k.startswith("val_") and k not in _NOT_METRICS]
    else:
        missing = [m for m in metrics if m not in columns]
        if missing:
            raise GradstepError(f"plot_history: no column {missing[0]!r} in the history; it has {sorted(columns)}")
    if best is None:
        best = best_epoch(columns)
    names = ["loss", *metrics]
    fig, axes = subplots(1, len(names))
    axes = np.atleast_1d(axes)
    for ax, name in zip(axes, names):
        train = np.asarray(columns[name], dtype=float)
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, color=COLORS[0], label=f"train {name}")
        val = columns.get(f"val_{name}")
        if val:
            ax.plot(np.arange(1, len(val) + 1), np.asarray(val, dtype=float), color=COLORS[1], label=f"val {name}")
        ax.axvline(best, color="0.4", linestyle="--", linewidth=1, label=f"best epoch {best}")
        style_axes(ax, title=name, xlabel="epoch", ylabel=name, legend=True)
    return finish(fig, path)


def plot_curves(curves, xlabel="epoch", ylabel="loss", title=None, logy=False, marks=None, ax=None, path=None):
    """Several named curves on one Axes: ``{label: ys}`` or ``{label: (xs, ys)}``.

    ``ys`` alone is drawn against 1, 2, 3, ...; ``marks`` maps a label to an x
    position to mark on that curve (for example the epoch where training stopped).
    Non-finite values (a diverged run) end the curve where they start.

    >>> fig = plot_curves({"lr=0.1": [1.0, 0.5, 0.25], "lr=0.01": ([0, 10, 20], [1.0, 0.9, 0.8])})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['lr=0.1', 'lr=0.01']
    """
    if not curves:
        raise GradstepError("plot_curves: no curves given (expected a dict label -> ys or (xs, ys))")
    fig, ax = figure_and_axes(ax)
    for i, (label, curve) in enumerate(curves.items()):
        if isinstance(curve, tuple) and len(curve) == 2:
            xs, ys = (np.asarray(c, dtype=float) for c in curve)
        else:
            ys = np.asarray(curve, dtype=float)
            xs = np.arange(1, len(ys) + 1, dtype=float)
        if xs.shape != ys.shape:
            raise GradstepError(f"plot_curves: curve {label!r} has x of shape {xs.shape} but y of shape {ys.shape}")
        color = COLORS[i % len(COLORS)]
        ax.plot(xs, ys, color=color, label=str(label))
        if marks and label in marks:
            x = marks[label]
            y = np.interp(x, xs, ys)
            ax.plot([x], [y], marker="o", color=color, markersize=7, markeredgecolor="black")
    if logy:
        ax.set_yscale("log")
    style_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel, legend=True)
    return finish(fig, path)


def plot_learning_rates(losses, xlabel="epoch", title="training loss by learning rate", ax=None, path=None):
    """Loss curves for several learning rates, ``{lr: losses}``, on a log scale.

    A run whose loss became NaN or infinite is labelled "diverged".

    >>> fig = plot_learning_rates({0.1: [1.0, 0.3, 0.1], 10.0: [1.0, 50.0, float("inf")]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['lr = 0.1', 'lr = 10 (diverged)']
    """
    curves = {}
    for lr, ys in losses.items():
        ys = np.asarray(ys, dtype=float)
        diverged = not np.isfinite(ys).all()
        label = f"lr = {lr:g}" + (" (diverged)" if diverged else "")
        curves[label] = np.where(np.isfinite(ys), ys, math.nan)
    return plot_curves(curves, xlabel=xlabel, ylabel="loss", title=title, logy=True, ax=ax, path=path)
