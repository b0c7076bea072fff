"""batch-modes: online (batch 1), minibatch (32) and full-batch training of the same model on the same data.

Per epoch, online learning makes n updates and full batch one, so online
learning lowers the loss most per epoch; per second the picture changes,
because one full-batch update uses vectorised NumPy over all n examples while
online learning pays Python's per-update overhead n times.
"""

import numpy as np

from .. import nn, optim
from ..train import Trainer
from ..viz import plot_curves
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure
from ._data import make_moons

#: batch size of each mode (None: full batch) and its learning rate
MODES = {"online (1)": (1, 0.01), "minibatch (32)": (32, 0.1), "full batch": (None, 0.5)}


def run(out_dir, small=False, verbose=True):
    """Draw ``batch-modes.png`` (loss against epochs and against seconds) and return the losses and times.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["online (1)"]["updates per epoch"], numbers["full batch"]["updates per epoch"]  # doctest: +SKIP
    (200, 1)
    """
    n, epochs = (200, 8) if small else (500, 15)
    X, y = make_moons(n, noise=0.2, seed=0)
    results = {"samples": n, "epochs": epochs}
    by_epoch, by_time = {}, {}
    for name, (batch_size, lr) in MODES.items():
        model = nn.Sequential(nn.Linear(2, 16, seed=0), nn.Tanh(), nn.Linear(16, 2, seed=1))
        trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr), progress=False)
        history = trainer.fit((X, y), epochs=epochs, batch_size=batch_size, seed=0)
        losses = [float(v) for v in history["loss"]]
        seconds = np.cumsum(history["seconds"])
        label = f"{name}, lr = {lr:g}"
        by_epoch[label] = losses
        by_time[label] = (seconds, losses)
        results[name] = {
            "learning rate": lr,
            "updates per epoch": -(-n // (batch_size or n)),  # ceil(n / batch size)
            "loss after epoch 1": losses[0],
            "final loss": losses[-1],
            "seconds": float(seconds[-1]),
        }
    fig, (left, right) = subplots(1, 2)
    plot_curves(by_epoch, xlabel="epoch", ylabel="training loss", title="loss per epoch", ax=left)
    plot_curves(by_time, xlabel="seconds", ylabel="training loss", title="loss per second", ax=right)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "batch-modes.png")]
    if verbose:
        print_numbers(results)
    return results
