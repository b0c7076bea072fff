"""learning_rate="auto": the step sizes follow from the data's smoothness constant, as the math says."""

import warnings

import numpy as np
import pytest

from gradstep.errors import ArgumentError, DataError, StepSizeWarning
from gradstep.models import Adaline, LinearRegression, LogisticRegression, MLPClassifier, Perceptron, SoftmaxRegression
from gradstep.models._step_size import largest_eigenvalue


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)) * [1.0, 2.0, 0.5] + [1.0, -1.0, 3.0]
    return X, (X[:, 0] - X[:, 1] > 2).astype(int)


def _gram_lambda(X, intercept=True):
    A = np.c_[X, np.ones(len(X))] if intercept else X
    return np.linalg.eigvalsh(A.T @ A / len(A))[-1]


def _standardize(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


@pytest.mark.parametrize("cls, c, alpha", [(LinearRegression, 1.0, 0.0), (LogisticRegression, 0.25, 0.1),
                                           (SoftmaxRegression, 0.5, 0.1), (Adaline, 1.0, 0.0)])  # fmt: skip
def test_full_batch_auto_step_is_one_over_L(data, cls, c, alpha):
    X, y = data
    params = {"solver": "gd"} if cls in (LinearRegression, LogisticRegression, SoftmaxRegression) else {"batch_size": None}
    if alpha:
        params["alpha"] = alpha
    est = cls(epochs=1, **params).fit(X, y)
    L = c * _gram_lambda(_standardize(X)) + alpha  # L = c lambda_max([X', 1]^T [X', 1] / n) + alpha
    assert est.smoothness_ == pytest.approx(L, rel=1e-10)
    assert est.learning_rate_ == pytest.approx(1 / L, rel=1e-10)


def test_minibatch_auto_step_is_half_over_the_expected_smoothness(data):
    X, y = data
    est = LogisticRegression(alpha=0.01, batch_size=8, epochs=1).fit(X, y)
    Xs = _standardize(X)
    n, B = len(X), 8
    L = 0.25 * _gram_lambda(Xs) + 0.01
    L_max = 0.25 * (np.max(np.sum(Xs**2, axis=1)) + 1) + 0.01  # c max ||[x', 1]||^2 + alpha
    L_B = n * (B - 1) / (B * (n - 1)) * L + (n - B) / (B * (n - 1)) * L_max
    assert est.smoothness_ == pytest.approx(L_B, rel=1e-10)
    assert est.learning_rate_ == pytest.approx(1 / (2 * L_B), rel=1e-10)


def test_online_auto_step_uses_the_largest_sample(data):
    X, y = data
    est = Adaline(epochs=1).fit(X, y)  # batch_size=1: L_1 = max ||[x', 1]||^2
    Xs = _standardize(X)
    assert est.smoothness_ == pytest.approx(np.max(np.sum(Xs**2, axis=1)) + 1, rel=1e-10)


def test_standardize_false_computes_L_on_the_raw_features(data):
    X, y = data
    est = LinearRegression(solver="gd", standardize=False, epochs=1).fit(X, y.astype(float))
    assert est.learning_rate_ == pytest.approx(1 / _gram_lambda(X), rel=1e-10)


def test_power_iteration_beyond_512_features_approaches_the_eigenvalue_from_below():
    A = np.random.default_rng(1).normal(size=(700, 600))
    estimate, exact = largest_eigenvalue(A, True, 0), _gram_lambda(A)
    assert 0.999 * exact <= estimate <= exact * (1 + 1e-12)  # a Rayleigh quotient never exceeds lambda_max


def test_adaptive_optimizers_take_their_default_and_a_hand_set_rate_is_kept(data):
    X, y = data
    assert LogisticRegression(optimizer="adam", epochs=1).fit(X, y).learning_rate_ == 1e-3
    assert LogisticRegression(learning_rate=0.05, epochs=1).fit(X, y).learning_rate_ == 0.05
    assert MLPClassifier((4,), epochs=1).fit(X, y).learning_rate_ == 1e-3
    assert MLPClassifier((4,), optimizer="sgd", epochs=1).fit(X, y).learning_rate_ == 1e-2
    assert Perceptron(epochs=1).fit(X, y).learning_rate_ == 1.0


def test_a_rate_above_two_over_L_warns_before_training_and_one_below_does_not(data):
    X, y = data
    est = LogisticRegression(solver="gd", epochs=1)
    bound = 2 / (0.25 * _gram_lambda(_standardize(X)) + 1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression(solver="gd", learning_rate=0.99 * bound, epochs=1).fit(X, y)
    with pytest.warns(StepSizeWarning, match=rf"learning_rate {1.01 * bound:g} exceeds 2/L = {bound:.3g} for this data and the full batch"):
        est.set_params(learning_rate=1.01 * bound).fit(X, y)
    with pytest.warns(StepSizeWarning, match=r"exceeds 2\(1 \+ 0.9\)/L = .* for this data and minibatches of 8"):
        LogisticRegression(optimizer="momentum", batch_size=8, learning_rate=100.0, epochs=1).fit(X, y)


def test_features_that_overflow_are_reported_as_such_not_as_a_step_size():
    X = np.array([[1e200, 0.0], [-1e200, 1.0], [3e200, 0.0]])
    with pytest.raises(DataError, match=r"LogisticRegression.fit: feature 0 overflows float64 arithmetic"):
        LogisticRegression().fit(X, [0, 1, 0])
    with pytest.raises(DataError, match=r"LogisticRegression.fit: the features overflow float64 arithmetic"):
        LogisticRegression(standardize=False).fit(X, [0, 1, 0])
    with pytest.raises(DataError, match=r"MLPClassifier.fit: X has values beyond the range of float32 \(largest \|x\| = 3e\+200\)"):
        MLPClassifier((2,)).fit(X, [0, 1, 0])


@pytest.mark.parametrize("cls, name, ours", [
    (LogisticRegression, "max_iter", "epochs"), (MLPClassifier, "learning_rate_init", "learning_rate"),
    (LogisticRegression, "C", "alpha"), (MLPClassifier, "l2", "alpha"), (Adaline, "n_iter_no_change", "patience"),
])  # fmt: skip
def test_another_librarys_parameter_name_gets_gradsteps(cls, name, ours):
    with pytest.raises(ArgumentError, match=rf"{cls.__name__}: {name} is .*; gradstep calls it {ours}"):
        cls(**{name: 1})
    with pytest.raises(ArgumentError, match=rf"gradstep calls it {ours}"):
        cls().set_params(**{name: 1})


def test_parameters_are_checked_once_per_fit_from_the_table(data):
    X, y = data
    with pytest.raises(ArgumentError, match=r"SoftmaxRegression.fit: tol must be a float in \[0, inf\) or None, got -1"):
        SoftmaxRegression(tol=-1).fit(X, y)
    with pytest.raises(ArgumentError, match=r"Perceptron.fit: shuffle must be True or False, got 'yes'"):
        Perceptron(shuffle="yes").fit(X, y)
    with pytest.raises(ArgumentError, match=r"MLPClassifier.partial_fit: alpha must be a float in \[0, inf\), got -1"):
        MLPClassifier(alpha=-1).partial_fit(X, y, classes=[0, 1])


def test_squared_row_norms_with_and_without_vecdot(monkeypatch):
    # NumPy 2's vecdot and the einsum used before it give the same float64 ||x_i||^2, also for float32 rows
    # whose squares overflow float32 (the float64 accumulation keeps them)
    from gradstep.models._step_size import _squared_row_norms

    X = np.array([[3.0, 4.0], [1e20, 0.0], [0.0, -2.0]], dtype=np.float32)
    expected = [25.0, float(np.float32(1e20)) ** 2, 4.0]
    np.testing.assert_allclose(_squared_row_norms(X), expected, rtol=1e-12)
    monkeypatch.delattr(np, "vecdot", raising=False)
    np.testing.assert_allclose(_squared_row_norms(X), expected, rtol=1e-12)
