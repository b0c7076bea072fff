"""load_csv: a numeric table from a CSV file, split into features X and a target column y."""

import csv
import numbers
import os

import numpy as np

from .errors import DataError, DataFormatError, DatasetNotFoundError


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


def _to_numbers(cells, names, columns, lines, where, path):
    """Convert a 2-D array of strings to float64, naming the first cell that is not a number."""
    try:
        return cells.astype(np.float64)
    except ValueError:
        pass
    values = np.empty(cells.shape, dtype=np.float64)
    for row, line in enumerate(cells):
        for position, cell in enumerate(line):
            try:
                values[row, position] = float(cell)
            except ValueError:
                what = "an empty cell" if not cell.strip() else f"{str(cell)!r}, which is not a number"
                raise DataFormatError(
                    f"{where}: {path} row {row + 1} (line {lines[row]}), column "
                    f"{names[columns[position]]!r} (index {columns[position]}) holds {what}"
                ) from None
    return values


def load_csv(path, target=-1, delimiter=",", header=True, dtype=np.float64):
    """Read a CSV file of numbers; return ``(X, y)`` with ``y`` the ``target`` column.

    ``target`` is a column name (needs ``header=True``), a column index
    (negative counts from the end; the default -1 is the last column), or None
    to return ``X`` alone. Feature cells must be numbers (``nan`` is allowed); a
    cell that is not raises ``DataFormatError`` naming the row and column. The
    target column may hold text class names: then ``y`` is an array of strings
    (encode it with ``LabelEncoder``); numeric targets that are all whole
    numbers become int64, others ``dtype``. Blank lines are skipped.

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
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, delimiter=delimiter)
            # (line number in the file, cells) of every non-blank row
            numbered = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise DatasetNotFoundError(f"{where}: no such file: {path}") from None
    except (csv.Error, UnicodeDecodeError) as err:
        raise DataFormatError(f"{where}: {path} is not a readable CSV file ({err})") from None
    if header and numbered:
        names = [name.strip() for name in numbered.pop(0)[1]]
    if not numbered:
        raise DataError(f"{where}: {path} has no data rows")
    lines, rows = zip(*numbered)
    if not header:
        names = [str(i) for i in range(len(rows[0]))]
    for row, line in zip(rows, lines):
        if len(row) != len(names):
            raise DataFormatError(
                f"{where}: {path} line {line} has {len(row)} cells, expected {len(names)} (columns {names})"
            )
    cells = np.array(rows, dtype=str)
    column = None if target is None else _column_index(target, names, where, path)
    features = [i for i in range(len(names)) if i != column]
    X = _to_numbers(cells[:, features], names, features, lines, where, path).astype(dtype, copy=False)
    if column is None:
        return X
    try:
        y = cells[:, column].astype(np.float64)
    except ValueError:
        return X, np.char.strip(cells[:, column])  # class names
    return X, (y.astype(np.int64) if np.all(np.isfinite(y)) and np.all(y == np.round(y)) else y.astype(dtype))
