"""regression-landscape: MSE contours over (w, b) for y = w x + b, with the paths of three kinds of GD.

Left: standardised x (mean 0, variance 1). The Hessian of L(w, b) = mean((w x + b - y)^2)
is 2 [[mean x^2, mean x], [mean x, 1]] = 2 I, so the contours are circles and
full-batch GD with step eta shrinks the error by |1 - 2 eta| per epoch; minibatch
and online SGD take noisier paths to the same closed-form solution.
Right: the raw x (mean 5, sd 2). The Hessian is badly conditioned, the contours
are long thin ellipses, and GD (with the largest stable step) zig-zags across
the valley while creeping along it: the course's reason to standardise.
"""

import numpy as np

from ..random import as_generator
from ..tensor import Tensor
from ..viz import plot_loss_landscape
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure

#: learning rate of each mode on the standardised data
LEARNING_RATES = {"full batch": 0.25, "minibatch (16)": 0.1, "online (1)": 0.02}
START = (-1.0, -2.0)


def make_data(n, seed):
    """Raw inputs x ~ N(5, 2^2) and targets y = 2 x + 1 + noise.

    >>> x, y = make_data(1000, seed=0)
    >>> x.shape, bool(abs(x.mean() - 5) < 0.2)
    ((1000,), True)
    """
    rng = as_generator(seed)
    x = rng.normal(5.0, 2.0, size=n)
    y = 2.0 * x + 1.0 + rng.normal(0.0, 1.0, size=n)
    return x, y


def closed_form(x, y):
    """(w, b) minimising the MSE, from the normal equations (least squares on [x, 1]).

    >>> closed_form(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])).round(12).tolist()  # y = 2 x + 1
    [2.0, 1.0]
    """
    A = np.column_stack([x, np.ones_like(x)])
    return np.linalg.lstsq(A, y, rcond=None)[0]


def descend(x, y, lr, epochs, batch_size, seed, start=START):
    """(w, b) after every update of gradient descent on the MSE, the gradient by backward().

    ``batch_size=None`` is full batch (one update per epoch); otherwise the data
    are shuffled every epoch and cut into batches.

    >>> x = np.array([-1.0, 1.0]); y = np.array([-2.0, 2.0])
    >>> descend(x, y, 0.25, 1, None, seed=0, start=(0.0, 0.0))[-1].tolist()
    [1.0, 0.0]
    """
    rng = as_generator(seed)
    w = Tensor(np.array(start[0], dtype=np.float64), requires_grad=True)
    b = Tensor(np.array(start[1], dtype=np.float64), requires_grad=True)
    n = len(x)
    size = n if batch_size is None else batch_size
    path = [start]
    for _ in range(epochs):
        order = np.arange(n) if batch_size is None else rng.permutation(n)
        for lo in range(0, n, size):
            idx = order[lo : lo + size]
            w.grad = b.grad = None
            loss = ((w * Tensor(x[idx]) + b - Tensor(y[idx])) ** 2).mean()
            loss.backward()
            # (w, b) <- (w, b) - eta * dL/d(w, b)
            w.data = w.data - lr * w.grad.data
            b.data = b.data - lr * b.grad.data
            path.append((float(w.data), float(b.data)))
    return np.array(path)


def _mse_surface(x, y):
    """L(w, b) on grids of w and b, from the sufficient statistics (vectorised)."""
    sxx, sx, sxy, sy, syy = (x * x).mean(), x.mean(), (x * y).mean(), y.mean(), (y * y).mean()
    return lambda w, b: w * w * sxx + 2 * w * b * sx + b * b - 2 * w * sxy - 2 * b * sy + syy


def _window(points, margin=0.15, square=False):
    """(w_range, b_range) around the points; ``square`` gives both axes the same span."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    if square:
        center, half = (lo + hi) / 2, (hi - lo).max() / 2
        lo, hi = center - half, center + half
    pad = (hi - lo) * margin + 0.5
    return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def run(out_dir, small=False, verbose=True):
    """Draw ``regression-landscape.png`` (two panels) and return the end points and closed forms.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["standardised"]["full batch: distance to closed form"] < 1e-6  # doctest: +SKIP
    True
    """
    n = 60 if small else 200
    epochs = 30
    x_raw, y = make_data(n, seed=0)
    x_std = (x_raw - x_raw.mean()) / x_raw.std()
    results = {"samples": n, "epochs": epochs}

    star = closed_form(x_std, y)
    paths = {}
    std = {"closed form (w, b)": star.tolist()}
    for i, (mode, lr) in enumerate(LEARNING_RATES.items()):
        batch = {"full batch": None, "minibatch (16)": 16, "online (1)": 1}[mode]
        path = descend(x_std, y, lr, epochs, batch, seed=i + 1)
        paths[f"{mode}, eta = {lr:g}"] = path
        std[f"{mode}: end (w, b)"] = path[-1].tolist()
        std[f"{mode}: distance to closed form"] = float(np.linalg.norm(path[-1] - star))
        std[f"{mode}: updates"] = len(path) - 1
    results["standardised"] = std

    star_raw = closed_form(x_raw, y)
    hessian = 2 * np.array([[np.mean(x_raw**2), np.mean(x_raw)], [np.mean(x_raw), 1.0]])
    eigenvalues = np.linalg.eigvalsh(hessian)
    lr_raw = 1.8 / eigenvalues[-1]  # 90% of the largest stable step 2 / lambda_max
    raw_path = descend(x_raw, y, lr_raw, epochs, None, seed=0)
    results["raw"] = {
        "closed form (w, b)": star_raw.tolist(),
        "Hessian condition number": float(eigenvalues[-1] / eigenvalues[0]),
        "learning rate (0.9 * 2 / lambda_max)": float(lr_raw),
        "full batch: end (w, b)": raw_path[-1].tolist(),
        "full batch: distance to closed form": float(np.linalg.norm(raw_path[-1] - star_raw)),
    }

    fig, (left, right) = subplots(1, 2, width=11, height=4.4)
    w_range, b_range = _window(np.vstack([*paths.values(), star]), square=True)
    plot_loss_landscape(_mse_surface(x_std, y), w_range, b_range, paths=paths, minimum=star, levels=25,
                        title="standardised x: full batch, minibatch, online", ax=left)
    left.set_aspect("equal")  # circles look like circles
    w_range, b_range = _window(np.vstack([raw_path, star_raw]))
    plot_loss_landscape(_mse_surface(x_raw, y), w_range, b_range, paths={f"full batch, eta = {lr_raw:.3g}": raw_path},
                        minimum=star_raw, levels=np.geomspace(0.5, 400, 25),
                        title="raw x (mean 5, sd 2): elongated contours", ax=right)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "regression-landscape.png")]
    if verbose:
        print_numbers(results)
    return results
