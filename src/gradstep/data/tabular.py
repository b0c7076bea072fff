"""load_csv: a numeric table from a CSV file, split into features X and a target column y.

Two readers give the same answer. With pandas installed, its C parser reads
the file in chunks of rows straight into one preallocated float array (peak
memory about 2x the file's size, see docs/data.md). Without pandas, or when
a chunk holds anything but plain numbers (a text cell, an empty cell, a NaN,
a short row), the standard library's csv reader goes through the file row
by row into the same kind of array; it is the one that names the row, the
line and the column of a bad cell.
"""

import csv
import numbers
import os
import warnings

import numpy as np

from ..errors import DataConversionWarning
from .errors import DataError, DataFormatError, DatasetNotFoundError

#: rows per chunk of the pandas reader
_CHUNK_ROWS = 65536
#: whole numbers up to this size are exact in float64 and become int64 labels
_EXACT_INTEGERS = 2**53


def _column_index(target, names, where, path):
    """Position of the target column given by name or (possibly negative) index."""
    shown = ", ".join(repr(name) for name in names)
    if isinstance(target, str):
        if target not in names:
            raise DataError(f"{where}: {path} has no column {target!r}; its columns are {shown}")
        return names.index(target)
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        raise DataError(f"{where}: target must be a column name, a column index or None, got {target!r}")
    if not -len(names) <= target < len(names):
        raise DataError(f"{where}: target index {target} is out of range for {path}, whose columns are {shown}")
    return int(target) % len(names)


def _open(path, where):
    try:
        return open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetNotFoundError(f"{where}: no such file: {path}") from None
    except IsADirectoryError:
        raise DataError(f"{where}: {path} is a folder, not a CSV file") from None


def _unreadable(path, where, err):
    return DataFormatError(f"{where}: {path} is not a readable CSV file ({err})")


def _first_row(path, delimiter, where):
    """The cells of the first non-blank line (the header, or the first data row)."""
    try:
        with _open(path, where) as f:
            for row in csv.reader(f, delimiter=delimiter):
                if any(cell.strip() for cell in row):
                    return row
    except (csv.Error, UnicodeDecodeError) as err:
        raise _unreadable(path, where, err) from None
    raise DataError(f"{where}: {path} has no data rows")


def _check_delimiter(first, delimiter, path, where):
    """A one-column file whose line holds another separator was read with the wrong delimiter."""
    if len(first) != 1:
        return
    for other in (";", "\t", ",", "|"):
        if other != delimiter and other in first[0]:
            shown = {"\t": "a tab"}.get(other, repr(other))
            raise DataFormatError(
                f"{where}: {path} has a single column {first[0].strip()!r} when split at {delimiter!r}: "
                f"it looks separated by {shown}; pass delimiter={other!r}"
            )


def _grow(buffer, rows):
    bigger = np.empty((max(2 * len(buffer), rows, 1024), buffer.shape[1]), buffer.dtype)
    bigger[: len(buffer)] = buffer
    return bigger


def _bad_cell(row, position, line, cell, names, column, where, path):
    what = "an empty cell" if not cell.strip() else f"{cell!r}, which is not a number"
    return DataFormatError(
        f"{where}: {path} row {row + 1} (line {line}), column {names[column]!r} (index {column}) holds {what}"
    )


def _read_rows(path, names, column, delimiter, header, dtype, where):
    """The row-by-row reader: ``(X, target cells, their line numbers)``, with the exact error for a bad cell."""
    features = [i for i in range(len(names)) if i != column]
    X = np.empty((1024, len(features)), dtype)
    cells, lines = [], []
    n = 0
    try:
        with _open(path, where) as f:
            reader = csv.reader(f, delimiter=delimiter)
            skip_header = header
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if skip_header:
                    skip_header = False
                    continue
                if len(row) != len(names):
                    raise DataFormatError(
                        f"{where}: {path} line {reader.line_num} has {len(row)} cells, "
                        f"expected {len(names)} (columns {names})"
                    )
                if n == len(X):
                    X = _grow(X, n + 1)
                try:
                    X[n] = [float(row[i]) for i in features]
                except ValueError:
                    for i in features:
                        try:
                            float(row[i])
                        except ValueError:
                            raise _bad_cell(n, i, reader.line_num, row[i], names, i, where, path) from None
                if column is not None:
                    cells.append(row[column].strip())
                    lines.append(reader.line_num)
                n += 1
    except (csv.Error, UnicodeDecodeError) as err:
        raise _unreadable(path, where, err) from None
    if n == 0:
        raise DataError(f"{where}: {path} has no data rows")
    X.resize((n, len(features)), refcheck=False)  # in place: no second copy
    return X, cells, lines


def _read_chunks(pd, path, names, column, delimiter, header, dtype):
    """The pandas reader: ``(X, y or None)`` for a file of plain numbers; None leaves the file to the row reader.

    Anything but plain numbers (text, empty cells, NaN, short or long rows) is left to the row reader.
    """
    with open(path, "rb") as f:  # an upper bound of the number of rows, to allocate X once
        lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) + 1
    features = [i for i in range(len(names)) if i != column]
    X = np.empty((lines, len(features)), dtype)
    y_parts = []
    n = 0
    reader = pd.read_csv(
        path, sep=delimiter, header=0 if header else None, names=list(range(len(names))), dtype=np.float64,
        keep_default_na=False, na_filter=False, skip_blank_lines=True, encoding="utf-8-sig",
        chunksize=_CHUNK_ROWS, engine="c",
    )  # fmt: skip
    try:
        for chunk in reader:
            values = chunk.to_numpy(np.float64, copy=False)
            if values.shape[1] != len(names) or np.isnan(values).any():
                return None
            X[n : n + len(values)] = values[:, features]
            if column is not None:
                y_parts.append(values[:, column].copy())
            n += len(values)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return None
    finally:
        reader.close()
    if n == 0:
        return None
    X.resize((n, len(features)), refcheck=False)
    return X, (np.concatenate(y_parts) if column is not None else None)


def _pandas():
    try:
        import pandas
    except ImportError:
        return None
    return pandas


def _numeric_target(y, name, where, dtype):
    """Whole numbers (exact in float64) as int64 labels, other numbers as ``dtype``."""
    if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
        return y.astype(dtype)
    peak = float(np.max(np.abs(y)))
    if peak > _EXACT_INTEGERS:
        warnings.warn(
            f"{where}: target column {name!r} holds whole numbers up to {peak:g}, beyond 2**53 = {_EXACT_INTEGERS}, "
            "where float64 cannot tell neighbouring integers apart; they are kept as float64 "
            "(for identifiers or codes, use text labels)",
            DataConversionWarning,
            stacklevel=3,
        )
        return y
    return y.astype(np.int64)


def _text_target(cells, lines, name, where, path, dtype):
    """The target column from its text cells: numbers (see ``_numeric_target``) or class names."""
    empty = [line for cell, line in zip(cells, lines) if not cell]
    if empty:
        raise DataFormatError(
            f"{where}: {path} has {len(empty)} empty target cell{'s' * (len(empty) > 1)} in column {name!r} "
            f"(first on line {empty[0]}); fill or drop those rows"
        )
    try:
        y = np.array(cells, dtype=np.float64)
    except ValueError:
        return np.array(cells)  # class names
    return _numeric_target(y, name, where, dtype)


def load_csv(path, target=-1, delimiter=",", header=True, dtype=np.float64):
    """Read a CSV file of numbers; return ``(X, y)`` with ``y`` the ``target`` column.

    ``target`` is a column name (needs ``header=True``), a column index
    (negative counts from the end; the default -1 is the last column), or None
    to return ``X`` alone. Feature cells must be numbers (``nan`` is allowed); a
    cell that is not raises ``DataFormatError`` naming the row and column. The
    target column may hold text class names: then ``y`` is an array of strings
    (encode it with ``LabelEncoder``); numeric targets that are all whole
    numbers become int64 (up to 2**53; larger ones stay float64, with a
    warning), others ``dtype``. An empty target cell is an error, and so is a
    file that comes out as a single column while its lines hold another
    separator (``;``, a tab, ...). Blank lines are skipped.

    Parameters
    ----------
    path : str or Path
    target : str, int or None
    delimiter : str
    header : bool
        Whether the first line names the columns.
    dtype : floating dtype of X (float64).

    Examples
    --------
    >>> import os, tempfile
    >>> from gradstep.data import load_csv
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "points.csv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("x1,x2,label\\n0.5,1,0\\n2,3.5,1\\n")
    >>> X, y = load_csv(path, target="label")
    >>> X.tolist(), y.tolist()
    ([[0.5, 1.0], [2.0, 3.5]], [0, 1])
    >>> folder.cleanup()
    """
    where = "load_csv"
    path = os.fspath(path)
    if isinstance(target, str) and not header:
        raise DataError(f"{where}: target={target!r} is a column name, but header=False; pass a column index")
    first = _first_row(path, delimiter, where)
    _check_delimiter(first, delimiter, path, where)
    names = [name.strip() for name in first] if header else [str(i) for i in range(len(first))]
    column = None if target is None else _column_index(target, names, where, path)
    if column is not None and len(names) == 1:
        raise DataError(f"{where}: {path} has the single column {names[0]!r}: no feature column is left beside the target")
    pd = _pandas()
    parsed = None if pd is None else _read_chunks(pd, path, names, column, delimiter, header, dtype)
    if parsed is not None:
        X, y = parsed
        return X if column is None else (X, _numeric_target(y, names[column], where, dtype))
    X, cells, lines = _read_rows(path, names, column, delimiter, header, dtype, where)
    if column is None:
        return X
    return X, _text_target(cells, lines, names[column], where, path, dtype)
