"""The two first learning machines: Rosenblatt's perceptron and Widrow and Hoff's Adaline.

Both are linear threshold units, y_hat = classes_[1] if x . w + b > 0 else
classes_[0]; they differ in how they learn. The perceptron updates only on
mistakes, with the threshold output (w += eta (y - y_hat) x); Adaline learns
from the linear output itself, by gradient descent on the squared error
1/(2n) sum (t - z)^2 with t = -1 or +1 (the Widrow-Hoff / LMS rule). Both run
through ``gradstep.train.Trainer``: the perceptron rule is its ``loss_and_grad``
step with plain SGD at rate eta, one sample per step.
"""

import numpy as np

from .. import nn
from ..optim import SGD
from ..random import as_generator
from ..tensor import Tensor
from ..train import Callback, Trainer
from . import _score_losses as score_losses
from ._linear_gd import LinearGDModel, LinearScores, _set_grad
from ._params import BATCH_SIZE, BOOLEAN, LEARNING_RATE, NON_NEGATIVE_FLOAT, NONE, OPTIMIZER, POSITIVE_INT, RANDOM_STATE
from .base import BaseEstimator, ClassifierMixin, accepts_dask


class _ThresholdUnit(ClassifierMixin):
    """decision_function z = X w + b (shape (n_samples,)) and predict = classes_[z > 0]."""

    _binary_only = True

    def _scores(self, X, method):
        self._check_is_fitted(method)
        return self._validate_X(X, method, reset=False) @ self.coef_[0] + self.intercept_[0]

    def decision_function(self, X):
        """z = X w + b, shape (n_samples,); z > 0 means classes_[1]."""
        return self._scores(X, "decision_function")

    def predict(self, X):
        """classes_[1] where z = X w + b > 0, else classes_[0]."""
        z = self._scores(X, "predict")
        return self.classes_[(z > 0).astype(np.intp)]


def perceptron_rule(module):
    """Trainer's ``loss_and_grad`` of the perceptron: the rule w += eta (y - y_hat) x as a gradient for SGD(eta).

    y_hat = 1 if x . w + b > 0 else 0; the "gradient" is -(y - y_hat) x (and
    -(y - y_hat) for b), so the SGD step w -= eta g is Rosenblatt's update; the
    loss is the number of mistakes in the batch (one sample: 0 or 1).

    >>> import numpy as np
    >>> m = LinearScores(2, 1)
    >>> step = perceptron_rule(m)
    >>> step(np.array([[1.0, 2.0]]), np.array([1])), m.weight.grad.data.ravel().tolist(), m.bias.grad.data.tolist()
    ((1.0, array([[0.]])), [-1.0, -2.0], [-1.0])
    """
    W, b = module.weight, module.bias

    def loss_and_grad(X_b, y_b):
        z = X_b @ W.data[:, 0]
        if b is not None:
            z += b.data[0]
        error = y_b - (z > 0)  # y - y_hat: 0 when right, +-1 when wrong
        _set_grad(W, -(X_b.T @ error)[:, None].astype(W.data.dtype))
        if b is not None:
            _set_grad(b, np.array([-error.sum()], dtype=b.data.dtype))
        return float(np.count_nonzero(error)), z[:, None]  # the mistakes, and the scores as the outputs

    return loss_and_grad


def perceptron_criterion(out, y):
    """The perceptron criterion mean max(0, -t z), t = 2 y - 1, on Tensors (0 when every sample is on its side).

    What Trainer.evaluate reports for a perceptron; the training step is ``perceptron_rule``.

    >>> import gradstep
    >>> perceptron_criterion(gradstep.tensor([[2.0], [-1.0], [3.0]]), gradstep.tensor([1, 0, 0])).item()  # (0 + 0 + 3) / 3
    1.0
    """
    t = Tensor((2.0 * np.asarray(y.data, dtype=np.float64) - 1.0)[:, None])  # y in {0, 1} -> t in {-1, +1}
    return nn.functional.hinge_loss(out, t, margin=0.0)  # mean max(0, 0 - t z)


class _StopWithoutErrors(Callback):
    """Stop training after the first epoch without a mistake (the perceptron has converged)."""

    def on_epoch_end(self, epoch, logs=None):
        if logs["loss"] == 0:
            self.trainer.stop_training = True
            self.trainer.stop_reason = f"epoch {epoch + 1} made no mistake: the perceptron has converged"


class Perceptron(_ThresholdUnit, BaseEstimator):
    """Rosenblatt's perceptron with the classic learning rule.

    For each sample in turn (shuffled every epoch when ``shuffle``)::

        y_hat = 1 if x . w + b > 0 else 0
        w <- w + eta (y - y_hat) x ;  b <- b + eta (y - y_hat)

    starting from w = 0, b = 0. The number of updates (= misclassified samples)
    of each epoch is recorded in ``errors_``; ``fit`` stops after the first
    epoch without errors, which the perceptron convergence theorem guarantees
    on linearly separable data.

    Parameters
    ----------
    learning_rate : "auto" or float
        eta (> 0); ``"auto"`` is 1. Starting from zero weights, eta only scales w and b,
        so the predictions do not depend on it (stored as ``learning_rate_``).
    epochs : int
        Maximum number of passes over the data.
    fit_intercept : bool
        Learn the bias b (otherwise b = 0).
    standardize : bool
        Run the rule on standardised features (x - mean) / std (coef_ is reported in
        the original units); ``False`` is the textbook rule on the raw features.
    shuffle : bool
        Visit the samples in a new random order every epoch.
    random_state : int, numpy Generator or None
        Seed of the shuffling.
    warm_start : bool
        Continue from the previous weights when ``fit`` is called again.

    Attributes
    ----------
    classes_ : the two labels; coef_ (1, n_features); intercept_ (1,);
    errors_ : list of int, updates per epoch (also ``loss_curve_`` and ``history_["errors"]``); n_iter_ : epochs run.

    >>> X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    >>> p = Perceptron(random_state=0).fit(X, [0, 0, 0, 1])  # logical AND
    >>> p.predict(X).tolist(), p.errors_[-1]
    ([0, 0, 0, 1], 0)
    """

    _parameters = {
        "learning_rate": LEARNING_RATE, "epochs": (POSITIVE_INT,), "fit_intercept": (BOOLEAN,),
        "standardize": (BOOLEAN,), "shuffle": (BOOLEAN,), "random_state": (RANDOM_STATE,), "warm_start": (BOOLEAN,),
    }  # fmt: skip

    def __init__(self, learning_rate="auto", epochs=50, fit_intercept=True, standardize=True, shuffle=True,
                 random_state=None, warm_start=False):  # fmt: skip
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start

    @accepts_dask
    def fit(self, X, y):
        """Run the perceptron rule for up to ``epochs`` epochs (stopping at an error-free epoch); returns self."""
        self._validate_parameters("Perceptron.fit")
        warm = bool(self.warm_start) and hasattr(self, "errors_")
        X = self._validate_X(X, "fit", reset=not warm)
        codes = self._encode_y(y, X.shape[0], "fit", reset=not warm)
        if not warm:
            self._reset(X, "Perceptron.fit")
        return self._run(X, codes, int(self.epochs), stop=True)

    @accepts_dask
    def partial_fit(self, X, y, classes=None):
        """One epoch of the perceptron rule; the first call fixes the labels (``classes=`` or those in y)."""
        self._validate_parameters("Perceptron.partial_fit")
        first = not hasattr(self, "errors_")
        X = self._validate_X(X, "partial_fit", reset=first)
        codes = self._encode_y(y, X.shape[0], "partial_fit", reset=first, classes=classes)
        if first:
            self._reset(X, "Perceptron.partial_fit")
        return self._run(X, codes, 1, stop=False)

    # the same standardisation as the gradient-trained linear models
    _fit_scaling = LinearGDModel._fit_scaling
    _standardized = LinearGDModel._standardized

    def _reset(self, X, where):
        self._fit_scaling(X, where)
        self._module = LinearScores(X.shape[1], 1, fit_intercept=self.fit_intercept)
        # "auto": eta = 1; from zero weights eta only scales w and b, so any eta gives the same predictions
        self.learning_rate_ = 1.0 if self.learning_rate == "auto" else float(self.learning_rate)
        self._optimizer = SGD(self._module.parameters(), lr=self.learning_rate_)
        self.errors_ = []
        self._rng = as_generator(self.random_state)

    def _run(self, X, codes, epochs, stop):
        """Epochs of the rule through Trainer, one sample per step; errors_ gets each epoch's mistakes."""
        module = self._module
        trainer = Trainer(
            module, perceptron_criterion, self._optimizer, callbacks=[_StopWithoutErrors()] if stop else [], progress=False,
            loss_and_grad=perceptron_rule(module),
        )  # fmt: skip
        X_std = self._standardized(X)
        history = trainer.fit((X_std, codes), epochs=epochs, batch_size=1, shuffle=bool(self.shuffle), seed=self._rng)
        self.errors_.extend(int(round(loss * len(X))) for loss in history.history["loss"])  # mean mistakes -> count
        W = module.weight.data[:, 0] / self._x_scale  # back to the original units: w = W' / std, b = b' - mean . w
        b = 0.0 if module.bias is None else module.bias.data[0] - self._x_mean @ W
        self.coef_, self.intercept_ = W[None, :].copy(), np.array([b])
        self.loss_curve_ = list(self.errors_)
        self.history_ = {"errors": list(self.errors_)}
        self.n_iter_ = len(self.errors_)
        return self


class Adaline(_ThresholdUnit, LinearGDModel):
    """ADAptive LInear NEuron: a linear unit trained by gradient descent on the squared error.

    The labels become targets t = -1 (classes_[0]) and +1 (classes_[1]); the
    unit's output during training is the linear z = x . w + b itself, and every
    minibatch of B samples takes a gradient step on 1/(2B) sum (t - z)^2, whose
    gradient is (z - t)/B per sample, so dL/dw = X^T (z - t) / B. With
    ``batch_size=1`` (the default) this is the Widrow-Hoff rule
    w <- w + eta (t - z) x; ``batch_size=None`` gives the full-batch rule
    w <- w + eta/n X^T (t - z). Predictions threshold z at 0.

    Parameters
    ----------
    learning_rate : "auto" or float
        eta. ``"auto"``: 1/(2 L_B) from the data with L = lambda_max([X', 1]^T [X', 1] / n)
        and L_1 = max ||[x'_i, 1]||^2 for online learning (1/L for the full batch), see docs/estimators.md.
    epochs, batch_size, optimizer, tol, patience, standardize, shuffle, fit_intercept, random_state, warm_start
        As in ``LinearRegression`` (solver "sgd").

    Attributes
    ----------
    classes_, coef_ (1, n_features), intercept_ (1,), loss_curve_ (mean squared error 1/2 (t - z)^2 of the
    epoch's steps), history_, n_iter_, learning_rate_, smoothness_.

    >>> X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    >>> a = Adaline(epochs=30, random_state=0).fit(X, [0, 0, 0, 1])  # logical AND
    >>> a.predict(X).tolist()
    [0, 0, 0, 1]
    """

    _parameters = {
        "learning_rate": LEARNING_RATE, "epochs": (POSITIVE_INT,), "batch_size": BATCH_SIZE, "optimizer": (OPTIMIZER,),
        "tol": (NON_NEGATIVE_FLOAT, NONE), "patience": (POSITIVE_INT,), "standardize": (BOOLEAN,),
        "shuffle": (BOOLEAN,), "fit_intercept": (BOOLEAN,), "random_state": (RANDOM_STATE,), "warm_start": (BOOLEAN,),
    }  # fmt: skip

    def __init__(
        self,
        learning_rate="auto",
        epochs=50,
        batch_size=1,
        optimizer="sgd",
        tol=1e-4,
        patience=5,
        standardize=True,
        shuffle=True,
        fit_intercept=True,
        random_state=None,
        warm_start=False,
    ):
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.tol = tol
        self.patience = patience
        self.standardize = standardize
        self.shuffle = shuffle
        self.fit_intercept = fit_intercept
        self.random_state = random_state
        self.warm_start = warm_start

    def _score_loss(self, z, t):
        return score_losses.squared_error(z, t)  # 1/(2n) sum (t - z)^2 ; dL/dz = (z - t) / n

    @staticmethod
    def _nn_loss(out, t):
        return nn.functional.mse_loss(out, t, half=True)

    @staticmethod
    def _targets(codes):
        return (2.0 * codes - 1.0)[:, None]  # 0 -> -1, 1 -> +1

    @accepts_dask
    def fit(self, X, y):
        """Gradient descent on the squared error for up to ``epochs`` epochs; returns self."""
        warm = self._warm()
        X = self._validate_X(X, "fit", reset=not warm, check_finite=not self._checks_finite(reset=not warm))
        codes = self._encode_y(y, X.shape[0], "fit", reset=not warm)
        return self._fit_gd(X, self._targets(codes), 1, "fit", reset=not warm)

    @accepts_dask
    def partial_fit(self, X, y, classes=None):
        """One epoch on (X, y); the first call fixes the labels (``classes=`` or those in y)."""
        first = not hasattr(self, "_module")
        X = self._validate_X(X, "partial_fit", reset=first, check_finite=not self._checks_finite(first))
        codes = self._encode_y(y, X.shape[0], "partial_fit", reset=first, classes=classes)
        return self._fit_gd(X, self._targets(codes), 1, "partial_fit", reset=first)
