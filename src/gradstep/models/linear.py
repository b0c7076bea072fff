"""Linear models: linear regression (closed form, gradient descent or L-BFGS), logistic and softmax regression.

The gradient-trained models share ``LinearGDModel`` (``_linear_gd``): the module
z = X W + b, a loss on z whose gradient dL/dz is the delta rule of
``_score_losses``, trained by ``gradstep.train.Trainer`` with that closed-form
step (or by L-BFGS), on standardised features, with ``learning_rate="auto"``
computed from the data's smoothness constant (1/L). See ``_linear_gd`` for the
coordinates and the step-size rule, ``docs/estimators.md`` for the guarantee.
"""

import warnings

import numpy as np

from .. import nn
from ..errors import IllConditionedWarning
from . import _score_losses as score_losses
from ._linear_gd import LinearGDModel
from ._params import BATCH_SIZE, BOOLEAN, LEARNING_RATE, NON_NEGATIVE_FLOAT, NONE, OPTIMIZER, POSITIVE_INT, RANDOM_STATE, Options
from .base import ClassifierMixin, RegressorMixin, _check_finite, accepts_dask, available_if

_SOLVERS = ("normal", "lstsq", "gd", "sgd", "lbfgs")
#: normal equations lose more than half of the float64 digits beyond this cond(X^T X)
_ILL_CONDITIONED = 1.0 / np.sqrt(np.finfo(np.float64).eps)

#: the parameters every gradient-trained linear model shares
_GD_PARAMETERS = {
    "fit_intercept": (BOOLEAN,),
    "optimizer": (OPTIMIZER,),
    "learning_rate": LEARNING_RATE,
    "batch_size": BATCH_SIZE,
    "epochs": (POSITIVE_INT,),
    "tol": (NON_NEGATIVE_FLOAT, NONE),
    "patience": (POSITIVE_INT,),
    "standardize": (BOOLEAN,),
    "shuffle": (BOOLEAN,),
    "random_state": (RANDOM_STATE,),
    "warm_start": (BOOLEAN,),
}


class LinearRegression(RegressorMixin, LinearGDModel):
    """Least-squares linear regression y_hat = X w + b, solved in closed form or by gradient descent.

    Parameters
    ----------
    solver : {"normal", "lstsq", "gd", "sgd", "lbfgs"}
        ``"normal"``: solve the normal equations (X^T X) w = X^T y with a linear
        solve (never an explicit inverse); when X^T X is ill-conditioned
        (cond > 1/sqrt(eps)) it warns (``IllConditionedWarning``) and uses lstsq.
        ``"lstsq"``: SVD-based least squares (``numpy.linalg.lstsq``).
        ``"gd"``: full-batch gradient descent; ``"sgd"``: minibatches of ``batch_size``;
        ``"lbfgs"``: ``scipy.optimize.minimize`` (L-BFGS-B, needs SciPy);
        all three minimise the course's MSE with 1/(2n): L = 1/(2n) sum (y_hat - y)^2.
    fit_intercept : bool
        Learn b (otherwise b = 0).
    optimizer : str, gradstep optimizer class or callable params -> optimizer
        ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"adam"``, ``"adamw"``, ``"adagrad"``, ``"rmsprop"`` (gd/sgd only).
    learning_rate : "auto" or float
        Step size of the optimizer. ``"auto"``: 1/L for ``"gd"`` and 1/(2 L_B) for
        ``"sgd"``, from the smoothness constant L = lambda_max([X', 1]^T [X', 1] / n) of the
        objective on the standardised features X' (L_B for minibatches of B, see
        docs/estimators.md); adaptive optimizers (Adam, ...) take their usual default.
        A hand-set rate above 2/L_B with ``optimizer="sgd"`` gives a ``StepSizeWarning``.
    batch_size : int, "full" or None
        Minibatch size for ``"sgd"`` (1 = online learning); ``"gd"`` always uses the full batch.
    epochs : int
        Maximum number of passes over the data (gd/sgd), of iterations (lbfgs).
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
    loss_curve_, history_, n_iter_ : per-epoch loss (gd/sgd/lbfgs only);
    learning_rate_ : the step size used (gd/sgd); smoothness_ : L (or L_B) of the objective (gd/sgd).

    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = 2 * X[:, 0] + 1
    >>> reg = LinearRegression().fit(X, y)
    >>> np.round(reg.coef_, 6).tolist(), round(reg.intercept_, 6)
    ([2.0], 1.0)
    >>> reg = LinearRegression(solver="gd", epochs=500, random_state=0).fit(X, y)
    >>> np.round(reg.predict([[4.0]]), 4).tolist(), reg.learning_rate_    # 1/L: L = lambda_max of [x', 1]
    ([9.0], 1.0)
    """

    def __init__(
        self,
        solver="normal",
        fit_intercept=True,
        optimizer="sgd",
        learning_rate="auto",
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

    _parameters = {"solver": (Options(*_SOLVERS),), **_GD_PARAMETERS}

    def _score_loss(self, z, t):
        return score_losses.squared_error(z, t)  # 1/(2n) sum (y_hat - y)^2

    @staticmethod
    def _nn_loss(out, t):
        return nn.functional.mse_loss(out, t, half=True)

    @accepts_dask
    def fit(self, X, y):
        """Fit on X (n_samples, n_features) and y (n_samples,); returns self."""
        where = f"{type(self).__name__}.fit"
        self._validate_parameters(where)
        warm = self.solver in ("gd", "sgd") and self._warm()
        # NaN/inf: the normal equations see them on X^T X, gradient descent and L-BFGS on a pass over X
        # they make anyway (_checks_finite), lstsq needs the check
        closed_form = self.solver in ("normal", "lstsq")
        check = self.solver == "lstsq" if closed_form else not self._checks_finite(reset=not warm)
        X = self._validate_X(X, "fit", reset=not warm, check_finite=check)
        y = self._validate_regression_y(y, X.shape[0], "fit")
        if closed_form:
            self._fit_closed_form(X, y)
            for name in ("loss_curve_", "history_", "n_iter_", "_module", "learning_rate_", "smoothness_"):
                self.__dict__.pop(name, None)
            return self
        return self._fit_gd(X, y[:, None], 1, "fit", reset=not warm)

    @available_if(lambda self: self.solver in ("gd", "sgd"), lambda self: f"solver={self.solver!r} is not incremental; use 'gd' or 'sgd'")
    @accepts_dask
    def partial_fit(self, X, y):
        """One epoch of gradient descent on (X, y) (the online mode when X is a single sample or small batch).

        >>> reg = LinearRegression(solver="sgd", batch_size=1, random_state=0)
        >>> reg.partial_fit([[1.0], [2.0]], [2.0, 4.0]).n_iter_
        1
        """
        first = not hasattr(self, "_module")
        X = self._validate_X(X, "partial_fit", reset=first, check_finite=not self._checks_finite(first))
        y = self._validate_regression_y(y, X.shape[0], "partial_fit")
        return self._fit_gd(X, y[:, None], 1, "partial_fit", reset=first)

    def _solver(self):
        return self.solver

    def _effective_batch_size(self):
        return None if self.solver == "gd" else super()._effective_batch_size()

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

    _parameters = {"solver": (Options("sgd", "gd", "lbfgs"),), "alpha": (NON_NEGATIVE_FLOAT,), **_GD_PARAMETERS}

    def __init__(
        self,
        alpha=1e-4,
        solver="sgd",
        fit_intercept=True,
        optimizer="sgd",
        learning_rate="auto",
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

    def _targets(self, codes):
        raise NotImplementedError

    def _n_outputs(self):
        raise NotImplementedError

    def _solver(self):
        return self.solver

    def _effective_batch_size(self):
        return None if self.solver == "gd" else super()._effective_batch_size()

    @accepts_dask
    def fit(self, X, y):
        """Fit on X (n_samples, n_features) and class labels y (n_samples,); returns self."""
        warm = self._warm()
        X = self._validate_X(X, "fit", reset=not warm, check_finite=not self._checks_finite(reset=not warm))
        codes = self._encode_y(y, X.shape[0], "fit", reset=not warm)
        return self._fit_gd(X, self._targets(codes), self._n_outputs(), "fit", reset=not warm)

    @accepts_dask
    def partial_fit(self, X, y, classes=None):
        """One epoch on (X, y); the first call fixes the labels (all of them via ``classes=``, else those in y)."""
        first = not hasattr(self, "_module")
        X = self._validate_X(X, "partial_fit", reset=first, check_finite=not self._checks_finite(first))
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
        L2 penalty strength (0: none): alpha/2 ||W'||^2 on the weights of the
        features the steps are taken on (the standardised ones by default).
    solver : {"sgd", "gd", "lbfgs"}
        ``"sgd"``: minibatches of ``batch_size`` (1: online); ``"gd"``: full-batch
        gradient descent; ``"lbfgs"``: ``scipy.optimize.minimize`` (L-BFGS-B) on the
        whole objective, ``epochs`` its iteration limit and ``tol`` its gradient tolerance.
    fit_intercept, optimizer, learning_rate, batch_size, epochs, tol, patience, standardize, shuffle, random_state, warm_start
        As in ``LinearRegression``; ``learning_rate="auto"`` is 1/L (gd) or 1/(2 L_B) (sgd)
        with L = 1/4 lambda_max([X', 1]^T [X', 1] / n) + alpha.

    Attributes
    ----------
    classes_ : the two labels; coef_ (1, n_features); intercept_ (1,); loss_curve_, history_, n_iter_;
    learning_rate_, smoothness_ (sgd/gd).

    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [3.0], [4.0]]); y = np.array(["no", "no", "yes", "yes"])
    >>> clf = LogisticRegression(random_state=0).fit(X, y)
    >>> clf.predict([[0.5], [3.5]]).tolist()
    ['no', 'yes']
    >>> clf.predict_proba([[2.0]]).round(1).tolist()
    [[0.5, 0.5]]
    """

    _binary_only = True
    _loss_kind = "logistic"

    def _targets(self, codes):
        return codes.astype(np.float64)[:, None]  # t in {0, 1}

    def _n_outputs(self):
        return 1

    def _score_loss(self, z, t):
        # -1/n sum [t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))], from the logits
        return score_losses.logistic(z, t)

    @staticmethod
    def _nn_loss(out, t):
        return nn.functional.binary_cross_entropy_with_logits(out, t)

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
    alpha, solver, fit_intercept, optimizer, learning_rate, batch_size, epochs, tol, patience, standardize, shuffle, random_state, warm_start
        As in ``LogisticRegression``; ``learning_rate="auto"`` is 1/L (gd) or 1/(2 L_B) (sgd)
        with L = 1/2 lambda_max([X', 1]^T [X', 1] / n) + alpha (the softmax's curvature is at most 1/2).

    Attributes
    ----------
    classes_ : (K,); coef_ (K, n_features); intercept_ (K,); loss_curve_, history_, n_iter_;
    learning_rate_, smoothness_ (sgd/gd).

    >>> import numpy as np
    >>> X = np.array([[0.0], [0.2], [2.0], [2.2], [4.0], [4.2]]); y = [0, 0, 1, 1, 2, 2]
    >>> clf = SoftmaxRegression(random_state=0).fit(X, y)
    >>> clf.predict([[0.1], [2.1], [4.1]]).tolist()
    [0, 1, 2]
    """

    _loss_kind = "softmax"

    def _targets(self, codes):
        return codes

    def _n_outputs(self):
        return len(self.classes_)

    def _score_loss(self, z, t):
        # -1/n sum log softmax(z)_t
        return score_losses.softmax_cross_entropy(z, t)

    @staticmethod
    def _nn_loss(out, t):
        return nn.functional.cross_entropy(out, t)

    def predict_proba(self, X):
        """softmax(z) per row, shape (n_samples, K), columns in the order of classes_."""
        self._check_is_fitted("predict_proba")
        X = self._validate_X(X, "predict_proba", reset=False)
        return softmax(self._decision(X))
