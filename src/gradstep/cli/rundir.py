"""The run folder: config.json, history.csv, model.safetensors, metrics.json, curves.png, confusion.png.

Consistency rules:

- the folder is claimed atomically: ``os.mkdir`` of a new folder, and the
  exclusive creation of its config.json, so two ``train --out SAME`` started
  together cannot both write there;
- model.safetensors holds the history with the weights; history.csv (epochs
  numbered from 1, as everywhere in the run folder) is rewritten from it after
  every checkpoint and when a run is resumed, so the two always agree;
- config.json is checked on load with the same checks as the command line, and
  the options that define the model and the split are stored in the checkpoint
  too: a folder whose config.json no longer matches its checkpoint is refused.
"""

import datetime
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from .errors import CommandLineError
from .options import TRAIN_OPTIONS, option_name

#: the files a run writes (``--overwrite`` removes exactly these)
RUN_FILES = (
    "config.json", "history.csv", "model.safetensors", "metrics.json", "curves.png", "confusion.png",
    "gradient_stats.json", "report.html",
)
#: options that define the network and the data split: stored in the checkpoint, compared on load
DEFINING_OPTIONS = ("data", "target", "model", "hidden", "activation", "dropout", "split", "seed", "standardize")


def _reason(err):
    return err.strerror or str(err)


def new_run_dir(out, overwrite=False):
    """Create (claim) the folder of a new run: ``out``, or ``runs/<date-time>`` (never an existing run).

    An existing folder is used when it holds no run; one that does is refused
    unless ``overwrite``, which deletes that run's files (and nothing else).

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
        _make_parents(Path("runs") / stamp)
        for n in range(1, 1000):
            candidate = Path("runs") / (stamp if n == 1 else f"{stamp}-{n}")
            try:
                os.mkdir(candidate)
                return candidate
            except FileExistsError:
                continue
            except OSError as err:
                raise CommandLineError(f"cannot create the run folder {candidate}: {_reason(err)}") from None
        raise CommandLineError(f"cannot create a run folder under runs/: {stamp}-1 to -999 all exist")
    out = Path(out)
    _make_parents(out)
    try:
        os.mkdir(out)  # atomic: of two runs started together, one creates the folder
        return out
    except FileExistsError:
        pass
    except OSError as err:  # no permission, a name too long, ...
        raise CommandLineError(f"--out {out}: cannot create the run folder: {_reason(err)}") from None
    if not out.is_dir():
        raise CommandLineError(f"--out {out}: cannot create the run folder: File exists")
    held = [name for name in RUN_FILES if (out / name).exists()]
    if held and not overwrite:
        raise CommandLineError(
            f"--out {out} already holds a run; choose another folder, continue it with gradstep resume, "
            "or start it again with --overwrite"
        )
    for name in held:
        try:
            (out / name).unlink()
        except OSError as err:
            raise CommandLineError(f"--overwrite: cannot remove {out / name}: {_reason(err)}") from None
    if not os.access(out, os.W_OK):
        raise CommandLineError(f"--out {out}: cannot write in this folder: Permission denied")
    return out


def _make_parents(out):
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CommandLineError(f"--out {out}: cannot create the folder {out.parent}: {_reason(err)}") from None


def _plain(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def _replace(path, text):
    """Write ``text`` to ``path`` atomically (a temporary file in the same folder, then os.replace)."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as err:
        raise CommandLineError(f"cannot write {path}: {_reason(err)}") from None


def write_json(path, value, exclusive=False):
    """Write ``value`` as indented JSON (numpy numbers and arrays as plain numbers and lists), atomically.

    ``exclusive``: create the file, refusing one that exists (the claim of a new run folder).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.json"
    >>> write_json(path, {"accuracy": np.float32(0.5), "counts": np.array([1, 2])})
    >>> json.loads(path.read_text())
    {'accuracy': 0.5, 'counts': [1, 2]}
    """
    text = json.dumps(value, indent=2, default=_plain) + "\n"
    if not exclusive:
        return _replace(path, text)
    try:
        with open(path, "x") as f:
            f.write(text)
    except FileExistsError:
        raise CommandLineError(f"--out {Path(path).parent}: another gradstep train claimed this folder first") from None
    except OSError as err:
        raise CommandLineError(f"cannot write {path}: {_reason(err)}") from None


def write_history(path, history):
    """history.csv from a ``History``: one row per epoch, epochs numbered from 1 (written atomically).

    >>> import tempfile, pathlib
    >>> from gradstep.train import History
    >>> h = History(); h.append(0, {"loss": 0.5}); h.append(1, {"loss": 0.25, "val_loss": 0.3})
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "history.csv"
    >>> write_history(path, h)
    >>> path.read_text().splitlines()
    ['epoch,loss,val_loss', '1,0.5,', '2,0.25,0.3']
    """
    keys = list(history.history)
    lines = [",".join(["epoch", *keys])]
    for i, epoch in enumerate(history.epoch):
        cells = ["" if history.history[k][i] is None else repr(history.history[k][i]) for k in keys]
        lines.append(",".join([str(epoch + 1), *cells]))
    _replace(path, "\n".join(lines) + "\n")


# ----- reading a run folder ---------------------------------------------------------------------
def _check(condition, config_path, what):
    if not condition:
        raise CommandLineError(f"{config_path} is damaged: {what} (was it edited by hand?)")


def validate_config(config, config_path):
    """Check a run's config.json with the command line's checks; return its options, parsed.

    >>> from gradstep.cli.options import default_options
    >>> config = {"options": {**default_options(), "batch_size": 0}, "data": {"n_features": 4}}
    >>> validate_config(config, "run/config.json")
    Traceback (most recent call last):
    ...
    gradstep.errors.CommandLineError: run/config.json: options.batch_size: --batch-size: 0 is out of range, expected a value in [1, inf)
    """
    _check(isinstance(config, dict), config_path, f"it holds a JSON {type(config).__name__}, not an object")
    options = config.get("options")
    _check(isinstance(options, dict), config_path, "it has no options table")
    renamed = {option_name(key) for key in options if option_name(key) != key}
    _check(not renamed & set(options), config_path, f"options {sorted(renamed & set(options))} are given twice")
    options = {option_name(key): value for key, value in options.items()}  # an older run's l2 is alpha
    unknown = sorted(set(options) - set(TRAIN_OPTIONS))
    _check(not unknown, config_path, f"unknown options {unknown}")
    parsed = {}
    for name, (parse, default, _) in TRAIN_OPTIONS.items():
        if name not in options:  # an option added after this run was trained: it ran with the default
            parsed[name] = default
            continue
        value = options[name]
        try:
            parsed[name] = default if value is None and default is None else parse(name.replace("_", "-"), value)
        except CommandLineError as err:
            raise CommandLineError(f"{config_path}: options.{name}: {err}") from None
        if parsed[name] != value:
            raise CommandLineError(f"{config_path}: options.{name}: {value!r} is not a value train writes")
    data = config.get("data")
    _check(isinstance(data, dict), config_path, "it has no data table")
    n = data.get("n_features")
    _check(isinstance(n, int) and not isinstance(n, bool) and n >= 1, config_path, f"data.n_features is {n!r}")
    for key in ("epochs_trained",):
        value = config.get(key, 0)
        _check(isinstance(value, int) and not isinstance(value, bool) and value >= 0, config_path, f"{key} is {value!r}")
    _check(config.get("stop_reason") is None or isinstance(config["stop_reason"], str), config_path,
           "stop_reason is not text")  # fmt: skip
    _check(isinstance(config.get("resumed", []), list), config_path, "resumed is not a list")
    return parsed


def defining_options(options):
    """The options that define the network and the split (stored in the checkpoint).

    >>> from gradstep.cli.options import default_options
    >>> sorted(defining_options(default_options()))[:3]
    ['activation', 'data', 'dropout']
    """
    return {name: options[name] for name in DEFINING_OPTIONS}


def check_matches_checkpoint(run_dir, options, stored):
    """Refuse a run folder whose config.json defines another model or split than its checkpoint was trained with."""
    if stored is None:  # a checkpoint written before gradstep stored them
        return
    changed = [name for name in DEFINING_OPTIONS if stored.get(name) != options[name]]
    if changed:
        shown = ", ".join(f"{name} {options[name]!r} (checkpoint: {stored.get(name)!r})" for name in changed)
        raise CommandLineError(
            f"{run_dir}/config.json does not match {run_dir}/model.safetensors: {shown}; "
            "restore config.json, or train a new run with the new options"
        )


def read_run(run_dir, need_model=True):
    """``(run_dir, config)`` of an existing run folder, with a clear error when it is not one.

    ``config["options"]`` has passed the command line's checks. With
    ``need_model`` a folder without model.safetensors (a run stopped before
    its first epoch ended) is refused, saying how to go on.

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
    if need_model and not (run_dir / "model.safetensors").is_file():
        raise CommandLineError(
            f"{run_dir} has no model.safetensors: its training never finished an epoch; "
            f"start it again with gradstep resume {run_dir} --epochs N, or gradstep train --out {run_dir} --overwrite"
        )
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise CommandLineError(f"{config_path} is not valid JSON: {type(err).__name__}: {str(err)[:200]}") from None
    except OSError as err:
        raise CommandLineError(f"cannot read {config_path}: {_reason(err)}") from None
    config["options"] = validate_config(config, config_path)
    return run_dir, config


def check_writable(run_dir):
    """Refuse a run folder that cannot be written (resume writes every file again)."""
    if not os.access(run_dir, os.W_OK) or any(
        (run_dir / name).exists() and not os.access(run_dir / name, os.W_OK) for name in RUN_FILES
    ):
        raise CommandLineError(f"{run_dir} is read-only: resume rewrites its files; copy the folder and resume the copy")


def save_plots(run_dir, history, confusion=None, classes=None):
    """curves.png (loss and metric per epoch, best epoch marked) and, for classifiers, confusion.png."""
    from .. import viz  # matplotlib loads only here

    import matplotlib.pyplot as plt

    plt.close(viz.plot_history(history, path=run_dir / "curves.png"))
    if confusion is not None:
        labels = [str(c) for c in classes]
        plt.close(viz.plot_confusion_matrix(confusion, labels=labels, path=run_dir / "confusion.png"))


__all__ = [
    "RUN_FILES", "DEFINING_OPTIONS", "new_run_dir", "write_json", "write_history", "validate_config",
    "defining_options", "check_matches_checkpoint", "read_run", "check_writable", "save_plots",
]  # fmt: skip
