"""ChunkedData: a data set's row blocks held by the workers (futures), in a fixed order, never gathered.

Built once from dask collections (arrays, DataFrames, Series): each row block
of X, with the matching rows of y, is computed into one future ``(X_b, y_b)``
on a worker; derived data (standardised features, class codes, an epoch's
shuffled order) are new futures made from those by tasks on the same workers.
Every future is the result of a graph the scheduler keeps, so a block lost with
its worker is recomputed from its inputs (the files, or the array it came from).
"""

import math

import numpy as np

from ..errors import DataError
from . import blocks as B
from ._dask import get_client, is_dask_collection, require
from .errors import DistributedError


def _row_parts(data, where, name):
    """The dask collection's row blocks as a list of Delayed (an array is first rechunked to whole rows)."""
    if hasattr(data, "ndim") and hasattr(data, "rechunk"):  # dask.array
        if data.ndim not in (1, 2):
            raise DataError(f"{where}: {name} must be 1-D or 2-D, got a dask array of shape {data.shape}")
        if data.ndim == 2 and data.numblocks[1] > 1:
            data = data.rechunk({1: -1})  # every block holds whole rows
        parts = data.to_delayed()
        return list(parts[:, 0] if data.ndim == 2 else parts)
    return list(data.to_delayed())  # DataFrame / Series: one part per partition


def _numeric_columns(X, where):
    """Column names of a DataFrame X, after checking that every column is numeric (the others are named)."""
    if not hasattr(X, "columns"):
        return None
    is_numeric = require("pandas").api.types.is_numeric_dtype
    bad = [f"{c!r} ({d})" for c, d in X.dtypes.items() if not is_numeric(d)]
    if bad:
        raise DataError(f"{where}: X has non-numeric columns {', '.join(bad)}; encode or drop them first")
    return [str(c) for c in X.columns]


class ChunkedData:
    """Row blocks ``(X_b, y_b)`` of a data set on the workers, in a fixed order.

    Use ``ChunkedData.from_dask(X, y, ...)``; ``map`` runs a function of
    ``blocks`` on each block where it lives and gathers the (small) results in
    block order; ``derive`` makes new blocks (kept on the workers).

    Attributes
    ----------
    client : distributed.Client
    futures : list of Future, one per block
    sizes : list of int, rows per block
    n_samples, n_features : int
    feature_names : list of str or None (DataFrame columns)
    """

    #: Trainer.fit((data, None)) trains on these blocks where they are
    on_workers = True

    def __init__(self, client, futures, sizes, n_features, feature_names=None):
        self.client = client
        self.futures = list(futures)
        self.sizes = [int(s) for s in sizes]
        self.n_samples = sum(self.sizes)
        self.n_features = int(n_features)
        self.feature_names = feature_names

    @classmethod
    def from_dask(cls, X, y=None, client=None, dtype=np.float64, where="gradstep.distributed", flat_y=True):
        """Compute the row blocks of dask ``X`` (and ``y``: dask, NumPy or None) into futures on the workers.

        ``flat_y``: a y of shape (n, 1) becomes 1-D (the estimators' labels); False keeps its shape.

        >>> import dask.array as da
        >>> from distributed import Client, LocalCluster
        >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster, Client(cluster):
        ...     data = ChunkedData.from_dask(da.ones((5, 2), chunks=2), np.arange(5))
        ...     data.sizes, [float(s[0]) for s in data.map(B.target_sums)]
        ([2, 2, 1], [1.0, 5.0, 4.0])
        """
        client = get_client(client, where)
        delayed = require("dask").delayed
        names = _numeric_columns(X, where)
        x_parts = _row_parts(X, where, "X")
        if y is None:
            y_parts = [None] * len(x_parts)
        elif is_dask_collection(y):
            y_parts = _row_parts(_align(y, X, where), where, "y")
            if len(y_parts) != len(x_parts):
                raise DataError(
                    f"{where}: X has {len(x_parts)} row blocks but y has {len(y_parts)}; "
                    "give y the same partitions (e.g. df[target] of the DataFrame X came from) or a NumPy y"
                )
        else:
            y = np.asarray(y)
            sizes = _known_sizes(X, x_parts, client)
            if len(y) != sum(sizes):
                raise DataError(f"{where}: X has {sum(sizes)} samples but y has {len(y)}")
            edges = np.cumsum([0, *sizes])
            y_parts = [y[lo:hi] for lo, hi in zip(edges[:-1], edges[1:])]  # literals in the graph: recomputable
        tasks = [delayed(B.prepare, pure=True)(xp, yp, dtype, i, where, flat_y) for i, (xp, yp) in enumerate(zip(x_parts, y_parts))]
        futures = client.compute(tasks)
        shapes = client.gather(client.map(B.describe, futures, pure=False))
        widths = {s[1] for s in shapes}
        if len(widths) != 1:
            raise DataError(f"{where}: the row blocks of X have different numbers of columns: {sorted(widths)}")
        kept = [(f, s[0]) for f, s in zip(futures, shapes) if s[0] > 0]  # empty partitions hold nothing to learn
        if not kept:
            raise DataError(f"{where}: X has 0 samples; there is nothing to learn from")
        return cls(client, [f for f, _ in kept], [n for _, n in kept], widths.pop(), names)

    def __len__(self):
        return self.n_samples

    # ----- running functions where the blocks are ---------------------------------------------
    def map(self, fn, *args, **kwargs):
        """``[fn(block, *args) for each block]``, run on the workers, results gathered in block order."""
        futures = [self.client.submit(fn, f, *args, pure=False, **kwargs) for f in self.futures]
        return self.client.gather(futures)

    def derive(self, fn, *args, with_index=False):
        """A new ChunkedData of ``fn(block, *args[, index])`` for every block (computed on the workers, kept there)."""
        futures = [
            self.client.submit(fn, f, *args, *((i,) if with_index else ()), pure=False)
            for i, f in enumerate(self.futures)
        ]
        return ChunkedData(self.client, futures, self.sizes, self.n_features, self.feature_names)

    def sum(self, fn, *args):
        """The sum of ``fn(block, *args)`` over the blocks, added in block order."""
        parts = self.map(fn, *args)
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total

    def groups(self):
        """{worker address: [block indices]}: where each block is now (one step task per worker)."""
        self.wait()
        who_has = self.client.who_has(self.futures)
        groups = {}
        for i, f in enumerate(self.futures):
            holders = who_has.get(f.key) or ()
            groups.setdefault(holders[0] if holders else None, []).append(i)
        return groups

    def wait(self):
        """Block until every block is in memory on a worker; returns self."""
        with self.client.as_current():  # the futures' client, not only the default one
            require("distributed").wait(self.futures)
        return self

    def release(self):
        """Drop the references to the blocks (the workers free them when nothing else needs them)."""
        for f in self.futures:
            f.release()
        self.futures = []


def _known_sizes(X, x_parts, client):
    chunks = getattr(X, "chunks", None)
    if chunks is not None and not any(math.isnan(c) for c in chunks[0]):
        return list(chunks[0])
    return client.compute(X.map_partitions(len)).result().tolist()


def _align(y, X, where):
    """y rechunked to X's row blocks when both are dask arrays with known chunks."""
    x_chunks, y_chunks = getattr(X, "chunks", None), getattr(y, "chunks", None)
    if x_chunks is None or y_chunks is None or any(math.isnan(c) for c in x_chunks[0] + y_chunks[0]):
        return y
    if sum(x_chunks[0]) != sum(y_chunks[0]):
        raise DataError(f"{where}: X has {sum(x_chunks[0])} samples but y has {sum(y_chunks[0])}")
    if y_chunks[0] != x_chunks[0]:
        y = y.rechunk({0: x_chunks[0]})
    return y


def check_recoverable(error, where):
    """Turn the scheduler's error about lost data that nothing can rebuild into a DistributedError naming the cure."""
    distributed = require("distributed")
    lost = tuple(getattr(distributed.client, name) for name in ("FutureCancelledError", "FuturesCancelledError")
                 if hasattr(distributed.client, name))  # fmt: skip
    if isinstance(error, lost + (require("concurrent.futures").CancelledError,)):
        raise DistributedError(
            f"{where}: a chunk of the data was lost with its worker and cannot be recomputed ({' '.join(str(error).split())}); "
            "data put on the cluster with client.scatter has no graph to rebuild it: build the dask "
            "collection from files (dask.dataframe.read_parquet, gradstep.data.load_parquet) or from an "
            "array (dask.array.from_array) instead"
        ) from error
    raise error
