"""Multilayer perceptrons: accuracy on digits, training modes, early stopping, repeatability, errors."""

import re

import numpy as np
import pytest

import gradstep
from gradstep import optim
from gradstep.data import load_digits, train_test_split
from gradstep.models import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    X = X / 16.0  # pixels 0..16 -> [0, 1]
    return train_test_split(X, y, test_fraction=0.2, stratify=True, seed=0)


def test_mlp_classifier_on_digits(digits):
    X_train, X_test, y_train, y_test = digits
    clf = MLPClassifier((64,), learning_rate=3e-3, batch_size=64, epochs=40, random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.97
    proba = clf.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X_test))
    assert [w.shape for w in clf.coefs_] == [(64, 64), (64, 10)]
    assert [b.shape for b in clf.intercepts_] == [(64,), (10,)]
    assert clf._weights[0].dtype == np.float32  # trained in float32


def test_same_seed_same_network_bit_for_bit(digits):
    X_train, _, y_train, _ = digits
    params = dict(hidden_layer_sizes=(16,), dropout=0.2, epochs=3, random_state=7)
    a = MLPClassifier(**params).fit(X_train, y_train)
    b = MLPClassifier(**params).fit(X_train, y_train)
    for wa, wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(wa, wb)
    assert a.loss_curve_ == b.loss_curve_
    c = MLPClassifier(**{**params, "random_state": 8}).fit(X_train, y_train)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


@pytest.mark.parametrize("batch_size, steps", [(1, 40), (8, 5), ("full", 1), (None, 1)])
def test_online_minibatch_and_full_batch(batch_size, steps):
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = MLPClassifier((4,), optimizer="sgd", batch_size=batch_size, epochs=1, random_state=0).fit(X, y)
    assert clf._optimizer.global_step == steps  # updates per epoch: ceil(n / batch_size)


def test_early_stopping_keeps_the_best_validation_epoch(digits):
    X_train, _, y_train, _ = digits
    clf = MLPClassifier((32,), learning_rate=0.01, epochs=60, early_stopping=True, validation_fraction=0.2,
                        patience=3, random_state=0).fit(X_train, y_train)  # fmt: skip
    val = clf.history_["val_loss"]
    assert len(val) == len(clf.history_["loss"]) == clf.n_iter_ < 60
    # the kept epoch is the last one that beat the best before it by more than tol = 1e-4; `patience` epochs followed
    kept = val.index(clf.best_validation_loss_)
    assert clf.n_iter_ - 1 - kept == 3
    assert all(v > clf.best_validation_loss_ - 1e-4 for v in val[kept + 1 :])
    assert clf.best_validation_loss_ <= min(val) + 1e-4


def test_partial_fit_and_warm_start_continue_training(digits):
    X_train, _, y_train, _ = digits
    clf = MLPClassifier((16,), random_state=0)
    clf.partial_fit(X_train[:50], y_train[:50], classes=np.arange(10))
    clf.partial_fit(X_train[50:100], y_train[50:100])
    assert clf.n_iter_ == 2 and clf.classes_.tolist() == list(range(10))
    warm = MLPClassifier((16,), epochs=2, tol=None, warm_start=True, random_state=0).fit(X_train, y_train)
    first = warm.coefs_[0]
    warm.fit(X_train, y_train)
    assert warm.n_iter_ == 4 and not np.array_equal(first, warm.coefs_[0])


def test_l2_penalty_shrinks_the_weights(digits):
    X_train, _, y_train, _ = digits
    plain = MLPClassifier((16,), epochs=10, tol=None, random_state=0).fit(X_train, y_train)
    shrunk = MLPClassifier((16,), epochs=10, tol=None, alpha=0.1, random_state=0).fit(X_train, y_train)
    assert np.linalg.norm(shrunk.coefs_[0]) < np.linalg.norm(plain.coefs_[0])


def test_optimizer_instance_is_used_as_a_template():
    X = np.random.default_rng(1).normal(size=(30, 2))
    y = (X[:, 1] > 0).astype(int)
    template = optim.SGD([gradstep.zeros(1, requires_grad=True)], lr=0.05, momentum=0.9)
    clf = MLPClassifier((4,), optimizer=template, epochs=2, random_state=0).fit(X, y)
    assert type(clf._optimizer) is optim.SGD and clf._optimizer.param_groups[0]["momentum"] == 0.9
    assert clf._optimizer.param_groups[0]["params"][0] is clf._weights[0]


def test_progress_prints_one_summary_line_per_epoch(capsys):
    X = np.random.default_rng(1).normal(size=(30, 2))
    MLPClassifier((4,), epochs=3, tol=None, progress=True, random_state=0).fit(X, (X[:, 0] > 0).astype(int))
    out = capsys.readouterr().out.replace("\r", "\n")  # the tqdm bar redraws with carriage returns
    assert re.findall(r"^(Epoch \d/3) - [\d.]+s - loss: [\d.]+", out, flags=re.M) == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]


def test_tol_stops_on_a_training_loss_plateau():
    # a tol larger than any possible improvement: the first epoch sets the best, the next `patience` do not beat it
    X = np.random.default_rng(1).normal(size=(30, 2))
    clf = MLPClassifier((4,), epochs=50, tol=1e6, patience=2, random_state=0).fit(X, (X[:, 0] > 0).astype(int))
    assert clf.n_iter_ == 3


def test_mlp_regressor_learns_a_curve():
    X = np.linspace(-1, 1, 128)[:, None]
    y = np.sin(3 * X[:, 0])
    reg = MLPRegressor((32,), activation="tanh", learning_rate=0.01, batch_size=16, epochs=300, random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.98
    assert reg.predict(X).shape == (128,)
    # the loss is the course's 1/(2n) sum of squares: R^2 > 0.98 means it is below 0.02 * var(y) / 2 at the end
    assert 0.5 * np.mean((reg.predict(X) - y) ** 2) < 0.01 * y.var()
    assert reg.loss_curve_[-1] < 0.1 * reg.loss_curve_[0]


@pytest.mark.parametrize("params, message", [
    ({"activation": "swish"}, r"MLPClassifier.fit: activation must be one of 'relu', 'tanh', .*, got 'swish'"),
    ({"dropout": 1.0}, r"MLPClassifier.fit: dropout must be a float in \[0, 1\), got 1.0"),
    ({"alpha": -1.0}, r"MLPClassifier.fit: alpha must be a float in \[0, inf\), got -1.0"),
    ({"hidden_layer_sizes": (8, 0)}, r"MLPClassifier.fit: hidden_layer_sizes must be an int >= 1 or a sequence of them, got \(8, 0\)"),
    ({"early_stopping": True, "validation_fraction": 1.5}, r"MLPClassifier.fit: validation_fraction must be a float in \(0, 1\), got 1.5"),
    ({"batch_size": "half"}, r"MLPClassifier.fit: batch_size must be an int in \[1, inf\) or one of 'full' or None, got 'half'"),
])  # fmt: skip
def test_bad_hyper_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        MLPClassifier(**params).fit([[0.0], [1.0]], [0, 1])


def test_early_stopping_needs_enough_samples():
    from gradstep.models import DataError

    with pytest.raises(DataError, match=r"validation_fraction=0.1 leaves an empty training or validation set for 3 samples"):
        MLPClassifier(early_stopping=True).fit([[0.0], [1.0], [2.0]], [0, 1, 0])
