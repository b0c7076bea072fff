"""``gradstep resume RUN_DIR --epochs N``: continue a run to N epochs in all, exactly as one longer run.

The session is rebuilt from config.json (same data split, same network and
optimizer), then model.safetensors restores the weights, the optimizer's state
and step count, the shuffling and dropout generators, the epoch counter, the
history and the early-stopping counters; training goes on from that epoch.
history.csv is first rewritten from the checkpoint's history (after a kill it
may hold an epoch the checkpoint does not). A run folder without
model.safetensors (stopped before its first epoch ended) starts from scratch.
"""

from .cluster import cluster_client, make_session
from .errors import CommandLineError
from .options import _number
from .rundir import check_matches_checkpoint, check_writable, read_run, write_history
from .train import finish_run, fit

HELP = "continue a run to --epochs N in all, with the same result as one longer run"


def add_parser(subparsers):
    """Register ``gradstep resume RUN_DIR --epochs N [--quiet]``.

    >>> from gradstep.cli import build_parser
    >>> args = build_parser().parse_args(["resume", "runs/a", "--epochs", "30"])
    >>> args.run_dir, args.epochs, args.quiet
    ('runs/a', '30', False)
    """
    parser = subparsers.add_parser("resume", help=HELP, description=HELP)
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a folder written by gradstep train")
    parser.add_argument("--epochs", required=True, metavar="N", help="the total number of epochs to reach")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, only the final table")
    parser.set_defaults(run=run)
    return parser


def restore(run_dir, config, progress=True, callbacks=False, client=None):
    """``(session, trainer)`` of a run folder with the checkpoint loaded (used by resume, evaluate and predict).

    The checkpoint must hold the model and split config.json defines; without
    model.safetensors (a run stopped before its first epoch ended) the trainer
    is a fresh one, at epoch 0. A run whose rows were read by dask workers is
    rebuilt on ``client``'s cluster (the same split, drawn per block).
    """
    options = config["options"]
    on_workers = config["data"].get("read_by") == "workers"
    if on_workers and client is None:
        raise CommandLineError(
            f"{run_dir} was trained on Parquet data read by dask workers: give --workers N or --scheduler ADDRESS "
            "to rebuild it there"
        )
    session = make_session(options, client if on_workers else None)
    if session.dataset.X.shape[1] != config["data"]["n_features"]:
        raise CommandLineError(
            f"{run_dir}/config.json says {config['data']['n_features']} features, but --data "
            f"{options['data']} now has {session.dataset.X.shape[1]}"
        )
    trainer = session.trainer(session.run_callbacks(run_dir) if callbacks else (), progress=progress)
    path = run_dir / "model.safetensors"
    if path.is_file():
        meta = trainer.load(path)
        check_matches_checkpoint(run_dir, options, meta.get("run"))
    return session, trainer


def run(args):
    """Load the run, check N, train epochs ``done .. N - 1``, and rewrite the run folder's results.

    >>> import contextlib, io, json, os, tempfile
    >>> from gradstep.cli import build_parser, main
    >>> out = os.path.join(tempfile.mkdtemp(), "run")
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     statuses = (main(["train", "--data", "iris", "--hidden", "4", "--epochs", "1", "--quiet", "--out", out]),
    ...                 run(build_parser().parse_args(["resume", out, "--epochs", "2", "--quiet"])))
    >>> statuses
    (0, 0)
    >>> config = json.load(open(os.path.join(out, "config.json")))
    >>> config["epochs_trained"], config["resumed"]
    (2, [{'from_epoch': 1, 'to_epochs': 2}])
    """
    run_dir, config = read_run(args.run_dir, need_model=False)
    epochs = _number(int, low=1, high=10**9)("epochs", args.epochs)
    check_writable(run_dir)
    stopped = config.get("stop_reason")
    if stopped:
        raise CommandLineError(f"{run_dir} stopped early ({stopped}); a longer run would have stopped there too")
    options = config["options"]
    with cluster_client(options.get("workers"), options.get("scheduler")) as client:  # the run's own cluster
        session, trainer = restore(run_dir, config, progress=not args.quiet, callbacks=True, client=client)
        done = trainer.epoch  # the checkpoint's count: config.json or history.csv may be ahead after a kill
        if epochs <= done:
            raise CommandLineError(f"{run_dir} has already trained {done} epochs; --epochs must be more than {done}")
        write_history(run_dir / "history.csv", trainer.history)  # trim what the checkpoint does not cover
        fit(session, trainer, epochs, initial_epoch=done, client=client)
        options["epochs"] = epochs
        config.setdefault("resumed", []).append({"from_epoch": done, "to_epochs": epochs})
        finish_run(session, trainer, run_dir, config, "resume")
    return 0
