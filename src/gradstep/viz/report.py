"""The run report: one self-contained HTML page that shows what a training run did.

No server, no network, no JavaScript: the figures are PNGs inlined as base64
``data:`` URLs, the tables are HTML. The page holds what was run (data set,
split sizes, model summary, every option, versions), the loss and metric
curves with the best epoch, an early stop and resume points marked, the
learning rate per epoch, the per-layer gradient norms and update-to-weight
ratios that ``gradstep.train.GradientStats`` recorded, and for classifiers
the test metrics and the confusion matrix.

``run_report(run_dir)`` reads a folder written by ``gradstep train``;
``report(history_or_trainer, path)`` does the same from Python.
"""

import base64
import csv
import html
import io
import json
import math
import platform
from pathlib import Path

import numpy as np

from ..errors import ReportError
from ._style import COLORS, close, style_axes, subplots
from .confusion import plot_confusion_matrix
from .curves import best_epoch, plot_history

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; margin-top: 1.6em; }
.lead { color: #555; margin-top: 0; }
.facts { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.fact { background: #f3f6fa; border-radius: 6px; padding: 0.5em 0.9em; }
.fact b { display: block; font-size: 1.3em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25em 0.8em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
img { max-width: 100%; height: auto; display: block; margin: 0.5em 0; }
.note { color: #666; font-size: 0.9em; }
.columns { display: flex; flex-wrap: wrap; gap: 2.5em; align-items: flex-start; }
"""


# ----- collecting the numbers ---------------------------------------------------------------
def read_history_csv(path):
    """``{column: [one float or None per epoch]}`` of a history.csv written by ``CSVLogger``.

    The ``epoch`` column is left out: rows are epochs 1, 2, ... in file order.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "history.csv"
    >>> _ = p.write_text("epoch,loss,val_loss\\n0,0.9,1.0\\n1,0.5,\\n")
    >>> read_history_csv(p)
    {'loss': [0.9, 0.5], 'val_loss': [1.0, None]}
    """
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = {}
    for row in rows:
        for key, text in row.items():
            if key == "epoch" or key is None:
                continue
            columns.setdefault(key, []).append(float(text) if text not in ("", None) else None)
    return columns


def _read_json(path, what):
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as err:
        raise ReportError(f"report: {path} ({what}) is not valid JSON: {err}") from None


def _versions():
    from .. import __version__

    return {"gradstep": __version__, "NumPy": np.__version__, "Python": platform.python_version()}


def run_report(run_dir, summary=None):
    """The numbers of a run folder (config.json, history.csv, metrics.json, gradient_stats.json) as a dict.

    ``summary`` is the model summary text (``Module.summary``), when the caller
    can build the model. The dict is what ``render`` draws.

    >>> run_report("no/such/run")
    Traceback (most recent call last):
    ...
    gradstep.errors.ReportError: report: no/such/run is not a run folder: it has no config.json
    """
    run_dir = Path(run_dir)
    config = _read_json(run_dir / "config.json", "the run's configuration")
    if config is None:
        raise ReportError(f"report: {run_dir} is not a run folder: it has no config.json")
    if not (run_dir / "history.csv").is_file():
        raise ReportError(f"report: {run_dir} has no history.csv: its training never finished an epoch")
    history = read_history_csv(run_dir / "history.csv")
    metrics = _read_json(run_dir / "metrics.json", "the test metrics") or {}
    data = config.get("data", {})
    sizes = data.get("sizes", {})
    facts = {"data set": data.get("name", "?"), "task": data.get("task", "?")}
    facts.update({f"{split} examples": n for split, n in sizes.items()})
    if data.get("n_features") is not None:
        facts["features"] = data["n_features"]
    if data.get("classes"):
        facts["classes"] = len(data["classes"])
    versions = {"gradstep (training)": config.get("gradstep", "?")}
    if config.get("numpy"):
        versions["NumPy (training)"] = config["numpy"]
    versions.update({f"{k} (this report)": v for k, v in _versions().items()})
    resumed = [int(r["from_epoch"]) for r in config.get("resumed", []) if "from_epoch" in r]
    stop_reason = metrics.get("stop_reason", config.get("stop_reason"))
    return {
        "title": f"gradstep run {run_dir.resolve().name}",
        "command": " ".join(config.get("argv", [])),
        "facts": facts,
        "options": config.get("options", {}),
        "versions": versions,
        "summary": summary,
        "history": history,
        "best_epoch": metrics.get("best_epoch"),
        "stop_reason": stop_reason,
        "early_stop_epoch": len(history.get("loss", [])) if _is_early_stop(stop_reason) else None,
        "resumed": resumed,
        "gradients": _read_json(run_dir / "gradient_stats.json", "the gradient statistics"),
        "test": metrics.get("test"),
        "confusion": metrics.get("confusion_matrix"),
        "labels": [str(c) for c in data.get("classes") or []] or None,
    }


def _is_early_stop(reason):
    return bool(reason) and str(reason).startswith("early stopping")


def trainer_report(history_or_trainer, test=None, confusion=None, labels=None, title=None, info=None):
    """The report's numbers of a ``Trainer`` (history, model summary, GradientStats) or of a ``History``.

    >>> from gradstep.train import History
    >>> h = History(); h.append(0, {"loss": 0.9}); h.append(1, {"loss": 0.4})
    >>> trainer_report(h)["best_epoch"]
    2
    """
    from ..train import GradientStats, History, Trainer

    trainer = history_or_trainer if isinstance(history_or_trainer, Trainer) else None
    history = trainer.history if trainer is not None else history_or_trainer
    if isinstance(history, History):
        columns = history.history
    elif isinstance(history, dict):
        columns = history
    else:
        raise ReportError(
            f"report: expected a Trainer, a History, a dict of per-epoch lists or a run folder, "
            f"got {type(history_or_trainer).__name__}"
        )
    if not columns.get("loss"):
        raise ReportError("report: the history has no 'loss' values: train for at least one epoch first")
    summary = gradients = stop_reason = None
    facts, options = dict(info or {}), {}
    if trainer is not None:
        if hasattr(trainer.model, "summary"):
            summary = trainer.model.summary()
        stats = [cb for cb in trainer.callbacks if isinstance(cb, GradientStats)]
        gradients = stats[0].records if stats else None
        stop_reason = trainer.stop_reason
        options = {"model": type(trainer.model).__name__, "optimizer": repr(trainer.optimizer),
                   "loss": type(trainer.loss).__name__, **{k: v for k, v in history.params.items()}}  # fmt: skip
    return {
        "title": title or "gradstep training report",
        "command": "",
        "facts": facts,
        "options": options,
        "versions": _versions(),
        "summary": summary,
        "history": columns,
        "best_epoch": best_epoch(columns),
        "stop_reason": stop_reason,
        "early_stop_epoch": len(columns["loss"]) if _is_early_stop(stop_reason) else None,
        "resumed": [],
        "gradients": gradients,
        "test": test,
        "confusion": None if confusion is None else np.asarray(confusion).tolist(),
        "labels": None if labels is None else [str(c) for c in labels],
    }


# ----- drawing ----------------------------------------------------------------------------
def png_data_url(fig, dpi=100):
    """``data:image/png;base64,...`` of a matplotlib figure (closed afterwards).

    >>> from gradstep.viz._style import subplots
    >>> fig, ax = subplots(); _ = ax.plot([0, 1])
    >>> png_data_url(fig)[:22]
    'data:image/png;base64,'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _mark_events(ax, data):
    """Resume points (dotted) and the early stop (red) on an Axes whose x axis is the 1-based epoch."""
    for i, epoch in enumerate(data["resumed"]):
        ax.axvline(epoch + 0.5, color=COLORS[2], linestyle=":", linewidth=1.5,
                   label="resumed" if i == 0 else None)  # fmt: skip
    if data["early_stop_epoch"]:
        ax.axvline(data["early_stop_epoch"], color="#C00000", linewidth=1.2, label="early stop")


def curves_figure(data):
    """Train and validation loss and metrics per epoch with the best epoch, early stop and resumes marked."""
    columns = {k: v for k, v in data["history"].items() if v and any(x is not None for x in v)}
    columns = {k: [math.nan if x is None else x for x in v] for k, v in columns.items()}
    fig = plot_history(columns, best=data["best_epoch"])
    width = 5.2 * len(fig.axes)
    fig.set_size_inches(max(width, 10), 4.0)
    for ax in fig.axes:
        _mark_events(ax, data)
        ax.legend(fontsize=8, frameon=False)
        ax.set_title(f"{ax.get_title()} per epoch", fontsize=11)
    fig.suptitle("loss and metrics: train (blue) and validation (orange)", fontsize=12)
    fig.tight_layout()
    return fig


def learning_rate_figure(data):
    """The learning rate at the end of each epoch, or None when none was logged."""
    lr = [x for x in data["history"].get("lr", []) if x is not None]
    if not lr:
        return None
    fig, ax = subplots(width=10, height=3.2)
    ax.plot(np.arange(1, len(lr) + 1), lr, "o-", color=COLORS[0], markersize=3, label="learning rate")
    if min(lr) > 0 and max(lr) / min(lr) > 20:
        ax.set_yscale("log")
    elif max(lr) == min(lr):  # a constant rate: show it against zero, without an offset on the axis
        ax.set_ylim(0, 1.5 * max(lr) if max(lr) > 0 else 1.0)
    if ax.get_yscale() == "linear":
        ax.ticklabel_format(axis="y", useOffset=False)
    _mark_events(ax, data)
    style_axes(ax, title="learning rate per epoch", xlabel="epoch", ylabel="learning rate", legend=True)
    fig.tight_layout()
    return fig


def gradient_figure(records):
    """Per-parameter gradient norm and update-to-weight ratio per epoch (log scales), or None."""
    if not records or not records.get("epoch"):
        return None
    epochs = records["epoch"]
    fig, axes = subplots(1, 2, width=12, height=4.2)
    panels = (("grad_norm", "gradient norm ||dL/dW|| (mean over batches)", "||dL/dW||"),
              ("update_ratio", "update-to-weight ratio ||dW|| / ||W||", "||dW|| / ||W||"))  # fmt: skip
    for ax, (stat, title, ylabel) in zip(axes, panels):
        for i, (name, values) in enumerate(records[stat].items()):
            ys = np.array([math.nan if v is None else v for v in values], dtype=float)
            style = "-" if name.endswith("weight") or "." not in name else "--"
            ax.plot(epochs[: len(ys)], ys, style, marker="o", markersize=3, color=COLORS[i % len(COLORS)], label=name)
        if stat == "update_ratio":
            ax.axhline(1e-3, color="0.5", linestyle=":", linewidth=1, label="1e-3 (rule of thumb)")
        if np.nanmin([v for vs in records[stat].values() for v in vs if v is not None] or [1.0]) > 0:
            ax.set_yscale("log")
        style_axes(ax, title=title, xlabel="epoch", ylabel=ylabel, legend=True)
    fig.suptitle("is every layer learning? (solid: weights, dashed: biases)", fontsize=12)
    fig.tight_layout()
    return fig


def confusion_figure(data):
    """The test confusion matrix, or None for a regression run."""
    if not data["confusion"]:
        return None
    cm = np.asarray(data["confusion"])
    fig = plot_confusion_matrix(cm, labels=data["labels"], title="test confusion matrix (rows: true class)")
    size = max(4.5, 0.45 * len(cm) + 2)
    fig.set_size_inches(size + 1, size)
    fig.tight_layout()
    return fig


# ----- the page ---------------------------------------------------------------------------
def _esc(value):
    return html.escape(str(value))


def _number(value):
    if isinstance(value, bool) or value is None:
        return _esc(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4f}" if abs(value) >= 1e-3 or value == 0 else f"{float(value):.3g}"
    return _esc(value)


def _table(header, rows, numeric=()):
    out = ["<table>", "<tr>" + "".join(f"<th>{_esc(h)}</th>" for h in header) + "</tr>"]
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            klass = ' class="num"' if i in numeric else ""
            cells.append(f"<td{klass}>{_number(cell) if i in numeric else _esc(cell)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _image(fig, alt):
    return f'<img src="{png_data_url(fig)}" alt="{_esc(alt)}">' if fig is not None else ""


def _option_text(value):
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return "None" if value is None else str(value)


def _epoch_table(history):
    keys = [k for k, v in history.items() if k != "seconds" and v]
    n = max((len(v) for v in history.values()), default=0)
    rows = [[e + 1] + [history[k][e] if e < len(history[k]) else None for k in keys] for e in range(n)]
    return _table(["epoch", *keys], rows, numeric=range(len(keys) + 1))


def render(data):
    """The HTML page of a report's numbers (from ``run_report`` or ``trainer_report``).

    >>> from gradstep.train import History
    >>> h = History(); h.append(0, {"loss": 0.9, "val_loss": 1.0}); h.append(1, {"loss": 0.4, "val_loss": 0.7})
    >>> page = render(trainer_report(h))
    >>> page.startswith("<!DOCTYPE html>"), "best epoch: 2" in page
    (True, True)
    """
    history = data["history"]
    losses = [v for v in history.get("loss", []) if v is not None]
    best = data["best_epoch"]
    monitor = "val_loss" if any(v is not None for v in history.get("val_loss", [])) else "loss"
    best_value = history[monitor][best - 1] if best and best <= len(history.get(monitor, [])) else None
    facts = [("epochs trained", len(losses)),
             ("best epoch", f"{best}" + (f" ({monitor} {best_value:.4f})" if best_value is not None else ""))]  # fmt: skip
    test = data["test"] or {}
    for key in ("accuracy", "r2", "loss"):
        if key in test:
            facts.append((f"test {key}", f"{test[key]:.4f}"))
            break
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(data['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_esc(data['title'])}</h1>",
    ]
    if data["command"]:
        parts.append(f'<p class="lead"><code>{_esc(data["command"])}</code></p>')
    parts.append('<div class="facts">' + "".join(f'<div class="fact">{_esc(k)}<b>{_esc(v)}</b></div>'
                                                 for k, v in facts) + "</div>")  # fmt: skip
    summary_line = [f"best epoch: {best}"]
    if "accuracy" in test:
        summary_line.append(f"test accuracy: {test['accuracy']:.4f}")
    if data["stop_reason"]:
        summary_line.append(f"stopped: {data['stop_reason']}")
    if data["resumed"]:
        summary_line.append("resumed after epoch " + ", ".join(str(e) for e in data["resumed"]))
    parts.append("<p>" + _esc("; ".join(summary_line)) + "</p>")

    parts.append("<h2>Training curves</h2>")
    parts.append(_image(curves_figure(data), "loss and metric curves per epoch"))
    parts.append(
        f'<p class="note">Dashed grey: the best epoch ({best}, lowest {monitor}).'
        + (" Red: early stop." if data["early_stop_epoch"] else "")
        + (" Dotted green: where the run was resumed." if data["resumed"] else "")
        + "</p>"
    )
    lr_fig = learning_rate_figure(data)
    if lr_fig is not None:
        parts.append("<h2>Learning rate</h2>" + _image(lr_fig, "learning rate per epoch"))
    parts.append("<h2>Gradients</h2>")
    grad_fig = gradient_figure(data["gradients"])
    if grad_fig is None:
        parts.append('<p class="note">No gradient statistics were recorded (add gradstep.train.GradientStats '
                     "to the Trainer's callbacks).</p>")  # fmt: skip
    else:
        parts.append(_image(grad_fig, "gradient norms and update-to-weight ratios per epoch"))
        parts.append('<p class="note">A layer whose gradient norm falls by orders of magnitude has vanishing '
                     "gradients; an update-to-weight ratio far below 1e-3 means the layer barely moves, far above "
                     "that its weights jump around.</p>")  # fmt: skip
    if test:
        parts.append("<h2>Test set</h2>")
        metrics_table = _table(["metric", "value"], list(test.items()), numeric=(1,))
        matrix = _image(confusion_figure(data), "test confusion matrix")
        parts.append(f'<div class="columns"><div>{metrics_table}</div><div>{matrix}</div></div>')
    parts.append("<h2>What was run</h2>")
    tables = []
    if data["facts"]:
        tables.append("<div><h3>Data</h3>" + _table(["", ""], list(data["facts"].items())) + "</div>")
    if data["options"]:
        rows = [(k, _option_text(v)) for k, v in data["options"].items()]
        tables.append("<div><h3>Options</h3>" + _table(["option", "value"], rows) + "</div>")
    tables.append("<div><h3>Versions</h3>" + _table(["software", "version"], list(data["versions"].items())) + "</div>")
    parts.append('<div class="columns">' + "".join(tables) + "</div>")
    if data["summary"]:
        parts.append(f"<h3>Model</h3><pre>{_esc(data['summary'])}</pre>")
    parts.append("<h2>Every epoch</h2>" + _epoch_table(history))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p) + "\n"


def write_run_report(run_dir, out=None, summary=None):
    """Write ``run_dir/report.html`` (or ``out``) for a run folder; returns its Path.

    >>> write_run_report("no/such/run")
    Traceback (most recent call last):
    ...
    gradstep.errors.ReportError: report: no/such/run is not a run folder: it has no config.json
    """
    page = render(run_report(run_dir, summary=summary))
    out = Path(out) if out is not None else Path(run_dir) / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def report(history_or_trainer, path="report.html", test=None, confusion=None, labels=None, title=None):
    """Write the HTML run report of a Trainer, a History or a run folder to ``path``; returns the Path.

    Parameters
    ----------
    history_or_trainer : Trainer, History, dict or path
        A ``Trainer`` gives the curves, the model summary and (when one of its
        callbacks is a ``GradientStats``) the gradient statistics; a History
        (or a dict of per-epoch lists) only the curves; a run folder of
        ``gradstep train`` everything it holds.
    path : str or Path
        The HTML file to write.
    test : dict, optional
        Test metrics to list (``{"accuracy": 0.97, ...}``).
    confusion, labels : optional
        A confusion matrix (rows: true class) and its class names.

    >>> import os, tempfile
    >>> from gradstep.train import History
    >>> h = History(); h.append(0, {"loss": 0.9}); h.append(1, {"loss": 0.4})
    >>> path = report(h, os.path.join(tempfile.mkdtemp(), "report.html"))
    >>> "best epoch: 2" in open(path).read()
    True
    """
    if isinstance(history_or_trainer, (str, Path)):
        if any(v is not None for v in (test, confusion, labels, title)):
            raise ReportError("report: a run folder brings its own test metrics and title; pass only the folder")
        return write_run_report(history_or_trainer, out=path)
    page = render(trainer_report(history_or_trainer, test, confusion, labels, title))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


__all__ = ["report", "run_report", "trainer_report", "render", "write_run_report", "read_history_csv", "ReportError"]
