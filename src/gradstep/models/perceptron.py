"""The two first learning machines: Rosenblatt's perceptron and Widrow and Hoff's Adaline.

Both are linear threshold units, y_hat = classes_[1] if x . w + b > 0 else
classes_[0]; they differ in how they learn. The perceptron updates only on
mistakes, with the threshold output (w += eta (y - y_hat) x); Adaline learns
from the linear output itself, by gradient descent on the sum of squared
errors 1/2 sum (t - z)^2 with t = -1 or +1 (the Widrow-Hoff / LMS rule).
"""

import numpy as np

from ..random import as_generator
from . import _score_losses as score_losses
from ._gradient import check_positive_int
from .base import BaseEstimator, ClassifierMixin, accepts_dask
from .linear import LinearGDModel


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
    learning_rate : float
        eta (> 0). Starting from zero weights, it only scales w and b.
    epochs : int
        Maximum number of passes over the data.
    fit_intercept : bool
        Learn the bias b (otherwise b = 0).
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

    def __init__(self, learning_rate=1.0, epochs=50, fit_intercept=True, shuffle=True, random_state=None, warm_start=False):
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.fit_intercept = fit_intercept
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start

    @accepts_dask
    def fit(self, X, y):
        """Run the perceptron rule for up to ``epochs`` epochs (stopping at an error-free epoch); returns self."""
        epochs = check_positive_int(self.epochs, "epochs", "Perceptron.fit")
        warm = bool(self.warm_start) and hasattr(self, "errors_")
        X = self._validate_X(X, "fit", reset=not warm)
        codes = self._encode_y(y, X.shape[0], "fit", reset=not warm)
        if not warm:
            self._reset(X.shape[1])
        for _ in range(epochs):
            if self._epoch(X, codes, "fit") == 0:
                break
        return self

    @accepts_dask
    def partial_fit(self, X, y, classes=None):
        """One epoch of the perceptron rule; the first call fixes the labels (``classes=`` or those in y)."""
        first = not hasattr(self, "errors_")
        X = self._validate_X(X, "partial_fit", reset=first)
        codes = self._encode_y(y, X.shape[0], "partial_fit", reset=first, classes=classes)
        if first:
            self._reset(X.shape[1])
        self._epoch(X, codes, "partial_fit")
        return self

    def _reset(self, n_features):
        self.coef_ = np.zeros((1, n_features))
        self.intercept_ = np.zeros(1)
        self.errors_ = []
        self._rng = as_generator(self.random_state)

    def _epoch(self, X, codes, method):
        eta = self.learning_rate
        if not (isinstance(eta, (int, float, np.floating)) and eta > 0):
            raise ValueError(f"Perceptron.{method}: learning_rate must be a positive number, got {eta!r}")
        w, b = self.coef_[0], self.intercept_
        order = self._rng.permutation(len(X)) if self.shuffle else range(len(X))
        errors = 0
        for i in order:
            x = X[i]
            y_hat = 1 if x @ w + b[0] > 0 else 0
            update = eta * (codes[i] - y_hat)  # eta (y - y_hat): 0 when right, +-eta when wrong
            if update:
                w += update * x
                if self.fit_intercept:
                    b += update
                errors += 1
        self.errors_.append(errors)
        self.loss_curve_ = list(self.errors_)
        self.history_ = {"errors": list(self.errors_)}
        self.n_iter_ = len(self.errors_)
        return errors


class Adaline(_ThresholdUnit, LinearGDModel):
    """ADAptive LInear NEuron: a linear unit trained by gradient descent on the sum of squared errors.

    The labels become targets t = -1 (classes_[0]) and +1 (classes_[1]); the
    unit's output during training is the linear z = x . w + b itself, and every
    minibatch takes a gradient step on SSE = 1/2 sum (t - z)^2, whose gradient
    is dSSE/dz = z - t, so dSSE/dw = X^T (z - t). With ``batch_size=1`` (the
    default) this is the Widrow-Hoff rule w <- w + eta (t - z) x; ``batch_size=None`` gives the
    full-batch rule w <- w + eta X^T (t - z). Predictions threshold z at 0.

    Parameters
    ----------
    learning_rate : float
        eta. A summed loss grows with the batch: use a smaller eta for larger batches.
    epochs, batch_size, optimizer, tol, patience, standardize, shuffle, fit_intercept, random_state, warm_start
        As in ``LinearRegression`` (solver "sgd").

    Attributes
    ----------
    classes_, coef_ (1, n_features), intercept_ (1,), loss_curve_ (SSE per epoch), history_, n_iter_.

    >>> X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    >>> a = Adaline(epochs=30, random_state=0).fit(X, [0, 0, 0, 1])  # logical AND
    >>> a.predict(X).tolist()
    [0, 0, 0, 1]
    """

    _summed_loss = True

    def __init__(
        self,
        learning_rate=0.01,
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
        return score_losses.squared_error(z, t, summed=True)  # SSE = 1/2 sum (t - z)^2 ; dSSE/dz = z - t

    @staticmethod
    def _targets(codes):
        return (2.0 * codes - 1.0)[:, None]  # 0 -> -1, 1 -> +1

    @accepts_dask
    def fit(self, X, y):
        """Gradient descent on the SSE for up to ``epochs`` epochs; returns self."""
        warm = self._warm()
        X = self._validate_X(X, "fit", reset=not warm)
        codes = self._encode_y(y, X.shape[0], "fit", reset=not warm)
        return self._fit_gd(X, self._targets(codes), 1, "fit", reset=not warm)

    @accepts_dask
    def partial_fit(self, X, y, classes=None):
        """One epoch on (X, y); the first call fixes the labels (``classes=`` or those in y)."""
        first = not hasattr(self, "_W")
        X = self._validate_X(X, "partial_fit", reset=first)
        codes = self._encode_y(y, X.shape[0], "partial_fit", reset=first, classes=classes)
        return self._fit_gd(X, self._targets(codes), 1, "partial_fit", reset=first)
