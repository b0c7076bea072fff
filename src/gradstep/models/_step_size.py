"""Step sizes from the data: the smoothness constant L of a convex linear model's objective and 1/L.

A linear model's objective is ``f(W, b) = 1/n sum_i loss(x_i W + b, t_i) + alpha/2 ||W||^2``.
Its Hessian is bounded by ``c * A^T A / n + alpha`` with ``A = [X, 1]`` (the
column of ones for the intercept) and ``c`` the curvature bound of the loss in
z: 1 for the squared error 1/2 (z - t)^2, 1/4 for the logistic loss (sigmoid'
<= 1/4), 1/2 for the softmax cross-entropy (Boehning's bound). So::

    L     = c * lambda_max(A^T A / n) + alpha       the full-batch objective
    L_max = c * max_i ||a_i||^2 + alpha             every single-sample objective

and gradient descent with a step 1/L decreases f at every step (any step below
2/L converges; above 2/L it is unstable). For minibatches of B samples drawn
without replacement the relevant constant is the *expected smoothness*
(Gower et al., "SGD: General Analysis and Improved Rates", ICML 2019, Prop. 3.8)::

    L_B = n (B - 1) / (B (n - 1)) * L + (n - B) / (B (n - 1)) * L_max

which is L for B = n and L_max for B = 1 (online learning); a step 1/(2 L_B) gives
linear convergence to a neighbourhood of the optimum for strongly convex f
(their Theorem 3.1), and the estimators' ``learning_rate="auto"`` uses exactly
that for minibatches and 1/L for the full batch.

lambda_max comes from the (d+1) x (d+1) Gram matrix (exact, ``eigvalsh``) when
there are at most 512 features, else from power iteration. To keep this cheap
next to training, minibatch modes compute it on at most ``max_rows`` rows
drawn at random (all rows when there are fewer); the full batch uses every row.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..errors import DataError
from .base import _check_finite

#: curvature bound c of each loss in the score z
CURVATURE = {"squared": 1.0, "logistic": 0.25, "softmax": 0.5}
#: Gram matrix (exact) up to this many columns, power iteration beyond
_GRAM_COLUMNS = 512
#: rows used to estimate lambda_max for minibatch modes
MAX_ROWS = 10_000


@dataclass(frozen=True)
class Smoothness:
    """Smoothness constants of one objective on one data set.

    >>> s = Smoothness(L=1.0, L_max=10.0, n=100)
    >>> s.for_batch(None), s.for_batch(1), round(s.for_batch(10), 4)
    (1.0, 10.0, 1.8182)
    >>> s.auto_rate(None), s.auto_rate(1)
    (1.0, 0.05)
    """

    L: float  # full-batch objective
    L_max: float  # largest single-sample objective
    n: int

    def for_batch(self, batch_size):
        """L_B for minibatches of ``batch_size`` (None: the full batch, L)."""
        n = self.n
        if batch_size is None or batch_size >= n:
            return self.L
        B = batch_size
        # L_B = n (B - 1) / (B (n - 1)) L + (n - B) / (B (n - 1)) L_max
        return n * (B - 1) / (B * (n - 1)) * self.L + (n - B) / (B * (n - 1)) * self.L_max

    def auto_rate(self, batch_size):
        """The step ``learning_rate="auto"`` takes: 1/L for the full batch, 1/(2 L_B) for minibatches."""
        if batch_size is None or batch_size >= self.n:
            return 1.0 / self.L
        return 1.0 / (2.0 * self.for_batch(batch_size))

    def stability_bound(self, batch_size):
        """2 / L_B: the largest stable step of plain gradient descent in this mode."""
        return 2.0 / self.for_batch(batch_size)


def largest_eigenvalue(A, fit_intercept, rng, iters=100):
    """lambda_max([A, 1]^T [A, 1] / n) (the ones column only with ``fit_intercept``).

    A centred column is orthogonal to the ones column: lambda_max = max(mean x^2, 1).

    >>> A = np.array([[0.5], [-0.5]])
    >>> largest_eigenvalue(A, False, None), largest_eigenvalue(A, True, None)
    (0.25, 1.0)
    """
    A = np.asarray(A, dtype=np.float64)  # float32 features: the same L as their float64 values
    n, d = A.shape
    if d + fit_intercept <= _GRAM_COLUMNS:
        G = np.empty((d + fit_intercept, d + fit_intercept))
        G[:d, :d] = A.T @ A
        if fit_intercept:
            s = A.sum(axis=0)
            G[:d, d] = G[d, :d] = s
            G[d, d] = n
        return float(np.linalg.eigvalsh(G / n)[-1])
    # power iteration on v -> [A, 1]^T [A, 1] v / n ; the Rayleigh quotient converges to lambda_max from below
    rng = np.random.default_rng(rng)
    v = rng.standard_normal(d + fit_intercept)
    v /= np.linalg.norm(v)
    value = 0.0
    for _ in range(iters):
        z = A @ v[:d]
        if fit_intercept:
            z += v[d]
        w = np.empty_like(v)
        w[:d] = A.T @ z
        if fit_intercept:
            w[d] = z.sum()
        w /= n
        new = float(v @ w)
        norm = np.linalg.norm(w)
        if norm == 0.0:
            return 0.0
        v = w / norm
        converged = abs(new - value) <= 1e-6 * new
        value = new
        if converged:
            break
    return value


def _squared_row_norms(X):
    """||x_i||^2 of every row, in float64: NumPy 2's vecdot (a quarter faster), einsum before it.

    >>> _squared_row_norms(np.array([[3.0, 4.0], [1.0, 0.0]])).tolist()
    [25.0, 1.0]
    """
    if hasattr(np, "vecdot"):
        return np.vecdot(X, X, dtype=np.float64)
    return np.einsum("ij,ij->i", X, X, dtype=np.float64)


def smoothness(X, loss, alpha, fit_intercept, full_batch, where, seed=0, max_rows=MAX_ROWS):
    """The Smoothness of ``loss`` ("squared", "logistic", "softmax") + alpha/2 ||W||^2 on X.

    X holds the features in the coordinates the steps are taken in (the
    standardised ones when the estimator standardises). Raises DataError for a
    NaN or inf in X (naming the first, so this pass doubles as X's check) and
    when the squared features overflow float64.

    >>> X = np.array([[1.0], [-1.0], [3.0], [-3.0]])
    >>> s = smoothness(X, "squared", 0.0, fit_intercept=False, full_batch=True, where="demo")
    >>> s.L, s.L_max    # mean x^2 = 5 ; max x^2 = 9
    (5.0, 9.0)
    """
    c = CURVATURE[loss]
    with np.errstate(over="ignore", invalid="ignore"):
        row_norms = _squared_row_norms(X)  # ||x_i||^2
        norm_max = float(row_norms.max())
        if not math.isfinite(norm_max):
            _check_finite(X, where, "X")  # a NaN or inf, named; past it, X is finite and its squares overflowed
            big = float(np.abs(X).max())
            raise DataError(
                f"{where}: the features overflow float64 arithmetic (largest |x| = {big:.3g}, its square is inf); "
                "rescale the data (standardize=True does this for you) before training"
            )
        rows = X
        if not full_batch and len(X) > max_rows:
            # sorted: the same rows, gathered in memory order (a quarter faster than in random order)
            rows = X[np.sort(np.random.default_rng(seed).choice(len(X), max_rows, replace=False))]
        lam = largest_eigenvalue(rows, fit_intercept, seed)
    L = c * lam + alpha
    L_max = c * (norm_max + (1.0 if fit_intercept else 0.0)) + alpha
    if L <= 0.0:  # all-zero features without intercept: any step is stable; take the unit step
        L = L_max = 1.0
    return Smoothness(L=float(L), L_max=float(max(L_max, L)), n=len(X))
