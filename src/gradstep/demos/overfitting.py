"""overfitting: an over-large MLP on a small noisy training set, without and with L2, dropout and early stopping.

With 40 training points and two hidden layers of 128 units the network can
memorise the noise: the training loss keeps falling while the validation loss
turns up. L2 (weight decay) and dropout keep the weights from fitting the
noise; early stopping keeps the weights of the best validation epoch. The
figure says, for each variant, which epoch's weights the final model has and
its validation loss, and draws the decision boundary of that final model.
"""

import numpy as np

from .. import nn, optim
from ..train import Callback, EarlyStopping, Trainer
from ..viz import plot_curves, plot_decision_boundary
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


class _TrainLossWithoutDropout(Callback):
    """The training-set loss of the model in eval mode (dropout off) after each epoch."""

    def __init__(self, X, y):
        self.X, self.y, self.losses = X, y, []

    def on_epoch_end(self, epoch, logs=None):
        self.losses.append(self.trainer.evaluate(self.X, self.y)["loss"])


def run(out_dir, small=False, verbose=True):
    """Train the four variants, draw ``overfitting.png`` and return their losses and which weights are final.

    Top row: train and validation loss per epoch of each variant, the final
    model's epoch marked; bottom row: the decision boundary of each final
    model over the training points. For dropout the training loss is drawn
    twice: as training sees it (dropout on, noisy) and of the same weights with
    dropout off.

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
    fig, axes = subplots(2, 4, width=20, height=9.5)
    reference = None  # the validation loss without regularisation, drawn faintly in the other panels
    for ax, ax_boundary, (name, (model, decay, stopper)) in zip(axes[0], axes[1], variants.items()):
        optimizer = optim.Adam(model.parameters(), lr=0.01, weight_decay=decay)
        callbacks = [stopper] if stopper else []
        without_dropout = _TrainLossWithoutDropout(X, y) if "dropout" in name else None
        if without_dropout is not None:
            callbacks.append(without_dropout)
        trainer = Trainer(model, nn.CrossEntropyLoss(), optimizer, metrics=["accuracy"], callbacks=callbacks,
                          progress=False)  # fmt: skip
        history = trainer.fit((X, y), val=(X_val, y_val), epochs=epochs, batch_size=16, seed=0)
        train, val = (np.asarray(history[k], dtype=float) for k in ("loss", "val_loss"))
        best = int(np.argmin(val)) + 1
        final_epoch = stopper.best_epoch + 1 if stopper is not None else len(train)
        final = trainer.evaluate(X_val, y_val)  # the model as fit leaves it (restored weights included)
        numbers = {
            "last epoch": len(train),
            "train loss at the last epoch": float(train[-1]),
            "val loss at the last epoch": float(val[-1]),
            "best val loss": float(val[best - 1]),
            "best epoch": best,
            "final model: weights of epoch": final_epoch,
            "final model: val loss": float(final["loss"]),
            "final model: val accuracy": float(final["accuracy"]),
        }
        if stopper is not None:
            numbers["stopped at epoch"] = len(train)
        results[name] = numbers
        curves = {"train": train, "val": val}
        if without_dropout is not None:  # blue, orange, green: the two train curves of the same weights
            curves = {"train, dropout on (what training sees)": train, "val": val,
                      "train, dropout off (the same weights)": np.asarray(without_dropout.losses)}  # fmt: skip
        plot_curves(curves, xlabel="epoch", ylabel="cross-entropy", title=name, marks={"val": final_epoch}, ax=ax)
        if reference is not None:
            ax.plot(np.arange(1, len(reference) + 1), reference, color="0.6", linewidth=1, linestyle=":",
                    label="val, no regularisation")  # fmt: skip
        else:
            reference = val
        ax.axvline(final_epoch, color="0.3", linestyle="--", linewidth=1)
        ax.annotate(f"final model: epoch {final_epoch}\nval loss {final['loss']:.3f}", xy=(final_epoch, final["loss"]),
                    xytext=(0.45, 0.55), textcoords="axes fraction", fontsize=10,
                    arrowprops={"arrowstyle": "->", "color": "0.3"})  # fmt: skip
        ax.set_ylim(0, max(1.5, float(np.nanmin(val)) * 3))
        ax.legend(fontsize=8, frameon=False, loc="upper left")

        def predict(points, _trainer=trainer):  # eval mode: dropout off
            return _trainer.predict(np.asarray(points, dtype=np.float32)).argmax(axis=1)

        plot_decision_boundary(predict, X, y, resolution=150, ax=ax_boundary,
                               title=f"{name}: final model (epoch {final_epoch}), val accuracy {final['accuracy']:.3f}")
    fig.suptitle("an over-large MLP (2-128-128-2) on 40 noisy points: which weights each method ends with, "
                 "and the boundary they draw", fontsize=14)  # fmt: skip
    fig.tight_layout()
    results["figures"] = [save_figure(fig, output_dir(out_dir), "overfitting.png")]
    if verbose:
        print_numbers(results)
    return results
