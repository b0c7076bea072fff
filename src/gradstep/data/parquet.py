"""load_parquet: a Parquet file, a folder of them or a glob, as (X, y): NumPy arrays, or dask arrays for big data.

Parquet keeps column names and types, so the features are checked before any
row is read: every feature column must be numeric (the others are named in the
error), the target must exist. Locally the file is read with pyarrow; as dask
arrays every row group of every file becomes one chunk, read by the worker that
needs it (the graph holds only file names, so a chunk lost with a worker is
read again from its file).
"""

import glob
import os

import numpy as np

from ..errors import DataError, DataFormatError, DatasetNotFoundError, MissingDependencyError

#: above this many bytes of X in memory (float64), ``load_parquet(..., dask=None)`` returns dask arrays
DASK_THRESHOLD = 2**30


def _pyarrow(where):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError(
            f'{where}: reading Parquet needs pyarrow; install it with: pip install "gradstep[distributed]"'
        ) from None
    return pq


def parquet_files(path, where="load_parquet"):
    """The Parquet files that ``path`` names: the file itself, the ``*.parquet`` files of a folder, or a glob's matches.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> for name in ("b.parquet", "a.parquet", "notes.txt"):
    ...     open(os.path.join(folder, name), "w").close()
    >>> [os.path.basename(f) for f in parquet_files(folder)]
    ['a.parquet', 'b.parquet']
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        files = sorted(glob.glob(os.path.join(path, "**", "*.parquet"), recursive=True))
        if not files:
            raise DatasetNotFoundError(f"{where}: the folder {path} holds no *.parquet files")
        return files
    if os.path.isfile(path):
        return [path]
    files = sorted(f for f in glob.glob(path, recursive=True) if os.path.isfile(f))
    if not files:
        raise DatasetNotFoundError(f"{where}: no such file, folder or glob match: {path}")
    return files


def _schema(pq, files, where):
    """(column names, {name: arrow type}, rows per row group of each file) read from the files' footers."""
    names, types, groups = None, None, []
    for f in files:
        try:
            meta = pq.ParquetFile(f)
        except Exception as err:  # noqa: BLE001 - pyarrow raises several types for a file that is not Parquet
            raise DataFormatError(f"{where}: {f} is not a readable Parquet file ({err})") from None
        schema = meta.schema_arrow
        file_types = {field.name: field.type for field in schema}
        if names is None:
            names, types = list(schema.names), file_types
        elif file_types != types:
            raise DataFormatError(
                f"{where}: {f} has columns {dict((k, str(v)) for k, v in file_types.items())}, but {files[0]} has "
                f"{dict((k, str(v)) for k, v in types.items())}; every file must have the same columns"
            )
        groups.append([meta.metadata.row_group(i).num_rows for i in range(meta.metadata.num_row_groups)])
    return names, types, groups


def _is_numeric(arrow_type):
    import pyarrow.types as t

    return t.is_integer(arrow_type) or t.is_floating(arrow_type) or t.is_boolean(arrow_type) or t.is_decimal(arrow_type)


def _columns(names, types, target, columns, where, path):
    """(feature names, target name or None), checked against the schema."""
    if target is not None and target not in names:
        raise DataError(f"{where}: {path} has no target column {target!r}; its columns are {names}")
    if columns is None:
        features = [n for n in names if n != target]
    else:
        columns = [columns] if isinstance(columns, str) else list(columns)
        missing = [c for c in columns if c not in names]
        if missing:
            raise DataError(f"{where}: {path} has no columns {missing}; its columns are {names}")
        features = [c for c in columns if c != target]
    if not features:
        raise DataError(f"{where}: {path} has no feature columns besides the target {target!r}")
    bad = [f"{n!r} ({types[n]})" for n in features if not _is_numeric(types[n])]
    if bad:
        raise DataError(
            f"{where}: {path}: feature columns must be numeric, but {', '.join(bad)} are not; "
            "encode them as numbers or leave them out with columns=[...]"
        )
    return features, target


def _to_arrays(table, features, target, dtype, where, source):
    """(X, y) of a pyarrow Table: X float ``dtype`` (nulls -> NaN), y NumPy (text labels as str)."""
    X = np.empty((table.num_rows, len(features)), dtype=dtype)
    for j, name in enumerate(features):
        X[:, j] = table.column(name).to_numpy(zero_copy_only=False)
    if target is None:
        return X, None
    column = table.column(target)
    if column.null_count:
        raise DataError(f"{where}: the target column {target!r} of {source} has {column.null_count} missing values")
    y = column.to_numpy(zero_copy_only=False)
    if y.dtype.kind == "O":
        y = y.astype(str)
    return X, y


def read_part(file, row_group, features, target, dtype, where="load_parquet"):
    """(X, y) of one row group of one file (the unit of work of a dask chunk)."""
    pq = _pyarrow(where)
    table = pq.ParquetFile(file).read_row_group(row_group, columns=features + ([] if target is None else [target]))
    return _to_arrays(table, features, target, dtype, where, f"{file} (row group {row_group})")


def column_names(path):
    """The column names of Parquet data (file, folder or glob), read from the first file's footer.

    >>> import os, tempfile
    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> path = os.path.join(tempfile.mkdtemp(), "t.parquet")
    >>> pq.write_table(pa.table({"a": [1], "b": [2.0]}), path)
    >>> column_names(path)
    ['a', 'b']
    """
    where = "load_parquet"
    pq = _pyarrow(where)
    return _schema(pq, parquet_files(path, where)[:1], where)[0]


def load_parquet(path, target=None, columns=None, dask=None, dtype=np.float64, threshold=DASK_THRESHOLD):
    """Read Parquet data as ``(X, y)`` (``X`` alone when ``target=None``).

    Parameters
    ----------
    path : str or Path
        A ``.parquet`` file, a folder (every ``*.parquet`` below it, in sorted
        order) or a glob (``"data/part-*.parquet"``).
    target : str or None
        The target column; y keeps its Parquet type (integers int64, floats,
        text labels as str).
    columns : list of str, optional
        The feature columns (default: every column but the target).
    dask : bool or None
        ``True``: dask arrays (one chunk per row group; needs dask);
        ``False``: NumPy arrays; ``None``: dask when X would take more than
        ``threshold`` bytes.
    dtype : floating dtype of X (float64); missing values become NaN.

    Examples
    --------
    >>> import os, tempfile
    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> path = os.path.join(tempfile.mkdtemp(), "points.parquet")
    >>> pq.write_table(pa.table({"x1": [0.5, 2.0], "x2": [1, 3], "label": ["no", "yes"]}), path)
    >>> X, y = load_parquet(path, target="label")
    >>> X.tolist(), y.tolist()
    ([[0.5, 1.0], [2.0, 3.0]], ['no', 'yes'])
    >>> X, y = load_parquet(path, target="label", dask=True)
    >>> type(X).__name__, X.shape, X.compute().tolist()
    ('Array', (2, 2), [[0.5, 1.0], [2.0, 3.0]])
    """
    where = "load_parquet"
    pq = _pyarrow(where)
    files = parquet_files(path, where)
    names, types, groups = _schema(pq, files, where)
    features, target = _columns(names, types, target, columns, where, path)
    n_rows = sum(sum(g) for g in groups)
    if n_rows == 0:
        raise DataError(f"{where}: {path} has no rows")
    if dask is None:
        dask = n_rows * len(features) * np.dtype(dtype).itemsize > threshold
    if dask:
        return _dask_arrays(files, groups, features, target, types, dtype, where)
    wanted = features + ([] if target is None else [target])
    tables = [pq.read_table(f, columns=wanted) for f in files]
    table = tables[0] if len(tables) == 1 else __import__("pyarrow").concat_tables(tables)
    X, y = _to_arrays(table, features, target, dtype, where, path)
    return X if target is None else (X, y)


def _dask_arrays(files, groups, features, target, types, dtype, where):
    try:
        import dask
        import dask.array as da
    except ImportError:
        raise MissingDependencyError(
            f'{where}: dask=True needs dask; install it with: pip install "gradstep[distributed]"'
        ) from None
    y_dtype = None
    if target is not None:
        y_dtype = np.dtype(object) if not _is_numeric(types[target]) else np.dtype(types[target].to_pandas_dtype())
    X_parts, y_parts = [], []
    for f, sizes in zip(files, groups):
        for g, n in enumerate(sizes):
            if n == 0:
                continue
            part = dask.delayed(read_part, pure=True)(os.path.abspath(f), g, features, target, dtype, where)
            X_parts.append(da.from_delayed(part[0], shape=(n, len(features)), dtype=dtype))
            if target is not None:
                y_parts.append(da.from_delayed(part[1], shape=(n,), dtype=y_dtype))
    X = da.concatenate(X_parts, axis=0)
    return X if target is None else (X, da.concatenate(y_parts, axis=0))
