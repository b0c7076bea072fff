"""load_csv: columns by name or index, text targets, and errors naming the row, column or file."""

import numpy as np
import pytest

from gradstep.data import DataError, DataFormatError, DatasetNotFoundError, load_csv


def write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_target_by_name_and_by_index(tmp_path):
    path = write(tmp_path, "a,b,y\n1,2,0\n3.5,-4,1\n\n5,6e1,1\n")
    X, y = load_csv(path, target="y")
    assert X.tolist() == [[1.0, 2.0], [3.5, -4.0], [5.0, 60.0]] and X.dtype == np.float64
    assert y.tolist() == [0, 1, 1] and y.dtype == np.int64  # whole-number targets become int64
    X0, y0 = load_csv(path, target=0, dtype=np.float32)
    assert X0.dtype == np.float32 and X0.tolist() == [[2.0, 0.0], [-4.0, 1.0], [60.0, 1.0]]
    assert y0.tolist() == [1.0, 3.5, 5.0] and y0.dtype == np.float32
    np.testing.assert_array_equal(load_csv(path)[0], X)  # default: the last column is the target
    assert load_csv(path, target=None).shape == (3, 3)


def test_text_targets_and_other_delimiters(tmp_path):
    path = write(tmp_path, "\ufefflength;species\n5.1;setosa\n7.0; versicolor\n")  # with a byte order mark
    X, y = load_csv(path, target="species", delimiter=";")
    assert X.tolist() == [[5.1], [7.0]] and y.tolist() == ["setosa", "versicolor"]


def test_without_header(tmp_path):
    X, y = load_csv(write(tmp_path, "1,2,3\n4,5,6\n"), target=-1, header=False)
    assert X.tolist() == [[1, 2], [4, 5]] and y.tolist() == [3, 6]


def test_non_numeric_cell_names_row_and_column(tmp_path):
    path = write(tmp_path, "age,income,y\n30,1000,0\n41,n/a,1\n")
    with pytest.raises(
        DataFormatError,
        match=r"^load_csv: .*table\.csv row 2 \(line 3\), column 'income' \(index 1\) holds 'n/a', which is not a number$",
    ):
        load_csv(path, target="y")


def test_empty_cell_names_row_and_column(tmp_path):
    path = write(tmp_path, "age,income,y\n30,1000,0\n\n41,,1\n")
    with pytest.raises(DataFormatError, match=r"row 2 \(line 4\), column 'income' \(index 1\) holds an empty cell$"):
        load_csv(path)


def test_missing_target_column_lists_the_columns(tmp_path):
    path = write(tmp_path, "age,income,label\n30,1000,0\n")
    with pytest.raises(DataError, match=r"^load_csv: .*table\.csv has no column 'target'; its columns are 'age', 'income', 'label'$"):
        load_csv(path, target="target")
    with pytest.raises(DataError, match=r"^load_csv: target index 3 is out of range for .*table\.csv, whose columns are 'age', 'income', 'label'$"):
        load_csv(path, target=3)
    with pytest.raises(DataError, match=r"^load_csv: target must be a column name, a column index or None, got 1\.5$"):
        load_csv(path, target=1.5)


def test_other_csv_errors(tmp_path):
    with pytest.raises(DataError, match=r"^load_csv: target='y' is a column name, but header=False; pass a column index$"):
        load_csv(write(tmp_path, "1,2\n"), target="y", header=False)
    with pytest.raises(DataError, match=r"^load_csv: .*header_only\.csv has no data rows$"):
        load_csv(write(tmp_path, "a,b\n\n", "header_only.csv"))
    with pytest.raises(DataFormatError, match=r"^load_csv: .*ragged\.csv line 3 has 2 cells, expected 3 \(columns \['a', 'b', 'c'\]\)$"):
        load_csv(write(tmp_path, "a,b,c\n1,2,3\n4,5\n", "ragged.csv"))
    with pytest.raises(DatasetNotFoundError, match=r"^load_csv: no such file: .*absent\.csv$"):
        load_csv(tmp_path / "absent.csv")
    (tmp_path / "latin1.csv").write_bytes("a,b\n1,\xe9\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match=r"^load_csv: .*latin1\.csv is not a readable CSV file \(.*\)$"):
        load_csv(tmp_path / "latin1.csv")
