"""Reports of a run: the test metrics and the table ``train`` and ``evaluate`` print, and ``gradstep report``.

``gradstep report RUN_DIR [--out report.html]`` writes the run's HTML report
(``gradstep.viz.report``): what was run, the curves, the learning rate, the
gradient statistics, the test metrics and the confusion matrix, in one
self-contained file. ``train`` and ``resume`` write it as ``RUN_DIR/report.html``
when they finish.
"""

from pathlib import Path

import numpy as np

from ..errors import GradstepError
from ..train import metrics as M
from .rundir import read_run
from .table import format_table

HELP = "write a run folder's self-contained HTML report (curves, gradients, test metrics)"


def evaluate_session(session, trainer, X_scaled, y_targets, y_raw):
    """``(metrics dict, confusion matrix or None)`` on one data set.

    Classification: loss, accuracy and macro precision/recall/F1; regression:
    loss (on the standardized target), and MSE, MAE, R^2 in the target's units.
    """
    loss = trainer.evaluate(X_scaled, y_targets)["loss"]
    return finish_scores(score_sums(session.readout, trainer.predict(X_scaled), y_raw, loss))


def score_sums(readout, outputs, y_raw, loss):
    """What the metrics of one data block are made of: ``(rows, mean loss, confusion matrix or regression sums)``.

    Blocks are combined with ``add_scores`` (in block order) and turned into
    metrics by ``finish_scores``: the same metrics as on the rows all at once.
    """
    predicted = readout.labels(outputs)
    n = len(outputs)
    if readout.task == "classification":
        classes = np.asarray(readout.classes)
        t, p = np.searchsorted(classes, y_raw), np.searchsorted(classes, predicted)
        return n, loss, M.confusion_matrix(t, p, num_classes=len(classes))
    y = np.asarray(y_raw, np.float64)
    err = y - predicted
    mean = float(y.mean())
    # sum (y - y_hat)^2, sum |y - y_hat|, mean y, sum (y - mean y)^2
    return n, loss, np.array([float((err**2).sum()), float(np.abs(err).sum()), mean, float(((y - mean) ** 2).sum())])


def add_scores(a, b):
    """The score sums of two blocks together (means weighted by rows; Chan's update of sum (y - mean)^2)."""
    (n_a, loss_a, s_a), (n_b, loss_b, s_b) = a, b
    n = n_a + n_b
    loss = (loss_a * n_a + loss_b * n_b) / n
    if s_a.ndim == 2:  # confusion matrices
        return n, loss, s_a + s_b
    delta = s_b[2] - s_a[2]
    mean = s_a[2] + delta * n_b / n
    m2 = s_a[3] + s_b[3] + delta**2 * n_a * n_b / n  # M2 = M2_a + M2_b + delta^2 n_a n_b / n
    return n, loss, np.array([s_a[0] + s_b[0], s_a[1] + s_b[1], mean, m2])


def finish_scores(sums):
    """``(metrics dict, confusion matrix or None)`` from score sums."""
    n, loss, s = sums
    results = {"loss": loss}
    if s.ndim == 2:
        results.update(M.confusion_scores(s))
        return results, s
    results.update(mse=s[0] / n, mae=s[1] / n, r2=M.r2_from_sums(s[0], s[3]))
    return results, None


def metrics_table(results):
    """The metrics as a two-column table.

    >>> print(metrics_table({"loss": 0.08412, "accuracy": 0.975}))
    metric    value
    --------  ------
    loss      0.0841
    accuracy  0.9750
    """
    return format_table(["metric", "value"], [(name, f"{value:.4f}") for name, value in results.items()])


def model_summary(session):
    """The summary table of the session's network (layers, output shapes, parameter counts)."""
    return session.network.module.summary(input_shape=(int(session.dataset.X.shape[1]),))


def write_report(run_dir, summary=None, out=None):
    """Write the HTML report of ``run_dir`` (default ``run_dir/report.html``); returns its Path."""
    from ..viz.report import write_run_report  # matplotlib loads only here

    return write_run_report(run_dir, out=out, summary=summary)


def add_parser(subparsers):
    """Register ``gradstep report RUN_DIR [--out FILE]``.

    >>> from gradstep.cli import build_parser
    >>> args = build_parser().parse_args(["report", "runs/a", "--out", "a.html"])
    >>> args.run_dir, args.out
    ('runs/a', 'a.html')
    """
    parser = subparsers.add_parser("report", help=HELP, description=HELP)
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a folder written by gradstep train")
    parser.add_argument("--out", metavar="FILE", help="where to write the HTML (default RUN_DIR/report.html)")
    parser.set_defaults(run=run)
    return parser


def run(args):
    """Read the run folder, rebuild its network for the summary, and write the report.

    >>> import contextlib, io, os, tempfile
    >>> from gradstep.cli import main
    >>> out = os.path.join(tempfile.mkdtemp(), "run")
    >>> with contextlib.redirect_stdout(io.StringIO()) as printed:
    ...     statuses = (main(["train", "--data", "iris", "--hidden", "4", "--epochs", "2", "--quiet", "--out", out]),
    ...                 main(["report", out, "--out", os.path.join(out, "again.html")]))
    >>> statuses
    (0, 0)
    >>> "best epoch" in open(os.path.join(out, "again.html")).read()
    True
    """
    from .session import Session  # the data loaders load only for this command

    run_dir, config = read_run(args.run_dir)
    try:
        summary = model_summary(Session(config["options"]))
    except (GradstepError, KeyError) as err:  # the data set moved away: the report goes on without the table
        summary = f"(model summary unavailable: {err})"
    out = Path(args.out) if args.out is not None else None
    path = write_report(run_dir, summary=summary, out=out)
    print(f"report: {path}")
    return 0
