"""Linear models: linear regression (closed form or gradient descent), logistic and softmax regression.

The gradient-trained models share ``LinearGDModel``: parameters W (n_features,
n_outputs) and b, z = X W + b, a loss on z whose gradient dL/dz is the delta
rule of ``_score_losses`` (no graph is recorded: dL/dW = X^T dL/dz), an
optimizer from gradstep.optim and the epoch loop of ``_gradient``. Gradient
steps are taken on standardised
features x' = (x - mean) / std (a diagonal preconditioner: every feature gets
the same curvature, so one learning rate suits them all); the reported
``coef_``/``intercept_`` are mapped back to the original units, and the L2
penalty is applied to those original-unit coefficients, so the objective is the
textbook one and only the path of the optimizer changes.
"""

import warnings

import numpy as np

from .. import nn
from ..optim import make_optimizer
from ..random import as_generator
from . import _score_losses as score_losses
from ._gradient import Stopper, batch_size_of, check_positive_int, run_epoch
from ..errors import IllConditionedWarning
from .base import BaseEstimator, ClassifierMixin, RegressorMixin, _check_finite, accepts_dask, available_if

_SOLVERS = ("normal", "lstsq", "gd", "sgd")
#: normal equations lose more than half of the float64 digits beyond this cond(X^T X)
_ILL_CONDITIONED = 1.0 / np.sqrt(np.finfo(np.float64).eps)


class LinearGDModel(BaseEstimator):
    """Shared machinery of the linear models trained by gradient descent (not used directly).

    Subclasses define ``_score_loss(z, t)`` -> (loss, dL/dz) (z = X' W + b on the standardised X')
    and call ``_fit_gd(X, t, n_outputs, method, reset)`` with their targets t;
    an ``alpha`` parameter adds the L2 penalty alpha/2 ||w||^2.

    >>> [issubclass(cls, LinearGDModel) for cls in (LinearRegression, LogisticRegression, SoftmaxRegression)]
    [True, True, True]
    """

    #: True when the data loss is a sum over the batch (Adaline's SSE) rather than a mean
    _summed_loss = False

    def _penalty_alpha(self):
        return getattr(self, "alpha", 0.0)

    def _initial_intercept(self, t, n_outputs):
        return np.zeros(n_outputs)

    def _init_params(self, X, t, n_outputs):
        """Zero weights, the standardisation statistics and a fresh optimizer."""
        where = f"{type(self).__name__}.fit"
        if self.standardize:
            self._x_mean = X.mean(axis=0)
            std = X.std(axis=0)
            self._x_scale = np.where(std > 0, std, 1.0)
        else:
            self._x_mean = np.zeros(X.shape[1])
            self._x_scale = np.ones(X.shape[1])
        self._W = nn.Parameter(np.zeros((X.shape[1], n_outputs)))
        self._b = nn.Parameter(self._initial_intercept(t, n_outputs)) if self.fit_intercept else None
        params = [self._W] if self._b is None else [self._W, self._b]
        self._optimizer = make_optimizer(self.optimizer, params, self.learning_rate, where)
        self._rng = as_generator(self.random_state)
        self.loss_curve_ = []

    def _loss_and_gradients(self, alpha):
        """A function (X_b, t_b) -> loss of the minibatch that also sets the ``.grad`` of W and b.

        z = X_b W + b; the data loss and dL/dz come from ``_score_loss`` (the
        delta rule, see ``_score_losses``), then dL/dW = X_b^T dL/dz and
        dL/db = sum_rows dL/dz.
        """
        inv_scale = (1.0 / self._x_scale)[:, None]
        W, b = self._W, self._b

        def loss_and_gradients(X_b, t_b):
            z = X_b @ W.data
            if b is not None:
                z += b.data
            loss, delta = self._score_loss(z, t_b)
            W.grad = X_b.T @ delta
            if b is not None:
                b.grad = delta.sum(axis=0)
            if alpha:
                # alpha/2 ||w||^2 on the original-unit weights w = W' / std ; d/dW' = alpha W' / std^2
                w = W.data * inv_scale
                loss += 0.5 * alpha * float(np.vdot(w, w))
                W.grad += alpha * w * inv_scale
            return loss

        return loss_and_gradients

    def _train(self, X, t, epochs, stop_early, method):
        """Run up to ``epochs`` epochs on (X, t); update coef_, intercept_, loss_curve_, history_, n_iter_."""
        where = f"{type(self).__name__}.{method}"
        batch_size = self._effective_batch_size(where)
        alpha = float(self._penalty_alpha())
        if alpha < 0:
            raise ValueError(f"{where}: alpha must be >= 0, got {alpha}")
        if self.standardize:
            X_std = X - self._x_mean  # x' = (x - mean) / std, in one copy of X
            X_std /= self._x_scale
        else:
            X_std = X
        loss_and_gradients = self._loss_and_gradients(alpha)
        stopper = Stopper(self.tol, check_positive_int(self.patience, "patience", where)) if stop_early else None
        for _ in range(epochs):
            loss = run_epoch(
                loss_and_gradients, self._optimizer, X_std, t, batch_size, self._rng, self.shuffle, where,
                epoch=len(self.loss_curve_), summed=self._summed_loss,
            )  # fmt: skip
            self.loss_curve_.append(loss)
            if stopper is not None and self.tol is not None and stopper.update(loss):
                break
        self._publish()
        self.n_iter_ = len(self.loss_curve_)
        self.history_ = {"loss": list(self.loss_curve_)}

    def _publish(self):
        """coef_ (n_outputs, n_features) and intercept_ (n_outputs,) in the original units."""
        W = self._W.data / self._x_scale[:, None]  # w = W' / std
        b = np.zeros(W.shape[1]) if self._b is None else self._b.data - self._x_mean @ W  # b = b' - mean . w
        self.coef_, self.intercept_ = W.T.copy(), b.copy()

    def _fit_gd(self, X, t, n_outputs, method, reset):
        """fit (reset unless warm_start) or partial_fit (one epoch, never stopping early)."""
        where = f"{type(self).__name__}.{method}"
        if reset:
            self._init_params(X, t, n_outputs)
        if method == "partial_fit":
            self._train(X, t, 1, stop_early=False, method=method)
        else:
            self._train(X, t, check_positive_int(self.epochs, "epochs", where), stop_early=True, method=method)
        return self

    def _effective_batch_size(self, where):
        return batch_size_of(self.batch_size, where)

    def _warm(self):
        return bool(self.warm_start) and hasattr(self, "_W")

    def _decision(self, X):
        return X @ self.coef_.T + self.intercept_


class LinearRegression(RegressorMixin, LinearGDModel):
    """Least-squares linear regression y_hat = X w + b, solved in closed form or by gradient descent.

    Parameters
    ----------
    solver : {"normal", "lstsq", "gd", "sgd"}
        ``"normal"``: solve the normal equations (X^T X) w = X^T y with a linear
        solve (never an explicit inverse); when X^T X is ill-conditioned
        (cond > 1/sqrt(eps)) it warns (``IllConditionedWarning``) and uses lstsq.
        ``"lstsq"``: SVD-based least squares (``numpy.linalg.lstsq``).
        ``"gd"``: full-batch gradient descent; ``"sgd"``: minibatches of ``batch_size``;
        both minimise the course's MSE with 1/(2n): L = 1/(2n) sum (y_hat - y)^2.
    fit_intercept : bool
        Learn b (otherwise b = 0).
    optimizer : str, gradstep optimizer class or callable params -> optimizer
        ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"adam"``, ``"adamw"``, ``"adagrad"``, ``"rmsprop"`` (gd/sgd only).
    learning_rate : float
        Step size of the optimizer.
    batch_size : int, "full" or None
        Minibatch size for ``"sgd"`` (1 = online learning); ``"gd"`` always uses the full batch.
    epochs : int
        Maximum number of passes over the data (gd/sgd).
    tol, patience : float or None, int
        Stop when the epoch loss has not improved by more than ``tol`` for ``patience`` epochs (``tol=None``: run all epochs).
    standardize : bool
        Take the gradient steps on standardised features (see the module docstring).
    shuffle : bool
        Shuffle the samples every epoch (sgd).
    random_state : int, numpy Generator or None
        Seed of the shuffling.
    warm_start : bool
        Continue from the previous solution when ``fit`` is called again (gd/sgd).

    Attributes
    ----------
    coef_ : ndarray (n_features,); intercept_ : float; n_features_in_ : int;
    loss_curve_, history_, n_iter_ : per-epoch loss (gd/sgd only).

    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = 2 * X[:, 0] + 1
    >>> reg = LinearRegression().fit(X, y)
    >>> np.round(reg.coef_, 6).tolist(), round(reg.intercept_, 6)
    ([2.0], 1.0)
    >>> reg = LinearRegression(solver="gd", learning_rate=0.5, epochs=500, random_state=0).fit(X, y)
    >>> np.round(reg.predict([[4.0]]), 4).tolist()
    [9.0]
    """

    def __init__(
        self,
        solver="normal",
        fit_intercept=True,
        optimizer="sgd",
        learning_rate=0.1,
        batch_size=32,
        epochs=200,
        tol=1e-7,
        patience=10,
        standardize=True,
        shuffle=True,
        random_state=None,
        warm_start=False,
    ):
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.tol = tol
        self.patience = patience
        self.standardize = standardize
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start

    def _check_solver(self, where):
        if self.solver not in _SOLVERS:
            raise ValueError(f"{where}: unknown solver {self.solver!r}; choose one of {list(_SOLVERS)}")

    def _score_loss(self, z, t):
        return score_losses.squared_error(z, t)  # 1/(2n) sum (y_hat - y)^2

    @accepts_dask
    def fit(self, X, y):
        """Fit on X (n_samples, n_features) and y (n_samples,); returns self."""
        where = f"{type(self).__name__}.fit"
        self._check_solver(where)
        warm = self.solver in ("gd", "sgd") and self._warm()
        # the normal equations check X for NaN/inf on X^T X, which they compute anyway (see _fit_closed_form)
        X = self._validate_X(X, "fit", reset=not warm, check_finite=self.solver != "normal")
        y = self._validate_regression_y(y, X.shape[0], "fit")
        if self.solver in ("normal", "lstsq"):
            self._fit_closed_form(X, y)
            for name in ("loss_curve_", "history_", "n_iter_", "_W"):
                self.__dict__.pop(name, None)
            return self
        return self._fit_gd(X, y[:, None], 1, "fit", reset=not warm)

    @available_if(lambda self: self.solver in ("gd", "sgd"), lambda self: f"solver={self.solver!r} is closed form; use 'gd' or 'sgd'")
    @accepts_dask
    def partial_fit(self, X, y):
        """One epoch of gradient descent on (X, y) (the online mode when X is a single sample or small batch).

        >>> reg = LinearRegression(solver="sgd", batch_size=1, random_state=0)
        >>> reg.partial_fit([[1.0], [2.0]], [2.0, 4.0]).n_iter_
        1
        """
        first = not hasattr(self, "_W")
        X = self._validate_X(X, "partial_fit", reset=first)
        y = self._validate_regression_y(y, X.shape[0], "partial_fit")
        return self._fit_gd(X, y[:, None], 1, "partial_fit", reset=first)

    def _effective_batch_size(self, where):
        return None if self.solver == "gd" else batch_size_of(self.batch_size, where)

    def _initial_intercept(self, t, n_outputs):
        # on centred (standardised) features the optimal intercept is exactly mean(y): start there
        return t.mean(axis=0) if self.standardize else np.zeros(n_outputs)

    def _fit_closed_form(self, X, y):
        # centring removes the intercept: w solves min ||(X - mean X) w - (y - mean y)||^2, b = mean y - mean X . w
        if self.fit_intercept:
            x_mean, y_mean = X.mean(axis=0), y.mean()
            with np.errstate(invalid="ignore"):  # inf - inf in an unchecked X: reported below as X's inf
                Xc, yc = X - x_mean, y - y_mean
        else:
            x_mean, y_mean = np.zeros(X.shape[1]), 0.0
            Xc, yc = X, y
        solver = self.solver
        if solver == "normal":
            with np.errstate(invalid="ignore", over="ignore"):  # a NaN, inf or overflow is reported below
                A = Xc.T @ Xc  # the normal equations (X^T X) w = X^T y
            finite = np.isfinite(A).all()
            if not finite:  # diag(A) = column sums of x^2: a NaN or inf in X always shows here
                _check_finite(X, "LinearRegression.fit", "X")  # names it; a finite X means x^2 overflowed
            cond = np.linalg.cond(A) if finite else np.inf
            if not cond < _ILL_CONDITIONED:
                warnings.warn(
                    IllConditionedWarning(
                        f"LinearRegression.fit: X^T X is ill-conditioned (cond = {cond:.3g} > {_ILL_CONDITIONED:.3g}); "
                        "the normal equations would lose precision, solving with lstsq instead"
                    ),
                    stacklevel=3,
                )
                solver = "lstsq"
            else:
                w = np.linalg.solve(A, Xc.T @ yc)
        if solver == "lstsq":
            w = np.linalg.lstsq(Xc, yc, rcond=None)[0]
        self.coef_ = w
        self.intercept_ = float(y_mean - x_mean @ w)

    def predict(self, X):
        """y_hat = X w + b, shape (n_samples,)."""
        self._check_is_fitted("predict")
        X = self._validate_X(X, "predict", reset=False)
        coef = self.coef_.ravel()
        intercept = self.intercept_ if np.ndim(self.intercept_) == 0 else self.intercept_[0]
        return X @ coef + intercept

    def _publish(self):
        super()._publish()
        self.coef_, self.intercept_ = self.coef_[0], float(self.intercept_[0])


def sigmoid(z):
    """The logistic function 1 / (1 + e^-z), to full relative precision and without overflow for any z.

    >>> sigmoid(np.array([0.0, 1e4, -1e4])).tolist()
    [0.5, 1.0, 0.0]
    """
    e = np.exp(-np.abs(z))  # in (0, 1]
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))  # e^z / (1 + e^z) for z < 0


def softmax(z):
    """Row-wise softmax e^(z - max z) / sum e^(z - max z) of a 2-D array.

    >>> softmax(np.array([[0.0, 0.0], [1e4, 0.0]])).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class _LinearClassifier(ClassifierMixin, LinearGDModel):
    """fit / partial_fit / decision_function / predict of the gradient-trained linear classifiers."""

    def __init__(
        self,
        alpha=1e-4,
        fit_intercept=True,
        optimizer="sgd",
        learning_rate=0.1,
        batch_size=32,
        epochs=100,
        tol=1e-4,
        patience=5,
        standardize=True,
        shuffle=True,
        random_state=None,
        warm_start=False,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.tol = tol
        self.patience = patience
        self.standardize = standardize
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start

    def _targets(self, codes):
        raise NotImplementedError

    def _n_outputs(self):
        raise NotImplementedError

    @accepts_dask
    def fit(self, X, y):
        """Fit on X (n_samples, n_features) and class labels y (n_samples,); returns self."""
        warm = self._warm()
        X = self._validate_X(X, "fit", reset=not warm)
        codes = self._encode_y(y, X.shape[0], "fit", reset=not warm)
        return self._fit_gd(X, self._targets(codes), self._n_outputs(), "fit", reset=not warm)

    @accepts_dask
    def partial_fit(self, X, y, classes=None):
        """One epoch on (X, y); the first call fixes the labels (all of them via ``classes=``, else those in y)."""
        first = not hasattr(self, "_W")
        X = self._validate_X(X, "partial_fit", reset=first)
        codes = self._encode_y(y, X.shape[0], "partial_fit", reset=first, classes=classes)
        return self._fit_gd(X, self._targets(codes), self._n_outputs(), "partial_fit", reset=first)

    def _scores(self, X, method):
        self._check_is_fitted(method)
        z = self._decision(self._validate_X(X, method, reset=False))
        if z.shape[1] == 1:
            return z[:, 0]
        if z.shape[1] == 2:
            return z[:, 1] - z[:, 0]
        return z

    def decision_function(self, X):
        """Scores z = X w + b: shape (n_samples,) for two classes (z > 0 means classes_[1]), else (n_samples, K)."""
        return self._scores(X, "decision_function")

    def predict(self, X):
        """The most probable class label of each row of X."""
        z = self._scores(X, "predict")
        return self.classes_[(z > 0).astype(np.intp) if z.ndim == 1 else z.argmax(axis=1)]


class LogisticRegression(_LinearClassifier):
    """Binary logistic regression: p(y = classes_[1] | x) = sigmoid(x . w + b), trained on the cross-entropy.

    The loss is the binary cross-entropy computed from the logits z (a fused,
    stable form: never log(sigmoid(z))) plus the L2 penalty alpha/2 ||w||^2,
    minimised with any gradstep optimizer over minibatches of ``batch_size``
    (``None``/``"full"``: full-batch gradient descent, 1: online).

    Parameters
    ----------
    alpha : float
        L2 penalty strength (0: none).
    fit_intercept, optimizer, learning_rate, batch_size, epochs, tol, patience, standardize, shuffle, random_state, warm_start
        As in ``LinearRegression`` (solver "sgd").

    Attributes
    ----------
    classes_ : the two labels; coef_ (1, n_features); intercept_ (1,); loss_curve_, history_, n_iter_.

    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [3.0], [4.0]]); y = np.array(["no", "no", "yes", "yes"])
    >>> clf = LogisticRegression(random_state=0).fit(X, y)
    >>> clf.predict([[0.5], [3.5]]).tolist()
    ['no', 'yes']
    >>> clf.predict_proba([[2.0]]).round(1).tolist()
    [[0.5, 0.5]]
    """

    _binary_only = True

    def _targets(self, codes):
        return codes.astype(np.float64)[:, None]  # t in {0, 1}

    def _n_outputs(self):
        return 1

    def _score_loss(self, z, t):
        # -1/n sum [t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))], from the logits
        return score_losses.logistic(z, t)

    def predict_proba(self, X):
        """Class probabilities [1 - p, p] with p = sigmoid(z) = p(y = classes_[1] | x), shape (n_samples, 2)."""
        z = self._scores(X, "predict_proba")
        return np.stack([sigmoid(-z), sigmoid(z)], axis=1)  # 1 - sigmoid(z) = sigmoid(-z), without cancellation


class SoftmaxRegression(_LinearClassifier):
    """Multinomial logistic (softmax) regression: p(y = k | x) = softmax(x W + b)_k, trained on the cross-entropy.

    The loss is the cross-entropy of the softmax of the logits (fused
    log-softmax) plus alpha/2 ||W||^2. Works for any number K >= 2 of classes.

    Parameters
    ----------
    alpha : float
        L2 penalty strength (0: none).
    fit_intercept, optimizer, learning_rate, batch_size, epochs, tol, patience, standardize, shuffle, random_state, warm_start
        As in ``LinearRegression`` (solver "sgd").

    Attributes
    ----------
    classes_ : (K,); coef_ (K, n_features); intercept_ (K,); loss_curve_, history_, n_iter_.

    >>> import numpy as np
    >>> X = np.array([[0.0], [0.2], [2.0], [2.2], [4.0], [4.2]]); y = [0, 0, 1, 1, 2, 2]
    >>> clf = SoftmaxRegression(learning_rate=0.5, epochs=300, random_state=0).fit(X, y)
    >>> clf.predict([[0.1], [2.1], [4.1]]).tolist()
    [0, 1, 2]
    """

    def _targets(self, codes):
        return codes

    def _n_outputs(self):
        return len(self.classes_)

    def _score_loss(self, z, t):
        # -1/n sum log softmax(z)_t
        return score_losses.softmax_cross_entropy(z, t)

    def predict_proba(self, X):
        """softmax(z) per row, shape (n_samples, K), columns in the order of classes_."""
        self._check_is_fitted("predict_proba")
        X = self._validate_X(X, "predict_proba", reset=False)
        return softmax(self._decision(X))
