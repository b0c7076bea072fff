"""plot_decision_boundary, plot_confusion_matrix, plot_activations / activation_curves, gradient norms."""

import math

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.errors import GradstepError, ShapeError
from gradstep.viz import (
    activation_curves,
    gradient_norms,
    plot_activations,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_gradient_norms,
)

X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])


class ThresholdModel:
    def predict(self, points):
        return np.where(points[:, 0] > 0.5, "b", "a")


def test_decision_boundary_with_predict_and_string_labels(tmp_path):
    fig = plot_decision_boundary(ThresholdModel(), X, ["a", "b", "a", "b"], resolution=30, path=tmp_path / "d.png")
    assert (tmp_path / "d.png").stat().st_size > 0
    assert [c.get_label() for c in fig.axes[0].collections if c.get_label().startswith("class")] == ["class a", "class b"]


def test_decision_boundary_with_a_module_returning_scores():
    model = nn.Sequential(nn.Linear(2, 3, seed=0))  # a callable returning (n, 3) logits as a Tensor
    fig = plot_decision_boundary(model, X, [0, 1, 2, 0], resolution=20)
    assert fig.axes[0].get_xlabel() == "x1"
    assert model[0].weight.grad is None  # run without a graph


def test_decision_boundary_errors():
    with pytest.raises(GradstepError, match=r"model must have a predict method or be callable, got int"):
        plot_decision_boundary(3, X, [0, 1, 0, 1])
    with pytest.raises(ShapeError, match=r"plot_decision_boundary: X must have shape \(n, 2\) \(two features\), got \(4, 1\)"):
        plot_decision_boundary(ThresholdModel(), X[:, :1], [0, 1, 0, 1])
    with pytest.raises(ShapeError, match=r"X has 4 rows but y has 3 labels"):
        plot_decision_boundary(ThresholdModel(), X, [0, 1, 0])
    with pytest.raises(ShapeError, match=r"the model returned 1 predictions for 100 points"):
        plot_decision_boundary(lambda P: np.array([0]), X, [0, 1, 0, 1], resolution=10)


def test_confusion_matrix_counts_and_normalised_rows(tmp_path):
    fig = plot_confusion_matrix([[5, 1], [2, 7]], labels=["cat", "dog"], path=tmp_path / "c.png")
    assert (tmp_path / "c.png").stat().st_size > 0
    assert [t.get_text() for t in fig.axes[0].texts] == ["5", "1", "2", "7"]
    fig = plot_confusion_matrix(np.array([[3, 1], [0, 0]]), normalize=True)
    assert [t.get_text() for t in fig.axes[0].texts] == ["0.75", "0.25", "0.00", "0.00"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["0", "1"]


def test_confusion_matrix_errors():
    with pytest.raises(ShapeError, match=r"plot_confusion_matrix: cm must be a square \(k, k\) matrix, got shape \(2, 3\)"):
        plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ShapeError, match=r"plot_confusion_matrix: 3 labels for a 2 x 2 matrix"):
        plot_confusion_matrix(np.zeros((2, 2)), labels=["a", "b", "c"])


def test_activation_curves_match_the_calculus():
    z = np.array([-2.0, -0.5, 0.5, 2.0])
    curves = activation_curves(("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"), z, negative_slope=0.2)
    s = 1 / (1 + np.exp(-z))
    assert np.allclose(curves["sigmoid"][1], s * (1 - s))
    assert np.allclose(curves["tanh"][1], 1 - np.tanh(z) ** 2)
    assert curves["relu"][1].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert curves["leaky_relu"][1].tolist() == [0.2, 0.2, 1.0, 1.0]
    assert np.allclose(curves["elu"][1], np.where(z > 0, 1.0, np.exp(z)))
    assert np.allclose(curves["softplus"][1], s)  # d/dz log(1 + e^z) = sigmoid(z)


def test_plot_activations_and_unknown_name(tmp_path):
    fig = plot_activations(path=tmp_path / "a.png")
    assert len(fig.axes[0].get_lines()) == 4 and len(fig.axes[1].get_lines()) == 4
    with pytest.raises(GradstepError, match=r"activation_curves: unknown activation 'swish'; choose from"):
        activation_curves(("swish",))


def test_gradient_norms_of_a_module_are_the_weight_grad_norms():
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.Sigmoid(), nn.Linear(4, 2, seed=1))
    model(gradstep.ones(5, 3)).sum().backward()
    norms = gradient_norms(model)
    assert list(norms) == ["0.weight", "2.weight"]
    assert math.isclose(norms["2.weight"], float(np.linalg.norm(model[2].weight.grad)), rel_tol=1e-6)


def test_plot_gradient_norms_accepts_modules_lists_and_dicts(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.ReLU(), nn.Linear(4, 2, seed=1))
    model(gradstep.ones(5, 3)).sum().backward()
    fig = plot_gradient_norms({"net": model, "made up": [1e-3, 1e-1]}, path=tmp_path / "g.png")
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["net", "made up"]
    assert np.allclose(lines[0].get_ydata(), list(gradient_norms(model).values()))
    fig = plot_gradient_norms({"first": 1.0, "second": 0.5}, logy=False)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["first", "second"]


def test_gradient_norm_errors():
    model = nn.Sequential(nn.Linear(3, 4, seed=0))
    with pytest.raises(GradstepError, match=r"gradient_norms: parameter '0.weight' of shape \(4, 3\) has no gradient; call backward\(\) first"):
        gradient_norms(model)
    with pytest.raises(GradstepError, match=r"gradient_norms: the model has no weight matrices"):
        gradient_norms([gradstep.zeros(3, requires_grad=True)])
