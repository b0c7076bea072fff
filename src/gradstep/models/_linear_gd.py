"""How the linear models learn: a linear module, the delta-rule step plugged into Trainer, and L-BFGS.

Every gradient-trained linear model (linear, logistic and softmax regression,
Adaline) is the module ``z = x W + b`` (``LinearScores``) with a loss on z. It
is trained by the one training loop, ``gradstep.train.Trainer``: the model
plugs its closed-form gradient into the loop's ``loss_and_grad`` seam (the
course's delta rule dL/dz = (h(z) - t)/n, dL/dW = X^T dL/dz, a few NumPy calls
with no graph recorded) and gets Trainer's minibatches, early stopping, NaN
handling and history. ``solver="lbfgs"`` minimises the same objective with
``scipy.optimize.minimize`` (the gradient is the same delta rule on all rows).

Coordinates. With ``standardize=True`` (the default) the steps are taken on the
standardised features x' = (x - mean) / std, and the objective is the one of
those coordinates: 1/n sum loss(x' W' + b', t) + alpha/2 ||W'||^2, as a
StandardScaler + LogisticRegression pipeline of scikit-learn has it. So every
feature has the same scale, one step size suits them all, and the penalty's
curvature is alpha whatever the units. ``coef_``/``intercept_`` are reported in
the original units (w = W' / std, b = b' - mean . w).

Step size. ``learning_rate="auto"`` (the default) is computed from the data in
those coordinates (see ``_step_size``): 1/L for the full batch, where L =
c lambda_max([X', 1]^T [X', 1] / n) + alpha is the smoothness constant of the
whole objective (c = 1 squared error, 1/4 logistic, 1/2 softmax), and 1/(2 L_B)
for minibatches of B (L_B the expected smoothness, L_max = c max ||x'_i||^2 + alpha
for online learning). A learning rate set by hand above the stability bound
2/L_B of plain SGD is warned about before training (``StepSizeWarning``) and
named again if the loss blows up.
"""

import math
import warnings

import numpy as np

from .. import nn
from ..errors import ConvergenceWarning, DataError, MissingDependencyError, StepSizeWarning
from ..optim import make_optimizer
from ..random import as_generator
from ..train import EarlyStopping, TerminateOnNaN, Trainer
from ._step_size import smoothness
from .base import BaseEstimator, _check_finite

#: learning_rate="auto" for the adaptive optimizers, whose step does not scale with the gradient
ADAPTIVE_DEFAULTS = {"adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3, "adagrad": 1e-2}
#: stability bound of each SGD-family optimizer, as a multiple of 2/L (heavy ball: 2 (1 + beta) / L)
STABILITY_FACTOR = {"sgd": 1.0, "momentum": 1.9, "nesterov": 1.9}


class LinearScores(nn.Module):
    """The scores z = x W + b of a linear model, W of shape (n_features, n_outputs).

    >>> import numpy as np, gradstep
    >>> m = LinearScores(2, 1, intercept=np.array([0.5]))
    >>> m.weight.data[:] = [[1.0], [2.0]]
    >>> m(gradstep.tensor([[1.0, 1.0]])).data.tolist()
    [[3.5]]
    """

    def __init__(self, n_features, n_outputs, intercept=None, fit_intercept=True):
        super().__init__()
        self.weight = nn.Parameter(np.zeros((n_features, n_outputs)))
        self.bias = None
        if fit_intercept:
            self.bias = nn.Parameter(np.zeros(n_outputs) if intercept is None else np.array(intercept, dtype=np.float64))

    def forward(self, x):
        z = x @ self.weight
        return z if self.bias is None else z + self.bias


def _set_grad(param, grad):
    """Make the ndarray ``grad`` the parameter's gradient, stored bare as backward() stores it (``.grad`` wraps it
    in a Tensor when first read; the optimizer reads the array)."""
    param._grad = grad


def delta_rule(module, score_loss, alpha):
    """Trainer's ``loss_and_grad`` for a LinearScores module: the closed-form gradient, no graph.

    z = X_b W + b; ``score_loss(z, t_b)`` gives the data loss and dL/dz; then
    dL/dW = X_b^T dL/dz + alpha W and dL/db = sum_rows dL/dz, with the penalty
    alpha/2 ||W||^2 added to the loss. Returns (loss, z).

    >>> import numpy as np
    >>> from gradstep.models import _score_losses
    >>> m = LinearScores(1, 1, fit_intercept=False)
    >>> step = delta_rule(m, _score_losses.squared_error, alpha=0.0)
    >>> loss, z = step(np.array([[1.0], [3.0]]), np.array([[1.0], [3.0]]))
    >>> loss, z.tolist(), m.weight.grad.tolist()   # 1/(2n) sum t^2 ; z = 0 ; -X^T t / n
    (2.5, [[0.0], [0.0]], [[-5.0]])
    """
    W, b = module.weight, module.bias

    def loss_and_grad(X_b, t_b):
        z = X_b @ W.data
        if b is not None:
            z += b.data
        loss, delta = score_loss(z, t_b)
        grad_W = X_b.T @ delta  # dL/dW = X^T dL/dz
        if alpha:
            loss += 0.5 * alpha * float(np.vdot(W.data, W.data))  # alpha/2 ||W||^2
            grad_W += alpha * W.data
        _set_grad(W, grad_W)
        if b is not None:
            _set_grad(b, delta.sum(axis=0))  # dL/db = sum_rows dL/dz
        return loss, z  # the scores are the model's outputs (for the Trainer's metrics)

    return loss_and_grad


def _lbfgs(fun, x0, max_iter, tol, where):
    """``scipy.optimize.minimize(fun, x0, jac=True, method="L-BFGS-B")``; a clear error without SciPy."""
    try:
        from scipy.optimize import minimize
    except ImportError:
        raise MissingDependencyError(
            f'{where}: solver="lbfgs" needs SciPy; install it with pip install "gradstep[models]"'
        ) from None
    return minimize(fun, x0, jac=True, method="L-BFGS-B",
                    options={"maxiter": max_iter, "gtol": tol, "ftol": 64 * np.finfo(float).eps, "maxcor": 20})  # fmt: skip


class LinearGDModel(BaseEstimator):
    """Shared machinery of the linear models trained by gradient descent (not used directly).

    Subclasses set ``_loss_kind`` ("squared", "logistic", "softmax"), define
    ``_score_loss(z, t)`` -> (loss, dL/dz) and ``_nn_loss(out, t)`` (the same
    loss on Tensors), and call ``_fit_gd(X, t, n_outputs, method, reset)``.
    An ``alpha`` parameter adds the L2 penalty alpha/2 ||W||^2.

    >>> from gradstep.models import LinearRegression, LogisticRegression, SoftmaxRegression
    >>> [issubclass(cls, LinearGDModel) for cls in (LinearRegression, LogisticRegression, SoftmaxRegression)]
    [True, True, True]
    """

    _loss_kind = "squared"

    def _penalty_alpha(self):
        return float(getattr(self, "alpha", 0.0))

    def _initial_intercept(self, t, n_outputs):
        return np.zeros(n_outputs)

    def _solver(self):
        return getattr(self, "solver", "sgd")

    def _effective_batch_size(self):
        batch = self.batch_size
        return None if batch is None or batch == "full" else int(batch)

    def _checks_finite(self, reset):
        """Whether ``_fit_gd(..., reset)`` proves X free of NaN and inf on its way, so that validation need not.

        Fitting from scratch, the standardisation statistics (a mean is finite
        only if its column is) or else the smoothness constants of the SGD
        family (a row's squared norm is finite only if its entries are) are a
        pass over X that is computed anyway; either names the first NaN or inf
        as ``_check_finite`` does. That saves a pass over X per fit.
        """
        step_size_reads_X = self._solver() != "lbfgs" and self._optimizer_name() not in ADAPTIVE_DEFAULTS
        return reset and (bool(self.standardize) or step_size_reads_X)

    # ----- coordinates -------------------------------------------------------------
    def _fit_scaling(self, X, where):
        """The standardisation statistics (identity when ``standardize=False``).

        A NaN or inf in X makes its column's mean non-finite, so this is also
        X's NaN/inf check (DataError naming the entry) when it standardises;
        a finite X whose statistics are not finite overflowed (DataError too).
        """
        if not self.standardize:
            self._x_mean, self._x_scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
            return
        with np.errstate(over="ignore", invalid="ignore"):
            mean = X.mean(axis=0)
            std = X.std(axis=0)
        bad = ~(np.isfinite(mean) & np.isfinite(std))
        if bad.any():
            _check_finite(X, where, "X")  # names a NaN or inf; past it, X is finite and its squares overflowed
            j = int(np.argmax(bad))
            raise DataError(
                f"{where}: feature {j} overflows float64 arithmetic (largest |x| = {np.abs(X[:, j]).max():.3g}: "
                "its variance is inf); rescale it before training"
            )
        self._x_mean, self._x_scale = mean, np.where(std > 0, std, 1.0)

    def _standardized(self, X):
        if not self.standardize:
            return X
        X_std = X - self._x_mean  # x' = (x - mean) / std, in one copy of X
        X_std /= self._x_scale
        return X_std

    # ----- step size -----------------------------------------------------------------
    def _optimizer_name(self):
        return self.optimizer.lower() if isinstance(self.optimizer, str) else None

    def _step_size(self, X_std, batch_size, where, smooth=None):
        """The learning rate to use (auto: from L) and the advice a divergence should give.

        Adaptive optimizers (Adam, ...) take their usual default for "auto" and
        get no bound; the SGD family gets 1/L (1/(2 L_B) for minibatches) and,
        for a hand-set rate, the check against its stability bound. ``smooth``
        gives the smoothness constants when they were computed elsewhere (by
        reductions over a dask array's blocks); otherwise they come from ``X_std``.
        """
        name, lr = self._optimizer_name(), self.learning_rate
        if name in ADAPTIVE_DEFAULTS:
            return (ADAPTIVE_DEFAULTS[name] if lr == "auto" else float(lr)), None
        if smooth is None:
            smooth = smoothness(
                X_std, self._loss_kind, self._penalty_alpha(), self.fit_intercept, full_batch=batch_size is None,
                where=where, seed=0,
            )  # fmt: skip
        self.smoothness_ = smooth.for_batch(batch_size)
        lr = smooth.auto_rate(batch_size) if lr == "auto" else float(lr)
        if name not in STABILITY_FACTOR:  # an optimizer given as an object, class or factory: no known bound
            return lr, None
        factor = STABILITY_FACTOR[name]
        bound = factor * smooth.stability_bound(batch_size)
        mode = "the full batch" if batch_size is None else f"minibatches of {batch_size}"
        bound_text = f"{'2/L' if factor == 1 else '2(1 + 0.9)/L'} = {bound:.3g} for this data and {mode} (L = {self.smoothness_:.3g})"
        if lr > bound:
            warnings.warn(
                StepSizeWarning(f"{where}: learning_rate {lr:g} exceeds {bound_text}; the iterates will diverge"),
                stacklevel=5,
            )
            return lr, f"The learning_rate {lr:g} exceeds the stability bound {bound_text}: use learning_rate='auto'"
        return lr, (f"The learning_rate {lr:g} is within the stability bound {bound_text}, "
                    "so the data or the optimizer's state made the loss blow up")  # fmt: skip

    # ----- training ------------------------------------------------------------------
    def _init_params(self, X_std, t, n_outputs, where):
        """A fresh zero model and optimizer; the learning rate from the data."""
        self._module = LinearScores(X_std.shape[1], n_outputs, self._initial_intercept(t, n_outputs), self.fit_intercept)
        self._rng = as_generator(self.random_state)
        self.loss_curve_ = []
        if self._solver() == "lbfgs":
            self._optimizer = None
            return
        lr, self._advice = self._step_size(X_std, self._effective_batch_size(), where)
        self.learning_rate_ = lr
        self._optimizer = make_optimizer(self.optimizer, list(self._module.parameters()), lr, where)

    def _objective(self):
        """The objective on Tensors (what Trainer.evaluate reports): the loss plus alpha/2 ||W||^2."""
        alpha, loss_fn, W = self._penalty_alpha(), self._nn_loss, self._module.weight
        if not alpha:
            return loss_fn
        return lambda out, t: loss_fn(out, t) + (0.5 * alpha) * nn.l2_penalty([W])

    def _train(self, X_std, t, epochs, stop_early, where):
        """Up to ``epochs`` epochs of Trainer with the delta rule; extends loss_curve_."""
        callbacks = [TerminateOnNaN(advice=self._advice, where=where)]
        if stop_early and self.tol is not None:
            callbacks.append(EarlyStopping(monitor="loss", patience=int(self.patience), min_delta=float(self.tol)))
        trainer = Trainer(
            self._module, self._objective(), self._optimizer, callbacks=callbacks, progress=False,
            loss_and_grad=delta_rule(self._module, self._score_loss, self._penalty_alpha()),
        )  # fmt: skip
        batch_size = self._effective_batch_size()
        shuffle = bool(self.shuffle) and batch_size is not None and batch_size < len(X_std)
        try:
            history = trainer.fit((X_std, t), epochs=epochs, batch_size=batch_size, shuffle=shuffle, seed=self._rng)
        except Exception:
            self.__dict__.pop("n_features_in_", None)  # a diverged model is not fitted
            raise
        self.loss_curve_.extend(history.history["loss"])

    def _fit_lbfgs(self, X_std, t, where):
        """Minimise the whole objective with L-BFGS on all rows; the gradient is the delta rule."""
        module = self._module
        params = list(module.parameters())
        shapes = [p.data.shape for p in params]
        sizes = [p.data.size for p in params]
        step = delta_rule(module, self._score_loss, self._penalty_alpha())
        self.loss_curve_ = []

        def fun(x):
            offset = 0
            for p, shape, size in zip(params, shapes, sizes):
                p.data[...] = x[offset : offset + size].reshape(shape)
                offset += size
            loss, _ = step(X_std, t)
            grad = np.concatenate([np.asarray(getattr(p.grad, "data", p.grad)).ravel() for p in params])
            return loss, grad

        x0 = np.concatenate([p.data.ravel() for p in params])
        tol = 1e-4 if self.tol is None else float(self.tol)
        result = _lbfgs(fun, x0, int(self.epochs), tol, where)
        fun(result.x)
        for p in params:
            p.grad = None
        if not math.isfinite(result.fun):
            raise DataError(f"{where}: the objective is {result.fun} at the L-BFGS solution; check the data for huge values")
        if not result.success:
            warnings.warn(
                ConvergenceWarning(f"{where}: L-BFGS stopped after {result.nit} iterations: {result.message}; "
                                   "increase epochs (its iteration limit) or tol"),
                stacklevel=4,
            )  # fmt: skip
        self.loss_curve_.append(float(result.fun))
        self.n_iter_ = int(result.nit)

    def _fit_gd(self, X, t, n_outputs, method, reset):
        """fit (reset unless warm_start) or partial_fit (one epoch, never stopping early)."""
        where = f"{type(self).__name__}.{method}"
        self._validate_parameters(where)
        if method == "partial_fit" and self._solver() == "lbfgs":
            raise DataError(f"{where}: solver='lbfgs' minimises the whole objective at once; use fit")
        try:
            if reset:
                self._fit_scaling(X, where)
            X_std = self._standardized(X)
            if reset:
                self._init_params(X_std, t, n_outputs, where)
            if self._solver() == "lbfgs":
                self._fit_lbfgs(X_std, t, where)
        except Exception:
            self.__dict__.pop("n_features_in_", None)  # bad data (NaN, inf, overflow): not fitted
            raise
        if self._solver() != "lbfgs":
            epochs = 1 if method == "partial_fit" else int(self.epochs)
            self._train(X_std, t, epochs, stop_early=method != "partial_fit", where=where)
            self.n_iter_ = len(self.loss_curve_)
        self.history_ = {"loss": list(self.loss_curve_)}
        self._publish()
        return self

    def _publish(self):
        """coef_ (n_outputs, n_features) and intercept_ (n_outputs,) in the original units."""
        module = self._module
        W = module.weight.data / self._x_scale[:, None]  # w = W' / std
        b = np.zeros(W.shape[1]) if module.bias is None else module.bias.data - self._x_mean @ W  # b = b' - mean . w
        self.coef_, self.intercept_ = W.T.copy(), b.copy()

    def _warm(self):
        return bool(self.warm_start) and hasattr(self, "_module")

    def _decision(self, X):
        return X @ self.coef_.T + self.intercept_
