"""``gradstep train --workers 2`` on a folder of Parquet files, then evaluate and predict on Parquet data."""

import csv
import json

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("distributed")

from .conftest import assert_usage_error  # noqa: E402


def _write_parts(folder, n=240, parts=3):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    label = np.where(X[:, 0] + X[:, 1] > 0, "up", "down")
    folder.mkdir()
    for i, rows in enumerate(np.array_split(np.arange(n), parts)):
        pq.write_table(pa.table({"a": X[rows, 0], "b": X[rows, 1], "c": X[rows, 2], "label": label[rows]}),
                       folder / f"part-{i}.parquet")  # fmt: skip
    return X, label


def test_train_on_two_workers_then_evaluate_and_predict_parquet(gradstep_cli, tmp_path):
    _write_parts(tmp_path / "table")
    result = gradstep_cli("train", "--data", "table", "--target", "label", "--workers", "2", "--hidden", "8",
                          "--epochs", "2", "--batch-size", "full", "--lr", "0.05", "--quiet", "--out", "run",
                          check_ok=True)  # fmt: skip
    assert "test metrics (48 examples, after 2 epochs, train)" in result.stdout
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["options"]["workers"] == 2 and config["data"]["classes"] == ["down", "up"]
    evaluated = gradstep_cli("evaluate", "run", "--data", "table/part-0.parquet", check_ok=True)
    assert "on table/part-0.parquet (80 examples)" in evaluated.stdout
    gradstep_cli("predict", "run", "--data", "table", "--out", "p.csv", check_ok=True)
    rows = list(csv.reader(open(tmp_path / "p.csv")))
    assert rows[0] == ["prediction", "p_down", "p_up"] and len(rows) == 241
    assert {r[0] for r in rows[1:]} <= {"up", "down"}


def test_workers_and_scheduler_together_is_a_usage_error(gradstep_cli, tmp_path):
    _write_parts(tmp_path / "table", n=30)
    result = gradstep_cli("train", "--data", "table", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1",
                          "--epochs", "1", "--quiet")  # fmt: skip
    assert_usage_error(result, "--workers starts a cluster and --scheduler uses one")
    result = gradstep_cli("train", "--data", "table/nothing-*.parquet", "--epochs", "1", "--quiet")
    assert_usage_error(result, "no such file, folder or glob match")
