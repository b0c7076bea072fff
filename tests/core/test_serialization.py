"""gradstep.save / gradstep.load: round trips, PyTorch interchange through safetensors, refusal of pickle."""

import io
import json
import pickle

import numpy as np
import pytest

import gradstep
from gradstep import nn, optim
from gradstep.errors import CheckpointError

safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="gradstep.save needs safetensors")


def test_round_trip_of_a_nested_state_dict(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.ReLU(), nn.BatchNorm1d(4), nn.Linear(4, 2, seed=1))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    opt.minimize(model(gradstep.ones(5, 3)).sum())
    state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 7, "loss": 0.25,
             "name": "run-1", "done": False, "best": None, "ints": np.arange(3, dtype=np.int64)}  # fmt: skip
    path = tmp_path / "state.safetensors"
    gradstep.save(state, path)
    back = gradstep.load(path)
    assert back["epoch"] == 7 and back["loss"] == 0.25 and back["name"] == "run-1"
    assert back["done"] is False and back["best"] is None
    np.testing.assert_array_equal(back["ints"], state["ints"])
    for name, array in state["model"].items():
        assert back["model"][name].dtype == array.dtype
        np.testing.assert_array_equal(back["model"][name], array)
    fresh = optim.Adam(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4), nn.Linear(4, 2)).parameters())
    fresh.load_state_dict(back["optimizer"])  # int keys of the optimizer state survive
    assert fresh.global_step == 1


def test_a_flat_state_dict_is_stored_under_its_own_names_for_pytorch(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2, seed=0))
    path = tmp_path / "m.safetensors"
    gradstep.save(model.state_dict(), path)
    tensors = safetensors_numpy.load_file(str(path))  # what safetensors.torch.load_file gives PyTorch
    assert sorted(tensors) == ["0.bias", "0.weight"] and tensors["0.weight"].shape == (2, 3)


def test_a_plain_safetensors_file_from_pytorch_loads_as_a_flat_state_dict(tmp_path):
    # what safetensors.torch.save_file(torch.nn.Linear(3, 2).state_dict(), path) writes: weight (out, in), bias
    weight, bias = np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1.0, -1.0], np.float32)
    path = tmp_path / "torch.safetensors"
    safetensors_numpy.save_file({"weight": weight, "bias": bias}, str(path))
    layer = nn.Linear(3, 2)
    layer.load_state_dict(gradstep.load(path))
    x = np.array([[1.0, 1.0, 1.0]], np.float32)
    np.testing.assert_array_equal(layer(gradstep.tensor(x)).data, x @ weight.T + bias)


def test_file_objects_and_non_dict_objects():
    buffer = io.BytesIO()
    gradstep.save([1, 2.5, "x", np.ones((2, 2), np.float32), {"a": [True]}], buffer)
    back = gradstep.load(io.BytesIO(buffer.getvalue()))
    assert back[:3] == [1, 2.5, "x"] and back[3].shape == (2, 2) and back[4] == {"a": [True]}


def test_a_pickle_file_is_refused_without_being_unpickled(tmp_path):
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "model.pt"
    path.write_bytes(pickle.dumps({"w": Evil()}))
    with pytest.raises(CheckpointError, match=r"is a pickle file \(as torch.save writes\); gradstep never unpickles"):
        gradstep.load(path)
    assert not marker.exists()
    zipped = tmp_path / "zip.pt"
    zipped.write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # torch.save's default zip container
    with pytest.raises(CheckpointError, match="is a pickle file"):
        gradstep.load(zipped)


def test_what_cannot_be_stored_is_a_clear_error_and_writes_nothing(tmp_path):
    path = tmp_path / "x.safetensors"
    with pytest.raises(CheckpointError, match=r"save: cannot store model of type Linear"):
        gradstep.save({"model": nn.Linear(2, 2)}, path)
    with pytest.raises(CheckpointError, match=r"save: cannot store obj.0 of type set"):
        gradstep.save([{1, 2}], path)
    with pytest.raises(CheckpointError, match=r"save: array 'a' has dtype object"):
        gradstep.save({"a": np.array([None, 1])}, path)
    with pytest.raises(CheckpointError, match=r"save: two arrays would be stored under the name 'a.b'"):
        gradstep.save({"a.b": np.zeros(1), "a": {"b": np.ones(1)}}, path)
    assert not path.exists()


def test_damaged_foreign_and_newer_files(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    with pytest.raises(CheckpointError, match=r"load: '.*junk.bin' is not a safetensors file"):
        gradstep.load(junk)
    ckpt = tmp_path / "c.safetensors"
    gradstep.train.save_checkpoint(ckpt, nn.Linear(2, 2))
    with pytest.raises(CheckpointError, match=r"is a gradstep.checkpoint file; read it with gradstep.train.load_checkpoint"):
        gradstep.load(ckpt)
    newer = tmp_path / "n.safetensors"
    newer.write_bytes(safetensors_numpy.save({}, metadata={"format": "gradstep.save", "version": "9", "layout": "{}"}))
    with pytest.raises(CheckpointError, match="has format version 9; this gradstep reads version 1"):
        gradstep.load(newer)
    dangling = tmp_path / "d.safetensors"
    layout = json.dumps({"w": {"__tensor__": "w"}})
    dangling.write_bytes(safetensors_numpy.save({}, metadata={"format": "gradstep.save", "version": "1", "layout": layout}))
    with pytest.raises(CheckpointError, match=r"load: the layout refers to tensor 'w', which is missing"):
        gradstep.load(dangling)
