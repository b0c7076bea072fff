"""Least squares 200 000 x 100 float64, no intercept: every implementation's coefficients against NumPy's.

``run()`` fits; ``report()`` returns the coefficients so the runner can check
they agree with the reference (normal equations via numpy.linalg.solve) to 1e-8.
"""

from .mlp import Impl

N, D = 200000, 100


def epoch_flops(config):
    """Flops of forming X^T X (the dominant term of the normal equations): 2 n d^2."""
    return 2 * config["n"] * D * D


def load(config):
    from datasets import least_squares_problem

    return least_squares_problem(config["n"], D)


def _report(state):
    return lambda: {"coef": [float(c) for c in state["coef"]]}


def make_numpy(config):
    """numpy.linalg.solve(X.T @ X, X.T @ y): the normal equations, the reference."""
    import numpy as np

    X, y = load(config)
    state = {}

    def run():
        state["coef"] = np.linalg.solve(X.T @ X, X.T @ y)

    return Impl(run, _report(state))


def make_sklearn(config):
    """sklearn.linear_model.LinearRegression(fit_intercept=False).fit (SciPy lstsq)."""
    from sklearn.linear_model import LinearRegression

    X, y = load(config)
    state = {}

    def run():
        state["coef"] = LinearRegression(fit_intercept=False).fit(X, y).coef_

    return Impl(run, _report(state))


def make_torch(config):
    """torch.linalg.lstsq on the same (shared, not copied) arrays."""
    import torch

    torch.set_num_threads(config["threads"])
    X, y = load(config)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    state = {}

    def run():
        state["coef"] = torch.linalg.lstsq(Xt, yt[:, None]).solution[:, 0].numpy()

    return Impl(run, _report(state))
