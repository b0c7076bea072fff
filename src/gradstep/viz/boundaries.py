"""Decision boundaries of classifiers over two input features."""

import numpy as np

from ..errors import GradstepError, ShapeError
from ..grad_mode import no_grad
from ._style import COLORS, figure_and_axes, finish, style_axes


def _predict_labels(model, points):
    """Class labels for ``points``: ``model.predict`` when it has one, else ``model(points)``.

    A callable may return labels (n,) or scores/probabilities (n, k), of which the argmax is taken;
    a gradstep Tensor result is read through its ndarray.
    """
    predict = getattr(model, "predict", None)
    if predict is None:
        if not callable(model):
            raise GradstepError(
                f"plot_decision_boundary: model must have a predict method or be callable, got {type(model).__name__}"
            )
        predict = model
    with no_grad():
        out = np.asarray(predict(points))
    if out.ndim == 2 and out.shape[1] > 1:
        out = out.argmax(axis=1)
    out = out.reshape(-1)
    if out.shape[0] != points.shape[0]:
        raise ShapeError(f"plot_decision_boundary: the model returned {out.shape[0]} predictions for {points.shape[0]} points")
    return out


def plot_decision_boundary(model, X, y, resolution=200, margin=0.5, title=None, ax=None, path=None):
    """The regions a classifier assigns to each class over the plane of two features, data on top.

    Parameters
    ----------
    model : estimator or callable
        Anything with ``predict(X) -> labels`` (gradstep or scikit-learn
        estimators), or a callable ``f(X)`` returning labels (n,) or class scores
        (n, k), e.g. a ``gradstep.nn`` module; run without recording a graph.
    X : array of shape (n, 2)
    y : array of shape (n,)
        The true labels, used to colour the points.
    resolution : int
        Grid points per axis.

    Returns
    -------
    matplotlib.figure.Figure

    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> fig = plot_decision_boundary(lambda P: (P[:, 0] > 0.5).astype(int), X, [0, 1, 0, 1], resolution=20)
    >>> fig.axes[0].get_xlabel()
    'x1'
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ShapeError(f"plot_decision_boundary: X must have shape (n, 2) (two features), got {X.shape}")
    if y.shape[0] != X.shape[0]:
        raise ShapeError(f"plot_decision_boundary: X has {X.shape[0]} rows but y has {y.shape[0]} labels")
    fig, ax = figure_and_axes(ax)
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    classes = np.unique(y)
    predicted = _predict_labels(model, grid)
    # map labels to 0..k-1 so that any label values colour consistently
    index = np.searchsorted(classes, predicted).clip(0, len(classes) - 1)
    index = np.where(classes[index] == predicted, index, -1).reshape(g1.shape)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap([COLORS[i % len(COLORS)] for i in range(len(classes))])
    masked = np.ma.masked_less(index, 0)
    ax.contourf(g1, g2, masked, levels=np.arange(len(classes) + 1) - 0.5, cmap=cmap, alpha=0.25)
    ax.contour(g1, g2, masked, levels=np.arange(len(classes)) + 0.5, colors="0.2", linewidths=0.8)
    for i, label in enumerate(classes):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=12, color=COLORS[i % len(COLORS)], edgecolor="white",
                   linewidth=0.3, label=f"class {label}")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    style_axes(ax, title=title, xlabel="x1", ylabel="x2", legend=True)
    return finish(fig, path)
