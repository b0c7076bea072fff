"""Shared plumbing of the plots: lazy matplotlib, one look for every figure, saving.

matplotlib is imported here, inside functions, so that importing gradstep (or
even ``gradstep.viz``) never needs it.
"""

import os
import sys
from pathlib import Path

from ..errors import GradstepError

#: line colours, in the order series are drawn (colour-blind safe, after Okabe and Ito)
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


def pyplot():
    """``matplotlib.pyplot``, switching to the Agg backend when nothing chose one and there is no display.

    >>> plt = pyplot()
    >>> hasattr(plt, "subplots")
    True
    """
    try:
        import matplotlib
    except ImportError as err:  # pragma: no cover - matplotlib is in the test extra
        raise GradstepError(
            "gradstep.viz: plotting needs matplotlib; install it with pip install 'gradstep[plot]'"
        ) from err
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    nothing_chosen = "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND")
    if nothing_chosen and no_display and sys.platform.startswith("linux"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def subplots(nrows=1, ncols=1, width=None, height=None, **kwargs):
    """A new figure with a grid of axes, sized about 4.2 x 3.4 inches per panel.

    >>> fig, ax = subplots()
    >>> fig.get_size_inches().tolist()
    [4.2, 3.4]
    >>> close(fig)
    """
    plt = pyplot()
    size = (width or 4.2 * ncols, height or 3.4 * nrows)
    return plt.subplots(nrows, ncols, figsize=size, squeeze=True, **kwargs)


def figure_and_axes(ax, **kwargs):
    """``(ax.figure, ax)`` when an Axes is given, else a new one-panel figure.

    >>> fig, ax = figure_and_axes(None)
    >>> figure_and_axes(ax)[0] is fig
    True
    >>> close(fig)
    """
    if ax is not None:
        return ax.figure, ax
    return subplots(**kwargs)


def style_axes(ax, title=None, xlabel=None, ylabel=None, legend=False):
    """Title, axis labels, a light grid and (optionally) a legend on one Axes.

    >>> fig, ax = subplots(); style_axes(ax, "t", "x", "y"); ax.get_title()
    't'
    >>> close(fig)
    """
    if title:
        ax.set_title(title, fontsize=10)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3, linewidth=0.6)
    if legend:
        ax.legend(fontsize=8, frameon=False)


def save(fig, path, dpi=100):
    """Save ``fig`` to ``path`` (format from the suffix; parent folders are created); returns the Path.

    >>> import tempfile, pathlib
    >>> fig, ax = subplots()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = save(fig, pathlib.Path(d) / "sub" / "f.png"); p.stat().st_size > 0
    True
    >>> close(fig)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def finish(fig, path):
    """Tight layout, save when ``path`` is given, and return the figure (the end of every plot function)."""
    fig.tight_layout()
    if path is not None:
        save(fig, path)
    return fig


def close(fig):
    """Release a figure made through pyplot (demos close theirs after saving).

    >>> fig, ax = subplots(); close(fig)
    """
    pyplot().close(fig)
