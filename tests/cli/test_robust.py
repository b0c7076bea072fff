"""Never crash, never lie: every user mistake is one line and exit status 2; run folders stay consistent.

Most cases call ``gradstep.cli.main`` in-process (what the ``gradstep`` entry
point runs) with stderr captured: ``main`` returning 2 with one line and no
"Traceback" proves the case. Two subprocess tests check the entry point itself.
"""

import contextlib
import csv
import io
import json
import os
import shutil

import numpy as np
import pytest

from gradstep.cli import main

from .conftest import assert_usage_error

pytest.importorskip("safetensors", reason="run folders need safetensors")


def run_main(*argv):
    """``(status, stdout, stderr)`` of ``main(argv)``; an escaping exception fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([str(a) for a in argv])
        except SystemExit as stop:  # argparse usage errors exit through SystemExit, as the entry point does
            status = stop.code
    return status, out.getvalue(), err.getvalue()


def assert_one_line_error(result, *fragments):
    status, out, err = result
    assert status == 2, f"status {status}\nstdout:\n{out}\nstderr:\n{err}"
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected a one-line error, got:\n{err}"
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"


TINY = ("--data", "iris", "--hidden", "4", "--batch-size", "16", "--lr", "0.01", "--quiet")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


@pytest.fixture
def trained(workdir):
    """A two-epoch iris run in ./run."""
    status, out, err = run_main("train", *TINY, "--epochs", "2", "--out", "run")
    assert status == 0, err
    return workdir / "run"


def test_option_mistakes_are_one_line_each(workdir):
    (workdir / "folder").mkdir()
    (workdir / "latin.toml").write_bytes(b"epochs = 2\n# caf\xe9\n")
    (workdir / "both.toml").write_text("batch-size = 4\nbatch_size = 8\n")
    (workdir / "semicolons.csv").write_text("a;b;y\n1;2;0\n3;4;1\n")
    (workdir / "holes.csv").write_text("a,b,y\n1,2,0\n3,nan,1\n5,6,0\n7,8,1\n")
    (workdir / "one_class.csv").write_text("a,b,y\n" + "1,2,0\n3,4,0\n" * 5)
    (workdir / "folder.csv").mkdir()
    cases = [
        (["--config", "folder"], ["--config: folder is a folder, not a TOML file"]),
        (["--config", "latin.toml"], ["--config: latin.toml is not UTF-8 text (byte 0xe9"]),
        (["--config", "both.toml"], ["sets batch-size twice, as 'batch-size' and 'batch_size'; keep one"]),
        (["--schedule", "cosine:1e308"], ["--schedule cosine:EPOCHS: 1e+308 is out of range"]),
        (["--schedule", "exponential:2"], ["--schedule exponential:RATE: 2 is out of range, expected a value in (0, 1]"]),
        (["--target", "species"], ["--target species: applies to CSV files only; the built-in data set iris"]),
        (["--hidden", "1000000000000"], ["--hidden 1000000000000: the network would have", "GB of memory"]),
        (["--out", "x" * 300], ["--out xxx", "cannot create the run folder: File name too long"]),
        (["--data", "semicolons.csv"], ["single column 'a;b;y'", "pass delimiter=';'"]),
        (["--data", "holes.csv"], ["--data holes.csv: feature column 1 holds nan (row 2; 1 rows in all)"]),
        (["--data", "one_class.csv"], ["the target column 'y' holds a single class [0]; a classifier needs at least two"]),
        (["--data", "folder.csv"], ["--data folder.csv:", "folder folder.csv holds no *.parquet files"]),
    ]
    for args, fragments in cases:
        base = [a for a in TINY if a != "iris" and a != "--data"] if "--data" in args else list(TINY)
        assert_one_line_error(run_main("train", *base, "--epochs", "1", *args), "gradstep train: error:", *fragments)
    assert not (workdir / "runs").exists()  # no run folder was left behind by a refused command


def test_gradcheck_refuses_a_zero_step_and_a_negative_seed(workdir):
    assert_one_line_error(run_main("gradcheck", "--eps", "0"), "argument --eps: 0 is out of range")
    assert_one_line_error(run_main("gradcheck", "--seed", "-1"), "argument --seed: -1 is out of range")


@pytest.mark.parametrize("flag", ["--alpha", "--l2"])  # --l2 is an alias of --alpha
def test_penalty_divergence_is_blamed_on_alpha_not_the_learning_rate(workdir, flag):
    result = run_main("train", *TINY, "--epochs", "1", flag, "1e308", "--out", "run")
    assert_one_line_error(result, "because of --alpha 1e+308", "use a much smaller --alpha")
    assert "learning rate" not in result[2]


def test_predict_out_and_data_mistakes(trained, workdir, monkeypatch):
    (workdir / "latin.csv").write_bytes("a,b,c,d\n1,2,3,\xe9\n".encode("latin-1"))
    (workdir / "locked.csv").write_text("")
    assert_one_line_error(run_main("predict", "run", "--data", "iris", "--out", "nowhere/p.csv"),
                          "--out nowhere/p.csv: the folder nowhere does not exist")  # fmt: skip
    assert_one_line_error(run_main("predict", "run", "--data", "iris", "--out", "run"), "--out run: is a folder")
    assert_one_line_error(run_main("predict", "run", "--data", "latin.csv"), "latin.csv is not UTF-8 text (byte 0xe9")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if "locked" in str(path) else real_access(path, mode))
    assert_one_line_error(run_main("predict", "run", "--data", "iris", "--out", "locked.csv"), "the file is read-only")


def test_train_into_an_existing_read_only_folder(workdir, monkeypatch):
    (workdir / "locked").mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if "locked" in str(path) else real_access(path, mode))
    result = run_main("train", *TINY, "--epochs", "1", "--out", "locked")
    assert_one_line_error(result, "--out locked: cannot write in this folder: Permission denied")


def test_resume_of_a_read_only_run_folder(trained, monkeypatch):
    before = (trained / "history.csv").read_text()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    assert_one_line_error(run_main("resume", "run", "--epochs", "3", "--quiet"), "run is read-only")
    assert (trained / "history.csv").read_text() == before


@pytest.mark.parametrize(
    "edit, fragments",
    [
        ({"batch_size": 0}, ["config.json: options.batch_size: --batch-size: 0 is out of range"]),
        ({"activation": "bogus"}, ["options.activation: --activation: unknown value 'bogus'"]),
        ({"seed": -1}, ["options.seed: --seed: -1 is out of range"]),
        ({"hidden": [1e12]}, ["--hidden 1000000000000: the network would have"]),
        ({"activation": "tanh"}, ["does not match run/model.safetensors: activation 'tanh' (checkpoint: 'relu')"]),
        ({"seed": 5}, ["seed 5 (checkpoint: 0)"]),
        ({"split": [0.2, 0.2, 0.6]}, ["split [0.2, 0.2, 0.6] (checkpoint: [0.6, 0.2, 0.2])"]),
        (None, ["run/config.json is damaged: it holds a JSON list, not an object"]),
    ],
)
def test_a_hand_edited_config_is_checked_like_the_command_line(trained, edit, fragments):
    config = json.loads((trained / "config.json").read_text())
    if edit is None:
        config = [1, 2]
    else:
        config["options"].update(edit)
    (trained / "config.json").write_text(json.dumps(config))
    for command in (["evaluate", "run"], ["predict", "run", "--data", "iris"], ["resume", "run", "--epochs", "3"]):
        assert_one_line_error(run_main(*command), *fragments)


def _history(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_evaluate_scores_the_held_out_split_of_the_runs_own_data_unless_asked(trained):
    own = run_main("evaluate", "run", "--data", "iris")
    default = run_main("evaluate", "run")
    every = run_main("evaluate", "run", "--data", "iris", "--all-rows")
    assert own[0] == default[0] == every[0] == 0
    assert own[1].splitlines()[0] == "metrics of run on the held-out test split of iris (30 examples; --all-rows for all 150)"
    assert own[1] == default[1]  # the same rows, the same metrics
    assert every[1].splitlines()[0] == "metrics of run on every row of iris, training rows included (150 examples)"


def test_epochs_are_numbered_from_one_in_every_file(trained):
    rows = _history(trained / "history.csv")
    metrics = json.loads((trained / "metrics.json").read_text())
    assert [row["epoch"] for row in rows] == ["1", "2"]
    assert 1 <= metrics["best_epoch"] <= 2 and metrics["epochs_trained"] == 2
    val = [float(row["val_loss"]) for row in rows]
    assert metrics["best_epoch"] == 1 + int(np.argmin(val))


def test_history_ahead_of_the_checkpoint_is_trimmed_on_resume(trained, workdir):
    # a run killed after history.csv and config.json saw epoch 3 but before model.safetensors did
    shutil.copy(trained / "model.safetensors", workdir / "epoch2.safetensors")
    assert run_main("resume", "run", "--epochs", "3", "--quiet")[0] == 0
    assert len(_history(trained / "history.csv")) == 3
    shutil.copy(workdir / "epoch2.safetensors", trained / "model.safetensors")
    status, _, err = run_main("resume", "run", "--epochs", "4", "--quiet")
    assert status == 0, err
    assert [row["epoch"] for row in _history(trained / "history.csv")] == ["1", "2", "3", "4"]  # epoch 3 not twice
    assert json.loads((trained / "config.json").read_text())["resumed"][-1] == {"from_epoch": 2, "to_epochs": 4}


def test_a_run_stopped_before_its_first_checkpoint_can_go_on(trained):
    (trained / "model.safetensors").unlink()  # killed during the first epoch
    (trained / "history.csv").unlink()
    assert_one_line_error(run_main("evaluate", "run"), "never finished an epoch", "gradstep resume run", "--overwrite")
    assert_one_line_error(run_main("train", *TINY, "--epochs", "1", "--out", "run"), "already holds a run", "--overwrite")
    status, _, err = run_main("resume", "run", "--epochs", "2", "--quiet")  # from scratch
    assert status == 0, err
    assert len(_history(trained / "history.csv")) == 2
    (trained / "notes.txt").write_text("mine")
    status, _, err = run_main("train", *TINY, "--epochs", "1", "--out", "run", "--overwrite")
    assert status == 0, err
    assert len(_history(trained / "history.csv")) == 1 and (trained / "notes.txt").read_text() == "mine"


def test_claiming_a_run_folder_is_atomic(workdir):
    from gradstep.cli.errors import CommandLineError
    from gradstep.cli.rundir import new_run_dir, write_json

    folder = new_run_dir("race")
    write_json(folder / "config.json", {"first": True}, exclusive=True)  # the first train claims it
    with pytest.raises(CommandLineError, match=r"another gradstep train claimed this folder first"):
        write_json(folder / "config.json", {"second": True}, exclusive=True)
    assert json.loads((folder / "config.json").read_text()) == {"first": True}


def test_a_bug_still_shows_its_traceback_and_asks_for_a_report(workdir, monkeypatch):
    import gradstep.cli.gradcheck as gradcheck_command

    monkeypatch.setattr(gradcheck_command, "sweep", lambda **kwargs: 1 / 0)
    status, _, err = run_main("gradcheck")
    assert status == 1
    assert "Traceback" in err and "ZeroDivisionError" in err
    assert err.strip().splitlines()[-1].startswith("gradstep gradcheck: internal error: this is a bug in gradstep")


def test_entry_point_turns_os_and_memory_errors_into_one_line(gradstep_cli):
    # through the real entry point: a config that is a folder, and a network too large for any machine
    result = gradstep_cli("train", "--config", ".", "--epochs", "1")
    assert_usage_error(result, "gradstep train: error: --config: . is a folder, not a TOML file")
    result = gradstep_cli("train", "--data", "iris", "--hidden", "1000000000000", "--epochs", "1", "--quiet")
    assert_usage_error(result, "the network would have", "use smaller layers")


def test_a_config_from_before_an_option_existed_takes_its_default(trained):
    config = json.loads((trained / "config.json").read_text())
    del config["options"]["early_stopping"]
    (trained / "config.json").write_text(json.dumps(config))
    status, out, err = run_main("evaluate", "run")
    assert status == 0, err


@pytest.mark.parametrize(
    "error, fragment",
    [
        (MemoryError(), "not enough memory for the sizes asked for"),
        (PermissionError(13, "Permission denied", "runs/a/metrics.json"), "cannot open 'runs/a/metrics.json': Permission denied"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "is not: byte 0xff at offset 0"),
    ],
)
def test_anticipated_failures_anywhere_are_one_line(workdir, monkeypatch, error, fragment):
    import gradstep.cli.gradcheck as gradcheck_command

    def fail(**kwargs):
        raise error

    monkeypatch.setattr(gradcheck_command, "sweep", fail)
    assert_one_line_error(run_main("gradcheck"), "gradstep gradcheck: error:", fragment)
