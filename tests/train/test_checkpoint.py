"""Checkpoints: round trip, atomic writes, and a clear error for every kind of bad file."""

import json
import os
import sys

import numpy as np
import pytest

import gradstep
from gradstep import nn, optim
from gradstep.train import CheckpointError, load_checkpoint, read_checkpoint, save_checkpoint

safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="checkpoints need safetensors")


def make_model(seed=0, hidden=5):
    return nn.Sequential(
        nn.Linear(3, hidden, seed=seed), nn.ReLU(), nn.BatchNorm1d(hidden), nn.Linear(hidden, 2, seed=seed + 1)
    )


def trained(seed=0):
    """A model and an Adam optimizer after three updates (so every moment buffer exists)."""
    model = make_model(seed)
    opt = optim.Adam(model.parameters(), lr=0.01)
    X = np.random.default_rng(seed).normal(size=(8, 3)).astype(np.float32)
    y = np.arange(8) % 2
    for _ in range(3):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(gradstep.Tensor(X)), gradstep.Tensor(y)).backward()
        opt.step()
    return model, opt


def assert_same_state(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    assert sa.keys() == sb.keys()
    for k in sa:
        np.testing.assert_array_equal(sa[k], sb[k])


def test_round_trip_restores_model_optimizer_rngs_and_metadata(tmp_path):
    model, opt = trained(0)
    gen = np.random.default_rng(42)
    gen.random(3)
    path = tmp_path / "run" / "ckpt.safetensors"  # the folder is created
    save_checkpoint(path, model, opt, rngs={"loader": gen}, epoch=7, note="hello", scale=np.arange(3.0),
                    nested={"a": [1, 2.5, None, True]})  # fmt: skip
    expected_next = gen.random(4)

    fresh = make_model(seed=9)
    fresh_opt = optim.Adam(fresh.parameters(), lr=0.5)
    other = np.random.default_rng(0)
    meta = load_checkpoint(path, fresh, fresh_opt, rngs={"loader": other})
    assert meta["epoch"] == 7 and meta["note"] == "hello" and meta["nested"] == {"a": [1, 2.5, None, True]}
    np.testing.assert_array_equal(meta["scale"], np.arange(3.0))
    assert_same_state(model, fresh)
    sd, fsd = opt.state_dict(), fresh_opt.state_dict()
    assert fsd["global_step"] == 3 and fsd["param_groups"] == sd["param_groups"]
    assert sd["state"].keys() == fsd["state"].keys()
    for i in sd["state"]:
        for name, value in sd["state"][i].items():
            np.testing.assert_array_equal(fsd["state"][i][name], value)
    np.testing.assert_array_equal(other.random(4), expected_next)


def test_file_layout_is_tensors_plus_json_metadata(tmp_path):
    model, opt = trained(0)
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, model, opt, epoch=1)
    tensors, info = read_checkpoint(path)
    assert "model.0.weight" in tensors and "model.2.running_mean" in tensors
    assert "optimizer.state.0.exp_avg" in tensors and "optimizer.state.3.exp_avg_sq" in tensors
    assert info["optimizer"]["global_step"] == 3 and info["meta"] == {"epoch": 1}
    # the header's metadata is str -> str (JSON strings), readable by any safetensors reader
    from safetensors import safe_open

    with safe_open(str(path), framework="np") as f:
        metadata = f.metadata()
    assert metadata["format"] == "gradstep.checkpoint"
    assert json.loads(metadata["meta"]) == {"epoch": 1}


def test_default_generator_is_saved_and_restored(tmp_path):
    model = make_model()
    gradstep.manual_seed(5)
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, model)
    expected = gradstep.random.default_generator().random(3)
    gradstep.random.default_generator().random(10)
    load_checkpoint(path, model)
    np.testing.assert_array_equal(gradstep.random.default_generator().random(3), expected)
    # restore_default_rng=False leaves it alone
    before = gradstep.random.default_generator().bit_generator.state
    load_checkpoint(path, model, restore_default_rng=False)
    assert gradstep.random.default_generator().bit_generator.state == before


def test_interrupted_replace_leaves_the_previous_checkpoint_loadable(tmp_path, monkeypatch):
    model, _ = trained(0)
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, model, epoch=1)
    good = model.state_dict()
    for p in model.parameters():
        p.data += 1.0

    def crash(src, dst):
        raise OSError("simulated crash during os.replace")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        save_checkpoint(path, model, epoch=2)
    monkeypatch.undo()
    fresh = make_model(seed=3)
    assert load_checkpoint(path, fresh) == {"epoch": 1}
    for k, v in good.items():
        np.testing.assert_array_equal(fresh.state_dict()[k], v)
    assert os.listdir(tmp_path) == ["c.safetensors"]  # no temporary file left behind


def test_exception_while_writing_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    model, _ = trained(0)
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, model, epoch=1)
    before = path.read_bytes()

    def failing_fsync(fd):
        raise KeyboardInterrupt  # e.g. Ctrl-C in the middle of a save

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, model, epoch=2)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_checkpoint(path, make_model()) == {"epoch": 1}
    assert os.listdir(tmp_path) == ["c.safetensors"]


def test_missing_and_unexpected_model_tensors_are_named(tmp_path):
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, make_model())  # layers 0 Linear, 1 ReLU, 2 BatchNorm1d, 3 Linear
    deeper = nn.Sequential(*make_model(), nn.Linear(2, 2, seed=2))
    with pytest.raises(CheckpointError, match=r"does not match the model: missing tensors \['4.bias', '4.weight'\]$"):
        load_checkpoint(path, deeper)
    no_batchnorm = nn.Sequential(nn.Linear(3, 5, seed=0), nn.ReLU(), nn.Linear(5, 5, seed=1), nn.Linear(5, 2, seed=2))
    with pytest.raises(
        CheckpointError, match=r"does not match the model: unexpected tensors \['2.running_mean', '2.running_var'\]$"
    ):
        load_checkpoint(path, no_batchnorm)


def test_wrong_shape_names_the_tensor_and_both_shapes_and_changes_nothing(tmp_path):
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, make_model(hidden=5))
    wider = make_model(seed=4, hidden=6)
    before = wider.state_dict()
    with pytest.raises(
        CheckpointError, match=r"tensor '0.weight' has shape \(5, 3\) in '.*c.safetensors' but the model expects \(6, 3\)"
    ):
        load_checkpoint(path, wider)
    assert_same_state_dict(wider.state_dict(), before)


def assert_same_state_dict(a, b):
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_truncated_and_garbage_files_name_the_file(tmp_path):
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, make_model())
    data = path.read_bytes()
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match=r"'.*truncated.safetensors' is not a readable checkpoint \(truncated or corrupt file\?\)"):
        load_checkpoint(truncated, make_model())
    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(b"\x00\x01not a checkpoint")
    with pytest.raises(CheckpointError, match=r"'.*garbage.safetensors' is not a readable checkpoint"):
        load_checkpoint(garbage, make_model())
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "absent.safetensors", make_model())


def test_foreign_newer_and_tampered_files(tmp_path):
    foreign = tmp_path / "foreign.safetensors"
    foreign.write_bytes(safetensors_numpy.save({"w": np.zeros(2)}))
    with pytest.raises(CheckpointError, match=r"is a safetensors file but not a gradstep checkpoint"):
        load_checkpoint(foreign, make_model())
    base = {"format": "gradstep.checkpoint", "rng": "{}", "meta": "{}"}
    newer = tmp_path / "newer.safetensors"
    newer.write_bytes(safetensors_numpy.save({"w": np.zeros(2)}, metadata={**base, "version": "99"}))
    with pytest.raises(CheckpointError, match=r"has checkpoint format version 99; this gradstep reads version 3"):
        load_checkpoint(newer, make_model())
    stray = tmp_path / "stray.safetensors"
    stray.write_bytes(safetensors_numpy.save({"junk": np.zeros(2)}, metadata={**base, "version": "1"}))
    with pytest.raises(CheckpointError, match=r"has unexpected tensors \['junk'\]"):
        read_checkpoint(stray)
    dangling = tmp_path / "dangling.safetensors"
    meta = {**base, "version": "1", "meta": json.dumps({"x": {"__tensor__": "meta.x"}})}
    dangling.write_bytes(safetensors_numpy.save({"model.w": np.zeros(2)}, metadata=meta))
    with pytest.raises(CheckpointError, match=r"meta refers to tensor 'meta.x', which is missing \(in '.*dangling\.safetensors'\)$"):
        read_checkpoint(dangling)
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(safetensors_numpy.save({"model.w": np.zeros(2)}, metadata={**base, "version": "1", "meta": "{not json"}))
    with pytest.raises(CheckpointError, match=r"'.*broken.safetensors' has damaged metadata"):
        read_checkpoint(broken)


def test_optimizer_errors(tmp_path):
    model, opt = trained(0)
    no_opt = tmp_path / "no_opt.safetensors"
    save_checkpoint(no_opt, model)
    with pytest.raises(CheckpointError, match=r"holds no optimizer state \(it was saved without one\)"):
        load_checkpoint(no_opt, model, optim.Adam(model.parameters()))
    with_opt = tmp_path / "opt.safetensors"
    save_checkpoint(with_opt, model, opt)
    partial = optim.Adam(list(model.parameters())[:2])
    with pytest.raises(CheckpointError, match=r"has parameter groups of sizes \[6\] but this optimizer has \[2\]"):
        load_checkpoint(with_opt, model, partial)


def test_rng_errors(tmp_path):
    path = tmp_path / "c.safetensors"
    with pytest.raises(CheckpointError, match=r"save_checkpoint: rngs\['loader'\] must be a numpy.random.Generator, got int"):
        save_checkpoint(path, make_model(), rngs={"loader": 3})
    save_checkpoint(path, make_model(), rngs={"loader": np.random.default_rng(0)})
    with pytest.raises(CheckpointError, match=r"has no state for generator 'dropout' \(stored: \['gradstep.default', 'loader'\]\)"):
        load_checkpoint(path, make_model(), rngs={"dropout": np.random.default_rng(0)})
    mt = np.random.Generator(np.random.MT19937(0))
    with pytest.raises(CheckpointError, match=r"cannot restore generator 'loader' .*stored 'PCG64', target MT19937"):
        load_checkpoint(path, make_model(), rngs={"loader": mt})


def test_unsupported_metadata_is_refused_before_writing(tmp_path):
    path = tmp_path / "c.safetensors"
    with pytest.raises(CheckpointError, match=r"save_checkpoint: cannot store meta.when of type object"):
        save_checkpoint(path, make_model(), when=object())
    with pytest.raises(CheckpointError, match=r"save_checkpoint: cannot store key 1.5 of meta.table"):
        save_checkpoint(path, make_model(), table={1.5: "x"})
    assert not path.exists()
    # int keys survive the round trip
    save_checkpoint(path, make_model(), table={3: "three"})
    assert load_checkpoint(path, make_model())["table"] == {3: "three"}


def test_missing_safetensors_gives_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r'save_checkpoint needs the safetensors package: pip install "gradstep\[checkpoint\]"'):
        save_checkpoint(tmp_path / "c.safetensors", make_model())



def test_loading_needs_no_safetensors(tmp_path, monkeypatch):
    # the reader parses the format itself; only saving needs the package
    path = tmp_path / "c.safetensors"
    model = make_model(3)
    save_checkpoint(path, model)
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    fresh = make_model(4)
    load_checkpoint(path, fresh)
    assert_same_state(model, fresh)


def test_loading_never_unpickles(tmp_path):
    # a pickle payload in the metadata is just a string: loading reads JSON, never pickle
    path = tmp_path / "c.safetensors"
    payload = "cos\nsystem\n(S'echo pwned'\ntR."
    base = {"format": "gradstep.checkpoint", "version": "1", "rng": "{}", "meta": json.dumps({"p": payload})}
    path.write_bytes(safetensors_numpy.save({"model.w": np.zeros(2)}, metadata=base))
    _, info = read_checkpoint(path)
    assert info["meta"] == {"p": payload}


# ----- hostile and damaged files: every check happens before memory is spent ----------
def _header(data):
    n = int.from_bytes(data[:8], "little")
    return n, json.loads(data[8 : 8 + n])


def _rebuild(header, body):
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + body


def test_a_flipped_bit_in_a_tensor_names_the_tensor(tmp_path):
    path = tmp_path / "c.safetensors"
    model, opt = trained(0)
    save_checkpoint(path, model, opt)
    data = bytearray(path.read_bytes())
    n, header = _header(data)
    begin, _ = header["model.0.weight"]["data_offsets"]
    data[8 + n + begin + 2] ^= 0x10  # one bit of the first layer's weights
    path.write_bytes(bytes(data))
    fresh = make_model(5)
    before = fresh.state_dict()
    with pytest.raises(CheckpointError, match=r"tensor 'model\.0\.weight' in '.*' does not match its SHA-256"):
        load_checkpoint(path, fresh)
    assert_same_state_dict(before, fresh.state_dict())  # nothing changed


def test_version_1_files_without_checksums_still_load(tmp_path):
    path = tmp_path / "old.safetensors"
    meta = {"format": "gradstep.checkpoint", "version": "1", "rng": "{}", "meta": json.dumps({"epoch": 2})}
    path.write_bytes(safetensors_numpy.save({"model.w": np.arange(3.0)}, metadata=meta))
    tensors, info = read_checkpoint(path)
    assert tensors["model.w"].tolist() == [0.0, 1.0, 2.0] and info["meta"] == {"epoch": 2}
    meta["version"] = "2"  # a version-2 file must carry its checksums
    path.write_bytes(safetensors_numpy.save({"model.w": np.arange(3.0)}, metadata=meta))
    with pytest.raises(CheckpointError, match=r"has no sha256 table"):
        read_checkpoint(path)


def test_header_sizes_are_checked_against_the_file_length_first(tmp_path):
    good = tmp_path / "good.safetensors"
    save_checkpoint(good, make_model())
    data = good.read_bytes()
    n, header = _header(data)
    body = data[8 + n :]
    cases = {
        "huge_header": ((2**40).to_bytes(8, "little") + data[8:], r"header claims 1099511627776 bytes"),
        "short": (data[:5], r"fewer than the 8 of the header length"),
        "huge_tensor": (
            _rebuild({**header, "model.0.weight": {"dtype": "F32", "shape": [2**30], "data_offsets": [0, 2**32]}}, body),
            r"tensor 'model\.0\.weight' of shape \(1073741824,\) needs 4294967296 bytes",
        ),
        "wrong_size": (
            _rebuild({**header, "model.0.weight": {**header["model.0.weight"], "shape": [7, 7]}}, body),
            r"tensor 'model\.0\.weight' of shape \(7, 7\) needs 196 bytes",
        ),
        "bad_dtype": (
            _rebuild({**header, "model.0.weight": {**header["model.0.weight"], "dtype": "Q9"}}, body),
            r"tensor 'model\.0\.weight' has a malformed entry",
        ),
        "negative": (
            _rebuild({**header, "model.0.weight": {**header["model.0.weight"], "shape": [-5, 3]}}, body),
            r"tensor 'model\.0\.weight' has a malformed entry",
        ),
        "not_json": (len(b"{oops").to_bytes(8, "little") + b"{oops" + body, r"the header is not valid JSON"),
        "deep_header": (
            (100_000).to_bytes(8, "little") + b"[" * 100_000,
            r"the header is not valid JSON \(RecursionError",
        ),
        "trailing": (data + b"\0" * 64, r"the tensors cover \d+ bytes of the \d+-byte data section"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / f"{name}.safetensors"
        path.write_bytes(content)
        with pytest.raises(CheckpointError, match=message):
            read_checkpoint(path)


def test_crafted_metadata_is_a_clear_error(tmp_path):
    base = {"format": "gradstep.checkpoint", "rng": "{}", "meta": "{}", "version": "1"}
    w = {"model.w": np.zeros(2)}
    cases = {
        "version": ({**base, "version": "x"}, r"has checkpoint format version 'x', not a number"),
        "deep_meta": ({**base, "meta": "[" * 100_000 + "]" * 100_000}, r"has damaged metadata: RecursionError"),
        "list_meta": ({**base, "meta": "[1, 2]"}, r"meta and rng must be JSON objects"),
        "bad_ref": ({**base, "meta": json.dumps({"x": {"__tensor__": [1]}})}, r"has damaged metadata: TypeError"),
        "no_rng": ({k: v for k, v in base.items() if k != "rng"}, r"has damaged metadata: KeyError"),
    }
    for name, (meta, message) in cases.items():
        path = tmp_path / f"{name}.safetensors"
        path.write_bytes(safetensors_numpy.save(w, metadata=meta))
        with pytest.raises(CheckpointError, match=message):
            read_checkpoint(path)


def test_crafted_trainer_state_is_a_clear_error(tmp_path):
    from gradstep.train import Trainer

    def trainer(seed):
        model = nn.Linear(2, 1, seed=seed)
        return Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), progress=False)

    X = np.ones((4, 2), np.float32)
    good = trainer(0)
    good.fit((X, X[:, :1]), epochs=1, batch_size=2, seed=0)
    path = tmp_path / "good.safetensors"
    good.save(path)
    tensors, info = read_checkpoint(path)
    state = info["meta"]["trainer"]
    pcg = dict(state["loader_rng"])
    cases = {
        "five": (5, r"expected a JSON object, got int 5"),
        "no_history": ({k: v for k, v in state.items() if k != "history"}, r"missing history"),
        "epoch": ({**state, "epoch": "x"}, r"epoch must be a whole number >= 0, got 'x'"),
        "history": ({**state, "history": [1, 2]}, r"history is not a history"),
        "ragged": ({**state, "history": {"epoch": [0], "history": {"loss": [1.0, 2.0]}}}, r"history has columns of different lengths"),
        "callbacks": ({**state, "callbacks": [3]}, r"callbacks must be a list"),
        "rng_kind": ({**state, "loader_rng": {**pcg, "bit_generator": "seed"}}, r"loader_rng is not a generator state"),
        "rng_state": ({**state, "loader_rng": {**pcg, "state": "zero"}}, r"loader_rng is not a generator state"),
    }
    model_tensors = {k: v for k, v in tensors.items() if k.startswith("model.")}
    for name, (bad_state, message) in cases.items():
        target = tmp_path / f"{name}.safetensors"
        save_checkpoint(target, good.model, good.optimizer, trainer=bad_state)
        fresh = trainer(1)
        before = fresh.model.state_dict()
        with pytest.raises(CheckpointError, match=r"Trainer\.load: '.*' has a damaged trainer state: " + message):
            fresh.load(target)
        assert_same_state_dict(before, fresh.model.state_dict())  # refused before anything changed
    assert model_tensors


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "sparse.safetensors"
    with open(path, "wb") as f:
        f.write((10**6).to_bytes(8, "little") + b'{"__metadata__": {}}')
        f.truncate(2 * 1024**3)  # 2 GiB on paper, a few bytes on disk
    with pytest.raises(CheckpointError, match=r"the header is not valid JSON"):
        read_checkpoint(path)
