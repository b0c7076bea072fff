"""A non-finite loss caused by the data is a DataError saying so, never blamed on the learning rate."""

import numpy as np
import pytest

from gradstep import nn, optim
from gradstep.errors import DataError, TrainingDivergedError
from gradstep.train import Trainer


def _trainer(n_in=3, n_out=1, loss=None, lr=0.1):
    model = nn.Linear(n_in, n_out)
    return Trainer(model, loss or nn.MSELoss(), optim.SGD(model.parameters(), lr=lr), progress=False)


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    return X, X.sum(axis=1, keepdims=True)


def test_a_nan_feature_is_named_with_its_index_not_blamed_on_the_learning_rate():
    X, y = _data()
    X[5, 1] = np.nan
    with pytest.raises(DataError, match=r"training data X contain nan \(first at index \(5, 1\)\), not a learning-rate"):
        _trainer().fit((X, y), epochs=1, batch_size=16, shuffle=False)


def test_an_infinite_target_is_named():
    X, y = _data()
    y[40, 0] = -np.inf
    with pytest.raises(DataError, match=r"training data y contain -inf \(first at index \(40, 0\)\)"):
        _trainer().fit((X, y), epochs=1, batch_size=16, shuffle=False)


def test_features_whose_products_overflow_float32_are_named_as_such():
    X, y = _data()
    X[0, 0] = 1e25  # (1e25)^2 = 1e50 > float32's 3.4e38: the squared error is inf at once
    with pytest.raises(DataError, match=r"values as large as 1e\+25, whose products overflow float32: standardise"):
        _trainer().fit((X, y), epochs=1, batch_size=None)


def test_a_too_large_step_on_clean_data_still_names_the_learning_rate():
    X, y = _data()
    with pytest.raises(TrainingDivergedError, match=r"The learning rate \(1e\+06\) is probably too large") as caught:
        _trainer(lr=1e6).fit((X, y), epochs=50, batch_size=None)
    assert not isinstance(caught.value, DataError)
