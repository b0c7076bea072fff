"""random-search: the course's brute-force baseline against gradient descent on one linear regression.

Random search tries w' = w + sigma * noise and keeps w' when its loss is lower;
gradient descent moves along -dL/dw. Both are charged one loss evaluation per
try / step (a step's backward pass is about the price of its forward pass), and
the loss is drawn against the number of evaluations.
"""

import numpy as np

from ..grad_mode import no_grad
from ..random import as_generator
from ..tensor import Tensor
from ..viz import plot_curves
from ._common import output_dir, print_numbers, save_figure


def make_regression(n, n_features, seed):
    """Standardised features X (n, d), targets y = X w_true + 0.5 + noise, and w_true.

    >>> X, y, w = make_regression(50, 3, seed=0)
    >>> X.shape, y.shape, np.allclose(X.mean(axis=0), 0)
    ((50, 3), (50,), True)
    """
    rng = as_generator(seed)
    X = rng.normal(size=(n, n_features))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w_true = rng.uniform(-3, 3, size=n_features)
    y = X @ w_true + 0.5 + 0.3 * rng.normal(size=n)
    return X, y, w_true


def mse(X, y, w):
    """Mean squared error of the linear model with the bias as w's last entry (Tensors or arrays).

    >>> float(mse(np.array([[1.0], [2.0]]), np.array([3.0, 5.0]), np.array([2.0, 0.0])))  # errors -1, -1
    1.0
    """
    return ((X @ w[:-1] + w[-1] - y) ** 2).mean()


def random_search(X, y, evaluations, sigma, seed):
    """Best loss after each try of random search from w = 0 (a non-increasing list).

    >>> X, y = np.array([[1.0], [2.0]]), np.array([3.0, 5.0])
    >>> curve = random_search(X, y, evaluations=50, sigma=0.5, seed=0)
    >>> len(curve), all(b <= a for a, b in zip(curve, curve[1:])), bool(curve[-1] < mse(X, y, np.zeros(2)))
    (50, True, True)
    """
    rng = as_generator(seed)
    Xt, yt = Tensor(X), Tensor(y)
    w = np.zeros(X.shape[1] + 1)
    with no_grad():
        best = float(mse(Xt, yt, Tensor(w)).data)
        curve = []
        for _ in range(evaluations):
            trial = w + sigma * rng.normal(size=w.shape)  # w' = w + sigma * noise
            loss = float(mse(Xt, yt, Tensor(trial)).data)
            if loss < best:  # keep w' only when it is better
                w, best = trial, loss
            curve.append(best)
    return curve


def gradient_descent(X, y, steps, lr):
    """Loss at each step of full-batch gradient descent from w = 0 (gradient by backward()).

    >>> X, y = np.array([[1.0], [2.0]]), np.array([3.0, 5.0])
    >>> gradient_descent(X, y, steps=2, lr=0.1)[0]  # at w = 0: (9 + 25) / 2
    17.0
    """
    Xt, yt = Tensor(X), Tensor(y)
    w = Tensor(np.zeros(X.shape[1] + 1), requires_grad=True)
    curve = []
    for _ in range(steps):
        w.grad = None
        loss = mse(Xt, yt, w)
        loss.backward()
        curve.append(float(loss.data))
        w.data = w.data - lr * w.grad.data  # w <- w - eta dL/dw
    return curve


def run(out_dir, small=False, verbose=True):
    """Run both searches, draw ``random-search.png`` (loss against evaluations), return the losses.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["gradient descent final loss"] < numbers["random search final loss"]  # doctest: +SKIP
    True
    """
    n, d = (100, 5) if small else (300, 10)
    evaluations = 300 if small else 2000
    X, y, _ = make_regression(n, d, seed=0)
    A = np.column_stack([X, np.ones(n)])
    w_star = np.linalg.lstsq(A, y, rcond=None)[0]
    best_possible = float(np.mean((A @ w_star - y) ** 2))
    searched = random_search(X, y, evaluations, sigma=0.1, seed=1)
    descended = gradient_descent(X, y, evaluations, lr=0.1)

    def first_within(curve, fraction=0.01):
        hits = [i + 1 for i, loss in enumerate(curve) if loss <= best_possible * (1 + fraction)]
        return hits[0] if hits else None

    results = {
        "samples": n,
        "features": d,
        "evaluations": evaluations,
        "least-squares loss": best_possible,
        "random search final loss": searched[-1],
        "gradient descent final loss": descended[-1],
        "evaluations to reach 1% of the optimum": {
            "random search": first_within(searched) or f"not within {evaluations}",
            "gradient descent": first_within(descended) or f"not within {evaluations}",
        },
    }
    counts = np.arange(1, evaluations + 1)
    fig = plot_curves(
        {"random search (keep if better)": (counts, searched), "gradient descent (lr = 0.1)": (counts, descended),
         "least squares": ([1, evaluations], [best_possible, best_possible])},
        xlabel="loss evaluations", ylabel="training MSE", title="brute force vs gradient descent", logy=True,
    )
    results["figures"] = [save_figure(fig, output_dir(out_dir), "random-search.png")]
    if verbose:
        print_numbers(results)
    return results
