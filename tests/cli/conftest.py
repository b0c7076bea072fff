"""Run ``python -m gradstep`` in a subprocess, as a user would, in a temporary working folder."""

import os
import subprocess
import sys

import pytest


@pytest.fixture
def gradstep_cli(tmp_path):
    """``gradstep_cli(*args) -> CompletedProcess`` running in ``tmp_path`` with text output."""

    def run(*args, check_ok=False):
        env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
        result = subprocess.run(
            [sys.executable, "-m", "gradstep", *map(str, args)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if check_ok:
            assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        return result

    return run


def assert_usage_error(result, *fragments):
    """Exit status 2, one line on stderr holding every fragment, and no traceback."""
    assert result.returncode == 2, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected a one-line error, got:\n{result.stderr}"
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
