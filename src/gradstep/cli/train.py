"""``gradstep train``: train a model and write a run folder.

With no arguments: an MLP (256, 128, ReLU, Adam) on the bundled digits, 15
epochs of minibatches of 32 over a 60/20/20 stratified split, standardized
features, seed 0, a progress bar, a table of test metrics and ``runs/<date-time>``.
"""

import sys

import numpy as np

from .. import __version__
from ..errors import TrainingDivergedError
from .cluster import cluster_client, on_cluster
from .options import add_train_options, resolve_train_options
from .report import evaluate_session, metrics_table, model_summary, write_report
from .rundir import new_run_dir, save_plots, write_history, write_json
from .session import Session

HELP = "train a model and write a run folder (no options: an MLP on the bundled digits)"


def add_parser(subparsers):
    """Register ``gradstep train`` with every option of ``gradstep.cli.options.TRAIN_OPTIONS``.

    >>> from gradstep.cli import build_parser
    >>> args = build_parser().parse_args(["train", "--batch-size", "full", "--no-standardize"])
    >>> args.batch_size, args.standardize, args.epochs
    ('full', False, None)
    """
    parser = subparsers.add_parser("train", help=HELP, description=HELP)
    add_train_options(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar, only the final table")
    parser.add_argument("--overwrite", action="store_true",
                        help="start again in an --out folder that already holds a run (its run files are deleted)")  # fmt: skip
    parser.set_defaults(run=run)
    return parser


def finish_run(session, trainer, run_dir, config, command):
    """After fit: metrics.json, the plots, config.json, report.html and the printed table of test metrics."""
    results, confusion = evaluate_session(session, trainer, session.X_test, session.y_test, session.raw_y_test)
    history = trainer.history
    summary = {
        "test": results,
        "epochs_trained": trainer.epoch,
        "best_epoch": history.best_epoch("val_loss") + 1,
        "best_val_loss": history.best("val_loss"),
        "stop_reason": trainer.stop_reason,
    }
    if confusion is not None:
        summary["confusion_matrix"] = confusion
    write_json(run_dir / "metrics.json", summary)
    write_history(run_dir / "history.csv", history)
    save_plots(run_dir, history, confusion, session.dataset.classes)
    config["epochs_trained"] = trainer.epoch
    config["stop_reason"] = trainer.stop_reason
    write_json(run_dir / "config.json", config)
    report = write_report(run_dir, summary=model_summary(session))
    if trainer.stop_reason:
        print(trainer.stop_reason)
    print(f"\ntest metrics ({len(session.X_test)} examples, after {trainer.epoch} epochs, {command})")
    print(metrics_table(results))
    print(f"\nrun folder: {run_dir} (report: {report.name})")


def run(args):
    """Resolve the options, train, and write the run folder.

    >>> import contextlib, io, os, tempfile
    >>> from gradstep.cli import build_parser
    >>> out = os.path.join(tempfile.mkdtemp(), "run")
    >>> args = build_parser().parse_args(["train", "--data", "iris", "--hidden", "4", "--epochs", "1",
    ...                                   "--quiet", "--out", out])
    >>> with contextlib.redirect_stdout(io.StringIO()) as printed:
    ...     status = run(args)
    >>> status
    0
    >>> "test metrics (30 examples, after 1 epochs, train)" in printed.getvalue()
    True
    >>> sorted(os.listdir(out))
    ['config.json', 'confusion.png', 'curves.png', 'gradient_stats.json', 'history.csv', 'metrics.json', 'model.safetensors', 'report.html']
    """
    options = resolve_train_options(args)
    if options["schedule"] == "cosine":  # fix the horizon, so that resume continues the same schedule
        options["schedule"] = f"cosine:{float(options['epochs'])}"
    session = Session(options)
    run_dir = new_run_dir(options["out"], overwrite=args.overwrite)
    options["out"] = str(run_dir)
    data = session.dataset
    config = {
        "gradstep": __version__,
        "numpy": np.__version__,
        "argv": ["gradstep", *sys.argv[1:]],
        "options": options,
        "data": {
            "name": data.name, "target": data.target, "task": data.task, "classes": data.classes,
            "n_features": int(data.X.shape[1]),
            "sizes": {"train": len(session.X_train), "val": len(session.X_val), "test": len(session.X_test)},
        },
    }  # fmt: skip
    write_json(run_dir / "config.json", config, exclusive=True)  # the claim: one of two runs started together wins
    trainer = session.trainer(session.run_callbacks(run_dir), progress=not args.quiet)
    fit(session, trainer, options["epochs"])
    finish_run(session, trainer, run_dir, config, "train")
    return 0


def fit(session, trainer, epochs, initial_epoch=0):
    """Train to ``epochs`` in all (on the --workers / --scheduler cluster if given); a divergence caused by --alpha is named."""
    options = session.options
    try:
        with cluster_client(options.get("workers"), options.get("scheduler")) as client:
            trainer.fit(on_cluster(client, session.X_train, session.y_train), val=(session.X_val, session.y_val),
                        epochs=epochs, batch_size=session.batch_size, seed=options["seed"],
                        initial_epoch=initial_epoch)  # fmt: skip
    except TrainingDivergedError as err:
        raise session.explain_divergence(err) from None
