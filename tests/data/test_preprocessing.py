"""Standardizer, MinMaxScaler, one_hot and LabelEncoder: the math, fitting on training data only, errors."""

import numpy as np
import pytest

import gradstep
from gradstep.data import DataError, LabelEncoder, MinMaxScaler, NotFittedError, Standardizer, one_hot


def test_standardizer_uses_training_statistics_only():
    X_train = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
    X_test = np.array([[7.0, 0.0]])
    s = Standardizer().fit(X_train)
    # mean (3, 20); population std sqrt(8/3) and sqrt(200/3)
    np.testing.assert_allclose(s.mean_, [3.0, 20.0])
    np.testing.assert_allclose(s.scale_, [np.sqrt(8 / 3), np.sqrt(200 / 3)])
    np.testing.assert_allclose(s.transform(X_test), [[4 / np.sqrt(8 / 3), -20 / np.sqrt(200 / 3)]])
    Z = s.transform(X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0)
    np.testing.assert_allclose(s.inverse_transform(Z), X_train)


def test_standardizer_constant_columns_give_zeros_not_nan():
    X = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 3.0]])
    s = Standardizer().fit(X)
    assert s.scale_[0] == 1.0
    Z = s.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_array_equal(Z[:, 0], 0.0)


def test_standardizer_keeps_float32_and_turns_integers_into_float64():
    X32 = np.arange(6, dtype=np.float32).reshape(3, 2)
    assert Standardizer().fit_transform(X32).dtype == np.float32
    assert Standardizer().fit_transform(np.arange(6).reshape(3, 2)).dtype == np.float64
    Z = Standardizer().fit_transform(gradstep.Tensor(X32))
    assert isinstance(Z, np.ndarray)


def test_minmax_scaler_maps_training_range_to_feature_range():
    X = np.array([[0.0, -1.0, 4.0], [2.0, 1.0, 4.0], [4.0, 3.0, 4.0]])
    m = MinMaxScaler(feature_range=(-1, 1)).fit(X)
    # x' = lo + (x - min) (hi - lo) / (max - min); a constant column maps to lo
    expected = np.array([[-1.0, -1.0, -1.0], [0.0, 0.0, -1.0], [1.0, 1.0, -1.0]])
    np.testing.assert_allclose(m.transform(X), expected)
    np.testing.assert_allclose(m.transform(np.array([[6.0, 5.0, 4.0]])), [[2.0, 2.0, -1.0]])  # no clipping
    np.testing.assert_allclose(m.inverse_transform(expected)[:, :2], X[:, :2])


def test_scaler_errors():
    for cls in (Standardizer, MinMaxScaler):
        name = cls.__name__
        with pytest.raises(NotFittedError, match=rf"^{name}\.transform: this {name} is not fitted yet; call fit\(X\) first$"):
            cls().transform(np.zeros((2, 3)))
        with pytest.raises(NotFittedError, match=rf"^{name}\.inverse_transform: this {name} is not fitted yet"):
            cls().inverse_transform(np.zeros((2, 3)))
        fitted = cls().fit(np.ones((4, 3)))
        with pytest.raises(
            gradstep.ShapeError,
            match=rf"^{name}\.transform: fitted on 3 features \(X of shape \(n, 3\)\), got X with shape \(2, 4\)$",
        ):
            fitted.transform(np.zeros((2, 4)))
        with pytest.raises(DataError, match=rf"^{name}\.fit: X is empty \(shape \(0, 3\)\)$"):
            cls().fit(np.zeros((0, 3)))
        with pytest.raises(DataError, match=rf"^{name}\.fit: X must be numeric, got dtype <U1$"):
            cls().fit(np.array([["a"]]))
    with pytest.raises(DataError, match=r"^MinMaxScaler: feature_range must have lo < hi, got \(1, 0\)$"):
        MinMaxScaler((1, 0))
    with pytest.raises(DataError, match=r"^MinMaxScaler: feature_range must be two numbers \(lo, hi\), got 1$"):
        MinMaxScaler(1)


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0, 1, 2]), np.eye(3)[[2, 0, 1, 2]])
    encoded = one_hot(np.array([1, 0]), num_classes=4, dtype=np.float64)
    assert encoded.dtype == np.float64 and encoded.tolist() == [[0, 1, 0, 0], [1, 0, 0, 0]]
    assert one_hot(np.array([1.0, 0.0])).tolist() == [[0, 1], [1, 0]]  # whole floats are fine
    assert one_hot([], num_classes=3).shape == (0, 3)


def test_one_hot_errors():
    with pytest.raises(DataError, match=r"^one_hot: labels must lie in \[0, 3\), got 3 at position 1$"):
        one_hot([0, 3], num_classes=3)
    with pytest.raises(DataError, match=r"^one_hot: labels must lie in \[0, 2\), got -1 at position 0$"):
        one_hot([-1, 1])
    with pytest.raises(DataError, match=r"^one_hot: labels must be integers 0\.\.k-1, got dtype float64; encode them with LabelEncoder$"):
        one_hot([0.5, 1.0])
    with pytest.raises(DataError, match=r"^one_hot: labels must be integers 0\.\.k-1, got dtype <U3"):
        one_hot(["cat"])
    with pytest.raises(gradstep.ShapeError, match=r"^one_hot: labels must be 1-D, got shape \(2, 2\)$"):
        one_hot(np.zeros((2, 2), dtype=int))
    with pytest.raises(DataError, match=r"^one_hot: num_classes must be a positive integer, got 0$"):
        one_hot([0], num_classes=0)
    with pytest.raises(DataError, match=r"^one_hot: cannot infer num_classes from empty labels; pass num_classes$"):
        one_hot(np.array([], dtype=int))


@pytest.mark.parametrize(
    "labels, classes",
    [
        (["b", "a", "c", "a"], ["a", "b", "c"]),
        (np.array([10, -3, 10, 7]), [-3, 7, 10]),
        ([2.5, 1.5, 2.5], [1.5, 2.5]),
        ([("x", 1), ("a", 2), ("x", 1)], [("a", 2), ("x", 1)]),  # tuples: hashable, sortable
        ([3, "three", 3, None], [3, "three", None]),  # mixed types: order of first appearance
    ],
)
def test_label_encoder_round_trip(labels, classes):
    enc = LabelEncoder()
    codes = enc.fit_transform(labels)
    assert enc.classes_.tolist() == classes
    assert codes.dtype == np.int64
    assert codes.tolist() == [classes.index(label) for label in list(labels)]
    assert enc.inverse_transform(codes).tolist() == list(labels)


def test_label_encoder_accepts_tensors():
    enc = LabelEncoder().fit(gradstep.Tensor(np.array([5, 6])))
    assert enc.transform(gradstep.Tensor(np.array([6, 5]))).tolist() == [1, 0]


def test_label_encoder_errors():
    enc = LabelEncoder().fit(["cat", "dog"])
    with pytest.raises(DataError, match=r"^LabelEncoder\.transform: unknown label\(s\) 'bird', 'cow'; the encoder was fitted on \['cat', 'dog'\]$"):
        enc.transform(["dog", "bird", "cow", "bird"])
    with pytest.raises(DataError, match=r"^LabelEncoder\.transform: unknown label\(s\) 1; the encoder was fitted on \['cat', 'dog'\]$"):
        enc.transform([1])
    with pytest.raises(DataError, match=r"^LabelEncoder\.transform: unknown label\(s\) 4; the encoder was fitted on \[1, 2\]$"):
        LabelEncoder().fit(np.array([1, 2])).transform(np.array([2, 4]))
    with pytest.raises(DataError, match=r"^LabelEncoder\.inverse_transform: codes must lie in \[0, 2\), got 2$"):
        enc.inverse_transform([0, 2])
    with pytest.raises(DataError, match=r"^LabelEncoder\.inverse_transform: codes must be integers, got dtype float64$"):
        enc.inverse_transform([0.0])
    with pytest.raises(NotFittedError, match=r"^LabelEncoder\.transform: this LabelEncoder is not fitted yet; call fit\(labels\) first$"):
        LabelEncoder().transform(["a"])
    with pytest.raises(NotFittedError, match=r"^LabelEncoder\.inverse_transform: this LabelEncoder is not fitted yet"):
        LabelEncoder().inverse_transform([0])
    with pytest.raises(DataError, match=r"^LabelEncoder\.fit: labels are empty$"):
        LabelEncoder().fit([])
    with pytest.raises(DataError, match=r"^LabelEncoder\.fit: label \[1, 2\] at position 1 is not hashable$"):
        LabelEncoder().fit([(0,), [1, 2]])
    with pytest.raises(gradstep.ShapeError, match=r"^LabelEncoder\.fit: labels must be 1-D, got shape \(2, 2\)$"):
        LabelEncoder().fit(np.zeros((2, 2)))
