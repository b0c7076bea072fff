"""``gradstep predict RUN_DIR --data FILE.csv [--out predictions.csv]``: predictions of a trained run.

The CSV file holds the run's feature columns; a column named like the run's
target is ignored, so the training file itself can be passed. The output has
one row per input row: ``prediction`` and, for models with class
probabilities (softmax, logistic, MLP classifier), ``p_<class>`` columns.

``--workers N`` / ``--scheduler ADDRESS`` predict on a dask cluster: Parquet
data are read by the workers, each block is scaled and run through the
network where it lives, and the predictions come back one block at a time,
written in row order (the features never reach this process).
"""

import csv
import os

import numpy as np

from ..data import load_csv, parquet
from ..errors import GradstepError
from .cluster import add_cluster_options, blocks_of, cluster_of, predictions_on_workers
from .datasets import csv_header, is_parquet, load_dataset
from .errors import CommandLineError
from .resume import restore
from .rundir import read_run

HELP = "predict with a trained run: one row per row of --data, written to --out"


def add_parser(subparsers):
    """Register ``gradstep predict RUN_DIR --data FILE.csv [--out FILE.csv]``.

    >>> from gradstep.cli import build_parser
    >>> args = build_parser().parse_args(["predict", "runs/a", "--data", "new.csv"])
    >>> args.run_dir, args.data, args.out
    ('runs/a', 'new.csv', 'predictions.csv')
    """
    parser = subparsers.add_parser("predict", help=HELP, description=HELP)
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a folder written by gradstep train")
    parser.add_argument("--data", required=True,
                        help="FILE.csv, FILE.parquet or a FOLDER of .parquet files (or a data set name: all its rows)")
    parser.add_argument("--out", default="predictions.csv", help="where to write the predictions (default predictions.csv)")
    add_cluster_options(parser, "predict")
    parser.set_defaults(run=run)
    return parser


def read_features(path, target):
    """The feature matrix of a CSV file, leaving out the column named ``target`` if there is one."""
    if not os.path.isfile(path):
        raise CommandLineError(f"--data: no such file: {path}")
    try:
        if target in csv_header(path):
            return load_csv(path, target=target)[0].astype(np.float32)
        return load_csv(path, target=None).astype(np.float32)
    except GradstepError as err:
        raise CommandLineError(f"--data {path}: {err}") from None


def read_parquet_features(path, target):
    """The features of Parquet data (file, folder or glob): every column but the one named ``target``."""
    try:
        columns = [c for c in parquet.column_names(path) if c != target]
        return parquet.load_parquet(path, columns=columns, dask=False, dtype=np.float32)
    except GradstepError as err:
        raise CommandLineError(f"--data {path}: {err}") from None


def run(args):
    """Write the predictions CSV and say how many rows it holds.

    >>> import contextlib, io, os, tempfile
    >>> from gradstep.cli import build_parser, main
    >>> folder = tempfile.mkdtemp()
    >>> out = os.path.join(folder, "run")
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     main(["train", "--data", "iris", "--hidden", "4", "--epochs", "1", "--quiet", "--out", out])
    >>> predictions = os.path.join(folder, "p.csv")
    >>> run(build_parser().parse_args(["predict", out, "--data", "iris", "--out", predictions]))  # doctest: +ELLIPSIS
    wrote 150 predictions to .../p.csv
    0
    >>> open(predictions).readline().strip()
    'prediction,p_0,p_1,p_2'
    """
    out = check_output_file(args.out)
    run_dir, config = read_run(args.run_dir)
    with cluster_of(args, config) as client:
        session, trainer = restore(run_dir, config, progress=False, client=client)
        if client is not None:
            return _predict_on_workers(client, session, trainer, args, out)
    if args.data.lower().endswith(".csv"):
        X = read_features(args.data, config["data"]["target"])
    elif is_parquet(args.data):
        X = read_parquet_features(args.data, config["data"]["target"])
    else:
        X = load_dataset(args.data, split="test").X
    _check_width(X.shape[1], session, args.data)
    X_scaled = session.prep.features(X)
    outputs = trainer.predict(X_scaled)
    predicted = session.predict(trainer, X_scaled)
    proba = session.network.probabilities(outputs)
    count = write_predictions(out, session, [(predicted, proba)])
    print(f"wrote {count} predictions to {args.out}")
    return 0


def _check_width(width, session, spec):
    n = session.dataset.X.shape[1]
    if width != n:
        raise CommandLineError(f"--data {spec}: has {width} feature columns, but the run was trained on {n}")


def _predict_on_workers(client, session, trainer, args, out):
    """Predictions of ``--data`` made block by block on the cluster (Parquet read by the workers)."""
    target = session.dataset.target
    if is_parquet(args.data):
        try:
            columns = [c for c in parquet.column_names(args.data) if c != target]
            X = parquet.load_parquet(args.data, columns=columns, dask=True, dtype=np.float32)
        except GradstepError as err:
            raise CommandLineError(f"--data {args.data}: {err}") from None
    elif args.data.lower().endswith(".csv"):
        X = read_features(args.data, target)  # not Parquet: read here, sent to the workers
    else:
        X = load_dataset(args.data, split="test").X
    data = blocks_of(client, X, None, "gradstep predict")
    _check_width(data.n_features, session, args.data)
    count = write_predictions(out, session, predictions_on_workers(data, session.readout, trainer.model))
    data.release()
    print(f"wrote {count} predictions to {args.out} (made on {len(client.nthreads())} workers)")
    return 0


def write_predictions(out, session, parts):
    """Write the CSV from ``(predictions, probabilities or None)`` parts in row order; returns the rows written."""
    classes = session.dataset.classes
    count = 0
    try:
        with open(out, "w", newline="") as f:
            writer = csv.writer(f)
            header_written = False
            for predicted, proba in parts:
                if not header_written:
                    writer.writerow(["prediction"] + ([f"p_{c}" for c in classes] if proba is not None else []))
                    header_written = True
                for i, value in enumerate(predicted.tolist()):
                    writer.writerow([value] + ([f"{p:.6g}" for p in proba[i]] if proba is not None else []))
                count += len(predicted)
    except OSError as err:
        raise CommandLineError(f"--out {out}: cannot write the predictions: {err.strerror or err}") from None
    return count


def check_output_file(path):
    """Refuse an --out that cannot be written, before any work: a missing folder, a folder, a read-only file.

    >>> check_output_file("no/such/folder/p.csv")
    Traceback (most recent call last):
    ...
    gradstep.errors.CommandLineError: --out no/such/folder/p.csv: the folder no/such/folder does not exist
    """
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise CommandLineError(f"--out {path}: is a folder; name a file, e.g. {os.path.join(path, 'predictions.csv')}")
    if not os.path.isdir(folder):
        raise CommandLineError(f"--out {path}: the folder {folder} does not exist")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise CommandLineError(f"--out {path}: the file is read-only")
    if not os.path.exists(path) and not os.access(folder, os.W_OK):
        raise CommandLineError(f"--out {path}: cannot create files in {folder}: Permission denied")
    return path
