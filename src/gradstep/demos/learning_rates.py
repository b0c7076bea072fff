"""learning-rates: training loss per epoch of one MLP for several learning rates (plain SGD), and the 2/L bound.

Too small a step barely moves the loss, a good one brings it down fast, too
large a step makes it jump around or blow up: the same model, data, initial
weights and batches every time, only the learning rate changes.

For a convex model the boundary is known in advance: full-batch gradient
descent on a least-squares objective with smoothness constant L converges for
every step below 2/L and diverges above it. The second figure
(``learning-rates-bound.png``) runs ``LinearRegression(solver="gd")`` at
fractions of the 2/L it computes from the data (``smoothness_``) and shows the
bound on the figure.
"""

import warnings

import numpy as np

from .. import nn, optim
from ..errors import StepSizeWarning
from ..models import LinearRegression
from ..train import Trainer
from ..viz import plot_learning_rates
from ._common import output_dir, print_numbers, save_figure
from ._data import make_moons

LEARNING_RATES = (0.001, 0.01, 0.1, 1.0, 10.0)
#: learning rates of the convex run, as multiples of 2/L
BOUND_FRACTIONS = (0.1, 0.5, 0.95, 1.05)


def train_with(lr, X, y, epochs, seed=0):
    """Training loss per epoch of a 2-32-32-2 ReLU MLP trained by SGD at ``lr`` (NaN once it diverged).

    >>> X = np.random.default_rng(0).normal(size=(64, 2)); y = (X[:, 0] > 0).astype(np.int64)
    >>> losses = train_with(0.1, X, y, epochs=3)
    >>> len(losses), losses[-1] < losses[0]
    (3, True)
    """
    model = nn.Sequential(nn.Linear(2, 32, seed=seed), nn.ReLU(), nn.Linear(32, 32, seed=seed + 1), nn.ReLU(),
                          nn.Linear(32, 2, seed=seed + 2))
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr), progress=False,
                      terminate_on_nan=False)
    with np.errstate(all="ignore"):  # a diverging run overflows on purpose
        history = trainer.fit((X, y), epochs=epochs, batch_size=32, seed=seed)
    return [float(v) if v is not None and np.isfinite(v) else float("nan") for v in history["loss"]]


def gd_at_the_bound(X, t, epochs, fractions=BOUND_FRACTIONS):
    """2/L of least squares on (X, t) and the loss per epoch of full-batch GD at ``fraction * 2/L``.

    >>> X = np.random.default_rng(0).normal(size=(50, 2)); t = X @ [1.0, -2.0]
    >>> bound, curves = gd_at_the_bound(X, t, epochs=20, fractions=(0.5, 1.05))
    >>> curves[0.5][-1] < curves[0.5][0], curves[1.05][-1] > curves[1.05][0]   # below 2/L converges, above diverges
    (True, True)
    """
    L = LinearRegression(solver="gd", epochs=1).fit(X, t).smoothness_
    bound = 2.0 / L
    curves = {}
    for fraction in fractions:
        model = LinearRegression(solver="gd", learning_rate=fraction * bound, epochs=epochs, tol=None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StepSizeWarning)  # above 2/L on purpose
            curves[fraction] = model.fit(X, t).loss_curve_
    return bound, curves


def _bound_figure(X, t, epochs):
    bound, curves = gd_at_the_bound(X, t, epochs)
    fig = plot_learning_rates(
        {fraction * bound: curve for fraction, curve in curves.items()},
        title=f"full-batch GD on least squares: stable below 2/L = {bound:.3g}",
    )  # fmt: skip
    ax = fig.axes[0]
    for line, fraction in zip(ax.get_lines(), curves):
        line.set_label(f"{line.get_label()} = {fraction:g} x 2/L")
    ax.legend()
    ax.text(0.02, 0.02, f"L = {2 / bound:.3g} (largest eigenvalue of [x', 1]^T [x', 1] / n); 2/L = {bound:.3g}",
            transform=ax.transAxes, fontsize=8)  # fmt: skip
    return fig, bound, curves


def run(out_dir, small=False, verbose=True):
    """Draw ``learning-rates.png`` and return each learning rate's first, best and last loss.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["lr = 0.1"]["last loss"] < numbers["lr = 0.001"]["last loss"]  # doctest: +SKIP
    True
    """
    n, epochs = (200, 15) if small else (600, 40)
    X, y = make_moons(n, noise=0.2, seed=0)
    results = {"samples": n, "epochs": epochs, "batch size": 32}
    losses = {}
    for lr in LEARNING_RATES:
        curve = train_with(lr, X, y, epochs)
        losses[lr] = curve
        finite = [v for v in curve if np.isfinite(v)]
        results[f"lr = {lr:g}"] = {
            "first loss": curve[0],
            "best loss": min(finite) if finite else float("nan"),
            "last loss": curve[-1],
            "diverged": not np.isfinite(curve).all(),
        }
    fig = plot_learning_rates(losses)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "learning-rates.png")]
    fig, bound, curves = _bound_figure(X, y.astype(np.float64), epochs)
    results["least squares 2/L"] = bound
    for fraction, curve in curves.items():
        results[f"lr = {fraction:g} x 2/L"] = {"first loss": curve[0], "last loss": curve[-1]}
    results["figures"].append(save_figure(fig, output_dir(out_dir), "learning-rates-bound.png"))
    if verbose:
        print_numbers(results)
    return results
