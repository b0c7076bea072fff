"""``gradstep train --workers 2`` on a folder of Parquet files read by the workers; evaluate, predict, resume."""

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


def _no_rows_read_here(monkeypatch, name):
    """Make the driver's Parquet reader fail on files under ``name`` (the workers are other processes: not patched)."""
    from gradstep.data import parquet

    read = parquet._to_arrays

    def not_these_rows(table, features, target, dtype, where, source):
        assert name not in str(source), f"the driver read rows of {source}"
        return read(table, features, target, dtype, where, source)

    monkeypatch.setattr(parquet, "_to_arrays", not_these_rows)


def test_train_evaluate_predict_and_resume_on_two_workers_never_read_the_rows_here(tmp_path, monkeypatch, capsys):
    from gradstep.cli import main

    X, label = _write_parts(tmp_path / "table")
    monkeypatch.chdir(tmp_path)
    _no_rows_read_here(monkeypatch, "table")
    assert main(["train", "--data", "table", "--target", "label", "--workers", "2", "--hidden", "8", "--epochs", "2",
                 "--batch-size", "full", "--lr", "0.05", "--quiet", "--out", "run"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    sizes = config["data"]["sizes"]
    assert config["options"]["workers"] == 2 and config["data"]["classes"] == ["down", "up"]
    assert config["data"]["read_by"] == "workers" and sum(sizes.values()) == 240
    # each of the 3 files (80 rows, 40 of each label or so) is split 60/20/20 on its own, stratified
    assert abs(sizes["train"] - 144) <= 3 and abs(sizes["test"] - 48) <= 3
    assert f"test metrics ({sizes['test']} examples, after 2 epochs, train)" in out
    history = (tmp_path / "run" / "history.csv").read_text().splitlines()
    assert history[0].startswith("epoch,loss,val_loss") and len(history) == 3
    # the run is rebuilt on a cluster like its own (the split is drawn per block): its own test split, scored there
    assert main(["evaluate", "run"]) == 0
    own = capsys.readouterr().out
    assert f"on the held-out test split of table ({sizes['test']} examples; --all-rows for all 240, scored on 2 workers)" in own
    assert _metrics(own) == pytest.approx(json.loads((tmp_path / "run" / "metrics.json").read_text())["test"], abs=1e-4)
    assert main(["evaluate", "run", "--all-rows"]) == 0
    assert "every row of table, training rows included (240 examples, scored on 2 workers)" in capsys.readouterr().out
    assert main(["evaluate", "run", "--data", "table/part-0.parquet"]) == 0
    assert "on table/part-0.parquet (80 examples, scored on 2 workers)" in capsys.readouterr().out
    assert main(["predict", "run", "--data", "table", "--out", "p.csv"]) == 0
    rows = list(csv.reader(open(tmp_path / "p.csv")))
    assert rows[0] == ["prediction", "p_down", "p_up"] and len(rows) == 241
    assert np.mean([r[0] for r in rows[1:]] == label) > 0.7  # in row order: mostly the true labels
    assert main(["resume", "run", "--epochs", "3", "--quiet"]) == 0
    assert "after 3 epochs, resume" in capsys.readouterr().out
    assert len((tmp_path / "run" / "history.csv").read_text().splitlines()) == 4


_CRASH_AFTER_EPOCH = """
import os, sys
from gradstep.cli import main, session
save = session.SaveRun.on_epoch_end
def save_then_die(self, epoch, logs=None):
    save(self, epoch, logs)
    if epoch + 1 == int(sys.argv[1]):
        os._exit(9)  # the driver dies at once: no cleanup, its cluster goes with it
session.SaveRun.on_epoch_end = save_then_die
sys.exit(main(sys.argv[2:]))
"""


def _losses(run):
    lines = (run / "history.csv").read_text().splitlines()
    keys = lines[0].split(",")
    return [{k: v for k, v in zip(keys, line.split(",")) if "loss" in k} for line in lines[1:]]


def test_resume_after_a_driver_crash_continues_as_one_run(gradstep_cli, tmp_path):
    import subprocess
    import sys

    _write_parts(tmp_path / "table", n=180)
    train = ["train", "--data", "table", "--target", "label", "--workers", "2", "--hidden", "6", "--batch-size", "16",
             "--epochs", "3", "--quiet"]  # fmt: skip
    gradstep_cli(*train, "--out", "straight", check_ok=True)
    crashed = subprocess.run([sys.executable, "-c", _CRASH_AFTER_EPOCH, "2", *train, "--out", "crashed"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert crashed.returncode == 9, crashed.stderr
    assert len(_losses(tmp_path / "crashed")) == 2
    gradstep_cli("resume", "crashed", "--epochs", "3", "--quiet", check_ok=True)
    assert _losses(tmp_path / "crashed") == _losses(tmp_path / "straight")  # every digit (repr) of every epoch
    metrics = [json.loads((tmp_path / r / "metrics.json").read_text())["test"] for r in ("crashed", "straight")]
    assert metrics[0] == metrics[1]


def _metrics(stdout):
    """{metric: value} of the table a command printed."""
    lines = stdout.splitlines()
    start = lines.index(next(line for line in lines if line.split() == ["metric", "value"])) + 2
    return {name: float(value) for name, value in (line.split() for line in lines[start:] if line.strip())}


def test_evaluate_and_predict_on_workers_never_read_the_parquet_rows_here(tmp_path, monkeypatch, capsys):
    from gradstep.cli import main

    _write_parts(tmp_path / "table", n=120)
    _write_parts(tmp_path / "new", n=90)
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--data", "table", "--target", "label", "--model", "logistic", "--epochs", "2",
                 "--quiet", "--out", "run"]) == 0  # fmt: skip
    assert json.loads((tmp_path / "run" / "config.json").read_text())["data"]["read_by"] == "driver"
    read = __import__("gradstep.data.parquet", fromlist=["_to_arrays"])._to_arrays
    _no_rows_read_here(monkeypatch, "new")  # the run's own table is read to rebuild the run (it was read here)
    capsys.readouterr()
    assert main(["evaluate", "run", "--data", "new", "--workers", "2"]) == 0
    on_workers = capsys.readouterr().out
    assert "on new (90 examples, scored on 2 workers)" in on_workers
    assert main(["predict", "run", "--data", "new", "--workers", "2", "--out", "p.csv"]) == 0
    rows = list(csv.reader(open(tmp_path / "p.csv")))
    assert rows[0] == ["prediction", "p_down", "p_up"] and len(rows) == 91
    capsys.readouterr()
    assert main(["predict", "run", "--data", "new", "--out", "p.csv"]) != 0  # without workers the check bites
    assert "the driver read rows of new" in capsys.readouterr().err
    from gradstep.data import parquet

    monkeypatch.setattr(parquet, "_to_arrays", read)  # now the driver may read them: the same scores here
    assert main(["evaluate", "run", "--data", "new"]) == 0
    here = capsys.readouterr().out
    assert "on new (90 examples)" in here
    assert _metrics(on_workers) == pytest.approx(_metrics(here), abs=1.5e-4)  # printed to 4 places
    assert main(["predict", "run", "--data", "new", "--out", "q.csv"]) == 0
    assert list(csv.reader(open(tmp_path / "q.csv"))) == rows  # the same rows, in the same order


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
