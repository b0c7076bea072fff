"""The estimators on dask input equal their NumPy fits (full batch), and never gather the data to the driver."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

import gradstep.distributed as gd  # noqa: E402
from gradstep.data import DataError  # noqa: E402
from gradstep.errors import ArgumentError  # noqa: E402
from gradstep.models import (  # noqa: E402
    Adaline, LinearRegression, LogisticRegression, MLPClassifier, MLPRegressor, Perceptron, SoftmaxRegression,
)  # fmt: skip


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(403, 5)) * [1.0, 3.0, 0.5, 2.0, 1.0] + [0.0, 5.0, -2.0, 1.0, 0.0]
    y = X @ [1.0, 0.5, -1.0, 0.3, 0.0] + 0.2 * rng.normal(size=403)
    return X, y


def _targets(est, y):
    if isinstance(est, (LinearRegression, MLPRegressor)):
        return y
    if isinstance(est, (SoftmaxRegression,)):
        return np.digitize(y, np.quantile(y, [0.33, 0.66]))
    return np.where(y > np.median(y), "yes", "no")


LINEAR = [
    LinearRegression(solver="gd", epochs=40),  # learning_rate="auto": 1/L from the blocks' Gram matrices
    LogisticRegression(batch_size=None, epochs=30, alpha=1e-2, learning_rate=0.5),
    LogisticRegression(batch_size="full", epochs=20, optimizer="adam", learning_rate=0.05),
    SoftmaxRegression(batch_size=None, epochs=30, alpha=1e-3, optimizer="momentum", learning_rate=0.5),
    Adaline(batch_size=None, epochs=25, learning_rate=5e-4),
    LogisticRegression(batch_size=None, epochs=10, fit_intercept=False, standardize=False, learning_rate=0.1),
]


@pytest.mark.parametrize("est", LINEAR, ids=lambda e: repr(e))
def test_full_batch_linear_models_equal_the_numpy_fit(client, problem, est):
    X, y = problem
    t = _targets(est, y)
    local = type(est)(**est.get_params()).fit(X, t)
    spread = type(est)(**est.get_params()).fit(da.from_array(X, chunks=90), da.from_array(t, chunks=90))
    np.testing.assert_allclose(spread.coef_, local.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(spread.intercept_, local.intercept_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(spread.loss_curve_, local.loss_curve_, rtol=1e-12)
    assert isinstance(spread.coef_, np.ndarray) and spread.n_iter_ == local.n_iter_
    if hasattr(local, "learning_rate_"):
        assert spread.learning_rate_ == pytest.approx(local.learning_rate_, rel=1e-12)
    if hasattr(local, "classes_"):
        assert spread.classes_.tolist() == local.classes_.tolist()
        np.testing.assert_array_equal(spread.predict(X), local.predict(X))


@pytest.mark.parametrize(
    "est",
    [MLPClassifier((16,), batch_size=None, epochs=15, random_state=0, learning_rate=0.01),
     MLPRegressor((8, 4), activation="tanh", batch_size=None, epochs=15, random_state=1, learning_rate=0.01,
                  alpha=0.01)],
    ids=lambda e: type(e).__name__,
)  # fmt: skip
def test_full_batch_mlps_equal_the_numpy_fit_within_float32_rounding(client, problem, est):
    X, y = problem
    t = _targets(est, y)
    local = type(est)(**est.get_params()).fit(X, t)
    spread = type(est)(**est.get_params()).fit(da.from_array(X, chunks=100), t)
    for a, b in zip(spread.coefs_ + spread.intercepts_, local.coefs_ + local.intercepts_):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(spread.loss_curve_, local.loss_curve_, rtol=1e-5)


def test_dataframe_input_names_the_features(client, problem):
    X, y = problem
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    frame["label"] = (y > 0).astype(int)
    ddf = dd.from_pandas(frame, npartitions=3)
    est = LogisticRegression(batch_size=None, epochs=10)
    spread = est.fit(ddf.drop(columns="label"), ddf["label"])
    local = LogisticRegression(batch_size=None, epochs=10).fit(frame.drop(columns="label"), frame["label"])
    assert spread.feature_names_in_.tolist() == [f"f{i}" for i in range(5)]
    np.testing.assert_allclose(spread.coef_, local.coef_, atol=1e-10)


def test_the_driver_never_materialises_the_dask_array(client, problem, monkeypatch):
    X, y = problem
    dX, dy = da.from_array(X, chunks=100), da.from_array(y, chunks=100)

    def refuse(*args, **kwargs):
        raise AssertionError("the driver gathered a dask array")

    monkeypatch.setattr(da.Array, "__array__", refuse)
    monkeypatch.setattr(da.Array, "compute", refuse)
    reg = LinearRegression(solver="sgd", batch_size=64, epochs=3, random_state=0).fit(dX, dy)
    assert reg.n_iter_ == 3 and np.isfinite(reg.coef_).all()


def test_partial_fit_keeps_the_classes_and_the_state(client, problem):
    X, y = problem
    t = _targets(SoftmaxRegression(), y)
    local, spread = SoftmaxRegression(batch_size=None), SoftmaxRegression(batch_size=None)
    for _ in range(3):
        local.partial_fit(X, t, classes=[0, 1, 2])
        spread.partial_fit(da.from_array(X, chunks=150), da.from_array(t, chunks=150), classes=[0, 1, 2])
    assert spread.n_iter_ == 3
    np.testing.assert_allclose(spread.coef_, local.coef_, atol=1e-10)
    with pytest.raises(DataError, match=r"labels \[7\] that are not in classes_"):
        spread.partial_fit(da.from_array(X[:10], chunks=5), np.full(10, 7))


def test_minibatch_and_local_sgd_fit_converge(client, problem):
    X, y = problem
    t = _targets(LogisticRegression(), y)
    dX, dt = da.from_array(X, chunks=100), da.from_array(t, chunks=100)
    sgd = LogisticRegression(batch_size=100, epochs=3, random_state=0, learning_rate=0.5).fit(dX, dt)
    again = LogisticRegression(batch_size=100, epochs=3, random_state=0, learning_rate=0.5).fit(dX, dt)
    np.testing.assert_array_equal(sgd.coef_, again.coef_)  # same seed, same blocks: same bits
    local = gd.fit(LogisticRegression(batch_size=20, epochs=3, random_state=0, learning_rate=0.5), dX, dt, local_steps=5)
    full = LogisticRegression(batch_size=None, epochs=300, tol=None, learning_rate=1.0).fit(X, t)
    for est in (sgd, local):
        assert est.score(X, t) > full.score(X, t) - 0.03
        assert est.loss_curve_[-1] < est.loss_curve_[0]


def test_bad_dask_input_gives_clear_errors(client, problem):
    X, y = problem
    dX = da.from_array(X, chunks=100)
    bad = X.copy()
    bad[250, 3] = np.nan
    with pytest.raises(DataError, match=r"NaN in chunk 2 \(row 50 of that chunk, column 3\)"):
        LinearRegression(solver="gd").fit(da.from_array(bad, chunks=100), y)
    frame = dd.from_pandas(pd.DataFrame({"a": X[:, 0], "colour": ["red"] * len(X)}), npartitions=2)
    with pytest.raises(DataError, match=r"non-numeric columns 'colour'"):
        LogisticRegression().fit(frame, (y > 0).astype(int))
    with pytest.raises(ArgumentError, match="Perceptron has no distributed fit"):
        Perceptron().fit(dX, (y > 0).astype(int))
    with pytest.raises(ArgumentError, match="solver='normal' solves on one machine"):
        LinearRegression().fit(dX, y)
    with pytest.raises(DataError, match="only one class"):
        LogisticRegression().fit(dX, np.ones(len(X), int))
    with pytest.raises(DataError, match="X has 403 samples but y has 10"):
        LogisticRegression().fit(dX, np.ones(10, int))
    with pytest.raises(ArgumentError, match="local_steps takes plain SGD steps"):
        gd.fit(LogisticRegression(optimizer="adam"), dX, (y > 0).astype(int), local_steps=2)
    with pytest.raises(ArgumentError, match="early_stopping"):
        MLPClassifier(early_stopping=True).fit(dX, (y > 0).astype(int))


def test_a_killed_worker_during_an_estimator_fit_changes_nothing(two_workers, monkeypatch):
    import os
    import signal
    import time

    from gradstep.distributed.engine import DistributedGradient

    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4)) + 3.0
    y = (X[:, 0] + X[:, 1] > 6).astype(int)
    dX, dy = da.from_array(X, chunks=60), da.from_array(y, chunks=60)
    calm = LogisticRegression(batch_size=None, epochs=6, tol=None).fit(dX, dy)
    step, calls = DistributedGradient.__call__, []

    def step_then_kill(self, params, rows=None):
        calls.append(1)
        if len(calls) == 3:  # standardised blocks and targets are lost: rebuilt from their graph
            os.kill(sorted(two_workers.run(os.getpid).values())[0], signal.SIGKILL)
            time.sleep(0.2)
        return step(self, params, rows)

    monkeypatch.setattr(DistributedGradient, "__call__", step_then_kill)
    disturbed = LogisticRegression(batch_size=None, epochs=6, tol=None).fit(dX, dy)
    assert len(calls) == 6
    np.testing.assert_array_equal(disturbed.coef_, calm.coef_)
    np.testing.assert_array_equal(disturbed.intercept_, calm.intercept_)
