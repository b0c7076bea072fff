"""gradstep imports with NumPy alone; without dask, the distributed features say which extra to install."""

import subprocess
import sys
import textwrap


def test_without_dask_the_error_names_the_extra():
    code = textwrap.dedent(
        """
        import sys
        for name in ("dask", "distributed", "pyarrow"):
            sys.modules[name] = None  # as if not installed
        import gradstep, gradstep.distributed, gradstep.models, gradstep.train
        from gradstep.distributed import MissingDependencyError
        try:
            gradstep.distributed.get_client()
        except MissingDependencyError as err:
            print(err)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert 'pip install "gradstep[distributed]"' in out.stdout
    assert "dask" not in out.stderr
