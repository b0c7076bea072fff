"""``--workers N`` / ``--scheduler ADDRESS``: the dask cluster a command trains (or predicts) on.

``--workers N`` starts a LocalCluster of N worker processes with one thread
each for the duration of the command and closes it at the end; ``--scheduler``
connects to a running cluster (and leaves it running). The training split is
then handed to the Trainer as a dask array of ``BLOCKS`` row blocks, a number
that does not depend on the workers, so a run resumed on another cluster
takes the same steps.
"""

import contextlib
import math

from ..errors import GradstepError
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
    return da.from_array(X, chunks=(rows, -1)), da.from_array(y, chunks=rows)
