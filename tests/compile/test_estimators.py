"""The estimators train compiled by default: eager's bits with "exact", float32 rounding with True, no warning.

``compile="exact"`` (the default) must give the weights of ``compile=False``
bit for bit; ``compile=True`` folds plain SGD's update into BLAS below 64 rows,
which rounds once where eager rounds twice (measured: at most 1.2e-7 on these
fits; the tolerance is 1e-5).
"""

import warnings

import numpy as np
import pytest

from gradstep.compile import CompiledStep
from gradstep.errors import ArgumentError, CompileWarning
from gradstep.models import MLPClassifier, MLPRegressor
from gradstep.train import trainer as trainer_module

FOLD_TOLERANCE = 1e-5


@pytest.fixture
def steps(monkeypatch):
    """Every CompiledStep the Trainer makes, to check that the fit really ran compiled."""
    made = []

    def recording(*args, **kwargs):
        step = CompiledStep(*args, **kwargs)
        made.append(step)
        return step

    monkeypatch.setattr(trainer_module, "compile_step", recording)
    return made


def problem(n=90, features=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features)) * [1.0, 10.0, 0.1, 1.0, 3.0]
    y = (X[:, 0] + 0.1 * X[:, 1] > 0).astype(int) + (X[:, 2] > 0.05)
    return X, np.array(["a", "b", "c"])[y % classes]


def weights(est):
    return est.coefs_ + est.intercepts_


def max_difference(a, b):
    return max(float(np.max(np.abs(u.astype(np.float64) - v.astype(np.float64)))) for u, v in zip(weights(a), weights(b)))


CASES = {
    "defaults (adam; batch 200 > 90 samples: one batch)": {},
    "sgd minibatch 16, partial last batch": dict(optimizer="sgd", batch_size=16, learning_rate=0.05),
    "online, batch 1": dict(optimizer="sgd", batch_size=1, epochs=3),
    "full batch": dict(batch_size="full", optimizer="momentum"),
    "dropout": dict(dropout=0.3, batch_size=32),
    "L2 penalty": dict(alpha=1e-2, batch_size=32),
    "early stopping": dict(early_stopping=True, batch_size=32, tol=0.0, patience=3),
    "tanh, two layers": dict(hidden_layer_sizes=(12, 7), activation="tanh", batch_size=32),
    "sigmoid, rmsprop": dict(activation="sigmoid", optimizer="rmsprop", batch_size=32),
    "no standardisation, adagrad": dict(standardize=False, optimizer="adagrad", batch_size=32),
}


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("case", sorted(CASES))
def test_default_compiled_fit_gives_eagers_bits_without_a_warning(estimator, case, steps):
    X, labels = problem()
    y = labels if estimator is MLPClassifier else X[:, 0] * 2.0 + np.sin(X[:, 1])
    params = dict(hidden_layer_sizes=(10,), epochs=8, random_state=3, tol=None)
    params.update(CASES[case])
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        compiled = estimator(**params).fit(X, y)
    assert steps and all(s.reason is None for s in steps)
    assert sum(s.replays for s in steps) > 0  # really replayed, not only traced
    eager = estimator(**params, compile=False).fit(X, y)
    assert max_difference(compiled, eager) == 0.0
    assert compiled.loss_curve_ == eager.loss_curve_
    np.testing.assert_array_equal(compiled.predict(X), eager.predict(X))


@pytest.mark.parametrize("batch_size", [1, 8])
def test_compile_true_folds_sgd_within_float32_rounding(batch_size, steps):
    X, labels = problem(n=40)
    params = dict(hidden_layer_sizes=(10,), optimizer="sgd", learning_rate=0.05, batch_size=batch_size, epochs=3,
                  random_state=0, tol=None)  # fmt: skip
    folded = MLPClassifier(**params, compile=True).fit(X, labels)
    assert steps[-1].replays > 0 and not steps[-1].exact
    eager = MLPClassifier(**params, compile=False).fit(X, labels)
    difference = max_difference(folded, eager)
    assert 0.0 <= difference < FOLD_TOLERANCE


def test_the_last_partial_batch_gets_its_own_replayed_program(steps):
    X, labels = problem()  # 90 samples in batches of 16: five of 16 and one of 10 per epoch
    MLPClassifier((8,), batch_size=16, epochs=4, random_state=0, tol=None).fit(X, labels)
    (step,) = steps
    assert sorted(key[0][0] for key in step._programs) == [10, 16]
    assert step.traces == 3 and step.replays == 4 * 6 - 3  # two recordings of 16 rows, one of 10


def test_compile_false_and_a_short_partial_fit_run_eagerly(steps):
    X, labels = problem()
    MLPClassifier((8,), epochs=3, batch_size=16, compile=False, random_state=0).fit(X, labels)
    assert steps == []
    clf = MLPClassifier((8,), batch_size=64, random_state=0)
    clf.partial_fit(X, labels)  # two batches: nothing to replay, so no trace either
    assert steps == []
    clf.set_params(batch_size=16).partial_fit(X, labels)  # six batches: compiled
    assert len(steps) == 1 and steps[0].replays > 0


def test_partial_fit_compiled_matches_eager():
    X, labels = problem()
    a = MLPClassifier((8,), batch_size=16, random_state=0)
    b = MLPClassifier((8,), batch_size=16, random_state=0, compile=False)
    for _ in range(3):
        a.partial_fit(X, labels)
        b.partial_fit(X, labels)
    assert max_difference(a, b) == 0.0


@pytest.mark.parametrize("value", ["fast", 1, None])
def test_bad_compile_value_is_named(value):
    X, labels = problem()
    with pytest.raises(ArgumentError, match="compile must be True or False or one of 'exact'"):
        MLPClassifier(compile=value).fit(X, labels)
