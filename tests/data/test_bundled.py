"""Bundled scikit-learn data sets: shapes, dtypes, and the error without scikit-learn."""

import sys

import numpy as np
import pytest

from gradstep.data import (
    MissingDependencyError,
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)

pytest.importorskip("sklearn", reason="the bundled data sets are read from scikit-learn's files")


@pytest.mark.parametrize(
    "loader, shape, classes",
    [
        (load_digits, (1797, 64), 10),
        (load_iris, (150, 4), 3),
        (load_breast_cancer, (569, 30), 2),
        (load_wine, (178, 13), 3),
    ],
)
def test_classification_sets(loader, shape, classes):
    X, y = loader()
    assert X.shape == shape and X.dtype == np.float32
    assert y.shape == (shape[0],) and y.dtype == np.int64
    assert sorted(set(y.tolist())) == list(range(classes))


def test_dtype_argument_and_regression_targets():
    X, y = load_diabetes(dtype=np.float64)
    assert X.shape == (442, 10) and X.dtype == np.float64 and y.dtype == np.float64
    assert 25 <= y.min() and y.max() <= 346


def test_without_scikit_learn_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes "from sklearn import ..." raise ImportError
    with pytest.raises(
        MissingDependencyError,
        match=r'^load_iris reads the data set bundled with scikit-learn, which is not installed; '
        r'install it with: pip install "gradstep\[datasets\]"$',
    ) as info:
        load_iris()
    assert isinstance(info.value, ImportError)
