"""nn.Linear's weight in PyTorch's (out_features, in_features) layout, and everything that reads it.

PyTorch values here are written from the definition of torch.nn.Linear
(y = x W^T + b, weight of shape (out_features, in_features)), not computed by torch.
"""

import json

import numpy as np
import pytest

import gradstep
from gradstep import nn, ops
from gradstep.models import MLPClassifier


def test_weight_row_j_holds_the_weights_of_output_j_and_column_i_those_of_input_i():
    layer = nn.Linear(3, 2)
    layer.weight.data[...] = [[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]]  # output 0 copies x_0, output 1 doubles x_2
    layer.bias.data[...] = 0.0
    x = gradstep.tensor([[5.0, 6.0, 7.0]])
    assert layer(x).tolist() == [[5.0, 14.0]]
    assert layer.weight[:, 2].tolist() == [0.0, 2.0]  # weight[:, i]: how input i feeds each output


def test_a_pytorch_style_state_dict_loads_without_transposes():
    # what torch.nn.Linear(4, 3).state_dict() holds: weight (3, 4), bias (3,)
    state = {"weight": np.arange(12.0).reshape(3, 4), "bias": np.array([1.0, -1.0, 0.5])}
    layer = nn.Linear(4, 3, dtype=np.float64)
    layer.load_state_dict(state)
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    np.testing.assert_allclose(layer(gradstep.tensor(x)).data, x @ state["weight"].T + state["bias"])
    assert {k: v.shape for k, v in layer.state_dict().items()} == {"weight": (3, 4), "bias": (3,)}


def test_the_gradient_has_the_weights_layout():
    layer = nn.Linear(4, 3, dtype=np.float64, seed=0)
    x = np.random.default_rng(1).standard_normal((5, 4))
    layer(gradstep.tensor(x)).sum().backward()
    # d sum(x W^T + b) / dW[j, i] = sum_n x[n, i]
    np.testing.assert_allclose(np.asarray(layer.weight.grad), np.tile(x.sum(axis=0), (3, 1)))


def test_named_initialisers_read_fan_in_from_the_second_axis():
    # he_normal: Var = 2 / fan_in with fan_in = in_features = 800 (not out_features = 50)
    layer = nn.Linear(800, 50, init="he_normal", seed=0, dtype=np.float64)
    assert layer.weight.shape == (50, 800)
    assert layer.weight.data.var() == pytest.approx(2 / 800, rel=0.05)


def test_the_course_layout_stays_available_as_matmul_or_a_transposed_array():
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)  # W (in, out)
    course = ops.matmul(gradstep.tensor(x), gradstep.tensor(W)) + gradstep.tensor(b)
    fused = ops.linear(gradstep.tensor(x), W.T, b)  # a transposed view: the same values
    np.testing.assert_allclose(course.data, x @ W + b)
    np.testing.assert_allclose(fused.data, x @ W + b)


def test_a_one_dimensional_input_maps_to_one_dimensional_output_as_in_pytorch():
    w = gradstep.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    x = gradstep.tensor(np.array([1.0, 0.0, -1.0]), requires_grad=True)
    y = ops.linear(x, w, np.array([0.5, 0.5]))
    assert y.tolist() == [-1.5, -1.5]
    y.sum().backward()
    np.testing.assert_array_equal(np.asarray(w.grad), [[1.0, 0.0, -1.0], [1.0, 0.0, -1.0]])
    np.testing.assert_array_equal(np.asarray(x.grad), [3.0, 5.0, 7.0])


def test_linear_relu_takes_the_same_layout():
    w = np.array([[1.0, 1.0], [2.0, -2.0], [0.0, 1.0]])  # 3 outputs, 2 inputs
    y = ops.linear_relu(gradstep.tensor([[1.0, -1.0]]), w)
    assert y.tolist() == [[0.0, 4.0, 0.0]]
    with pytest.raises(gradstep.ShapeError, match=r"linear_relu: bias must have shape \(3,\) to match weight \(3, 2\)"):
        ops.linear_relu(gradstep.tensor([[1.0, -1.0]]), w, np.zeros(2))


def test_mlp_coefs_keep_scikit_learns_in_out_convention():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = (X[:, 0] > 0).astype(int)
    clf = MLPClassifier(hidden_layer_sizes=(7,), epochs=2, random_state=0).fit(X, y)
    assert [w.shape for w in clf.coefs_] == [(5, 7), (7, 2)]  # (fan_in, fan_out); the layers hold (7, 5), (2, 7)
    assert [m.weight.shape for m in clf._model.modules() if isinstance(m, nn.Linear)] == [(7, 5), (2, 7)]
    # X @ coefs_[0] + intercepts_[0] is the hidden pre-activation, as in scikit-learn
    hidden = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0)
    scores = hidden @ clf.coefs_[1] + clf.intercepts_[1]
    clf._model.eval()
    with gradstep.no_grad():  # the network itself (the estimator may standardise X before it)
        network = clf._model(gradstep.tensor(X)).data
    np.testing.assert_allclose(scores, network, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("version", ["1", "2"])
def test_an_old_format_checkpoint_is_refused_for_a_model_with_linear_layers(tmp_path, version):
    safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="checkpoints need safetensors")
    from gradstep.train import CheckpointError, load_checkpoint, save_checkpoint

    model = nn.Sequential(nn.Linear(4, 4, seed=0))  # square: a transposed load would raise no shape error
    path = tmp_path / "old.safetensors"
    save_checkpoint(path, model)
    data = path.read_bytes()
    header = json.loads(data[8 : 8 + int.from_bytes(data[:8], "little")])["__metadata__"]
    old = dict(header, version=version)  # what gradstep wrote before the layout change
    path.write_bytes(safetensors_numpy.save(safetensors_numpy.load(data), metadata=old))
    before = model.state_dict()
    with pytest.raises(CheckpointError, match=rf"format version {version}, which stored nn.Linear weights as \(in_features, out_features\).*\['0'\]"):
        load_checkpoint(path, model)
    np.testing.assert_array_equal(model.state_dict()["0.weight"], before["0.weight"])
