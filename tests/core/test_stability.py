"""Stable forms: no overflow, no warnings, finite values and gradients at +-1e4."""

import warnings

import numpy as np
import pytest

import gradstep
from gradstep import ops

EXTREMES = np.array([-1e4, -500.0, -30.0, 0.0, 30.0, 500.0, 1e4])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", [ops.sigmoid, ops.softplus, ops.tanh, ops.elu, ops.log_softmax, ops.softmax])
def test_extreme_inputs_are_finite_and_warning_free(op, dtype):
    x = gradstep.tensor(EXTREMES.astype(dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = op(x)
        y.backward(np.ones_like(y.data))
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()


def test_sigmoid_limits_and_symmetry():
    s = ops.sigmoid(gradstep.tensor(EXTREMES)).data
    assert s[0] == 0.0 and s[-1] == 1.0
    assert np.allclose(s + s[::-1], 1.0)


def test_softplus_matches_the_formula_where_it_is_finite_and_is_linear_beyond():
    z = np.array([-20.0, -1.0, 0.0, 1.0, 20.0])
    assert np.allclose(ops.softplus(gradstep.tensor(z)).data, np.log1p(np.exp(z)))
    assert ops.softplus(gradstep.tensor(np.array([1e4]))).item() == 1e4


def test_softplus_gradient_keeps_the_digits_of_a_tiny_sigmoid():
    # d/dz log(1 + e^z) = sigmoid(z) = 1 / (1 + e^-z), to a few ulps even where it is 1e-300 (1 - e^-a would be 0 there)
    z = np.array([-700.0, -300.0, -40.0, -1.0, 0.0, 3.0, 40.0])
    x = gradstep.tensor(z, requires_grad=True)
    ops.softplus(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 1 / (1 + np.exp(-z)), rtol=1e-14, atol=0)


def test_log_softmax_of_huge_logits():
    y = ops.log_softmax(gradstep.tensor(np.array([[0.0, 1e4, -1e4]]))).data
    assert np.allclose(y, [[-1e4, 0.0, -2e4]])


def _warning_free(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_elu_and_softplus_at_the_edge_of_the_dtype(dtype):
    big = np.finfo(dtype).max / 2  # 1.7e38 in float32, 9e307 in float64
    for op, below in ((ops.elu, -1.0), (ops.softplus, 0.0)):
        x = gradstep.tensor(np.array([big, -big, 1e38], dtype), requires_grad=True)
        y = _warning_free(lambda: op(x))
        _warning_free(lambda: y.backward(np.ones(3, dtype)))
        assert y.data.tolist() == [big, below, np.float64(dtype(1e38))]  # identity above, the floor below
        assert x.grad.tolist() == [1.0, 0.0, 1.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_spanning_the_whole_dtype(dtype):
    big = np.finfo(dtype).max / 4  # -big - big is still finite
    x = gradstep.tensor(np.array([[-big, 0.0, big]], dtype), requires_grad=True)
    y = _warning_free(lambda: ops.log_softmax(x))
    assert y.data.tolist() == [[-2 * big, -big, 0.0]]
    _warning_free(lambda: y.backward(np.array([[1.0, 1.0, 1.0]], dtype)))
    assert x.grad.tolist() == [[1.0, 1.0, -2.0]]  # g - softmax * sum(g), softmax = [0, 0, 1]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_mean_of_huge_losses_does_not_overflow(dtype):
    big = np.finfo(dtype).max * 0.75  # each loss is finite, their sum is not
    z = gradstep.tensor(np.array([[0.0, -big], [0.0, -big]], dtype), requires_grad=True)
    with warnings.catch_warnings():  # NumPy may warn of the first sum's overflow; the mean is then redone
        warnings.simplefilter("ignore", RuntimeWarning)
        loss = gradstep.nn.functional.cross_entropy(z, gradstep.tensor([1, 1]))
    assert loss.item() == pytest.approx(big, rel=1e-6)  # -log softmax(z)_1 = logsumexp(z) - z_1 = big
    _warning_free(loss.backward)
    assert z.grad.tolist() == [[0.5, -0.5], [0.5, -0.5]]  # (softmax - onehot) / n


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mean_squared_error_of_huge_errors_does_not_overflow(dtype):
    big = np.sqrt(np.finfo(dtype).max) * dtype(0.9)  # big^2 is finite, 2 big^2 is not
    x = gradstep.tensor(np.array([big, big], dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        loss = gradstep.nn.functional.mse_loss(x, gradstep.tensor(np.zeros(2, dtype)))
    assert loss.item() == pytest.approx(float(big) ** 2, rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_of_x_to_the_zero_is_zero_even_at_zero(dtype):
    x = gradstep.tensor(np.array([0.0, 2.0, -3.0], dtype), requires_grad=True)
    y = _warning_free(lambda: x**0)
    _warning_free(lambda: y.sum().backward())
    assert y.data.tolist() == [1.0, 1.0, 1.0]
    assert x.grad.tolist() == [0.0, 0.0, 0.0]  # d/dx x^0 = 0 everywhere, as PyTorch
    b = gradstep.tensor(np.array([0.0, 1.0], dtype), requires_grad=True)  # a tensor exponent with a zero in it
    x = gradstep.tensor(np.array([0.0, 0.0], dtype), requires_grad=True)
    _warning_free(lambda: (x**b).sum().backward())
    assert x.grad.tolist() == [0.0, 1.0]  # 0 x^-1 -> 0, 1 x^0 = 1
