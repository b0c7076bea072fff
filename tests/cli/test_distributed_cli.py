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
    parts = "table/part-*.parquet"  # the same rows as the run's data set, named otherwise: all of them are scored
    on_workers = gradstep_cli("evaluate", "run", "--data", parts, "--workers", "2", check_ok=True)
    assert f"on {parts} (240 examples, scored on 2 workers)" in on_workers.stdout
    local = gradstep_cli("evaluate", "run", "--data", parts, check_ok=True)
    assert _metrics(on_workers.stdout) == pytest.approx(_metrics(local.stdout), abs=1.5e-4)  # printed to 4 places
    gradstep_cli("predict", "run", "--data", "table", "--out", "p.csv", check_ok=True)
    rows = list(csv.reader(open(tmp_path / "p.csv")))
    assert rows[0] == ["prediction", "p_down", "p_up"] and len(rows) == 241
    assert {r[0] for r in rows[1:]} <= {"up", "down"}
    spread = gradstep_cli("predict", "run", "--data", "table", "--workers", "2", "--out", "q.csv", check_ok=True)
    assert "wrote 240 predictions to q.csv (made on 2 workers)" in spread.stdout
    assert list(csv.reader(open(tmp_path / "q.csv"))) == rows  # the same rows, in the same order


def _metrics(stdout):
    """{metric: value} of the table a command printed."""
    lines = stdout.splitlines()
    start = lines.index(next(line for line in lines if line.split() == ["metric", "value"])) + 2
    return {name: float(value) for name, value in (line.split() for line in lines[start:] if line.strip())}


def test_evaluate_and_predict_on_workers_never_read_the_parquet_rows_here(tmp_path, monkeypatch, capsys):
    from gradstep.cli import main
    from gradstep.data import parquet

    _write_parts(tmp_path / "table", n=120)
    _write_parts(tmp_path / "new", n=90)
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--data", "table", "--target", "label", "--model", "logistic", "--epochs", "2",
                 "--quiet", "--out", "run"]) == 0  # fmt: skip
    read = parquet._to_arrays

    def not_the_new_rows(table, features, target, dtype, where, source):
        # the run's own table is read to rebuild the run; the scored data must stay with the workers
        assert "new" not in str(source), f"the driver read rows of {source}"
        return read(table, features, target, dtype, where, source)

    monkeypatch.setattr(parquet, "_to_arrays", not_the_new_rows)  # the workers are other processes: not patched
    capsys.readouterr()
    assert main(["evaluate", "run", "--data", "new", "--workers", "2"]) == 0
    assert "on new (90 examples, scored on 2 workers)" in capsys.readouterr().out
    assert main(["predict", "run", "--data", "new", "--workers", "2", "--out", "p.csv"]) == 0
    rows = list(csv.reader(open(tmp_path / "p.csv")))
    assert rows[0] == ["prediction", "p_down", "p_up"] and len(rows) == 91
    capsys.readouterr()
    assert main(["predict", "run", "--data", "new", "--out", "p.csv"]) != 0  # without workers the check bites
    assert "the driver read rows of new" in capsys.readouterr().err


def test_evaluate_on_workers_names_bad_data(gradstep_cli, tmp_path):
    _write_parts(tmp_path / "table", n=60)
    gradstep_cli("train", "--data", "table", "--target", "label", "--model", "logistic", "--epochs", "1",
                 "--quiet", "--out", "run", check_ok=True)  # fmt: skip
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [0.0, 1.0], "b": [1.0, 2.0], "label": ["up", "sideways"]}), other)
    result = gradstep_cli("evaluate", "run", "--data", "other.parquet", "--workers", "1")
    assert_usage_error(result, "--data other.parquet: has 2 feature columns, but the run was trained on 3")
    pq.write_table(pa.table({"a": [0.0, 1.0], "b": [1.0, 2.0], "c": [0.0, 0.0], "label": ["up", "sideways"]}), other)
    result = gradstep_cli("evaluate", "run", "--data", "other.parquet", "--workers", "1")
    assert_usage_error(result, "labels ['sideways'] are not among the run's classes ['down', 'up']")
    result = gradstep_cli("predict", "run", "--data", "other.parquet", "--workers", "0")
    assert_usage_error(result, "--workers: 0 is out of range")


def test_workers_and_scheduler_together_is_a_usage_error(gradstep_cli, tmp_path):
    _write_parts(tmp_path / "table", n=30)
    result = gradstep_cli("train", "--data", "table", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1",
                          "--epochs", "1", "--quiet")  # fmt: skip
    assert_usage_error(result, "--workers starts a cluster and --scheduler uses one")
    result = gradstep_cli("train", "--data", "table/nothing-*.parquet", "--epochs", "1", "--quiet")
    assert_usage_error(result, "no such file, folder or glob match")
