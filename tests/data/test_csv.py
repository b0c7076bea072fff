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


# ----- silent wrong answers that are now errors or warnings; both readers (pandas and the csv module) -----
@pytest.fixture(params=["pandas", "csv module"])
def reader(request, monkeypatch):
    import gradstep.data.tabular as tabular

    if request.param == "pandas":
        pytest.importorskip("pandas")
        monkeypatch.setattr(tabular, "_CHUNK_ROWS", 2)  # several chunks even in these small files
    else:
        monkeypatch.setattr(tabular, "_pandas", lambda: None)
    return request.param


def test_both_readers_give_the_same_arrays(tmp_path, reader):
    path = write(tmp_path, "a,b,y\n1,2,0\n3.5,-4,1\n\n5,6e1,1\n0.1,1e-300,0\n")
    X, y = load_csv(path, target="y")
    assert X.tolist() == [[1.0, 2.0], [3.5, -4.0], [5.0, 60.0], [0.1, 1e-300]] and y.tolist() == [0, 1, 1, 0]
    assert y.dtype == np.int64 and X.dtype == np.float64
    X, y = load_csv(path, target=0, dtype=np.float32)
    assert X.dtype == np.float32 and y.dtype == np.float32 and y.tolist() == pytest.approx([1.0, 3.5, 5.0, 0.1])


def test_integer_labels_beyond_int64_are_not_wrapped(tmp_path, reader):
    path = write(tmp_path, "x,y\n1,1e20\n2,2e20\n3,100000000000000000000\n")
    with pytest.warns(UserWarning, match=r"target column 'y' holds whole numbers up to 2e\+20, beyond 2\*\*53"):
        _, y = load_csv(path)
    assert y.dtype == np.float64 and y.tolist() == [1e20, 2e20, 1e20]  # two classes, not one wrapped value
    assert len(np.unique(y)) == 2


def test_empty_target_cells_are_an_error_not_a_class(tmp_path, reader):
    for text in ("x,y\n1,0\n2,\n3,1\n4, \n", "x,y\n1,cat\n2,\n"):
        with pytest.raises(DataFormatError, match=r"table\.csv has \d empty target cells? in column 'y' \(first on line 3\); fill or drop those rows$"):
            load_csv(write(tmp_path, text))


def test_a_semicolon_file_is_named_as_a_delimiter_problem(tmp_path, reader):
    path = write(tmp_path, "a;b;y\n1;2;0\n3;4;1\n")
    with pytest.raises(DataFormatError, match=r"table\.csv has a single column 'a;b;y' when split at ',': it looks separated by ';'; pass delimiter=';'$"):
        load_csv(path)
    tabs = write(tmp_path, "a\tb\n1\t2\n", "tabs.csv")
    with pytest.raises(DataFormatError, match=r"it looks separated by a tab; pass delimiter='\\t'$"):
        load_csv(tabs)
    X, y = load_csv(path, delimiter=";")
    assert X.tolist() == [[1, 2], [3, 4]] and y.tolist() == [0, 1]
    with pytest.raises(DataError, match=r"has the single column 'y': no feature column is left beside the target$"):
        load_csv(write(tmp_path, "y\n1\n2\n", "one.csv"))


def test_nan_features_are_kept_and_other_cells_still_named(tmp_path, reader):
    X, y = load_csv(write(tmp_path, "a,b,y\n1,nan,0\n2,3,1\n"))
    assert np.isnan(X[0, 1]) and X[1].tolist() == [2.0, 3.0] and y.tolist() == [0, 1]
    with pytest.raises(DataFormatError, match=r"row 2 \(line 3\), column 'b' \(index 1\) holds 'n/a', which is not a number$"):
        load_csv(write(tmp_path, "a,b,y\n1,2,0\n2,n/a,1\n"))
    with pytest.raises(DataFormatError, match=r"line 3 has 2 cells, expected 3"):
        load_csv(write(tmp_path, "a,b,y\n1,2,0\n2,3\n"))
    with pytest.raises(DataError, match=r"is a folder, not a CSV file$"):
        load_csv(tmp_path)
