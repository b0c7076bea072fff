"""``gradstep train`` of each linear classifier, in process, with the optimizers and schedules not used elsewhere."""

import json

import pytest


@pytest.mark.parametrize("data, model, optimizer, schedule", [
    ("breast_cancer", "logistic", "nesterov", "cosine"),
    ("breast_cancer", "perceptron", "adagrad", "constant"),
    ("breast_cancer", "adaline", "rmsprop", "inverse_time:0.1"),
    ("wine", "softmax", "adamw", "step:2:0.5"),
])  # fmt: skip
def test_each_linear_classifier_trains_in_process(tmp_path, capsys, data, model, optimizer, schedule):
    from gradstep.cli import main

    out = tmp_path / "run"
    argv = ["train", "--data", data, "--model", model, "--optimizer", optimizer, "--schedule", schedule,
            "--lr", "0.01", "--epochs", "5", "--quiet", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert "test metrics" in capsys.readouterr().out
    metrics = json.loads((out / "metrics.json").read_text())
    # both data sets are close to linearly separable once standardised: a linear model does well in 5 epochs
    assert metrics["test"]["accuracy"] >= 0.85 and metrics["epochs_trained"] == 5
    assert (out / "confusion.png").stat().st_size > 0
