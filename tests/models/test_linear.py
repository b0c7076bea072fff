"""Linear models: closed-form and gradient-descent linear regression, logistic and softmax regression."""

import pickle

import numpy as np
import pytest

from gradstep.data import Standardizer, load_breast_cancer, load_diabetes, load_digits, train_test_split, train_val_test_split
from gradstep.models import Adaline, IllConditionedWarning, LinearRegression, LogisticRegression, NotFittedError, SoftmaxRegression
from gradstep.models.linear import sigmoid, softmax
from gradstep.models.base import DataError
from gradstep.errors import ArgumentError, StepSizeWarning
from gradstep.train.errors import TrainingDivergedError


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes()
    # reference: least squares on [X, 1] by NumPy's SVD solver
    solution = np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)[0]
    return X, y, solution[:-1], solution[-1]


@pytest.mark.parametrize("solver", ["normal", "lstsq"])
def test_closed_form_matches_numpy_lstsq_on_diabetes(diabetes, solver):
    X, y, coef, intercept = diabetes
    reg = LinearRegression(solver=solver).fit(X, y)
    np.testing.assert_allclose(reg.coef_, coef, rtol=0, atol=1e-8 * np.abs(coef).max())
    assert reg.intercept_ == pytest.approx(intercept, abs=1e-8 * abs(intercept))
    np.testing.assert_allclose(reg.predict(X), np.c_[X, np.ones(len(X))] @ np.r_[coef, intercept], rtol=1e-10)


def test_gradient_descent_converges_to_the_least_squares_solution(diabetes):
    X, y, coef, intercept = diabetes
    # plain full-batch gradient descent on 1/(2n) sum (y_hat - y)^2; the standardised problem has
    # curvature eigenvalues in [0.0086, 4.02], so lr = 0.45 < 2 / 4.02 is stable and contracts by
    # (1 - 0.45 * 0.0086)^3000 ~ 1e-5
    reg = LinearRegression(solver="gd", optimizer="sgd", learning_rate=0.45, epochs=3000, tol=None).fit(X, y)
    np.testing.assert_allclose(reg.coef_, coef, rtol=1e-3)
    assert reg.intercept_ == pytest.approx(intercept, rel=1e-3)
    assert reg.n_iter_ == 3000 and len(reg.loss_curve_) == 3000
    # the loss is the course's MSE/2 of the final model, and it decreases
    assert np.all(np.diff(reg.loss_curve_) <= 1e-9)
    assert reg.loss_curve_[-1] == pytest.approx(0.5 * np.mean((reg.predict(X) - y) ** 2), rel=1e-6)


def test_minibatch_sgd_gets_close_and_is_repeatable(diabetes):
    X, y, coef, _ = diabetes
    params = dict(solver="sgd", optimizer="sgd", learning_rate=0.02, batch_size=32, epochs=300, tol=None, random_state=3)
    first = LinearRegression(**params).fit(X, y)
    second = LinearRegression(**params).fit(X, y)
    np.testing.assert_array_equal(first.coef_, second.coef_)
    # minibatch noise keeps it near, not at, the optimum: R^2 within 0.005 of the exact fit's
    exact = LinearRegression().fit(X, y)
    assert exact.score(X, y) - 0.005 <= first.score(X, y) <= exact.score(X, y)


def test_gradient_descent_starts_the_intercept_at_the_mean_of_y(diabetes):
    # on centred features the best intercept is mean(y), whatever w is: after one tiny step it is still there
    X, y, _, _ = diabetes
    reg = LinearRegression(solver="gd", learning_rate=1e-9, epochs=1).fit(X, y)
    assert reg.intercept_ + X.astype(np.float64).mean(axis=0) @ reg.coef_ == pytest.approx(y.astype(np.float64).mean(), rel=1e-9)


def test_gradient_descent_on_unscaled_features_also_reaches_the_solution():
    # y = 1 + 2 x1 - 3 x2 exactly, features of very different scales; no standardisation, a safe lr
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(0, 1, 50), rng.normal(0, 0.1, 50)]
    y = 1 + 2 * X[:, 0] - 3 * X[:, 1]
    reg = LinearRegression(solver="gd", standardize=False, optimizer="momentum", learning_rate=0.5, epochs=4000, tol=None).fit(X, y)
    np.testing.assert_allclose(reg.coef_, [2.0, -3.0], rtol=1e-4)


def test_ill_conditioned_normal_equations_fall_back_to_lstsq():
    rng = np.random.default_rng(0)
    x = rng.normal(size=20)
    X = np.c_[x, x]  # two identical columns: X^T X is singular
    y = 3 * x + 1
    with pytest.warns(IllConditionedWarning, match=r"LinearRegression.fit: X\^T X is ill-conditioned \(cond = .*\); .* solving with lstsq"):
        reg = LinearRegression(solver="normal").fit(X, y)
    # lstsq returns the minimum-norm solution: the weight 3 shared equally
    np.testing.assert_allclose(reg.coef_, [1.5, 1.5], atol=1e-10)
    assert reg.intercept_ == pytest.approx(1.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("bad, word", [(np.nan, "NaN"), (np.inf, "infinity"), (-np.inf, "infinity")])
def test_normal_equations_find_nan_and_inf_through_x_transpose_x(fit_intercept, bad, word):
    # solver="normal" skips the up-front pass over X: a non-finite X^T X sends it to the search that names the entry
    X = np.arange(12.0).reshape(6, 2)
    X[4, 0] = bad
    with pytest.raises(DataError, match=rf"LinearRegression.fit: input X contains {word} \(first at index \(4, 0\)\)"):
        LinearRegression(solver="normal", fit_intercept=fit_intercept).fit(X, np.arange(6.0))


GD_CONFIGS = [
    # (estimator, the pass over X that finds the NaN or inf)
    (lambda: LogisticRegression(), "the standardisation statistics"),
    (lambda: LogisticRegression(standardize=False), "the step size's row norms"),
    (lambda: LogisticRegression(standardize=False, solver="lbfgs"), "validation (no step size)"),
    (lambda: LogisticRegression(standardize=False, optimizer="adam"), "validation (no step size)"),
    (lambda: SoftmaxRegression(standardize=False, batch_size=1), "the step size's row norms"),
    (lambda: LinearRegression(solver="sgd", standardize=False), "the step size's row norms"),
    (lambda: LinearRegression(solver="gd"), "the standardisation statistics"),
    (lambda: Adaline(standardize=False), "the step size's row norms"),
]


@pytest.mark.parametrize("make_estimator, path", GD_CONFIGS, ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("bad, word", [(np.nan, "NaN"), (np.inf, "infinity"), (-np.inf, "infinity")])
def test_gradient_descent_names_nan_and_inf_from_the_pass_it_makes_anyway(make_estimator, path, bad, word):
    # fitting from scratch, validation leaves the NaN/inf check to a pass over X that fit makes anyway
    # (_checks_finite): each must still name the entry, and the failed fit must leave the model unfitted
    X = np.tile([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 2.0]], (3, 1))
    y = np.array([0, 1] * 6)
    X[7, 1] = bad
    est = make_estimator()
    name = type(est).__name__
    with pytest.raises(DataError, match=rf"{name}.fit: input X contains {word} \(first at index \(7, 1\)\)"):
        est.fit(X, y)
    assert not hasattr(est, "n_features_in_"), path
    with pytest.raises(NotFittedError):
        est.predict(X[:2])


def test_gradient_descent_names_nan_in_a_later_partial_fit():
    # the first partial_fit fixes the scaling; later calls do not recompute it, so validation checks X itself
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 2.0]])
    y = np.array([0, 1, 0, 1])
    clf = LogisticRegression().partial_fit(X, y)
    X[2, 0] = np.nan
    with pytest.raises(DataError, match=r"LogisticRegression.partial_fit: input X contains NaN \(first at index \(2, 0\)\)"):
        clf.partial_fit(X, y)


def test_gradient_descent_on_overflowing_squares_says_rescale():
    # finite features whose squares overflow: not a NaN, an overflow, with the advice to rescale
    X = np.array([[1e200, 1.0], [2e200, 0.0], [3e200, 1.0], [-1e200, 0.0]])
    with pytest.raises(DataError, match=r"LogisticRegression.fit: the features overflow float64 .*rescale"):
        LogisticRegression(standardize=False).fit(X, [0, 1, 0, 1])


def test_normal_equations_with_overflowing_x_transpose_x_fall_back_to_lstsq():
    # every x is finite, but x^2 overflows: not a data error; the normal equations give way to lstsq
    X = np.array([[1e200, 1.0], [2e200, 0.0], [3e200, 1.0]])
    y = np.array([1.0, 2.0, 3.0])
    with pytest.warns(IllConditionedWarning, match=r"cond = inf"):
        reg = LinearRegression(solver="normal", fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(reg.coef_, np.linalg.lstsq(X, y, rcond=None)[0])


def test_no_intercept():
    X = np.array([[1.0], [2.0], [3.0]])
    reg = LinearRegression(fit_intercept=False).fit(X, [2.0, 4.0, 7.0])
    # w = x.y / x.x = (2 + 8 + 21) / 14
    assert reg.coef_[0] == pytest.approx(31 / 14) and reg.intercept_ == 0.0


def test_partial_fit_is_one_epoch_and_only_for_iterative_solvers():
    assert not hasattr(LinearRegression(solver="normal"), "partial_fit")
    with pytest.raises(AttributeError, match=r"partial_fit is not available: solver='lstsq' is not incremental"):
        LinearRegression(solver="lstsq").partial_fit
    # one online step from w = 0, b = 0 on one sample, no standardisation:
    # grad of 1/2 (w x + b - y)^2 is (w x + b - y) * (x, 1) = (-2 * 3, -2); step lr = 0.1
    reg = LinearRegression(solver="sgd", batch_size=1, learning_rate=0.1, standardize=False)
    reg.partial_fit([[3.0]], [2.0])
    assert reg.coef_[0] == pytest.approx(0.6) and reg.intercept_ == pytest.approx(0.2)
    reg.partial_fit([[3.0]], [2.0])
    assert reg.n_iter_ == 2 and reg.loss_curve_[0] == pytest.approx(2.0)


def test_warm_start_continues_training():
    X, y = np.arange(10.0)[:, None], 2 * np.arange(10.0) + 1
    cold = LinearRegression(solver="gd", learning_rate=0.1, epochs=20, tol=None).fit(X, y)
    warm = LinearRegression(solver="gd", learning_rate=0.1, epochs=10, tol=None, warm_start=True).fit(X, y).fit(X, y)
    np.testing.assert_allclose(warm.coef_, cold.coef_, rtol=1e-12)
    assert warm.n_iter_ == 20


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow on the way to inf
def test_diverging_learning_rate_stops_with_a_clear_error():
    # L = lambda_max([x, x^2, 1]^T [x, x^2, 1] / n) for x = 0..19: ~ 2.8e4, so 2/L ~ 7e-5 and lr = 1 diverges
    X = np.c_[np.arange(20.0), np.arange(20.0) ** 2]
    A = np.c_[X, np.ones(20)]
    bound = 2 / np.linalg.eigvalsh(A.T @ A / 20)[-1]
    est = LinearRegression(solver="gd", standardize=False, learning_rate=1.0, epochs=500, tol=None)
    with pytest.warns(StepSizeWarning, match=rf"LinearRegression.fit: learning_rate 1 exceeds 2/L = {bound:.3g} for this data and the full batch"):
        with pytest.raises(TrainingDivergedError, match=rf"LinearRegression.fit: the training loss became (inf|nan) at epoch \d+/500, step 1 .*The learning_rate 1 exceeds the stability bound 2/L = {bound:.3g}"):
            est.fit(X, X[:, 0])


@pytest.mark.parametrize("params, message", [
    ({"solver": "qr"}, r"LinearRegression.fit: solver must be one of 'normal', 'lstsq', 'gd', 'sgd', 'lbfgs', got 'qr'"),
    ({"solver": "gd", "optimizer": "lbfgs"}, r"LinearRegression.fit: unknown optimizer 'lbfgs'; choose one of"),
    ({"solver": "sgd", "batch_size": 0}, r"LinearRegression.fit: batch_size must be an int in \[1, inf\) or one of 'full' or None, got 0"),
    ({"solver": "gd", "epochs": 0}, r"LinearRegression.fit: epochs must be an int in \[1, inf\), got 0"),
    ({"solver": "gd", "learning_rate": -0.1}, r"LinearRegression.fit: learning_rate must be one of 'auto' or a float in \(0, inf\), got -0.1"),
])  # fmt: skip
def test_bad_hyper_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        LinearRegression(**params).fit([[0.0], [1.0]], [0.0, 1.0])


def test_optimizer_may_be_an_instance_a_class_or_a_factory():
    import gradstep
    from gradstep import optim

    X, y = np.arange(8.0)[:, None], 3 * np.arange(8.0)
    template = optim.SGD([gradstep.zeros(1, requires_grad=True)], lr=0.3, momentum=0.5)
    for spec in [template, optim.Adam, lambda params: optim.RMSprop(params, lr=0.05)]:
        reg = LinearRegression(solver="gd", optimizer=spec, learning_rate=0.2, epochs=400, tol=None).fit(X, y)
        assert reg.score(X, y) > 0.999
    assert type(LinearRegression(solver="gd", optimizer=template, epochs=1).fit(X, y)._optimizer) is optim.SGD
    with pytest.raises(ArgumentError, match="LinearRegression.fit: optimizer must be an optimizer name"):
        LinearRegression(solver="gd", optimizer=3).fit(X, y)


def test_logistic_regression_on_breast_cancer():
    X, y = load_breast_cancer()
    X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(X, y, fractions=(0.6, 0.2, 0.2), stratify=True, seed=0)
    scaler = Standardizer().fit(X_train)
    clf = LogisticRegression(random_state=0).fit(scaler.transform(X_train), y_train)
    assert clf.score(scaler.transform(X_test), y_test) >= 0.95
    assert clf.score(scaler.transform(X_val), y_val) >= 0.9


def test_logistic_regression_probabilities_follow_the_sigmoid():
    X, y = load_breast_cancer()
    clf = LogisticRegression(epochs=20, random_state=0).fit(X, y)
    z = X @ clf.coef_[0] + clf.intercept_[0]
    np.testing.assert_allclose(clf.decision_function(X), z)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-np.clip(z, -500, 500))), rtol=1e-12, atol=1e-300)
    assert clf.coef_.shape == (1, 30) and clf.intercept_.shape == (1,)


def test_penalty_is_on_the_weights_of_the_standardized_features():
    # standardize=True minimises mean BCE(x' w' + b') + alpha/2 ||w'||^2 on x' = (x - mean) / std: the same optimum
    # as standardize=False on pre-standardised features, reported in the original units (w = w' / std)
    rng = np.random.default_rng(1)
    X = np.c_[rng.normal(0, 1, 80), rng.normal(5, 10, 80)]
    y = (X[:, 0] + 0.1 * X[:, 1] + rng.normal(0, 1, 80) > 0.5).astype(int)
    mean, std = X.mean(axis=0), X.std(axis=0)
    Xs = (X - mean) / std
    params = {"alpha": 0.5, "solver": "lbfgs", "epochs": 1000, "tol": 1e-10}
    on_raw = LogisticRegression(**params).fit(X, y)
    on_std = LogisticRegression(**params, standardize=False).fit(Xs, y)
    np.testing.assert_allclose(on_raw.coef_ * std, on_std.coef_, rtol=1e-6)
    # at the optimum the gradient of mean BCE + alpha/2 ||w||^2 vanishes: X'^T (p - y) / n + alpha w' = 0
    w, b = on_std.coef_[0], on_std.intercept_[0]
    p = sigmoid(Xs @ w + b)
    np.testing.assert_allclose(Xs.T @ (p - y) / len(y) + 0.5 * w, 0, atol=1e-8)
    np.testing.assert_allclose(np.mean(p - y), 0, atol=1e-8)  # the intercept is not penalised


def test_softmax_regression_on_digits():
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, stratify=True, seed=0)
    clf = SoftmaxRegression(random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.95
    proba = clf.predict_proba(X_test)
    assert proba.shape == (len(X_test), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X_test))


def test_softmax_with_two_classes_gives_a_one_column_decision():
    X = np.array([[0.0], [1.0], [3.0], [4.0]])
    clf = SoftmaxRegression(epochs=200, learning_rate=0.5, random_state=0).fit(X, [5, 5, 9, 9])
    z = X @ clf.coef_.T + clf.intercept_
    np.testing.assert_allclose(clf.decision_function(X), z[:, 1] - z[:, 0])
    assert clf.predict([[0.0], [4.0]]).tolist() == [5, 9]


def test_softmax_partial_fit_with_classes_on_the_first_call():
    clf = SoftmaxRegression(random_state=0)
    clf.partial_fit([[0.0], [1.0]], ["a", "b"], classes=["a", "b", "c"])
    assert clf.classes_.tolist() == ["a", "b", "c"] and clf.coef_.shape == (3, 1)
    clf.partial_fit([[2.0]], ["c"])
    assert clf.n_iter_ == 2


def test_helpers_are_stable():
    assert sigmoid(np.array([-800.0, 800.0])).tolist() == [0.0, 1.0]
    np.testing.assert_allclose(softmax(np.array([[1000.0, 1000.0 + np.log(3.0)]])), [[0.25, 0.75]])


def test_fitted_linear_models_pickle():
    X, y = load_digits()
    clf = SoftmaxRegression(epochs=3, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
