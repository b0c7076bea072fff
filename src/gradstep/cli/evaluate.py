"""``gradstep evaluate RUN_DIR [--data ...]``: the metrics of a trained run on its test split or other data.

``--data`` naming the run's own data set still scores its held-out test split
(the rows the run never trained on, drawn again from the seed recorded in
config.json); ``--all-rows`` scores every row, training rows included. The
first line of the output says which.
"""

import os

from .datasets import load_dataset
from .report import evaluate_session, metrics_table
from .resume import restore
from .rundir import read_run

HELP = "metrics of a trained run on its test split, or on all of --data"


def add_parser(subparsers):
    """Register ``gradstep evaluate RUN_DIR [--data DATA] [--target COL]``.

    >>> from gradstep.cli import build_parser
    >>> args = build_parser().parse_args(["evaluate", "runs/a", "--data", "iris"])
    >>> args.run_dir, args.data, args.target
    ('runs/a', 'iris', None)
    """
    parser = subparsers.add_parser("evaluate", help=HELP, description=HELP)
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a folder written by gradstep train")
    parser.add_argument("--data", help="a data set name or FILE.csv (default: the run's own test split)")
    parser.add_argument("--target", help="target column of a CSV file (default: the run's target, else the last)")
    parser.add_argument("--all-rows", action="store_true",
                        help="score every row of the run's own data set, training rows included "
                             "(default: only its held-out test split)")  # fmt: skip
    parser.set_defaults(run=run)
    return parser


def same_data(spec, run_spec):
    """Whether ``--data spec`` names the data set the run was trained on (a CSV file by its real path).

    >>> same_data("iris", "iris"), same_data("wine", "iris")
    (True, False)
    """
    if spec == run_spec:
        return True
    csv_files = spec.lower().endswith(".csv") and run_spec.lower().endswith(".csv")
    return csv_files and os.path.realpath(spec) == os.path.realpath(run_spec)


def run(args):
    """Print the metrics table (the same metrics as the end of ``train``).

    >>> import contextlib, io, os, tempfile
    >>> from gradstep.cli import build_parser, main
    >>> out = os.path.join(tempfile.mkdtemp(), "run")
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     main(["train", "--data", "iris", "--hidden", "4", "--epochs", "1", "--quiet", "--out", out])
    >>> with contextlib.redirect_stdout(io.StringIO()) as printed:
    ...     status = run(build_parser().parse_args(["evaluate", out]))
    >>> status
    0
    >>> printed.getvalue().splitlines()[0] == f"metrics of {out} on the held-out test split of iris (30 examples; --all-rows for all 150)"
    True
    """
    run_dir, config = read_run(args.run_dir)
    session, trainer = restore(run_dir, config, progress=False)
    own = args.data is None or same_data(args.data, config["options"]["data"])
    if own and args.target is not None and args.target != config["options"]["target"]:
        own = False  # another target column of the same file: not the run's split
    note = ""
    if own and not args.all_rows:
        X, y_raw = session.X_test, session.raw_y_test
        what = f"the held-out test split of {session.dataset.name}"
        note = f"; --all-rows for all {len(session.dataset.X)}"
    elif own:
        X, y_raw = session.prep.features(session.dataset.X), session.dataset.y
        what = f"every row of {session.dataset.name}, training rows included"
    else:
        target = args.target if args.target is not None else config["options"]["target"]
        other = load_dataset(args.data, target, split="test")
        session.check_compatible(other)
        X, y_raw, what = session.prep.features(other.X), other.y, args.data
    results, _ = evaluate_session(session, trainer, X, session.targets(y_raw), y_raw)
    print(f"metrics of {run_dir} on {what} ({len(X)} examples{note})")
    print(metrics_table(results))
    return 0
