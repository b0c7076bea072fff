"""The distributed fits for gradstep.models as it was before its estimators trained through Trainer's seam.

(``estimators.fit`` picks these when the estimator has the old internals: ``_W``
and ``_b`` parameters, ``models._gradient``; see ``estimators`` for the rest.)
"""

import math

import numpy as np

from .. import nn
from ..errors import ArgumentError, DataError, TrainingDivergedError
from ..optim import make_optimizer
from ..random import as_generator
from . import blocks as B
from .chunks import ChunkedData
from .engine import DistributedGradient
from .loop import EpochPlan, set_grads


def labels_and_targets(estimator, data, where, reset, classes, regression, dtype):
    """Set ``classes_`` (classifiers) from the blocks' labels; returns the data with training targets t."""
    from ..models.base import _check_label_type, _unique_labels

    if regression:
        return data.derive(B.regression_targets, dtype, where)
    if reset:
        if classes is not None:
            labels = np.asarray(classes)
        else:
            parts = data.map(B.unique_labels)
            labels = np.concatenate(parts) if parts else np.array([])
        labels = _unique_labels(_check_label_type(labels, where), where)
        if len(labels) < 2:
            raise DataError(
                f"{where}: needs samples of at least 2 classes, but the data contains only one class: {labels.tolist()[0]!r}"
                if len(labels) else f"{where}: got no class labels"
            )
        if estimator._binary_only and len(labels) > 2:
            raise DataError(
                f"{where}: Only binary classification is supported. The type of the target is multiclass "
                f"({len(labels)} classes: {labels.tolist()}); use SoftmaxRegression or MLPClassifier"
            )
        estimator.classes_ = labels
    seen = np.unique(np.concatenate(data.map(B.unique_labels)))
    unknown = seen[~np.isin(seen, estimator.classes_)]
    if len(unknown):
        raise DataError(
            f"{where}: y contains labels {unknown.tolist()} that are not in classes_ "
            f"{estimator.classes_.tolist()}; pass every label with classes= on the first partial_fit call"
        )
    codes = data.derive(B.encode, estimator.classes_)
    targets = getattr(_clone(estimator), "_targets", None)  # the linear models' t of the codes; the MLP's codes
    return codes if targets is None else codes.derive(B.apply_targets, targets)


def _clone(estimator):
    """A fresh estimator with the same parameters: the code of its loss, without its fitted state."""
    return type(estimator)(**estimator.get_params(deep=False))


def check_features(estimator, data, reset, where):
    """Record (``reset``) or check n_features_in_ and feature_names_in_ from the blocks."""
    names = None if data.feature_names is None else np.asarray(data.feature_names, dtype=object)
    if reset:
        estimator.n_features_in_ = data.n_features
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    if data.n_features != estimator.n_features_in_:
        raise DataError(
            f"{where}: X has {data.n_features} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input."
        )


def standardization(data):
    """(mean, std with 0 -> 1) of the columns, from per-block sums added in block order (two passes).

    Returns the same numbers as ``X.mean(axis=0)`` and ``X.std(axis=0)`` up to rounding.
    """
    n = data.n_samples
    mean = data.sum(B.column_sums) / n
    std = np.sqrt(data.sum(B.column_sums, mean) / n)  # sqrt(1/n sum (x - mean)^2)
    return mean, np.where(std > 0, std, 1.0)


def fit_linear(est, X, y, method, classes, client, local_steps):
    where = f"{type(est).__name__}.{method}"
    if getattr(est, "solver", "gd") not in ("gd", "sgd"):
        raise ArgumentError(
            f"{where}: solver={est.solver!r} solves on one machine; use solver='gd' or 'sgd' for dask data"
        )
    first = not hasattr(est, "_W")
    reset = first if method == "partial_fit" else not est._warm()
    from ..models.base import ClassifierMixin

    raw = ChunkedData.from_dask(X, y, client, np.float64, where)
    check_features(est, raw, reset, where)
    data = labels_and_targets(est, raw, where, reset, classes, not isinstance(est, ClassifierMixin), np.float64)
    raw.release()
    n_outputs = est._n_outputs() if hasattr(est, "_n_outputs") else 1
    if reset:
        _init_linear(est, data, n_outputs, where)
    if est.standardize:
        standardized = data.derive(B.standardize, est._x_mean, est._x_scale, np.float64)
        data.release()
        data = standardized
    epochs = 1 if method == "partial_fit" else est.epochs
    _train_linear(est, data, epochs, method == "fit", where, local_steps)
    data.release()
    return est


def _init_linear(est, data, n_outputs, where):
    """The state ``_init_params`` gives a NumPy fit, from reductions over the blocks."""
    if est.standardize:
        est._x_mean, est._x_scale = standardization(data)
    else:
        est._x_mean, est._x_scale = np.zeros(data.n_features), np.ones(data.n_features)
    target_mean = None
    if type(est).__name__ == "LinearRegression":
        target_mean = np.array([data.sum(B.target_sums) / data.n_samples])  # the mean of y, as one row
    est._W = nn.Parameter(np.zeros((data.n_features, n_outputs)))
    est._b = nn.Parameter(est._initial_intercept(target_mean, n_outputs)) if est.fit_intercept else None
    params = [est._W] if est._b is None else [est._W, est._b]
    est._optimizer = make_optimizer(est.optimizer, params, est.learning_rate, where)
    est._rng = as_generator(est.random_state)
    est.loss_curve_ = []


def _train_linear(est, data, epochs, stop_early, where, local_steps):
    from ..models._gradient import Stopper, check_positive_int

    epochs = check_positive_int(epochs, "epochs", where)
    batch_size = est._effective_batch_size(where)
    alpha = float(est._penalty_alpha())
    if alpha < 0:
        raise ValueError(f"{where}: alpha must be >= 0, got {alpha}")
    summed = est._summed_loss
    inv_scale = (1.0 / est._x_scale)[:, None]
    W, b = est._W, est._b
    params = [W] if b is None else [W, b]
    engine = DistributedGradient(data, B.linear_step, [_clone(est)], where)
    plan = EpochPlan(data, batch_size, est.shuffle, est._rng)
    stopper = Stopper(est.tol, check_positive_int(est.patience, "patience", where)) if stop_early else None
    if local_steps is not None:
        local_steps = check_positive_int(local_steps, "local_steps", where)
        if not (isinstance(est.optimizer, str) and est.optimizer == "sgd"):
            raise ArgumentError(f"{where}: local_steps takes plain SGD steps on the workers; use optimizer='sgd'")
    for _ in range(epochs):
        steps = plan.epoch(engine)
        epoch = len(est.loss_curve_)
        if local_steps is None:
            total = 0.0
            for step, rows in enumerate(steps):
                loss, grads, count = engine([[p.data for p in params]], rows)
                if not summed:
                    loss, grads = loss / count, [g / count for g in grads]
                if alpha:
                    # alpha/2 ||w||^2 on the original-unit weights w = W' / std ; d/dW' = alpha W' / std^2
                    w = W.data * inv_scale
                    loss += 0.5 * alpha * float(np.vdot(w, w))
                    grads[0] += alpha * w * inv_scale
                _check_finite_loss(loss, where, epoch, step)
                set_grads(params, grads)
                est._optimizer.step(release_grads=True)
                total += loss if summed else loss * count
        else:
            total = _local_sgd_epoch(est, engine, steps, local_steps, alpha, inv_scale, where, epoch)
        est.loss_curve_.append(total if summed else total / data.n_samples)
        if stopper is not None and est.tol is not None and stopper.update(est.loss_curve_[-1]):
            break
    est._publish()
    est.n_iter_ = len(est.loss_curve_)
    est.history_ = {"loss": list(est.loss_curve_)}


def _local_sgd_epoch(est, engine, steps, local_steps, alpha, inv_scale, where, epoch):
    """Rounds of ``local_steps`` SGD steps per block, then the row-weighted average of the blocks' parameters."""
    params = [est._W] if est._b is None else [est._W, est._b]
    lr = float(est._optimizer.lr)
    data, client = engine.data, engine.data.client
    total = 0.0
    for start in range(0, len(steps), local_steps):
        rounds = steps[start : start + local_steps]
        futures = []
        for i, f in enumerate(data.futures):
            slices = [(0, data.sizes[i]) if r[i] is None else r[i] for r in rounds]
            futures.append(client.submit(
                B.linear_local_sgd, f, slices, [p.data for p in params], engine.static[0],
                lr, alpha * inv_scale**2, pure=False,
            ))  # fmt: skip  (alpha/2 ||W'/std||^2: d/dW' = alpha W' / std^2)
        results = client.gather(futures)
        count = sum(r[2] for r in results)
        loss = sum(r[1] for r in results)
        _check_finite_loss(loss, where, epoch, start)
        for j, p in enumerate(params):
            p.data[...] = sum(r[0][j] * r[2] for r in results) / count  # block order, weighted by rows
        total += loss
    return total


def _check_finite_loss(loss, where, epoch, step):
    if not math.isfinite(loss):
        raise TrainingDivergedError(
            f"{where}: the training loss became {loss} at epoch {epoch + 1}, step {step + 1}; "
            "try a smaller learning_rate (or standardise the features)"
        )


def fit_mlp(est, X, y, method, classes, client):
    """MLPClassifier / MLPRegressor ``fit`` and ``partial_fit`` on dask data."""
    from ..models.base import ClassifierMixin
    from ..models.mlp import MLPClassifier
    from ..train import EarlyStopping, Trainer
    from ..models._gradient import batch_size_of, check_positive_int
    from .. import nn

    where = f"{type(est).__name__}.{method}"
    if est.early_stopping and method == "fit":
        raise ArgumentError(
            f"{where}: early_stopping holds out a random validation split, which is not available for dask data; "
            "use early_stopping=False (tol/patience still stop on the training loss)"
        )
    first = not hasattr(est, "_model")
    reset = first if method == "partial_fit" else not est._warm()
    raw = ChunkedData.from_dask(X, y, client, np.float32, where)
    check_features(est, raw, reset, where)
    regression = not isinstance(est, ClassifierMixin)
    data = labels_and_targets(est, raw, where, reset, classes, regression, np.float32)
    raw.release()
    if reset:
        est._build(data.n_features, len(est.classes_) if isinstance(est, MLPClassifier) else 1, where)
    batch_size = batch_size_of(est.batch_size, where)
    one_pass = method == "partial_fit"
    epochs = 1 if one_pass else check_positive_int(est.epochs, "epochs", where)
    patience = check_positive_int(est.patience, "patience", where)
    callbacks = []
    if not one_pass and est.tol is not None:
        callbacks.append(EarlyStopping(monitor="loss", patience=patience, min_delta=est.tol))
    trainer = Trainer(est._model, est._loss, est._optimizer, callbacks=callbacks, progress=bool(est.progress))
    l2 = float(est.l2)
    weights = est._weights
    penalty = (lambda: (0.5 * l2) * nn.regularizers.l2_penalty(weights)) if l2 else None  # l2/2 sum ||W||^2
    from .networks import trainer_fit

    history = trainer_fit(trainer, data, None, epochs, batch_size, est.shuffle, est._rng, 0, penalty)
    data.release()
    est.loss_curve_.extend(history.history["loss"])
    est.n_iter_ = len(est.loss_curve_)
    est.history_ = {"loss": list(est.loss_curve_)}
    return est
