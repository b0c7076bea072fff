"""The linear models' closed-form gradients (the delta rule) against gradstep's autodiff and finite differences."""

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.models._linear_gd import delta_rule
from gradstep.models import Adaline, LinearRegression, LogisticRegression, SoftmaxRegression
from gradstep.models._score_losses import logistic, softmax_cross_entropy, squared_error


def _autodiff(loss_fn, z, target):
    """Loss and dL/dz through gradstep's graph (float64)."""
    zt = gradstep.Tensor(z.copy(), requires_grad=True)
    loss = loss_fn(zt, gradstep.Tensor(target))
    loss.backward()
    return loss.item(), zt.grad


def _central_differences(fn, z, h=1e-6):
    grad = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (fn(up) - fn(down)) / (2 * h)
    return grad


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_squared_error_matches_autodiff_mean_and_sum(rng):
    z, t = rng.normal(size=(7, 1)), rng.normal(size=(7, 1))
    for summed, reference in [
        (False, lambda a, b: nn.functional.mse_loss(a, b, half=True)),
        (True, lambda a, b: nn.functional.sse_loss(a, b, half=True)),
    ]:
        loss, grad = squared_error(z, t, summed=summed)
        ref_loss, ref_grad = _autodiff(reference, z, t)
        assert loss == pytest.approx(ref_loss, rel=1e-12)
        np.testing.assert_allclose(grad, ref_grad, rtol=1e-12)


def test_logistic_matches_autodiff_and_finite_differences(rng):
    z = rng.normal(scale=3, size=(9, 1))
    t = rng.integers(0, 2, size=(9, 1)).astype(np.float64)
    loss, grad = logistic(z, t)
    ref_loss, ref_grad = _autodiff(nn.functional.binary_cross_entropy_with_logits, z, t)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12)
    np.testing.assert_allclose(grad, _central_differences(lambda a: logistic(a, t)[0], z), atol=1e-8)


def test_logistic_is_stable_for_huge_logits():
    z = np.array([[1e4], [-1e4], [1e4], [-1e4]])
    t = np.array([[1.0], [0.0], [0.0], [1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is exact enough
        loss, grad = logistic(z, t)
    # right with certainty costs 0, wrong costs |z|: (0 + 0 + 1e4 + 1e4) / 4 ; sigmoid is exactly 0 or 1
    assert loss == 5e3
    np.testing.assert_array_equal(grad, [[0.0], [0.0], [0.25], [-0.25]])


def test_softmax_cross_entropy_matches_autodiff_and_finite_differences(rng):
    z = rng.normal(scale=2, size=(6, 4))
    codes = rng.integers(0, 4, size=6)
    loss, grad = softmax_cross_entropy(z, codes)
    ref_loss, ref_grad = _autodiff(nn.functional.cross_entropy, z, codes)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(grad, _central_differences(lambda a: softmax_cross_entropy(a, codes)[0], z), atol=1e-8)


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is exact enough
        loss, grad = softmax_cross_entropy(np.array([[1e4, 0.0], [0.0, 1e4]]), np.array([0, 0]))
    assert loss == 5e3  # (0 + 1e4) / 2
    np.testing.assert_array_equal(grad, [[0.0, 0.0], [-0.5, 0.5]])  # (softmax - onehot) / n: ([0, 1] - [1, 0]) / 2


def _graph_loss(model, X, t, alpha):
    """The model's objective written with gradstep's autodiff: data loss of z = X W + b plus alpha/2 ||W||^2.

    (W are the weights of the standardised features the steps are taken on.)
    """
    W, b = model._module.weight, model._module.bias
    z = gradstep.Tensor(X) @ W + b
    target = gradstep.Tensor(t)
    data = {
        LinearRegression: lambda: nn.functional.mse_loss(z, target, half=True),
        LogisticRegression: lambda: nn.functional.binary_cross_entropy_with_logits(z, target),
        SoftmaxRegression: lambda: nn.functional.cross_entropy(z, target),
        Adaline: lambda: nn.functional.mse_loss(z, target, half=True),
    }[type(model)]()
    return data + 0.5 * alpha * (W**2).sum() if alpha else data


@pytest.mark.parametrize("model_class", [LinearRegression, LogisticRegression, SoftmaxRegression, Adaline])
def test_every_linear_model_steps_along_the_autodiff_gradient(model_class, rng):
    # after a few epochs (non-zero weights), the closed-form step's loss and gradients equal the graph's
    X = rng.normal(loc=3, scale=[1, 5, 0.2], size=(40, 3))
    y = {
        LinearRegression: X @ [1.0, -0.2, 4.0] + rng.normal(size=40),
        LogisticRegression: (X[:, 0] + rng.normal(size=40) > 3).astype(int),
        SoftmaxRegression: rng.integers(0, 3, size=40),
        Adaline: (X[:, 0] + rng.normal(size=40) > 3).astype(int),
    }[model_class]
    params = {"learning_rate": 0.01, "epochs": 3, "batch_size": 8, "tol": None, "random_state": 0}
    if model_class is LinearRegression:
        params["solver"] = "sgd"
    alpha = 0.0 if model_class in (LinearRegression, Adaline) else 0.3
    if alpha:
        params["alpha"] = alpha
    model = model_class(**params).fit(X, y)
    X_std = (X - model._x_mean) / model._x_scale
    codes = np.searchsorted(model.classes_, y) if hasattr(model, "classes_") else None
    t = {
        LinearRegression: lambda: y[:, None].astype(np.float64),
        LogisticRegression: lambda: codes.astype(np.float64)[:, None],
        SoftmaxRegression: lambda: codes,
        Adaline: lambda: (2.0 * codes - 1.0)[:, None],
    }[model_class]()

    W, b = model._module.weight, model._module.bias
    loss, _ = delta_rule(model._module, model._score_loss, alpha)(X_std, t)
    closed_form = [np.array(getattr(W.grad, 'data', W.grad)), np.array(getattr(b.grad, 'data', b.grad))]
    W.grad = b.grad = None
    graph_loss = _graph_loss(model, X_std, t, alpha)
    graph_loss.backward()
    assert loss == pytest.approx(graph_loss.item(), rel=1e-12)
    np.testing.assert_allclose(closed_form[0], np.asarray(W.grad), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(closed_form[1], np.asarray(b.grad), rtol=1e-10, atol=1e-14)
