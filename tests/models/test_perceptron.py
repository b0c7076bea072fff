"""The perceptron rule and Adaline (Widrow-Hoff) on linearly separable data."""

import numpy as np
import pytest

from gradstep.models import Adaline, Perceptron


@pytest.fixture(scope="module")
def separable():
    # two clouds on either side of the line x1 + x2 = 0, with a margin of at least 0.5
    rng = np.random.default_rng(42)
    X = rng.uniform(-3, 3, size=(200, 2))
    margin = X.sum(axis=1)
    X = X[np.abs(margin) > 0.5]
    y = np.where(X.sum(axis=1) > 0, "pos", "neg")
    return X, y


def test_perceptron_reaches_zero_training_errors(separable):
    X, y = separable
    p = Perceptron(epochs=100, random_state=0).fit(X, y)
    assert p.errors_[-1] == 0 and p.errors_[0] > 0
    assert p.n_iter_ == len(p.errors_) < 100  # stopped at the first error-free epoch
    assert p.score(X, y) == 1.0
    assert p.loss_curve_ == p.errors_ == p.history_["errors"]


def test_one_epoch_of_the_perceptron_rule_by_hand():
    # samples in order, w = 0, b = 0, eta = 0.5, y_hat = [w.x + b > 0]
    # 1) x = (1, 2), y = 1: y_hat = 0 -> w = (0.5, 1), b = 0.5
    # 2) x = (-1, -1), y = 0: z = -1 < 0, y_hat = 0 -> no update
    # 3) x = (2, -3), y = 0: z = 1 - 3 + 0.5 = -1.5 -> no update
    # 4) x = (3, -1), y = 1: z = 1.5 - 1 + 0.5 = 1 > 0 -> no update
    X = np.array([[1.0, 2.0], [-1.0, -1.0], [2.0, -3.0], [3.0, -1.0]])
    p = Perceptron(learning_rate=0.5, standardize=False, shuffle=False).partial_fit(X, [1, 0, 0, 1])
    np.testing.assert_array_equal(p.coef_, [[0.5, 1.0]])
    np.testing.assert_array_equal(p.intercept_, [0.5])
    assert p.errors_ == [1]
    # 5) x = (2, -3) with y = 1 now: z = -1.5 -> w = (0.5, 1) + 0.5 (2, -3) = (1.5, -0.5), b = 1
    p.partial_fit(X[2:3], [1])
    np.testing.assert_array_equal(p.coef_, [[1.5, -0.5]])
    np.testing.assert_array_equal(p.intercept_, [1.0])
    assert p.errors_ == [1, 1] and p.n_iter_ == 2


def test_perceptron_decision_and_predict_agree(separable):
    X, y = separable
    p = Perceptron(random_state=1).fit(X, y)
    z = p.decision_function(X)
    np.testing.assert_allclose(z, X @ p.coef_[0] + p.intercept_[0])
    np.testing.assert_array_equal(p.predict(X), np.where(z > 0, "pos", "neg"))


def test_perceptron_is_repeatable_and_warm_starts(separable):
    X, y = separable
    a = Perceptron(epochs=2, random_state=5).fit(X, y)
    b = Perceptron(epochs=2, random_state=5).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    w = Perceptron(epochs=1, random_state=5, warm_start=True).fit(X, y)
    w.fit(X, y)
    assert w.n_iter_ == 2


def test_perceptron_learning_rate_must_be_positive():
    with pytest.raises(ValueError, match=r"Perceptron.fit: learning_rate must be one of 'auto' or a float in \(0, inf\), got 0"):
        Perceptron(learning_rate=0).fit([[0.0], [1.0]], [0, 1])


def test_adaline_classifies_the_separable_set(separable):
    X, y = separable
    a = Adaline(epochs=20, random_state=0).fit(X, y)
    assert a.score(X, y) == 1.0
    # the SSE per epoch falls from the first epoch
    assert a.loss_curve_[-1] < a.loss_curve_[0]
    assert a.history_["loss"] == a.loss_curve_


def test_one_widrow_hoff_step_by_hand():
    # t = +1 for class 1; z = w.x + b = 0 at the start; w <- w + eta (t - z) x, b <- b + eta (t - z)
    a = Adaline(learning_rate=0.1, standardize=False)
    a.partial_fit([[1.0, 2.0]], [1], classes=[0, 1])
    np.testing.assert_allclose(a.coef_, [[0.1, 0.2]])
    np.testing.assert_allclose(a.intercept_, [0.1])
    assert a.loss_curve_ == [0.5]  # 1/2 (t - z)^2 = 1/2
    # class 0 (t = -1) at x = (1, 2): z = 0.1 + 0.4 + 0.1 = 0.6, t - z = -1.6
    a.partial_fit([[1.0, 2.0]], [0])
    np.testing.assert_allclose(a.coef_, [[0.1 - 0.16, 0.2 - 0.32]])
    assert a.loss_curve_[1] == pytest.approx(0.5 * 1.6**2)


def test_full_batch_adaline_takes_the_mean_gradient():
    # w <- w + eta/n X^T (t - z) with z = 0, n = 2: ((1, 2) * (+1) + (3, 1) * (-1)) / 2 = (-1, 0.5)
    a = Adaline(learning_rate=0.1, batch_size=None, standardize=False, shuffle=False)
    a.partial_fit([[1.0, 2.0], [3.0, 1.0]], [1, 0])
    np.testing.assert_allclose(a.coef_, [[-0.1, 0.05]])
    np.testing.assert_allclose(a.intercept_, [0.0])  # b <- b + eta/n sum (t - z) = 0.1 (1 - 1) / 2
    assert a.loss_curve_ == [0.5]  # 1/(2n) sum (t - z)^2 = (1 + 1) / 4
