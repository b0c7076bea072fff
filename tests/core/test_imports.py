"""The core needs only NumPy at import time."""

import subprocess
import sys

OPTIONAL = ("matplotlib", "sklearn", "tqdm", "safetensors", "torch", "pandas", "scipy")


def test_importing_gradstep_and_its_core_loads_no_optional_dependency():
    code = (
        "import sys, gradstep, gradstep.nn, gradstep.optim, gradstep.data, gradstep.train; "
        f"print([m for m in {OPTIONAL!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
