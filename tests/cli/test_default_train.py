"""``gradstep train`` with no options (the first command a new user runs), and the remaining train options."""

import csv
import json

import numpy as np


def test_default_train_is_an_mlp_on_digits_above_097(gradstep_cli, tmp_path):
    # every option at its default (only the run folder named and the progress bar off)
    result = gradstep_cli("train", "--quiet", "--out", "run", check_ok=True)
    run = tmp_path / "run"
    config = json.loads((run / "config.json").read_text())
    options = config["options"]
    assert (options["data"], options["model"], options["hidden"], options["optimizer"]) == ("digits", "mlp", [256, 128], "adam")
    assert options["split"] == [0.6, 0.2, 0.2] and options["standardize"] is True
    # digits has 1797 samples; the stratified split puts about 20% of each class in the test part
    sizes = config["data"]["sizes"]
    assert sum(sizes.values()) == 1797 and abs(sizes["test"] - 0.2 * 1797) < 10
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["epochs_trained"] == 15
    assert metrics["test"]["accuracy"] >= 0.97
    assert f"{metrics['test']['accuracy']:.4f}" in result.stdout and "run folder: run" in result.stdout
    for name in ("config.json", "history.csv", "model.safetensors", "metrics.json", "curves.png", "confusion.png"):
        assert (run / name).stat().st_size > 0, name


def test_csv_target_and_the_other_train_options(gradstep_cli, tmp_path):
    # a CSV with the label in the first column: two Gaussian clouds, separable by x1 + x2 = 0
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(-2, 1, (60, 2)), rng.normal(2, 1, (60, 2))]
    y = np.r_[np.zeros(60, int), np.ones(60, int)]
    with open(tmp_path / "clouds.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["label", "x1", "x2"])
        writer.writerows([[int(t), f"{a:.4f}", f"{b:.4f}"] for t, (a, b) in zip(y, X)])
    (tmp_path / "run.toml").write_text('activation = "tanh"\nl2 = 0.001\nseed = 3\n')
    args = ["--data", "clouds.csv", "--target", "label", "--model", "mlp", "--hidden", "8", "--config", "run.toml",
            "--batch-size", "full", "--lr", "0.05", "--epochs", "30", "--early-stopping", "5", "--no-standardize",
            "--split", "0.5,0.25,0.25", "--quiet", "--out", "run"]  # fmt: skip
    gradstep_cli("train", *args, check_ok=True)
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    options = config["options"]
    # from the config file, whose l2 is the alias of alpha
    assert (options["activation"], options["alpha"], options["seed"]) == ("tanh", 0.001, 3)
    assert options["batch_size"] is None and options["early_stopping"] == 5 and options["standardize"] is False
    assert config["data"]["target"] == "label" and config["data"]["classes"] == [0, 1] and config["data"]["n_features"] == 2
    assert config["data"]["sizes"] == {"train": 60, "val": 30, "test": 30}
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] >= 0.9  # clouds 4 standard deviations apart
    with open(tmp_path / "run" / "history.csv") as f:
        assert len(list(csv.DictReader(f))) == metrics["epochs_trained"] <= 30

