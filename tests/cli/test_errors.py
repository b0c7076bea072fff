"""Bad input: one line on stderr, exit status 2, never a traceback."""

import pytest

from .conftest import assert_usage_error


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--data", "nosuch"], ["unknown data set 'nosuch'", "digits"]),
        (["--data", "missing.csv"], ["no such file: missing.csv"]),
        (["--model", "linear"], ["--model linear is a regression model", "10 class labels"]),
        (["--data", "diabetes", "--model", "logistic"], ["--model logistic is a classifier", "continuous"]),
        (["--data", "iris", "--model", "perceptron"], ["separates two classes", "holds 3"]),
        (["--optimizer", "adamax"], ["--optimizer: unknown value 'adamax'"]),
        (["--batch-size", "0"], ["--batch-size: 0 is out of range"]),
        (["--split", "0.5,0.5"], ["--split: expected three fractions"]),
        (["--hidden", "64,x"], ["--hidden: expected an integer, got 'x'"]),
        (["--schedule", "step:2"], ["--schedule 'step:2.0'"]),
        (["--config", "nope.toml"], ["--config: no such file: nope.toml"]),
    ],
)
def test_train_option_errors(gradstep_cli, args, fragments):
    assert_usage_error(gradstep_cli("train", *args, "--epochs", "1", "--quiet"), "gradstep train: error:", *fragments)


def test_csv_with_a_non_numeric_cell_names_row_and_column(gradstep_cli, tmp_path):
    (tmp_path / "bad.csv").write_text("x1,x2,y\n1,2,0\n3,oops,1\n")
    result = gradstep_cli("train", "--data", "bad.csv", "--epochs", "1", "--quiet")
    assert_usage_error(result, "row 2", "'x2'", "'oops'")


def test_csv_unknown_target_column(gradstep_cli, tmp_path):
    (tmp_path / "t.csv").write_text("x1,x2,y\n1,2,0\n3,4,1\n")
    assert_usage_error(gradstep_cli("train", "--data", "t.csv", "--target", "label"), "no column 'label'", "'y'")


def test_missing_mnist_folder_says_where_to_put_the_files(gradstep_cli):
    result = gradstep_cli("train", "--data", "mnist", "--epochs", "1")
    assert_usage_error(result, "train-images-idx3-ubyte.gz", "data/mnist", "GRADSTEP_DATA")


def test_unknown_config_key_and_bad_toml(gradstep_cli, tmp_path):
    (tmp_path / "a.toml").write_text("epochz = 3\n")
    assert_usage_error(gradstep_cli("train", "--config", "a.toml"), "unknown option 'epochz'")
    (tmp_path / "b.toml").write_text("epochs = = 3\n")
    assert_usage_error(gradstep_cli("train", "--config", "b.toml"), "b.toml is not valid TOML")


def test_evaluate_predict_resume_need_a_run_folder(gradstep_cli):
    for args in (["evaluate", "nowhere"], ["predict", "nowhere", "--data", "x.csv"], ["resume", "nowhere", "--epochs", "3"]):
        assert_usage_error(gradstep_cli(*args), "nowhere is not a run folder")


def test_resume_to_fewer_epochs_and_predict_with_wrong_columns(gradstep_cli, tmp_path):
    gradstep_cli("train", "--data", "iris", "--hidden", "4", "--epochs", "2", "--quiet", "--out", "run", check_ok=True)
    assert_usage_error(gradstep_cli("resume", "run", "--epochs", "2"), "already trained 2 epochs")
    (tmp_path / "three.csv").write_text("a,b,c\n1,2,3\n")
    assert_usage_error(gradstep_cli("predict", "run", "--data", "three.csv"), "has 3 feature columns", "trained on 4")


def test_unknown_demo(gradstep_cli):
    assert_usage_error(gradstep_cli("demo", "no-such-demo"), "unknown demo 'no-such-demo'")


def test_out_must_be_a_new_folder(gradstep_cli, tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    result = gradstep_cli("train", "--data", "iris", "--epochs", "1", "--quiet", "--out", "notes.txt")
    assert_usage_error(result, "gradstep train: error: --out notes.txt: cannot create the run folder")
    gradstep_cli("train", "--data", "iris", "--hidden", "4", "--epochs", "1", "--quiet", "--out", "run", check_ok=True)
    result = gradstep_cli("train", "--data", "iris", "--epochs", "1", "--quiet", "--out", "run")
    assert_usage_error(result, "--out run already holds a run", "gradstep resume")


def test_demo_needs_a_name_and_a_folder_it_can_create(gradstep_cli, tmp_path):
    assert_usage_error(gradstep_cli("demo"), "gradstep demo: error: give a demo NAME or --list", "gd-1d")
    (tmp_path / "taken").write_text("a file\n")
    assert_usage_error(gradstep_cli("demo", "activations", "--out", "taken"), "--out taken: cannot create the folder")


def test_a_diverging_run_is_one_line_naming_the_learning_rate(gradstep_cli):
    result = gradstep_cli("train", "--lr", "1e6", "--optimizer", "sgd", "--epochs", "2", "--out", "runs/div")
    assert_usage_error(result, "training loss became nan", "learning rate (1e+06) is probably too large")
