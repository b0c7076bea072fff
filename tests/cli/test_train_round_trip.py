"""train -> evaluate -> predict -> resume through ``python -m gradstep``, on small, fast settings."""

import csv
import json

import numpy as np
from safetensors.numpy import load_file

FAST = ["--data", "iris", "--hidden", "8", "--batch-size", "16", "--lr", "0.01", "--quiet"]


def _history(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]  # seconds is wall time


def test_train_writes_every_file_of_the_run_folder(gradstep_cli, tmp_path):
    result = gradstep_cli("train", *FAST, "--epochs", "3", "--out", "runs/iris", check_ok=True)
    run = tmp_path / "runs" / "iris"
    for name in ("config.json", "history.csv", "model.safetensors", "metrics.json", "curves.png", "confusion.png"):
        assert (run / name).stat().st_size > 0, name
    config = json.loads((run / "config.json").read_text())
    assert config["options"]["epochs"] == 3 and config["options"]["hidden"] == [8]
    assert config["data"]["classes"] == [0, 1, 2] and config["data"]["sizes"] == {"train": 90, "val": 30, "test": 30}
    metrics = json.loads((run / "metrics.json").read_text())
    assert len(_history(run / "history.csv")) == 3 and metrics["epochs_trained"] == 3
    assert f"{metrics['test']['accuracy']:.4f}" in result.stdout  # the printed table shows the test metrics
    assert np.array(metrics["confusion_matrix"]).sum() == 30


def test_evaluate_and_predict_agree_with_train(gradstep_cli, tmp_path):
    gradstep_cli("train", *FAST, "--epochs", "2", "--out", "run", check_ok=True)
    accuracy = json.loads((tmp_path / "run" / "metrics.json").read_text())["test"]["accuracy"]
    evaluated = gradstep_cli("evaluate", "run", check_ok=True)
    assert ["accuracy", f"{accuracy:.4f}"] in [line.split() for line in evaluated.stdout.splitlines()]

    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 1.0, size=(7, 4))
    with open(tmp_path / "new.csv", "w") as f:
        f.write("a,b,c,d\n" + "\n".join(",".join(f"{v:.3f}" for v in row) for row in X) + "\n")
    gradstep_cli("predict", "run", "--data", "new.csv", "--out", "pred.csv", check_ok=True)
    with open(tmp_path / "pred.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 7 and list(rows[0]) == ["prediction", "p_0", "p_1", "p_2"]
    for row in rows:
        p = [float(row[f"p_{k}"]) for k in range(3)]
        assert abs(sum(p) - 1) < 1e-4 and int(row["prediction"]) == int(np.argmax(p))


def test_resume_gives_the_same_run_as_one_longer_run(gradstep_cli, tmp_path):
    options = [*FAST, "--dropout", "0.2", "--optimizer", "momentum", "--schedule", "exponential:0.9"]
    gradstep_cli("train", *options, "--epochs", "4", "--out", "long", check_ok=True)
    gradstep_cli("train", *options, "--epochs", "2", "--out", "short", check_ok=True)
    gradstep_cli("resume", "short", "--epochs", "4", "--quiet", check_ok=True)
    long_, short = load_file(tmp_path / "long" / "model.safetensors"), load_file(tmp_path / "short" / "model.safetensors")
    assert sorted(long_) == sorted(short)
    for name in long_:
        np.testing.assert_array_equal(long_[name], short[name], err_msg=name)  # bit for bit
    assert _history(tmp_path / "long" / "history.csv") == _history(tmp_path / "short" / "history.csv")
    assert json.loads((tmp_path / "short" / "config.json").read_text())["epochs_trained"] == 4


def test_config_file_values_apply_and_command_line_wins(gradstep_cli, tmp_path):
    (tmp_path / "run.toml").write_text('data = "iris"\nhidden = [8]\nepochs = 5\nbatch-size = 16\nlr = 0.01\n')
    gradstep_cli("train", "--config", "run.toml", "--epochs", "2", "--quiet", "--out", "run", check_ok=True)
    options = json.loads((tmp_path / "run" / "config.json").read_text())["options"]
    assert options["epochs"] == 2  # the command line wins
    assert (options["data"], options["hidden"], options["batch_size"], options["lr"]) == ("iris", [8], 16, 0.01)


def test_regression_with_linear_model_reports_r2(gradstep_cli, tmp_path):
    result = gradstep_cli("train", "--data", "diabetes", "--model", "linear", "--optimizer", "sgd", "--lr", "0.05",
                          "--epochs", "40",
                          "--quiet", "--out", "run", check_ok=True)  # fmt: skip
    test = json.loads((tmp_path / "run" / "metrics.json").read_text())["test"]
    assert set(test) == {"loss", "mse", "mae", "r2"} and "r2" in result.stdout
    assert not (tmp_path / "run" / "confusion.png").exists()
    assert test["r2"] > 0.3  # a linear model explains about half of the diabetes target's variance
