"""Run folders for the report tests: a classifier trained 4 epochs, then resumed to 6."""

import contextlib
import io

from gradstep.cli import main


def train_and_resume(run_dir):
    """``gradstep train`` (iris, 4 epochs) then ``gradstep resume`` to 6 epochs into ``run_dir``; returns it."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["train", "--data", "iris", "--hidden", "8", "--epochs", "4", "--lr", "0.01", "--quiet",
                     "--out", str(run_dir)]) == 0  # fmt: skip
        assert main(["resume", str(run_dir), "--epochs", "6", "--quiet"]) == 0
    return run_dir
