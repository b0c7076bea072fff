"""evaluate and predict on data other than the run's own test split; Fashion-MNIST's missing-folder error."""

import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from gradstep.data import load_iris

from .conftest import assert_usage_error

FAST = ["--data", "iris", "--hidden", "4", "--batch-size", "16", "--lr", "0.01", "--epochs", "2", "--quiet"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """One small trained iris run shared by the tests of this file (training is the slow part)."""
    folder = tmp_path_factory.mktemp("trained") / "run"
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    result = subprocess.run([sys.executable, "-m", "gradstep", "train", *FAST, "--out", str(folder)],
                            env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder


def _write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def _metric(stdout, name):
    return next(float(words[1]) for words in map(str.split, stdout.splitlines()) if words[:1] == [name])


def test_evaluate_on_a_csv_file_agrees_with_predict_on_it(gradstep_cli, run_dir, tmp_path):
    X, y = load_iris()
    rows = np.arange(0, 150, 5)  # 30 rows, 10 of each class
    _write_csv(tmp_path / "other.csv", ["f0", "f1", "f2", "f3", "target"],
               [[f"{v:.6g}" for v in X[i]] + [int(y[i])] for i in rows])  # fmt: skip

    evaluated = gradstep_cli("evaluate", run_dir, "--data", "other.csv", check_ok=True)
    assert evaluated.stdout.splitlines()[0] == f"metrics of {run_dir} on other.csv (30 examples)"

    # predict ignores the column named like the run's target, so the same file works; its accuracy is evaluate's
    gradstep_cli("predict", run_dir, "--data", "other.csv", "--out", "pred.csv", check_ok=True)
    with open(tmp_path / "pred.csv") as f:
        predicted = np.array([int(row["prediction"]) for row in csv.DictReader(f)])
    assert len(predicted) == 30
    assert _metric(evaluated.stdout, "accuracy") == round(float(np.mean(predicted == y[rows])), 4)


def test_evaluate_on_a_csv_file_that_does_not_fit_the_run(gradstep_cli, run_dir, tmp_path):
    _write_csv(tmp_path / "three.csv", ["a", "b", "c", "target"], [[1, 2, 3, 0], [4, 5, 6, 1]])
    result = gradstep_cli("evaluate", run_dir, "--data", "three.csv")
    assert_usage_error(result, "gradstep evaluate: error:", "--data three.csv: has 3 feature columns", "trained on 4")
    _write_csv(tmp_path / "labels.csv", ["a", "b", "c", "d", "target"], [[1, 2, 3, 4, 0], [5, 6, 7, 8, 7]])
    result = gradstep_cli("evaluate", run_dir, "--data", "labels.csv")
    assert_usage_error(result, "--data labels.csv: labels [7] are not among the run's classes [0, 1, 2]")


def test_predict_on_a_bundled_data_set_name_predicts_all_its_rows(gradstep_cli, run_dir, tmp_path):
    result = gradstep_cli("predict", run_dir, "--data", "iris", "--out", "pred.csv", check_ok=True)
    assert result.stdout.strip() == "wrote 150 predictions to pred.csv"  # iris has 150 rows
    with open(tmp_path / "pred.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 150 and {row["prediction"] for row in rows} <= {"0", "1", "2"}
    assert json.loads((run_dir / "config.json").read_text())["data"]["name"] == "iris"


def test_predict_on_a_data_set_with_other_features_is_one_line(gradstep_cli, run_dir):
    result = gradstep_cli("predict", run_dir, "--data", "wine")
    assert_usage_error(result, "gradstep predict: error:", "--data wine: has 13 feature columns", "trained on 4")


def test_missing_fashion_mnist_folder_says_where_to_put_the_files(gradstep_cli, tmp_path, monkeypatch):
    empty = tmp_path / "no-data-here"
    empty.mkdir()
    monkeypatch.setenv("GRADSTEP_DATA", str(empty))
    result = gradstep_cli("train", "--data", "fashion-mnist", "--epochs", "1", "--quiet")
    assert_usage_error(result, "gradstep train: error: --data fashion-mnist:", "train-images-idx3-ubyte",
                       "Put the original files", str(empty / "fashion-mnist"), "GRADSTEP_DATA")  # fmt: skip
