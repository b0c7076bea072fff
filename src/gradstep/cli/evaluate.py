"""``gradstep evaluate RUN_DIR [--data ...]``: the metrics of a trained run on its test split or other data.

``--data`` naming the run's own data set still scores its held-out test split
(the rows the run never trained on, drawn again from the seed recorded in
config.json); ``--all-rows`` scores every row, training rows included. The
first line of the output says which.

``--workers N`` / ``--scheduler ADDRESS`` score other ``--data`` on a dask
cluster: Parquet data are read by the workers and never reach this process
(see ``cluster``). The run's own split is scored where it is: here for a
run whose data were read here, on the workers for a run trained on Parquet
data read by the workers (rebuilt on the given cluster, else on one like the
run's own).
"""

import os

import numpy as np

from ..data import parquet
from ..errors import GradstepError
from .cluster import add_cluster_options, blocks_of, cluster_of, scores_on_workers
from .datasets import is_parquet, load_dataset
from .errors import CommandLineError
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
    add_cluster_options(parser, "score")
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
    with cluster_of(args, config) as client:
        return _evaluate(args, run_dir, config, client)


def _evaluate(args, run_dir, config, client):
    session, trainer = restore(run_dir, config, progress=False, client=client)
    own = args.data is None or same_data(args.data, config["options"]["data"])
    if own and args.target is not None and args.target != config["options"]["target"]:
        own = False  # another target column of the same file: not the run's split
    if not own:
        target = args.target if args.target is not None else config["options"]["target"]
        if client is not None:
            return _evaluate_on_workers(client, session, trainer, run_dir, args.data, target)
        other = load_dataset(args.data, target, split="test")
        session.check_compatible(other)
        results, _ = evaluate_session(session, trainer, session.prep.features(other.X), session.targets(other.y), other.y)
        print(f"metrics of {run_dir} on {args.data} ({len(other.X)} examples)")
        print(metrics_table(results))
        return 0
    sizes, name, note = session.sizes, session.dataset.name, ""
    if args.all_rows:
        what, count = f"every row of {name}, training rows included", len(session.dataset.X)
    else:
        what, count = f"the held-out test split of {name}", sizes["test"]
        note = f"; --all-rows for all {len(session.dataset.X)}"
    if session.on_workers:
        note += f", scored on {len(client.nthreads())} workers"
    elif client is not None:
        note += "; scored here: the run's own rows were read to rebuild the run"
    results, _ = session.test_scores(trainer, rows="all" if args.all_rows else "test")
    print(f"metrics of {run_dir} on {what} ({count} examples{note})")
    print(metrics_table(results))
    return 0


def _evaluate_on_workers(client, session, trainer, run_dir, spec, target):
    """The metrics of ``--data`` scored block by block on the cluster (Parquet read by the workers)."""
    if is_parquet(spec):
        X, y = read_parquet_on_workers(spec, target, session.dataset.target)
    else:
        other = load_dataset(spec, target, split="test")  # not Parquet: read here, sent to the workers
        session.check_compatible(other)
        X, y = other.X, other.y
    data = blocks_of(client, X, y, "gradstep evaluate")
    n = session.dataset.X.shape[1]
    if data.n_features != n:
        raise CommandLineError(f"--data {spec}: has {data.n_features} feature columns, but the run was trained on {n}")
    _check_labels(data, session, spec)
    results, _ = scores_on_workers(data, session.readout, trainer.model, trainer.loss)
    data.release()
    print(f"metrics of {run_dir} on {spec} ({data.n_samples} examples, scored on {len(client.nthreads())} workers)")
    print(metrics_table(results))
    return 0


def read_parquet_on_workers(spec, target, run_target):
    """Dask ``(X, y)`` of Parquet ``--data``, read by the workers: ``target`` (name, or the run's target) and the rest."""
    try:
        names = parquet.column_names(spec)
        column = target if isinstance(target, str) and target in names else run_target
        if column not in names:
            raise CommandLineError(f"--data {spec}: has no target column {column!r}; its columns are {names}")
        return parquet.load_parquet(spec, target=column, dask=True, dtype="float32")
    except GradstepError as err:
        if isinstance(err, CommandLineError):
            raise
        raise CommandLineError(f"--data {spec}: {err}") from None


def _check_labels(data, session, spec):
    """Labels of the blocks that the run's classes do not hold: a CommandLineError naming them."""
    if session.dataset.task != "classification":
        return
    from ..distributed import blocks as B

    seen = np.unique(np.concatenate(data.map(B.unique_labels)))
    unknown = sorted(set(seen.tolist()) - set(session.dataset.classes))
    if unknown:
        raise CommandLineError(f"--data {spec}: labels {unknown} are not among the run's classes {session.dataset.classes}")
