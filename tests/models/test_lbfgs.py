"""solver="lbfgs": scipy.optimize.minimize on the whole objective reaches scikit-learn's optimum."""

import sys

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
pytest.importorskip("scipy")

from sklearn.datasets import load_breast_cancer, load_wine  # noqa: E402
from sklearn.linear_model import LogisticRegression as SkLogisticRegression  # noqa: E402

from gradstep.errors import ConvergenceWarning, DataError, MissingDependencyError  # noqa: E402
from gradstep.models import LinearRegression, LogisticRegression, SoftmaxRegression  # noqa: E402
from gradstep.models.linear import sigmoid, softmax  # noqa: E402


def _standardized(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


def _objective(X, y, coef, intercept, alpha, classes):
    """mean cross-entropy + alpha/2 ||W||^2, written from the math (not gradstep's code)."""
    z = X @ coef.T + intercept
    if len(classes) == 2:
        p = sigmoid(z[:, 0])
        data = -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))
    else:
        data = -np.mean(np.log(softmax(z)[np.arange(len(y)), y]))
    return data + 0.5 * alpha * np.sum(coef**2)


@pytest.mark.parametrize("loader, cls", [(load_breast_cancer, LogisticRegression), (load_wine, SoftmaxRegression)])
@pytest.mark.parametrize("alpha", [1e-3, 1e-1])
def test_lbfgs_reaches_the_optimum_of_sklearn_logistic_regression(loader, cls, alpha):
    X, y = loader(return_X_y=True)
    Xs = _standardized(X)
    n = len(y)
    # scikit-learn minimises C sum loss + 1/2 ||w||^2 = n C (mean loss + 1/(2 n C) ||w||^2): alpha = 1 / (n C)
    sk = SkLogisticRegression(C=1.0 / (n * alpha), tol=1e-10, max_iter=10000).fit(Xs, y)
    ours = cls(alpha=alpha, solver="lbfgs", standardize=False, epochs=1000, tol=1e-9).fit(Xs, y)
    f_ours = _objective(Xs, y, ours.coef_, ours.intercept_, alpha, ours.classes_)
    f_sk = _objective(Xs, y, sk.coef_, sk.intercept_, alpha, sk.classes_)
    assert abs(f_ours - f_sk) < 1e-6
    assert ours.loss_curve_[-1] == pytest.approx(f_ours, rel=1e-9)  # the objective it reports is the textbook one


def test_lbfgs_on_raw_features_is_the_standardized_problem_in_original_units():
    X, y = load_breast_cancer(return_X_y=True)
    raw = LogisticRegression(alpha=1e-2, solver="lbfgs", epochs=1000, tol=1e-9).fit(X, y)
    std = LogisticRegression(alpha=1e-2, solver="lbfgs", standardize=False, epochs=1000, tol=1e-9).fit(_standardized(X), y)
    np.testing.assert_allclose(raw.coef_ * X.std(axis=0), std.coef_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(raw.predict_proba(X), std.predict_proba(_standardized(X)), atol=1e-7)


def test_lbfgs_linear_regression_is_least_squares():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)) * [1, 10, 100, 0.1]
    y = X @ [1.0, -2.0, 0.5, 3.0] + 4 + rng.normal(size=200)
    exact = LinearRegression(solver="lstsq").fit(X, y)
    ours = LinearRegression(solver="lbfgs", tol=1e-12, epochs=1000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, exact.coef_, rtol=1e-6)
    assert ours.intercept_ == pytest.approx(exact.intercept_, rel=1e-6)


def test_lbfgs_that_runs_out_of_iterations_warns():
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match=r"LogisticRegression.fit: L-BFGS stopped after 2 iterations"):
        LogisticRegression(solver="lbfgs", epochs=2, tol=1e-12).fit(X, y)


def test_lbfgs_has_no_partial_fit():
    with pytest.raises(DataError, match=r"LogisticRegression.partial_fit: solver='lbfgs' minimises the whole objective"):
        LogisticRegression(solver="lbfgs").partial_fit([[0.0], [1.0]], [0, 1])


def test_lbfgs_without_scipy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "gradstep\[models\]"'):
        LogisticRegression(solver="lbfgs").fit([[0.0], [1.0]], [0, 1])
