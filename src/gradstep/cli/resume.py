"""``gradstep resume RUN_DIR --epochs N``: continue a run to N epochs in all, exactly as one longer run.

The session is rebuilt from config.json (same data split, same network and
optimizer), then model.safetensors restores the weights, the optimizer's state
and step count, the shuffling and dropout generators, the epoch counter, the
history and the early-stopping counters; training goes on from that epoch.
"""

from .errors import CommandLineError
from .rundir import read_run
from .session import Session
from .train import finish_run

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


def restore(run_dir, config, progress=True, append=True):
    """``(session, trainer)`` of a run folder with the checkpoint loaded (used by resume and evaluate)."""
    options = config["options"]
    session = Session(options)
    trainer = session.trainer(session.run_callbacks(run_dir, append=append) if append else (), progress=progress)
    trainer.load(run_dir / "model.safetensors")
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
    run_dir, config = read_run(args.run_dir)
    try:
        epochs = int(args.epochs)
    except ValueError:
        raise CommandLineError(f"--epochs: expected a whole number, got {args.epochs!r}") from None
    done = config.get("epochs_trained", 0)
    if epochs <= done:
        raise CommandLineError(f"{run_dir} has already trained {done} epochs; --epochs must be more than {done}")
    stopped = config.get("stop_reason")
    if stopped:
        raise CommandLineError(f"{run_dir} stopped early ({stopped}); a longer run would have stopped there too")
    session, trainer = restore(run_dir, config, progress=not args.quiet)
    options = config["options"]
    trainer.fit((session.X_train, session.y_train), val=(session.X_val, session.y_val), epochs=epochs,
                batch_size=options["batch_size"], seed=options["seed"], initial_epoch=trainer.epoch)  # fmt: skip
    options["epochs"] = epochs
    config.setdefault("resumed", []).append({"from_epoch": done, "to_epochs": epochs})
    finish_run(session, trainer, run_dir, config, "resume")
    return 0
