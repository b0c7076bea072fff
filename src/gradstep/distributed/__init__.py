"""Scale-out on Dask: the same estimators and Trainer on data spread over a cluster's workers.

Give ``Trainer.fit`` dask arrays or DataFrames and it trains data-parallel on
the active ``distributed.Client``:
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

__all__ = [
    "get_client", "is_dask_collection", "require", "DistributedGradient", "epoch_slices",
    "DistributedError", "MissingDependencyError",
]  # fmt: skip
