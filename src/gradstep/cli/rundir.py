"""The run folder: config.json, history.csv, model.safetensors, metrics.json, curves.png, confusion.png."""

import datetime
import json
from pathlib import Path

import numpy as np

from .errors import CommandLineError


def new_run_dir(out):
    """Create the folder for a new run: ``out``, or ``runs/<date-time>`` (never an existing run).

    >>> import tempfile, os
    >>> d = new_run_dir(os.path.join(tempfile.mkdtemp(), "first"))
    >>> d.name, d.is_dir()
    ('first', True)
    >>> _ = (d / "notes.txt").write_text("not a folder")
    >>> new_run_dir(d / "notes.txt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gradstep.errors.CommandLineError: --out .../first/notes.txt: cannot create the run folder: File exists
    """
    if out is None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        out, n = Path("runs") / stamp, 1
        while out.exists():
            n += 1
            out = Path("runs") / f"{stamp}-{n}"
    out = Path(out)
    if (out / "config.json").exists():
        raise CommandLineError(f"--out {out} already holds a run; choose another folder, or continue it with gradstep resume")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # a file of that name, no permission, ...
        raise CommandLineError(f"--out {out}: cannot create the run folder: {err.strerror or err}") from None
    return out


def write_json(path, value):
    """Write ``value`` as indented JSON (numpy numbers and arrays as plain numbers and lists).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.json"
    >>> write_json(path, {"accuracy": np.float32(0.5), "counts": np.array([1, 2])})
    >>> json.loads(path.read_text())
    {'accuracy': 0.5, 'counts': [1, 2]}
    """

    def plain(obj):
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        raise TypeError(f"cannot write {type(obj).__name__} to JSON")

    Path(path).write_text(json.dumps(value, indent=2, default=plain) + "\n")


def read_run(run_dir):
    """``(run_dir, config)`` of an existing run folder, with a clear error when it is not one.

    >>> read_run("no/such/folder")
    Traceback (most recent call last):
    ...
    gradstep.errors.CommandLineError: no/such/folder is not a run folder: it has no config.json (make one with gradstep train --out no/such/folder)
    """
    run_dir = Path(run_dir)
    config_path = run_dir / "config.json"
    if not config_path.is_file():
        raise CommandLineError(
            f"{run_dir} is not a run folder: it has no config.json (make one with gradstep train --out {run_dir})"
        )
    if not (run_dir / "model.safetensors").is_file():
        raise CommandLineError(f"{run_dir} has no model.safetensors: its training never finished an epoch")
    try:
        config = json.loads(config_path.read_text())
    except json.JSONDecodeError as err:
        raise CommandLineError(f"{config_path} is not valid JSON: {err}") from None
    return run_dir, config


def save_plots(run_dir, history, confusion=None, classes=None):
    """curves.png (loss and metric per epoch, best epoch marked) and, for classifiers, confusion.png."""
    from .. import viz  # matplotlib loads only here

    import matplotlib.pyplot as plt

    plt.close(viz.plot_history(history, path=run_dir / "curves.png"))
    if confusion is not None:
        labels = [str(c) for c in classes]
        plt.close(viz.plot_confusion_matrix(confusion, labels=labels, path=run_dir / "confusion.png"))
