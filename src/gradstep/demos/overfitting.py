"""overfitting: an over-large MLP on a small noisy training set, without and with L2, dropout and early stopping.

With 40 training points and two hidden layers of 128 units the network can
memorise the noise: the training loss keeps falling while the validation loss
turns up. L2 (weight decay) and dropout keep the weights from fitting the
noise; early stopping keeps the weights of the best validation epoch.
"""

import numpy as np

from .. import nn, optim
from ..train import EarlyStopping, Trainer
from ..viz import plot_curves
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure
from ._data import make_moons


def big_mlp(dropout=0.0, seed=0):
    """2-128-128-2 ReLU network, optionally with dropout after each hidden layer.

    >>> [type(m).__name__ for m in big_mlp(dropout=0.5)]
    ['Linear', 'ReLU', 'Dropout', 'Linear', 'ReLU', 'Dropout', 'Linear']
    """
    layers = [nn.Linear(2, 128, seed=seed), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout, seed=seed + 10))
    layers += [nn.Linear(128, 128, seed=seed + 1), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout, seed=seed + 11))
    layers.append(nn.Linear(128, 2, seed=seed + 2))
    return nn.Sequential(*layers)


def run(out_dir, small=False, verbose=True):
    """Train the four variants, draw ``overfitting.png`` and return their losses and the stopping epoch.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["early stopping"]["stopped at epoch"] < numbers["epochs"]  # doctest: +SKIP
    True
    """
    epochs, patience = (40, 8) if small else (200, 20)
    X, y = make_moons(40, noise=0.35, seed=0)
    X_val, y_val = make_moons(400, noise=0.35, seed=1)
    variants = {
        "no regularisation": (big_mlp(), 0.0, None),
        "L2 (weight decay 1e-2)": (big_mlp(), 1e-2, None),
        "dropout 0.5": (big_mlp(dropout=0.5), 0.0, None),
        "early stopping": (big_mlp(), 0.0, EarlyStopping("val_loss", patience=patience, restore_best_weights=True)),
    }
    results = {"training samples": len(X), "validation samples": len(X_val), "epochs": epochs}
    fig, axes = subplots(1, 4, width=16, height=3.6, sharey=True)
    for ax, (name, (model, decay, stopper)) in zip(axes, variants.items()):
        optimizer = optim.Adam(model.parameters(), lr=0.01, weight_decay=decay)
        trainer = Trainer(model, nn.CrossEntropyLoss(), optimizer, callbacks=[stopper] if stopper else (),
                          progress=False)
        history = trainer.fit((X, y), val=(X_val, y_val), epochs=epochs, batch_size=16, seed=0)
        train, val = (np.asarray(history[k], dtype=float) for k in ("loss", "val_loss"))
        best = int(np.argmin(val)) + 1
        numbers = {
            "final train loss": float(train[-1]),
            "final val loss": float(val[-1]),
            "best val loss": float(val[best - 1]),
            "best epoch": best,
        }
        marks = {"val": best}
        if stopper is not None:
            numbers["stopped at epoch"] = len(train)
            numbers["weights restored from epoch"] = stopper.best_epoch + 1
            marks = {"val": stopper.best_epoch + 1}
        results[name] = numbers
        plot_curves({"train": train, "val": val}, xlabel="epoch", ylabel="cross-entropy", title=name,
                    marks=marks, ax=ax)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "overfitting.png")]
    if verbose:
        print_numbers(results)
    return results
