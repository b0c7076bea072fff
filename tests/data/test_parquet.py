"""load_parquet: files, folders and globs, NumPy or dask, and a clear error for every bad file."""

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from gradstep.data import DataError, DataFormatError, DatasetNotFoundError, load_parquet  # noqa: E402


def _table(n, start=0):
    rng = np.random.default_rng(start)
    x1 = rng.normal(size=n)
    return pa.table({
        "x1": x1, "x2": np.arange(start, start + n, dtype=np.int32), "flag": x1 > 0,
        "label": np.where(x1 > 0, "pos", "neg"), "value": 2.0 * x1,
    })  # fmt: skip


def test_one_file_round_trip(tmp_path):
    table = _table(7)
    pq.write_table(table, tmp_path / "d.parquet")
    X, y = load_parquet(tmp_path / "d.parquet", target="label")
    assert X.dtype == np.float64 and X.shape == (7, 4)
    np.testing.assert_array_equal(X[:, 0], table["x1"].to_numpy())
    np.testing.assert_array_equal(X[:, 1], np.arange(7))
    assert y.tolist() == table["label"].to_pylist()
    X, y = load_parquet(tmp_path / "d.parquet", target="value", columns=["x2", "x1"], dtype=np.float32)
    assert X.dtype == np.float32 and X[:, 0].tolist() == list(range(7)) and y.dtype == np.float64
    assert load_parquet(tmp_path / "d.parquet", columns=["x1"]).shape == (7, 1)  # no target: X alone


def test_folder_and_glob_read_the_files_in_sorted_order_as_numpy_or_dask(tmp_path):
    pytest.importorskip("dask.array")
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(_table(5, start=10), folder / "part-1.parquet", row_group_size=2)
    pq.write_table(_table(4, start=0), folder / "part-0.parquet")
    X, y = load_parquet(folder, target="x2", columns=["x1", "flag", "value"])
    assert y.tolist() == [0, 1, 2, 3, 10, 11, 12, 13, 14] and y.dtype == np.int32
    dX, dy = load_parquet(str(folder / "part-*.parquet"), target="x2", columns=["x1", "flag", "value"], dask=True)
    assert dX.chunks[0] == (4, 2, 2, 1)  # one chunk per row group
    np.testing.assert_array_equal(dX.compute(), X)
    np.testing.assert_array_equal(dy.compute(), y)
    small_X, _ = load_parquet(folder, target="x2", columns=["x1"], threshold=10)  # dask above the threshold
    assert type(small_X).__name__ == "Array"


def test_bad_files_give_clear_errors(tmp_path):
    pq.write_table(_table(3), tmp_path / "d.parquet")
    with pytest.raises(DataError, match=r"no target column 'price'; its columns are \['x1', 'x2'"):
        load_parquet(tmp_path / "d.parquet", target="price")
    with pytest.raises(DataError, match=r"'label' \(string\) are not"):
        load_parquet(tmp_path / "d.parquet", target="value")
    with pytest.raises(DataError, match=r"no columns \['nope'\]"):
        load_parquet(tmp_path / "d.parquet", target="value", columns=["x1", "nope"])
    pq.write_table(_table(0), tmp_path / "empty.parquet")
    with pytest.raises(DataError, match="empty.parquet has no rows"):
        load_parquet(tmp_path / "empty.parquet", target="value", columns=["x1"])
    (tmp_path / "fake.parquet").write_text("x1,x2\n1,2\n")
    with pytest.raises(DataFormatError, match="fake.parquet is not a readable Parquet file"):
        load_parquet(tmp_path / "fake.parquet")
    with pytest.raises(DatasetNotFoundError, match="no such file, folder or glob match"):
        load_parquet(tmp_path / "missing-*.parquet")
    pq.write_table(pa.table({"x1": [1.0, None], "value": [1.0, None]}), tmp_path / "nulls.parquet")
    with pytest.raises(DataError, match="target column 'value' of .* has 1 missing values"):
        load_parquet(tmp_path / "nulls.parquet", target="value")
    X = load_parquet(tmp_path / "nulls.parquet", columns=["x1"])
    assert np.isnan(X[1, 0])  # missing features are NaN (the estimators then name them)
    other = tmp_path / "mixed"
    other.mkdir()
    pq.write_table(pa.table({"a": [1.0]}), other / "0.parquet")
    pq.write_table(pa.table({"a": ["x"]}), other / "1.parquet")
    with pytest.raises(DataFormatError, match="every file must have the same columns"):
        load_parquet(other)
