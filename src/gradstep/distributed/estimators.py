"""``fit`` / ``partial_fit`` of the gradient-trained estimators on dask data, on the cluster's workers.

``estimator.fit(X, y)`` with a dask X (array or DataFrame) calls
``gradstep.distributed.fit(estimator, X, y)``, which runs the estimator's own
steps with every pass over the data done where the data are:

1. the row blocks are computed once into futures on the workers (``ChunkedData``);
2. labels: the classes are the union of every block's ``np.unique``, each block
   encodes its own labels; regression targets are checked (and, for the MLP,
   standardised) per block;
3. standardisation: mean and std from per-block column sums (two passes), each
   block standardised where it lives; the auto step size 1/L from the blocks'
   Gram matrices (``smoothness``);
4. training: the estimator's Trainer, optimizer, callbacks and penalty on the
   driver; each step's data loss and gradient from the workers
   (``networks.WorkersLossAndGrad`` in Trainer's loop), summed in block order.

The fitted attributes are NumPy arrays, exactly as after a NumPy fit.
"""

import numpy as np

from ..errors import ArgumentError, DataError, TrainingDivergedError
from ..optim import make_optimizer
from ..random import as_generator
from . import blocks as B
from ._dask import get_client
from .chunks import ChunkedData
from .loop import EpochPlan


def fit(estimator, X, y=None, method="fit", classes=None, client=None, local_steps=None):
    """Fit ``estimator`` on dask ``X`` (array or DataFrame) and ``y`` (dask or NumPy) on the cluster; returns it.

    Parameters
    ----------
    estimator : a gradient-trained gradstep estimator
        LinearRegression (solver "gd"/"sgd"), LogisticRegression,
        SoftmaxRegression, Adaline, MLPClassifier, MLPRegressor.
    method : "fit" or "partial_fit" (one epoch, keeping the state)
    classes : labels for the first ``partial_fit`` of a classifier
    client : distributed.Client, default the active one
    local_steps : int, optional
        Local SGD (linear models, ``optimizer="sgd"``): each block takes
        ``local_steps`` plain SGD steps on its own rows of the next minibatches,
        then the driver averages the blocks' parameters (weighted by rows): one
        round trip per ``local_steps`` steps instead of one per step, on a path
        that differs from minibatch SGD (see docs/distributed.md).

    Examples
    --------
    >>> import dask.array as da
    >>> from distributed import Client, LocalCluster
    >>> from gradstep.models import LinearRegression
    >>> X = da.from_array(np.arange(8.0)[:, None], chunks=3); y = 2 * np.arange(8.0) + 1
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster, Client(cluster):
    ...     reg = LinearRegression(solver="gd", learning_rate=0.5, epochs=300).fit(X, y)
    >>> np.round(reg.coef_, 6).tolist(), round(reg.intercept_, 6)
    ([2.0], 1.0)
    """
    from ..models.linear import LinearGDModel
    from ..models.mlp import _BaseMLP

    where = f"{type(estimator).__name__}.{method}"
    client = get_client(client, where)
    if isinstance(estimator, _BaseMLP):
        if local_steps is not None:
            raise ArgumentError(f"{where}: local_steps is available for the linear models only")
        return _fit_mlp(estimator, X, y, method, classes, client)
    if not isinstance(estimator, LinearGDModel):
        raise ArgumentError(
            f"{where}: {type(estimator).__name__} has no distributed fit; the gradient-trained estimators "
            "(LinearRegression gd/sgd, LogisticRegression, SoftmaxRegression, Adaline, MLPClassifier, "
            "MLPRegressor) take dask input"
        )
    return _fit_linear(estimator, X, y, method, classes, client, local_steps)


# ----- what the estimators read of the data before training ------------------------------------
class ColumnStats:
    """The shape and column statistics of a ChunkedData, read the way the estimators read an array.

    ``mean(axis=0)`` / ``std(axis=0)`` are reductions over the blocks (per-block
    sums added in block order: the values of ``X.mean(axis=0)``/``X.std(axis=0)``
    up to rounding), computed once.
    """

    def __init__(self, data):
        self.shape = (data.n_samples, data.n_features)
        n = data.n_samples
        self._mean = data.sum(B.column_sums) / n
        self._std = np.sqrt(data.sum(B.column_sums, self._mean) / n)  # sqrt(1/n sum (x - mean)^2)

    def mean(self, axis=0, dtype=None):
        return self._mean

    def std(self, axis=0, dtype=None):
        return self._std


class TargetMean:
    """The column means of the training targets t (LinearRegression starts its intercept there)."""

    def __init__(self, data):
        self._mean = data.sum(B.target_sums) / data.n_samples

    def mean(self, axis=0):
        return self._mean


def labels_and_targets(estimator, data, where, reset, classes):
    """Set ``classes_`` from the blocks' labels (classifiers); returns the blocks with y replaced by the class codes."""
    from ..models.base import _check_label_type, _unique_labels

    if reset:
        labels = np.asarray(classes) if classes is not None else np.concatenate(data.map(B.unique_labels))
        estimator.classes_ = estimator._checked_classes(_unique_labels(_check_label_type(labels, where), where), where)
    seen = np.unique(np.concatenate(data.map(B.unique_labels)))
    unknown = seen[~np.isin(seen, estimator.classes_)]
    if len(unknown):
        estimator._reject_unknown(unknown, where)
    return data.derive(B.encode, estimator.classes_)


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


def _clone(estimator):
    """A fresh estimator with the same parameters: the code of its loss, without its fitted state."""
    return type(estimator)(**estimator.get_params(deep=False))


def _prepare(est, X, y, method, classes, client, dtype, regression, reset_attr):
    where = f"{type(est).__name__}.{method}"
    est._validate_parameters(where)
    first = not hasattr(est, reset_attr)
    reset = first if method == "partial_fit" else not est._warm()
    raw = ChunkedData.from_dask(X, y, client, dtype, where)
    check_features(est, raw, reset, where)
    if regression:
        data = raw.derive(B.regression_targets, dtype, where)
    else:
        data = labels_and_targets(est, raw, where, reset, classes)
    raw.release()
    return data, reset, where


# ----- linear models -------------------------------------------------------------------------
def _fit_linear(est, X, y, method, classes, client, local_steps):
    from ..models.base import ClassifierMixin

    if est._solver() not in ("gd", "sgd"):
        raise ArgumentError(
            f"{type(est).__name__}.{method}: solver={est._solver()!r} solves on one machine; "
            "use solver='gd' or 'sgd' for dask data"
        )
    regression = not isinstance(est, ClassifierMixin)
    data, reset, where = _prepare(est, X, y, method, classes, client, np.float64, regression, "_module")
    if not regression:
        data = data.derive(B.apply_targets, _clone(est)._targets)
    n_outputs = est._n_outputs() if hasattr(est, "_n_outputs") else 1
    if reset:
        est._fit_scaling(ColumnStats(data), where)
    if est.standardize:
        standardized = data.derive(B.standardize, est._x_mean, est._x_scale, np.float64)
        data.release()
        data = standardized
    if reset:
        _init_linear(est, data, n_outputs, where)
    epochs = 1 if method == "partial_fit" else int(est.epochs)
    if local_steps is None:
        _train_linear(est, data, epochs, method != "partial_fit", where)
    else:
        _train_local_sgd(est, data, epochs, local_steps, where)
    data.release()
    est.n_iter_ = len(est.loss_curve_)
    est.history_ = {"loss": list(est.loss_curve_)}
    est._publish()
    return est


def smoothness(data, loss, alpha, fit_intercept):
    """The Smoothness (L, L_max) of a linear model's objective from the blocks: Gram matrices and row norms.

    The same constants as ``gradstep.models._step_size.smoothness`` on the whole
    array (which, for minibatch modes, estimates L on a sample of rows; here
    every row counts).
    """
    from ..models._step_size import CURVATURE, Smoothness

    parts = data.map(B.gram_and_norms)
    d = data.n_features
    G = np.zeros((d + fit_intercept, d + fit_intercept))
    norm_max = 0.0
    for XtX, colsum, n, largest in parts:  # block order
        G[:d, :d] += XtX
        if fit_intercept:
            G[:d, d] += colsum
            G[d, :d] += colsum
            G[d, d] += n
        norm_max = max(norm_max, largest)
    c = CURVATURE[loss]
    L = c * float(np.linalg.eigvalsh(G / data.n_samples)[-1]) + alpha
    L_max = c * (norm_max + (1.0 if fit_intercept else 0.0)) + alpha
    if L <= 0.0:
        L = L_max = 1.0
    return Smoothness(L=float(L), L_max=float(max(L_max, L)), n=data.n_samples)


def _init_linear(est, data, n_outputs, where):
    """What ``_init_params`` does, with the intercept's start and the step size from reductions over the blocks."""
    from ..models._linear_gd import LinearScores

    est._module = LinearScores(data.n_features, n_outputs, est._initial_intercept(TargetMean(data), n_outputs),
                               est.fit_intercept)  # fmt: skip
    est._rng = as_generator(est.random_state)
    est.loss_curve_ = []
    smooth = smoothness(data, est._loss_kind, est._penalty_alpha(), est.fit_intercept)
    lr, est._advice = _step_size(est, smooth, where)
    est.learning_rate_ = lr
    est._optimizer = make_optimizer(est.optimizer, list(est._module.parameters()), lr, where)


def _step_size(est, smooth, where):
    """``est._step_size`` (learning rate and divergence advice) with the smoothness constants of the blocks."""
    return est._step_size(None, est._effective_batch_size(), where, smooth=smooth)


def _train_linear(est, data, epochs, stop_early, where):
    """The estimator's own training (``LinearGDModel._train``: Trainer with the delta rule) on the blocks."""
    est._train(data, None, epochs, stop_early, where)


def _train_local_sgd(est, data, epochs, local_steps, where):
    """Epochs of rounds: ``local_steps`` SGD steps on every block alone, then the row-weighted average.

    Each round takes the next ``local_steps`` minibatches of the epoch plan; a
    block's share of them is its own rows, so no data moves; the driver
    averages the blocks' parameters in block order, weighted by their rows.
    """
    if isinstance(local_steps, bool) or not isinstance(local_steps, (int, np.integer)) or local_steps < 1:
        raise ArgumentError(f"{where}: local_steps must be a positive integer, got {local_steps!r}")
    if not (isinstance(est.optimizer, str) and est.optimizer.lower() == "sgd"):
        raise ArgumentError(f"{where}: local_steps takes plain SGD steps on the workers; use optimizer='sgd'")
    params = list(est._module.parameters())
    lr, alpha = float(est.learning_rate_), est._penalty_alpha()
    model = data.client.submit(_keep, _clone(est), pure=False)
    plan = EpochPlan(data, est._effective_batch_size(), est.shuffle, est._rng)
    for epoch in range(epochs):
        blocks, steps = plan.epoch()
        client, total = blocks.client, 0.0
        for start in range(0, len(steps), local_steps):
            rounds = steps[start : start + local_steps]
            futures = [
                client.submit(B.linear_local_sgd, f, [(0, n) if r[i] is None else r[i] for r in rounds],
                              [p.data for p in params], model, lr, alpha, pure=False)
                for i, (f, n) in enumerate(zip(blocks.futures, blocks.sizes))
            ]  # fmt: skip
            results = client.gather(futures)
            count = sum(r[2] for r in results)
            loss = sum(r[1] for r in results)
            if not np.isfinite(loss):
                raise TrainingDivergedError(
                    f"{where}: the training loss became {loss} at epoch {epoch + 1}, round {start // local_steps + 1} "
                    "of local SGD; try a smaller learning_rate"
                )
            for j, p in enumerate(params):
                p.data[...] = sum(r[0][j] * r[2] for r in results) / count  # block order, weighted by rows
            total += loss
        est.loss_curve_.append(total / data.n_samples)


def _keep(value):
    return value


# ----- MLPs ----------------------------------------------------------------------------------
def _fit_mlp(est, X, y, method, classes, client):
    """MLPClassifier / MLPRegressor ``fit`` and ``partial_fit`` on dask data."""
    from ..models.base import ClassifierMixin
    from ..train import EarlyStopping, Trainer

    regression = not isinstance(est, ClassifierMixin)
    data, reset, where = _prepare(est, X, y, method, classes, client, np.float32, regression, "_model")
    if est.early_stopping and method == "fit":
        raise ArgumentError(
            f"{where}: early_stopping holds out a random validation split, which is not available for dask data; "
            "use early_stopping=False (tol/patience still stop on the training loss)"
        )
    if regression:
        if reset:
            mean = data.sum(B.target_sums)[0] / data.n_samples
            var = data.sum(B.target_sums, mean)[0] / data.n_samples
            std = float(np.sqrt(var)) if est.standardize else 1.0
            est._y_mean = float(mean) if est.standardize else 0.0
            est._y_scale = std if std > 0 else 1.0
        data = data.derive(B.scale_targets, est._y_mean, est._y_scale, np.float32)  # t = (y - mean) / std
    if reset:
        est._build(ColumnStats(data), 1 if regression else len(est.classes_), where)
    if est._x_mean is not None:
        data = data.derive(B.standardize, est._x_mean, est._x_scale, np.float32)
    batch_size = None if est.batch_size in (None, "full") else int(est.batch_size)
    one_pass = method == "partial_fit"
    epochs = 1 if one_pass else int(est.epochs)
    callbacks = []
    if not one_pass and est.tol is not None:
        callbacks.append(EarlyStopping(monitor="loss", patience=int(est.patience), min_delta=est.tol))
    trainer = Trainer(est._model, est._objective(), est._optimizer, callbacks=callbacks, progress=bool(est.progress))
    history = trainer.fit((data, None), epochs=epochs, batch_size=batch_size, shuffle=est.shuffle, seed=est._rng)
    data.release()
    est.loss_curve_.extend(history.history["loss"])
    est.n_iter_ = len(est.loss_curve_)
    est.history_ = {"loss": list(est.loss_curve_)}
    return est
