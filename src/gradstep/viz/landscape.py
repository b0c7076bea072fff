"""The loss as a function of one weight (a curve) or of two (contours), with optimizer paths on it."""

import numpy as np

from ..errors import GradstepError, ShapeError
from ._style import COLORS, figure_and_axes, finish, style_axes


def _grid(values, resolution, name):
    """Grid points from ``(low, high)`` or from an explicit 1-D array of values."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size < 2:
        raise ShapeError(f"plot_loss_landscape: {name} must be (low, high) or a 1-D array of values, got shape {values.shape}")
    if values.size == 2:
        low, high = values
        if not low < high:
            raise GradstepError(f"plot_loss_landscape: {name} = ({low:g}, {high:g}) needs low < high")
        return np.linspace(low, high, resolution)
    return values


def _evaluate(loss_fn, grids, vectorized):
    fn = loss_fn if vectorized else np.vectorize(loss_fn, otypes=[float])
    values = np.asarray(fn(*grids), dtype=float)
    if values.shape != grids[0].shape:
        raise ShapeError(
            f"plot_loss_landscape: loss_fn returned shape {values.shape} for a grid of shape {grids[0].shape}; "
            "make it work elementwise on arrays or pass vectorized=False"
        )
    return values


def plot_loss_landscape(
    loss_fn,
    w_range,
    b_range=None,
    paths=None,
    minimum=None,
    resolution=121,
    levels=30,
    log_levels=False,
    vectorized=True,
    xlabel="w",
    ylabel=None,
    title=None,
    ax=None,
    path=None,
):
    """The loss over one weight (``b_range=None``: a curve) or two (contours), optimizer paths drawn on it.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(w)`` or ``loss_fn(w, b)``; called once on NumPy grids (elementwise),
        or point by point with ``vectorized=False``.
    w_range, b_range : (low, high) or 1-D array
        The grid of each axis (``resolution`` points between low and high).
    paths : dict, optional
        ``{label: iterates}``: for one weight a sequence of w values, for two an
        array of shape (steps, 2) of (w, b) pairs. Drawn as lines with dots,
        start marked with a square.
    minimum : float or (float, float), optional
        The known minimizer, marked with a star (e.g. the closed-form solution).
    levels : int or sequence
        Contour levels; ``log_levels=True`` spaces them geometrically (for
        valleys like Rosenbrock's).
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    >>> fig = plot_loss_landscape(lambda w: (w - 3) ** 2, (0, 6), paths={"gd": [0.0, 1.2, 2.28]}, minimum=3.0)
    >>> fig.axes[0].get_xlabel()
    'w'
    >>> fig = plot_loss_landscape(lambda w, b: w**2 + 10 * b**2, (-2, 2), (-1, 1),
    ...                           paths={"gd": [(-2.0, 1.0), (-1.6, -0.6)]}, minimum=(0, 0))
    >>> fig.axes[0].get_ylabel()
    'b'
    """
    fig, ax = figure_and_axes(ax)
    ws = _grid(w_range, resolution, "w_range")
    paths = paths or {}
    if b_range is None:
        losses = _evaluate(loss_fn, (ws,), vectorized)
        ax.plot(ws, losses, color="0.3", linewidth=1.5, label="loss")
        for i, (label, iterates) in enumerate(paths.items()):
            xs = np.asarray(iterates, dtype=float).ravel()
            ys = _evaluate(loss_fn, (xs,), vectorized)
            color = COLORS[i % len(COLORS)]
            ax.plot(xs, ys, "o-", color=color, markersize=3.5, linewidth=1, label=str(label))
            ax.plot(xs[:1], ys[:1], "s", color=color, markersize=6)
        if minimum is not None:
            m = float(np.asarray(minimum).ravel()[0])
            ax.plot([m], _evaluate(loss_fn, (np.array([m]),), vectorized), "*", color="black", markersize=13, label="minimum")
        ax.set_xlim(ws[0], ws[-1])
        style_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel or "loss", legend=True)
        return finish(fig, path)

    bs = _grid(b_range, resolution, "b_range")
    W, B = np.meshgrid(ws, bs)
    Z = _evaluate(loss_fn, (W, B), vectorized)
    if log_levels and np.isscalar(levels):
        positive = Z[Z > 0]
        if positive.size == 0:
            raise GradstepError("plot_loss_landscape: log_levels=True needs a loss that is positive somewhere on the grid")
        levels = np.geomspace(positive.min(), positive.max(), int(levels))
    norm = None
    if log_levels:
        from matplotlib.colors import LogNorm

        norm = LogNorm(vmin=np.min(levels), vmax=np.max(levels))
        Z = np.ma.masked_less_equal(Z, 0)  # log of 0 has no colour: leave the exact minimum blank
    contours = ax.contour(W, B, Z, levels=levels, cmap="viridis", norm=norm, linewidths=0.7, alpha=0.5)
    fig.colorbar(contours, ax=ax, label="loss", format="%.3g")
    for i, (label, iterates) in enumerate(paths.items()):
        points = np.asarray(iterates, dtype=float)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ShapeError(f"plot_loss_landscape: path {label!r} must have shape (steps, 2), got {points.shape}")
        color = COLORS[i % len(COLORS)]
        marker = "o-" if len(points) <= 80 else "-"
        ax.plot(points[:, 0], points[:, 1], marker, color=color, markersize=2.5, linewidth=1.4, label=str(label))
        ax.plot(points[:1, 0], points[:1, 1], "s", color=color, markersize=6)
    if minimum is not None:
        m = np.asarray(minimum, dtype=float).ravel()
        if m.size != 2:
            raise ShapeError(f"plot_loss_landscape: minimum must be (w, b) over two weights, got {m.size} values")
        ax.plot([m[0]], [m[1]], "*", color="black", markersize=13, label="minimum")
    ax.set_xlim(ws[0], ws[-1])
    ax.set_ylim(bs[0], bs[-1])
    style_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel or "b", legend=bool(paths) or minimum is not None)
    return finish(fig, path)
