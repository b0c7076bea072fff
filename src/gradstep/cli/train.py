"""``gradstep train``: train a model and write a run folder.

With no arguments: an MLP (256, 128, ReLU, Adam) on the bundled digits, 15
epochs of minibatches of 32 over a 60/20/20 stratified split, standardized
features, seed 0, a progress bar, a table of test metrics and ``runs/<date-time>``.
"""

import sys

import numpy as np

from .. import __version__
from ..errors import TrainingDivergedError
from .cluster import cluster_client, make_session, on_cluster
from .options import add_train_options, resolve_train_options
from .report import metrics_table, model_summary, write_report
from .rundir import new_run_dir, save_plots, write_history, write_json

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
    results, confusion = session.test_scores(trainer)
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
    print(f"\ntest metrics ({session.sizes['test']} examples, after {trainer.epoch} epochs, {command})")
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
    with cluster_client(options.get("workers"), options.get("scheduler")) as client:
        session = make_session(options, client)
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
                "n_features": int(data.X.shape[1]), "sizes": session.sizes,
                "read_by": "workers" if session.on_workers else "driver",
            },
        }  # fmt: skip
        write_json(run_dir / "config.json", config, exclusive=True)  # the claim: one of two runs started together wins
        trainer = session.trainer(session.run_callbacks(run_dir), progress=not args.quiet)
        fit(session, trainer, options["epochs"], client=client)
        finish_run(session, trainer, run_dir, config, "train")
    return 0


def fit(session, trainer, epochs, initial_epoch=0, client=None):
    """Train to ``epochs`` in all (on ``client``'s cluster if given); a divergence caused by --alpha is named."""
    train, val = session.training_blocks()
    if not session.on_workers:
        train = on_cluster(client, *train)  # read here, trained on the cluster
    try:
        trainer.fit(train, val=val, epochs=epochs, batch_size=session.batch_size, seed=session.options["seed"],
                    initial_epoch=initial_epoch)  # fmt: skip
    except TrainingDivergedError as err:
        raise session.explain_divergence(err) from None
