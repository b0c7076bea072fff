"""Scale-out on Dask: the same estimators and Trainer on data spread over a cluster's workers.

Give an estimator's ``fit`` / ``partial_fit`` (or ``Trainer.fit``) dask arrays
or DataFrames and it trains data-parallel on the active ``distributed.Client``:
the row blocks are computed once on the workers and stay there; every step
sends the parameters, each worker returns the loss and gradient sums of its
blocks, the driver adds them in block order and takes the optimizer step.
See docs/distributed.md.

>>> from gradstep import distributed
>>> distributed.epoch_slices([4, 4], 4)   # two steps, each half of both blocks
[[(0, 2), (0, 2)], [(2, 4), (2, 4)]]

Importing this package needs only NumPy; dask is imported when it is used,
and its absence is a MissingDependencyError that says
``pip install "gradstep[distributed]"``.
"""

from ._dask import get_client, is_dask_collection, require
from .engine import DistributedGradient, epoch_slices
from .errors import DistributedError, MissingDependencyError


def fit(estimator, X, y=None, method="fit", classes=None, client=None, local_steps=None):
    """Fit a gradstep estimator on dask data on the cluster (see ``gradstep.distributed.estimators.fit``).

    >>> fit.__doc__.splitlines()[0]
    'Fit a gradstep estimator on dask data on the cluster (see ``gradstep.distributed.estimators.fit``).'
    """
    from .estimators import fit as _fit

    return _fit(estimator, X, y, method=method, classes=classes, client=client, local_steps=local_steps)


__all__ = [
    "fit", "get_client", "is_dask_collection", "require", "DistributedGradient", "epoch_slices",
    "DistributedError", "MissingDependencyError",
]  # fmt: skip
