"""gradstep.numerical: finite differences and their error orders, against derivatives known from the math."""

import numpy as np
import pytest

from gradstep import numerical
from gradstep.errors import ArgumentError


def test_forward_and_backward_differences_of_x_squared_are_off_by_exactly_h():
    # ((x + h)^2 - x^2) / h = 2x + h: the O(h) truncation error, with its sign
    f = lambda x: x * x  # noqa: E731
    assert numerical.derivative(f, 3.0, h=0.25, method="forward") == pytest.approx(6.25, abs=1e-12)
    assert numerical.derivative(f, 3.0, h=0.25, method="backward") == pytest.approx(5.75, abs=1e-12)
    assert numerical.derivative(f, 3.0, h=0.25, method="central") == pytest.approx(6.0, abs=1e-12)


def test_central_difference_error_is_second_order():
    # (sin(x + h) - sin(x - h)) / 2h = cos x (1 - h^2 / 6 + ...): halving h quarters the error
    x = 0.7
    errors = [abs(numerical.derivative(np.sin, x, h=h) - np.cos(x)) for h in (1e-2, 5e-3)]
    assert errors[0] == pytest.approx(np.cos(x) * 1e-4 / 6, rel=1e-3)
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=1e-2)
    forward = [abs(numerical.derivative(np.sin, x, h=h, method="forward") - np.cos(x)) for h in (1e-2, 5e-3)]
    assert forward[0] / forward[1] == pytest.approx(2.0, rel=2e-2)


def test_default_steps_reach_the_best_accuracy_of_each_method():
    x = 1.3
    assert abs(numerical.derivative(np.exp, x) - np.exp(x)) < 1e-9
    assert abs(numerical.derivative(np.exp, x, method="forward") - np.exp(x)) < 1e-6
    assert numerical.default_step(0.0, "central") == pytest.approx(np.finfo(float).eps ** (1 / 3))
    assert numerical.default_step(100.0, "forward") == pytest.approx(100 * np.finfo(float).eps ** 0.5)


def test_too_small_a_step_is_dominated_by_round_off():
    x = 1.0
    tiny = abs(numerical.derivative(np.sin, x, h=1e-14, method="forward") - np.cos(x))
    best = abs(numerical.derivative(np.sin, x, method="forward") - np.cos(x))
    assert tiny > 100 * best


def test_gradient_and_jacobian_match_the_math():
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    np.testing.assert_allclose(numerical.gradient(lambda v: np.sum(v**3), x), 3 * x**2, rtol=1e-8)
    A = np.arange(6.0).reshape(3, 2)
    v = np.array([1.0, -2.0])
    np.testing.assert_allclose(numerical.jacobian(lambda v: A @ v, v), A, atol=1e-9)
    J = numerical.jacobian(lambda m: m * m, x)  # shape (2, 2, 2, 2): d(m^2)_ij / dm_kl = 2 m_ij [ij = kl]
    assert J.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(J.reshape(4, 4), np.diag(2 * x.reshape(-1)), atol=1e-8)
    assert x.tolist() == [[0.5, -1.0], [2.0, 0.25]]  # the caller's array is never nudged


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ArgumentError, match="method must be one of.*'centered'"):
        numerical.derivative(np.sin, 0.0, method="centered")
    with pytest.raises(ArgumentError, match="step h must be positive"):
        numerical.derivative(np.sin, 0.0, h=0.0)
    with pytest.raises(ArgumentError, match=r"step h = 1e-17 vanishes next to x = 1 \(below the spacing"):
        numerical.derivative(np.sin, 1.0, h=1e-17)
    with pytest.raises(ArgumentError, match="single number, got shape"):
        numerical.derivative(np.sin, [0.0, 1.0])
    with pytest.raises(ArgumentError, match="must return a single number, got 2 values"):
        numerical.gradient(lambda v: v * 2, np.ones(2))
