"""The issue's results: every estimator at default settings converges on ordinary data, at any feature scale.

Each data set is split 75/25, stratified, with scikit-learn's ``train_test_split(random_state=0)``.
The reference accuracies are scikit-learn 1.9.1's ``LogisticRegression(max_iter=5000)`` and
``MLPClassifier(random_state=0)`` on the same splits, printed by ``bench/estimators.py``
(which reruns scikit-learn); gradstep must score within 0.03 (linear models) or 0.04 (MLP)
of them, or better, with no warning and no error (warnings are errors here).
"""

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn import datasets  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split  # noqa: E402

from gradstep.models import (  # noqa: E402
    Adaline, LinearRegression, LogisticRegression, MLPClassifier, Perceptron, SoftmaxRegression,
)  # fmt: skip

#: data set -> (scikit-learn LogisticRegression(max_iter=5000), MLPClassifier(random_state=0)) test accuracy
REFERENCE = {
    "digits": (0.958, 0.960),
    "digits/16": (0.969, 0.980),
    "digits/255": (0.902, 0.947),
    "breast_cancer": (0.937, 0.923),
    "wine": (0.956, 0.911),
    "iris": (1.000, 1.000),
    "scales-3class": (0.672, 0.604),
    "scales-2class": (0.788, 0.660),
}


def load(name):
    """(X, y) of a data set of the table; "scales-*" are make_classification sets with features scaled 1e-3..1e3."""
    if name.startswith("digits"):
        X, y = datasets.load_digits(return_X_y=True)
        return X / {"digits": 1, "digits/16": 16, "digits/255": 255}[name], y
    if name.startswith("scales"):
        classes, seed = (3, 0) if name == "scales-3class" else (2, 1)
        X, y = datasets.make_classification(1000, 20, n_informative=10, n_classes=classes, random_state=seed)
        return X * np.logspace(-3, 3, 20), y
    return getattr(datasets, f"load_{name}")(return_X_y=True)


def split(name):
    X, y = load(name)
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)


BINARY = ["breast_cancer", "scales-2class"]


def _score(estimator, name):
    X_train, X_test, y_train, y_test = split(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # never warns (and so never reports a bad step size)
        estimator.fit(X_train, y_train)
    assert all(np.isfinite(estimator.loss_curve_))
    return estimator.score(X_test, y_test)


@pytest.mark.parametrize("name", list(REFERENCE))
def test_softmax_regression_at_defaults(name):
    assert _score(SoftmaxRegression(random_state=0), name) >= REFERENCE[name][0] - 0.03


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("alpha", [1e-4, 1e-2, 1.0])
def test_logistic_regression_at_defaults_for_every_alpha(name, alpha):
    assert _score(LogisticRegression(alpha=alpha, random_state=0), name) >= REFERENCE[name][0] - 0.03


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("cls", [Adaline, Perceptron])
def test_the_first_learning_machines_at_defaults(name, cls):
    assert _score(cls(random_state=0), name) >= REFERENCE[name][0] - 0.03


@pytest.mark.parametrize("name", ["digits/16", "breast_cancer", "wine", "iris", "scales-3class", "scales-2class"])
def test_mlp_at_defaults(name):
    assert _score(MLPClassifier(random_state=0), name) >= REFERENCE[name][1] - 0.04


def test_mlp_sees_the_same_inputs_for_raw_and_rescaled_digits():
    # standardize=True: raw, /16 and /255 digits give the network the same inputs, hence (to float32
    # rounding) the same training as the digits/16 fit above
    fits = [MLPClassifier(epochs=1, random_state=0).fit(split(name)[0], split(name)[2]) for name in REFERENCE if name.startswith("digits")]
    inputs = [fit._inputs(split(name)[0], np.float64) for fit, name in zip(fits, ["digits", "digits/16", "digits/255"])]
    for other in inputs[1:]:
        np.testing.assert_allclose(other, inputs[0], rtol=1e-5, atol=1e-5)  # float32 statistics


def test_cross_validation_of_softmax_regression_has_no_failed_fold():
    X, y = load("digits/16")
    scores = cross_val_score(SoftmaxRegression(random_state=0), X, y, cv=5)
    assert np.isfinite(scores).all() and scores.min() > 0.85


def test_grid_search_over_alpha_and_learning_rate_has_no_nan():
    X, y = load("breast_cancer")
    grid = {"alpha": [1e-4, 1e-2, 1.0], "learning_rate": ["auto", 0.01, 0.1]}
    search = GridSearchCV(LogisticRegression(random_state=0), grid, cv=3).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and scores.min() > 0.9


@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_linear_regression_by_gradient_descent_on_rescaled_diabetes_reaches_least_squares(solver):
    X, y = datasets.load_diabetes(return_X_y=True)
    X = X * 100
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    exact = LinearRegression(solver="lstsq").fit(X_train, y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = LinearRegression(solver=solver, random_state=0).fit(X_train, y_train)
    assert ours.score(X_train, y_train) >= exact.score(X_train, y_train) - 0.02
    assert abs(ours.score(X_test, y_test) - exact.score(X_test, y_test)) <= 0.02
