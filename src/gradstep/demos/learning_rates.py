"""learning-rates: training loss per epoch of one MLP for several learning rates (plain SGD).

Too small a step barely moves the loss, a good one brings it down fast, too
large a step makes it jump around or blow up: the same model, data, initial
weights and batches every time, only the learning rate changes.
"""

import numpy as np

from .. import nn, optim
from ..train import Trainer
from ..viz import plot_learning_rates
from ._common import output_dir, print_numbers, save_figure
from ._data import make_moons

LEARNING_RATES = (0.001, 0.01, 0.1, 1.0, 10.0)


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
    if verbose:
        print_numbers(results)
    return results
