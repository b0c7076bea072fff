"""examples/pytorch_style_mnist.py, the PyTorch-style script, on a subset of the real MNIST."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT / ".." / "shared" / "data"

pytest.importorskip("safetensors", reason="the example saves its state_dict with gradstep.save (needs safetensors)")


def _example():
    spec = importlib.util.spec_from_file_location("pytorch_style_mnist", ROOT / "examples" / "pytorch_style_mnist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not (SHARED_DATA / "mnist" / "train-images-idx3-ubyte.gz").is_file(),
    reason=f"MNIST files not found in {SHARED_DATA / 'mnist'} (the shared data folder next to the repository)",
)
def test_the_pytorch_style_script_learns_mnist_and_its_saved_state_dict_predicts_the_same(capsys):
    accuracy, restored = _example().main(
        [str(SHARED_DATA), "--epochs", "2", "--train-size", "4000", "--test-size", "1000", "--seed", "0"]
    )
    # 2 epochs on 4000 images: about 0.9 (the full script's 5 epochs on 60000 give about 0.98)
    assert accuracy >= 0.85
    assert restored == accuracy  # the reloaded state_dict is the same network
    out = capsys.readouterr().out
    assert "epoch 2: lr 1.00e-03" in out and "after save/load" in out
