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


def save_figure(fig, out_dir, filename):
    """Save ``fig`` as ``out_dir/filename``, close it, and return the path as a string."""
    path = save(fig, Path(out_dir) / filename)
    close(fig)
    return str(path)


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
