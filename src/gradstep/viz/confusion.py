"""The confusion matrix as a heat map with the counts written in the cells."""

import numpy as np

from ..errors import ShapeError
from ._style import figure_and_axes, finish


def plot_confusion_matrix(cm, labels=None, normalize=False, title="confusion matrix", ax=None, path=None):
    """Draw a confusion matrix: rows are true classes, columns predicted classes.

    Parameters
    ----------
    cm : array of shape (k, k)
        Counts, ``cm[i, j]`` = number of samples of class i predicted as j
        (as ``gradstep.train.metrics.confusion_matrix`` returns).
    labels : sequence of k names, optional
        Class names for the ticks (default 0 .. k-1).
    normalize : bool
        Colour and write each row as fractions of its true class.

    Returns
    -------
    matplotlib.figure.Figure

    >>> fig = plot_confusion_matrix([[5, 1], [2, 7]], labels=["cat", "dog"])
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['cat', 'dog']
    """
    cm = np.asarray(cm, dtype=float)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ShapeError(f"plot_confusion_matrix: cm must be a square (k, k) matrix, got shape {cm.shape}")
    k = cm.shape[0]
    if labels is None:
        labels = [str(i) for i in range(k)]
    elif len(labels) != k:
        raise ShapeError(f"plot_confusion_matrix: {len(labels)} labels for a {k} x {k} matrix")
    shown = cm
    if normalize:
        totals = cm.sum(axis=1, keepdims=True)
        shown = np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0)
    fig, ax = figure_and_axes(ax, width=max(3.6, 0.45 * k + 2.2), height=max(3.0, 0.45 * k + 1.6))
    image = ax.imshow(shown, cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(k), [str(name) for name in labels], rotation=45 if k > 6 else 0)
    ax.set_yticks(range(k), [str(name) for name in labels])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=10)
    threshold = shown.max() / 2 if shown.size else 0
    fontsize = 8 if k <= 12 else 6
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else f"{cm[i, j]:.0f}"
            color = "white" if shown[i, j] > threshold else "black"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=fontsize)
    return finish(fig, path)
