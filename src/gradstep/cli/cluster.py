"""``--workers N`` / ``--scheduler ADDRESS``: the dask cluster a command trains, evaluates or predicts on.

``--workers N`` starts a LocalCluster of N worker processes with one thread
each for the duration of the command and closes it at the end; ``--scheduler``
connects to a running cluster (and leaves it running). ``train`` / ``resume``
on Parquet data build a ``WorkersSession`` (``make_session``): the rows are
read, split, standardised and scored by the workers. Other data are read
here and the training split is handed to the Trainer as a dask array of
``BLOCKS`` row blocks, a number that does not depend on the workers, so a run
resumed on another cluster takes the same steps.

``evaluate`` and ``predict`` on a cluster: Parquet ``--data`` is read by the
workers (``load_parquet(..., dask=True)``, one block per row group), other data
are read here and sent as ``BLOCKS`` blocks. Each block is scaled, run through
the network and scored (or decoded) where it lives: the driver receives the
blocks' score sums (``report.score_sums``, added in block order) or, for
``predict``, one block of predictions at a time, written in row order.
"""

import contextlib
import math

import numpy as np

from ..errors import GradstepError
from ..grad_mode import no_grad
from ..tensor import Tensor
from .errors import CommandLineError

#: row blocks of the training data on the cluster (more blocks than workers keeps them all busy)
BLOCKS = 8


@contextlib.contextmanager
def cluster_client(workers=None, scheduler=None):
    """A ``distributed.Client`` for ``--workers`` / ``--scheduler`` (None when neither is given).

    >>> with cluster_client() as client:
    ...     client is None
    True
    """
    if workers is None and scheduler is None:
        yield None
        return
    if workers is not None and scheduler is not None:
        raise CommandLineError("--workers starts a cluster and --scheduler uses one: give only one of them")
    try:
        from ..distributed import require

        distributed = require("distributed")
    except GradstepError as err:
        raise CommandLineError(f"--{'workers' if workers else 'scheduler'}: {err}") from None
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as err:
            raise CommandLineError(f"--scheduler {scheduler}: cannot connect to a dask scheduler there ({err})") from None
        with client:
            yield client
        return
    with distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def make_session(options, client=None):
    """The Session of ``options``: a WorkersSession (the rows read by the workers) for Parquet data on a cluster.

    >>> from gradstep.cli.options import default_options
    >>> make_session({**default_options(), "data": "iris", "hidden": [8]}).on_workers
    False
    """
    from .datasets import is_parquet
    from .session import Session

    if client is not None and is_parquet(options["data"]):
        from .workers_session import WorkersSession

        return WorkersSession(options, client)
    return Session(options)


def on_cluster(client, X, y):
    """(X, y) as dask arrays of ``BLOCKS`` row blocks for ``client``'s cluster, or the arrays themselves without one.

    >>> import numpy as np
    >>> X, y = on_cluster(None, np.zeros((3, 2)), np.zeros(3))
    >>> type(X).__name__
    'ndarray'
    """
    if client is None:
        return X, y
    import dask.array as da

    rows = max(1, math.ceil(len(X) / BLOCKS))
    return da.from_array(X, chunks=(rows, -1)), None if y is None else da.from_array(y, chunks=rows)


def add_cluster_options(parser, verb):
    """``--workers N`` and ``--scheduler ADDRESS`` for ``evaluate`` / ``predict`` (``train`` has them in its options).

    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_cluster_options(parser, "predict")
    >>> parser.parse_args(["--workers", "2"]).workers
    '2'
    """
    parser.add_argument("--workers", metavar="N",
                        help=f"{verb} on a LocalCluster of N dask worker processes, 1 thread each (Parquet --data is "
                             "read by the workers)")  # fmt: skip
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help=f"{verb} on the running dask cluster whose scheduler is at ADDRESS, e.g. tcp://host:8786")


def cluster_of(args, config=None):
    """``cluster_client`` for the ``--workers`` / ``--scheduler`` of ``args`` (N checked to be a whole number >= 1).

    Without either, a run (``config``) trained on data read by the workers is
    rebuilt on a cluster like its own (its ``--workers`` / ``--scheduler``).

    >>> import argparse
    >>> cluster_of(argparse.Namespace(workers="0", scheduler=None))
    Traceback (most recent call last):
    ...
    gradstep.errors.CommandLineError: --workers: 0 is out of range, expected a value in [1, inf)
    """
    from .options import _number

    workers = None if args.workers is None else _number(int, low=1)("workers", args.workers)
    scheduler = args.scheduler
    if workers is None and scheduler is None and config is not None and config["data"].get("read_by") == "workers":
        workers, scheduler = config["options"].get("workers"), config["options"].get("scheduler")
    return cluster_client(workers, scheduler)


def blocks_of(client, X, y, where):
    """The row blocks of ``(X, y)`` (dask or NumPy arrays) on ``client``'s workers, as a ChunkedData of float32 X."""
    from ..distributed import is_dask_collection
    from ..distributed.chunks import ChunkedData

    if not is_dask_collection(X):
        X, y = on_cluster(client, X, y)
    try:
        return ChunkedData.from_dask(X, y, client, np.float32, where)
    except GradstepError as err:
        raise CommandLineError(f"--data: {err}") from None


def outputs_of(readout, model, X_raw):
    """The network's outputs for raw features: the run's scaling, eval mode, no graph."""
    model.eval()
    with no_grad():
        return model(Tensor(readout.prep.features(X_raw))).data


def _block_scores(block, readout, model, loss):
    from .report import score_sums

    X, y = block
    out = outputs_of(readout, model, X)
    with no_grad():
        value = loss(Tensor(out), Tensor(readout.targets(y))).data.item()
    return score_sums(readout, out, y, value)


def scores_on_workers(data, readout, model, loss):
    """``(metrics, confusion or None)`` of the blocks of ``data``, scored on the workers, sums added in block order."""
    from .report import add_scores, finish_scores

    parts = data.map(_block_scores, readout, model, loss)
    total = parts[0]
    for part in parts[1:]:
        total = add_scores(total, part)
    return finish_scores(total)


def _block_predictions(block, readout, model):
    out = outputs_of(readout, model, block[0])
    return readout.labels(out), readout.network.probabilities(out)


def predictions_on_workers(data, readout, model):
    """``(predictions, probabilities or None)`` of each block in row order, one block at a time on the driver."""
    futures = [data.client.submit(_block_predictions, f, readout, model, pure=False) for f in data.futures]
    for future in futures:
        yield future.result()
        future.release()
