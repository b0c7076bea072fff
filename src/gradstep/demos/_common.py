"""What every demo shares: the output folder, saving its figures, printing its numbers."""

from pathlib import Path

import numpy as np

from ..viz._style import close, save


def output_dir(out_dir):
    """``out_dir`` as a Path, created if needed.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     output_dir(pathlib.Path(d) / "gd-1d").is_dir()
    True
    """
    path = Path(out_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


#: every demo PNG is at least this many pixels wide (a small figure is saved at a higher resolution)
MIN_WIDTH_PX = 1000


def save_figure(fig, out_dir, filename):
    """Save ``fig`` as ``out_dir/filename`` at least ``MIN_WIDTH_PX`` wide, close it, return the path as a string.

    >>> import tempfile
    >>> from gradstep.viz._style import subplots
    >>> fig, ax = subplots()  # 4.2 inches: saved at about 250 dpi instead of 100
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = save_figure(fig, d, "f.png")
    ...     png_width(path) >= MIN_WIDTH_PX
    True
    """
    fig.canvas.draw()  # the tight bounding box is measured on a drawn figure
    width = fig.get_tightbbox(fig.canvas.get_renderer()).width  # inches
    dpi = max(100, int(np.ceil(MIN_WIDTH_PX / width)) + 1)
    path = save(fig, Path(out_dir) / filename, dpi=dpi)
    close(fig)
    return str(path)


def png_width(path):
    """The width in pixels of a PNG file (from its IHDR chunk)."""
    with open(path, "rb") as f:
        head = f.read(24)
    return int.from_bytes(head[16:20], "big")


def _format(value):
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.7g}"
    if isinstance(value, (list, tuple, np.ndarray)) and all(isinstance(v, (int, float, np.number)) for v in value):
        return np.array2string(np.asarray(value, dtype=float), precision=7, max_line_width=100, threshold=12)
    if isinstance(value, (list, tuple)):
        return ", ".join(_format(v) for v in value)
    return str(value)


def print_numbers(results, indent=""):
    """Print a demo's numbers, one ``key: value`` line each, nested dicts indented.

    >>> print_numbers({"x_final": 2.99999, "runs": {"good": [0.0, 1.2, 1.92]}})
    x_final: 2.99999
    runs:
      good: [0.   1.2  1.92]
    """
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"{indent}{key}:")
            print_numbers(value, indent + "  ")
        else:
            print(f"{indent}{key}: {_format(value)}")
