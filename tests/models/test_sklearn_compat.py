"""With scikit-learn installed: its estimator checks, Pipeline, GridSearchCV, cross_val_score and clone."""

import warnings

import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone, is_classifier, is_regressor  # noqa: E402
from sklearn.exceptions import NotFittedError as SklearnNotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Estimator .* does not inherit from `sklearn.base.BaseEstimator`")

from gradstep.data import load_breast_cancer, load_diabetes, load_iris  # noqa: E402
from gradstep.models import (  # noqa: E402
    Adaline,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    NotFittedError,
    Perceptron,
    SoftmaxRegression,
)

# few epochs keep the ~55 checks per estimator fast; every check passes, none is expected to fail
CHECKED = [
    LinearRegression(),
    LinearRegression(solver="sgd", epochs=20),
    LogisticRegression(epochs=30),
    SoftmaxRegression(epochs=30),
    Perceptron(epochs=20),
    Adaline(epochs=10),
    MLPClassifier((16,), learning_rate=0.01, batch_size=32, epochs=30),
    MLPRegressor((16,), learning_rate=0.01, batch_size=32, epochs=30),
]


with warnings.catch_warnings():  # ours do not inherit from sklearn.base.BaseEstimator: by design, no sklearn import
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from", category=UserWarning)
    sklearn_checks = parametrize_with_checks(CHECKED)


@sklearn_checks
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_kinds_and_not_fitted_error_are_recognised():
    assert is_classifier(MLPClassifier()) and is_classifier(Perceptron())
    assert is_regressor(LinearRegression()) and is_regressor(MLPRegressor())
    with pytest.raises(SklearnNotFittedError) as info:
        SoftmaxRegression().predict([[0.0]])
    assert isinstance(info.value, NotFittedError)


def test_clone_copies_parameters_not_fitted_state():
    est = LogisticRegression(alpha=0.1, epochs=5, random_state=0).fit([[0.0], [1.0]], [0, 1])
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "coef_")


def test_pipeline_with_standard_scaler():
    X, y = load_breast_cancer()
    pipe = make_pipeline(StandardScaler(), LogisticRegression(standardize=False, random_state=0)).fit(X, y)
    assert pipe.score(X, y) > 0.97


def test_grid_search_over_our_parameters():
    X, y = load_iris()
    grid = {"alpha": [1e-4, 0.1], "learning_rate": [0.05, 0.2]}
    search = GridSearchCV(SoftmaxRegression(epochs=100, random_state=0), grid, cv=3).fit(X, y)
    assert set(search.best_params_) == {"alpha", "learning_rate"}
    assert search.best_score_ == max(search.cv_results_["mean_test_score"]) > 0.93
    assert search.best_estimator_.n_iter_ >= 1


def test_cross_val_score_for_a_regressor():
    X, y = load_diabetes()
    scores = cross_val_score(LinearRegression(solver="lstsq"), X, y, cv=5)
    assert scores.shape == (5,) and scores.mean() > 0.4


def test_mlp_in_a_pipeline_with_cross_validation():
    X, y = load_iris()
    pipe = make_pipeline(StandardScaler(), MLPClassifier((16,), learning_rate=0.01, batch_size=16, epochs=50, random_state=0))
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.9
