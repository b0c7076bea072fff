"""docs/notebooks/*.ipynb run top to bottom in a real Jupyter kernel (nbclient + ipykernel); any error fails.

The kernel is this interpreter (a kernel spec written for the test), so the
notebooks see the gradstep under test. The notebooks are committed without
outputs.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
MNIST = ROOT / ".." / "shared" / "data" / "mnist"
#: notebooks that need data outside the repository: name -> (folder, why it is needed)
NEEDS = {"04_mlp_mnist.ipynb": (MNIST, "the MNIST IDX files")}


def test_the_course_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "01_gradient_descent_1d.ipynb", "02_computation_graph_backprop.ipynb", "03_linear_logistic_three_ways.ipynb",
        "04_mlp_mnist.ipynb", "05_optimizers_compared.ipynb",
    ]  # fmt: skip


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    book = json.loads(path.read_text())
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name}: clear the outputs"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """The name of a kernel spec that starts ipykernel with this Python (sys.executable)."""
    nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extra: pip install -e '.[test]'")
    pytest.importorskip("ipykernel", reason="ipykernel is in the test extra: pip install -e '.[test]'")
    from ipykernel.kernelspec import write_kernel_spec

    home = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(path=str(home / "kernels" / "gradstep-test"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(home))
        patch.setenv("MPLBACKEND", "Agg")
        yield nbclient


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_without_an_error(path, kernel):
    import nbformat

    if path.name in NEEDS and not NEEDS[path.name][0].is_dir():
        folder, what = NEEDS[path.name]
        pytest.skip(f"{path.name} needs {what} in {folder.resolve()}, which is absent")
    book = nbformat.read(path, as_version=4)
    client = kernel.NotebookClient(book, kernel_name="gradstep-test", timeout=300,
                                   resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    client.execute()  # raises CellExecutionError naming the cell and the traceback
    errors = [o for cell in book.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    assert sys.executable  # the kernel ran this interpreter (the spec was written from it)
