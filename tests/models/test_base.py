"""The estimator contract without scikit-learn: parameters, repr, fitted state and input validation."""

import warnings

import numpy as np
import pytest

import gradstep
from gradstep.models import (
    Adaline,
    DataConversionWarning,
    DataError,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    NotFittedError,
    Perceptron,
    SoftmaxRegression,
)

ALL = [LinearRegression, LogisticRegression, SoftmaxRegression, Perceptron, Adaline, MLPClassifier, MLPRegressor]
CLASSIFIERS = [LogisticRegression, SoftmaxRegression, Perceptron, Adaline, MLPClassifier]
FAST = {"MLPClassifier": {"epochs": 5, "learning_rate": 0.05}, "MLPRegressor": {"epochs": 5, "learning_rate": 0.05}}  # 5 steps that learn


def make(cls, **params):
    return cls(**{**FAST.get(cls.__name__, {}), "random_state": 0, **params}) if cls is not LinearRegression else cls(**params)


def blobs(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = np.r_[rng.normal(-2, 0.5, (n // 2, 2)), rng.normal(2, 0.5, (n // 2, 2))]
    y = np.r_[np.zeros(n // 2, int), np.ones(n // 2, int)]
    return X, y


class FrameLike:
    """Enough of a pandas DataFrame for np.asarray, without pandas: named columns and __array__."""

    def __init__(self, data, columns):
        self._data, self.columns = np.asarray(data), list(columns)

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)


@pytest.mark.parametrize("cls", ALL)
def test_get_params_lists_every_init_argument_and_set_params_round_trips(cls):
    est = cls()
    params = est.get_params()
    import inspect

    assert set(params) == set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert est.set_params(**params) is est
    assert est.get_params() == params


def test_set_params_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"LinearRegression.set_params: invalid parameter 'solvr'"):
        LinearRegression().set_params(solvr="gd")


def test_repr_shows_only_changed_parameters():
    assert repr(LinearRegression()) == "LinearRegression()"
    assert repr(Perceptron(epochs=3)) == "Perceptron(epochs=3)"


@pytest.mark.parametrize("cls", ALL)
def test_predict_before_fit_raises_not_fitted_error(cls):
    with pytest.raises(NotFittedError, match=rf"{cls.__name__}.predict: this {cls.__name__} instance is not fitted yet"):
        cls().predict([[1.0, 2.0]])


def test_not_fitted_error_is_gradstep_value_and_attribute_error():
    assert issubclass(NotFittedError, gradstep.GradstepError)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    assert not hasattr(LogisticRegression(), "predict_proba") or True  # the method exists; calling it raises
    with pytest.raises(AttributeError):
        LogisticRegression().predict_proba([[0.0]])


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("bad, word", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_nan_or_inf_in_X_is_rejected_at_fit_and_predict(cls, bad, word):
    X, y = blobs()
    X_bad = X.copy()
    X_bad[3, 1] = bad
    with pytest.raises(DataError, match=rf"{cls.__name__}.fit: input X contains {word} \(first at index \(3, 1\)\)"):
        make(cls).fit(X_bad, y)
    est = make(cls).fit(X, y)
    with pytest.raises(DataError, match=rf"{cls.__name__}.predict: input X contains {word}"):
        est.predict(X_bad)


@pytest.mark.parametrize("cls", ALL)
def test_wrong_number_of_features_at_predict(cls):
    X, y = blobs()
    est = make(cls).fit(X, y)
    with pytest.raises(gradstep.ShapeError, match=rf"X has 3 features, but {cls.__name__} is expecting 2 features"):
        est.predict(np.ones((4, 3)))


def test_1d_X_asks_for_a_reshape():
    with pytest.raises(gradstep.ShapeError, match=r"LinearRegression.fit: expected a 2D array .* got 1D array of shape \(3,\).*Reshape"):
        LinearRegression().fit([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])


def test_empty_X_is_rejected():
    with pytest.raises(DataError, match=r"found array with 0 sample\(s\) \(shape=\(0, 3\)\)"):
        LinearRegression().fit(np.empty((0, 3)), [])
    with pytest.raises(DataError, match=r"found array with 0 feature\(s\) \(shape=\(4, 0\)\)"):
        LinearRegression().fit(np.empty((4, 0)), [1.0, 2.0, 3.0, 4.0])


def test_complex_and_non_numeric_X_are_rejected():
    with pytest.raises(DataError, match="LinearRegression.fit: Complex data not supported in X"):
        LinearRegression().fit(np.ones((3, 1)) * 1j, [1.0, 2.0, 3.0])
    with pytest.raises(gradstep.DTypeError, match="LinearRegression.fit: X must be numeric"):
        LinearRegression().fit([["a"], ["b"]], [1.0, 2.0])


def test_sparse_X_is_rejected_with_a_hint():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(gradstep.DTypeError, match=r"sparse input \(csr_matrix\) is not supported; convert it with X.toarray\(\)"):
        LinearRegression().fit(sparse.csr_matrix(np.eye(3)), [1.0, 2.0, 3.0])


def test_y_none_and_length_mismatch():
    with pytest.raises(DataError, match="LinearRegression requires y to be passed, but the target y is None"):
        LinearRegression().fit([[1.0], [2.0]], None)
    with pytest.raises(gradstep.ShapeError, match="inconsistent numbers of samples: X has 2, y has 3"):
        LinearRegression().fit([[1.0], [2.0]], [1.0, 2.0, 3.0])
    with pytest.raises(gradstep.ShapeError, match=r"y should be a 1d array .* shape \(2, 2\)"):
        LinearRegression().fit([[1.0], [2.0]], [[1.0, 2.0], [3.0, 4.0]])


def test_column_vector_y_is_flattened_with_a_warning():
    with pytest.warns(DataConversionWarning, match="A column-vector y was passed when a 1d array was expected"):
        reg = LinearRegression().fit([[0.0], [1.0], [2.0]], [[1.0], [3.0], [5.0]])
    np.testing.assert_allclose(reg.coef_, [2.0])


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_single_class_is_rejected(cls):
    with pytest.raises(DataError, match=rf"{cls.__name__}.fit: needs samples of at least 2 classes, but the data contains only one class: 'a'"):
        make(cls).fit([[0.0], [1.0]], ["a", "a"])


@pytest.mark.parametrize("cls", [LogisticRegression, Perceptron, Adaline])
def test_binary_models_reject_three_classes(cls):
    with pytest.raises(DataError, match=rf"{cls.__name__}.fit: Only binary classification is supported.*3 classes: \[0, 1, 2\]"):
        make(cls).fit([[0.0], [1.0], [2.0]], [0, 1, 2])


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_continuous_targets_are_not_labels(cls):
    with pytest.raises(DataError, match=rf"{cls.__name__}.fit: Unknown label type: continuous"):
        make(cls).fit([[0.0], [1.0], [2.0]], [0.5, 1.0, 0.0])


def test_nan_targets_are_rejected():
    with pytest.raises(DataError, match=r"LinearRegression.fit: input y contains NaN"):
        LinearRegression().fit([[0.0], [1.0]], [0.0, np.nan])
    with pytest.raises(DataError, match=r"LogisticRegression.fit: Input y contains NaN or infinity"):
        LogisticRegression().fit([[0.0], [1.0]], [0.0, np.nan])


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_string_labels_lists_and_frame_like_inputs(cls):
    X, y = blobs()
    labels = np.array(["cat", "dog"])[y]
    # an MLP's 5 default Adam steps (lr 1e-3) fit the blobs for some seeds only; lr 1e-2 for every seed tried
    est = make(cls, **({"learning_rate": 0.01} if cls is MLPClassifier else {})).fit(FrameLike(X, ["a", "b"]), labels.tolist())
    assert est.classes_.tolist() == ["cat", "dog"]
    assert est.feature_names_in_.tolist() == ["a", "b"]
    assert est.predict(X.tolist()).dtype.kind == "U"
    assert est.score(X, labels) >= 0.9
    with pytest.raises(DataError, match=r"the feature names of X \['b', 'a'\] differ from those seen in fit \['a', 'b'\]"):
        est.predict(FrameLike(X, ["b", "a"]))


def test_partial_fit_rejects_labels_outside_classes():
    clf = LogisticRegression(random_state=0).partial_fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(DataError, match=r"y contains labels \[7\] that are not in classes_ \[0, 1\]"):
        clf.partial_fit([[2.0]], [7])


def test_partial_fit_changes_of_n_features_are_rejected():
    clf = SoftmaxRegression(random_state=0).partial_fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(gradstep.ShapeError, match="X has 2 features, but SoftmaxRegression is expecting 1 features"):
        clf.partial_fit([[0.0, 1.0]], [0])


@pytest.mark.parametrize("cls", [LinearRegression, MLPRegressor])
def test_regressor_score_is_r2(cls):
    X = np.arange(6.0)[:, None]
    y = 3 * X[:, 0] - 1
    est = make(cls).fit(X, y)
    y_hat = est.predict(X)
    expected = 1 - ((y - y_hat) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert est.score(X, y) == pytest.approx(expected)


def test_no_warning_for_clean_input():
    X, y = blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression(random_state=0).fit(X, y).predict(X)


def test_more_bad_inputs_name_the_estimator_and_the_problem():
    with pytest.raises(DataError, match=r"LinearRegression.fit: X is None; expected an array-like of shape \(n_samples, n_features\)"):
        LinearRegression().fit(None, [1.0])
    with pytest.raises(gradstep.DTypeError, match="LinearRegression.fit: X cannot be converted to a numeric array"):
        LinearRegression().fit([[1.0, 2.0], [3.0]], [1.0, 2.0])  # ragged
    with pytest.raises(gradstep.DTypeError, match="LinearRegression.fit: X must be numeric, got dtype datetime64"):
        LinearRegression().fit(np.array([["2020-01-01"], ["2020-01-02"]], dtype="datetime64[D]"), [1.0, 2.0])
    with pytest.raises(DataError, match="LinearRegression.fit: Complex data not supported in y"):
        LinearRegression().fit([[0.0], [1.0]], [1j, 2j])
    with pytest.raises(gradstep.ShapeError, match=r"expected a 2D array .* got 3D array of shape \(2, 1, 1\)"):
        LinearRegression().fit(np.zeros((2, 1, 1)), [1.0, 2.0])


def test_sparse_y_is_rejected():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(gradstep.DTypeError, match=r"LinearRegression.fit: sparse y \(csr_matrix\) is not supported"):
        LinearRegression().fit(np.eye(2), sparse.csr_matrix(np.ones((2, 1))))


def test_unsortable_and_empty_label_sets():
    with pytest.raises(DataError, match=r"SoftmaxRegression.fit: Unknown label type: mixed types \['int', 'str'\]"):
        SoftmaxRegression().fit([[0.0], [1.0]], np.array([1, "a"], dtype=object))
    with pytest.raises(DataError, match="SoftmaxRegression.partial_fit: got no class labels"):
        SoftmaxRegression().partial_fit([[0.0]], [0], classes=[])


def test_negative_alpha_is_rejected():
    with pytest.raises(ValueError, match=r"LogisticRegression.fit: alpha must be a float in \[0, inf\), got -1.0"):
        LogisticRegression(alpha=-1.0).fit([[0.0], [1.0]], [0, 1])


def test_optimizer_factory_must_return_an_optimizer():
    with pytest.raises(TypeError, match="SoftmaxRegression.fit: the optimizer factory returned list, not a gradstep optimizer"):
        SoftmaxRegression(optimizer=lambda params: []).fit([[0.0], [1.0]], [0, 1])


def test_estimators_must_list_their_parameters():
    class Loose(LinearRegression):
        def __init__(self, **kwargs):
            pass

    with pytest.raises(TypeError, match=r"Loose: estimators must list their parameters explicitly, not \*args/\*\*kwargs"):
        Loose().get_params()


def test_nested_parameters_reach_into_an_inner_estimator():
    from gradstep.models import BaseEstimator

    class Wrapper(BaseEstimator):
        def __init__(self, inner=None, scale=1.0):
            self.inner = inner
            self.scale = scale

    w = Wrapper(LinearRegression())
    assert w.get_params()["inner__solver"] == "normal"
    assert "inner__solver" not in w.get_params(deep=False)
    w.set_params(inner__solver="lstsq", scale=2.0)
    assert w.inner.solver == "lstsq" and w.scale == 2.0
    assert repr(w) == "Wrapper(inner=LinearRegression(solver='lstsq'), scale=2.0)"


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_probabilities_and_scores_before_fit_raise_not_fitted_error(cls):
    for method in ("predict_proba", "decision_function"):
        if hasattr(cls, method):
            with pytest.raises(NotFittedError, match=rf"{cls.__name__}.{method}: this {cls.__name__} instance is not fitted yet"):
                getattr(cls(), method)([[1.0, 2.0]])


@pytest.mark.parametrize("cls", [LogisticRegression, SoftmaxRegression, Adaline, MLPClassifier])
def test_seeded_fits_repeat_and_warm_start_continues_the_same_run(cls):
    X, y = blobs()
    params = {"epochs": 3, "tol": None, "random_state": 4}
    a, b = make(cls, **params).fit(X, y), make(cls, **params).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X) if hasattr(a, "predict_proba") else a.decision_function(X),
                                  b.predict_proba(X) if hasattr(b, "predict_proba") else b.decision_function(X))
    assert a.loss_curve_ == b.loss_curve_
    # warm_start: a second fit goes on from the first (same weights, optimizer state and shuffling stream),
    # so 3 + 3 epochs are the 6 epochs of one fit
    warm = make(cls, **params, warm_start=True).fit(X, y).fit(X, y)
    cold = make(cls, **{**params, "epochs": 6}).fit(X, y)
    assert warm.n_iter_ == 6
    np.testing.assert_allclose(warm.loss_curve_, cold.loss_curve_, rtol=1e-6)


def test_mlp_regressor_partial_fit_is_one_epoch_each():
    X = np.linspace(-1, 1, 20)[:, None]
    reg = MLPRegressor((4,), batch_size=5, random_state=0)
    reg.partial_fit(X, X[:, 0]).partial_fit(X, X[:, 0])
    assert reg.n_iter_ == 2 and len(reg.loss_curve_) == 2 and reg._optimizer.global_step == 8  # 2 epochs of 20 / 5 steps


def test_pandas_frame_and_series_inputs():
    pd = pytest.importorskip("pandas")
    X, y = blobs()
    frame = pd.DataFrame(X, columns=["height", "width"])
    labels = pd.Series(np.array(["small", "large"])[y], name="size")
    clf = LogisticRegression(random_state=0).fit(frame, labels)
    assert clf.feature_names_in_.tolist() == ["height", "width"] and clf.classes_.tolist() == ["large", "small"]
    assert clf.score(frame, labels) >= 0.9
    reg = LinearRegression().fit(frame, pd.Series(X[:, 0] + 2 * X[:, 1]))
    np.testing.assert_allclose(reg.coef_, [1.0, 2.0], atol=1e-10)
