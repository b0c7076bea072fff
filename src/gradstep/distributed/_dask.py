"""Dask, imported only when gradstep.distributed is used, with the install hint when it is missing."""

import importlib

from ..data._arrays import is_dask_collection
from .errors import DistributedError, MissingDependencyError

__all__ = ["require", "get_client", "is_dask_collection", "INSTALL"]

INSTALL = 'pip install "gradstep[distributed]"'


def require(module="distributed"):
    """The module ``module`` (``"dask.array"``, ``"distributed"``, ...), or MissingDependencyError naming the extra.

    >>> require("dask").__name__
    'dask'
    """
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise MissingDependencyError(
            f"gradstep.distributed needs {module.split('.')[0]} ({err}); install it with: {INSTALL}"
        ) from None


def get_client(client=None, where="gradstep.distributed"):
    """``client`` itself, else the active ``distributed.Client``; DistributedError when there is none.

    >>> get_client("tcp://127.0.0.1:8786")
    Traceback (most recent call last):
    ...
    gradstep.errors.DistributedError: gradstep.distributed: client must be a distributed.Client, got str
    """
    distributed = require("distributed")
    if client is not None:
        if not isinstance(client, distributed.Client):
            raise DistributedError(f"{where}: client must be a distributed.Client, got {type(client).__name__}")
        return client
    try:
        return distributed.get_client()
    except ValueError:
        raise DistributedError(
            f"{where}: no distributed.Client is running; start one first, e.g. "
            "client = distributed.Client(distributed.LocalCluster(n_workers=2, threads_per_worker=1)), "
            "or pass client="
        ) from None
