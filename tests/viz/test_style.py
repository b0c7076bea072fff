"""Lazy matplotlib: the core never imports it; without a display the Agg backend is chosen."""

import os
import subprocess
import sys

from gradstep.viz._style import save, subplots


def _python(code, **env_changes):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    env.update(env_changes)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_gradstep_and_viz_does_not_import_matplotlib():
    code = "import sys, gradstep, gradstep.nn, gradstep.optim, gradstep.viz; print('matplotlib' in sys.modules)"
    assert _python(code) == "False"


def test_agg_backend_without_a_display():
    code = "from gradstep.viz._style import pyplot; print(pyplot().get_backend().lower())"
    assert _python(code) == "agg"


def test_a_backend_chosen_by_the_user_is_kept():
    code = "from gradstep.viz._style import pyplot; print(pyplot().get_backend().lower())"
    assert _python(code, MPLBACKEND="svg") == "svg"


def test_save_creates_folders(tmp_path):
    fig, _ = subplots()
    path = save(fig, tmp_path / "a" / "b" / "f.png")
    assert path.stat().st_size > 0
