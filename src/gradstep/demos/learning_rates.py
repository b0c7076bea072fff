"""learning-rates: training loss per epoch of one MLP for several learning rates (plain SGD), and the 2/L bound.

Too small a step barely moves the loss, a good one brings it down fast, too
large a step makes it jump around or blow up (drawn until it leaves the axes,
and marked): the same model, data, initial
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
from ..train import Callback, Trainer
from ..viz import plot_learning_rates
from ..viz._style import COLORS, style_axes, subplots
from ._common import output_dir, print_numbers, save_figure
from ._data import make_moons

LEARNING_RATES = (0.001, 0.01, 0.1, 1.0, 10.0)
#: learning rates of the convex run, as multiples of 2/L
BOUND_FRACTIONS = (0.1, 0.5, 0.95, 1.05)


class _StepLosses(Callback):
    """The loss of every update step (the epoch means hide a run that diverges within its first epoch)."""

    def __init__(self):
        self.losses = []

    def on_batch_end(self, step, logs=None):
        self.losses.append(logs["loss"])


def train_with(lr, X, y, epochs, seed=0):
    """Training losses of a 2-32-32-2 ReLU MLP trained by SGD at ``lr``: ``{"epoch": [...], "step": [...]}``.

    ``"epoch"`` holds the mean loss of each epoch, ``"step"`` the loss of each
    update; both are NaN once the run diverged.

    >>> X = np.random.default_rng(0).normal(size=(64, 2)); y = (X[:, 0] > 0).astype(np.int64)
    >>> losses = train_with(0.1, X, y, epochs=3)
    >>> len(losses["epoch"]), len(losses["step"]), losses["epoch"][-1] < losses["epoch"][0]
    (3, 6, True)
    """
    model = nn.Sequential(nn.Linear(2, 32, seed=seed), nn.ReLU(), nn.Linear(32, 32, seed=seed + 1), nn.ReLU(),
                          nn.Linear(32, 2, seed=seed + 2))
    steps = _StepLosses()
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr), progress=False,
                      terminate_on_nan=False, callbacks=[steps])
    with np.errstate(all="ignore"):  # a diverging run overflows on purpose
        history = trainer.fit((X, y), epochs=epochs, batch_size=32, seed=seed)

    def finite(values):
        return [float(v) if v is not None and np.isfinite(v) else float("nan") for v in values]

    return {"epoch": finite(history["loss"]), "step": finite(steps.losses)}


#: the loss axis of the figure: a run whose loss goes above TOP has left it
BOTTOM, TOP = 0.02, 30.0


def running_mean(values, window):
    """Mean of the last ``window`` values at each position (fewer at the start).

    >>> running_mean([1.0, 3.0, 5.0, 7.0], 2).tolist()
    [1.0, 2.0, 4.0, 6.0]
    """
    values = np.asarray(values, dtype=float)
    totals = np.concatenate([[0.0], np.cumsum(values)])
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (totals[ends] - totals[starts]) / (ends - starts)


def _draw(losses, results, window):
    """Two panels: the loss of every step per learning rate (log-log), and the loss reached against the rate.

    A run that stays on the axes is drawn as the running mean over one epoch
    (``window`` steps), one that leaves them step by step until it does.
    """
    fig, (ax, ax_final) = subplots(1, 2, width=14, height=5.2)
    for i, (lr, curve) in enumerate(losses.items()):
        color = COLORS[i % len(COLORS)]
        ys = np.asarray(curve["step"], dtype=float)
        steps = np.arange(1, len(ys) + 1, dtype=float)
        numbers = results[f"lr = {lr:g}"]
        left = numbers.get("leaves the axes at step")
        label = f"lr = {lr:g}" + (" (diverged)" if numbers["diverged"] else "")
        if numbers["diverged"]:  # the last finite loss, then straight off the top where the loss became NaN
            first_nan = numbers["NaN from step"]
            ys, steps = np.append(ys[: first_nan - 1], 1e3 * TOP), np.append(steps[: first_nan - 1], first_nan)
        elif not left:
            ys = running_mean(ys, window)
        ax.plot(steps, ys, color=color, linewidth=1.5 if left else 1, label=label)
        if left:
            ax.plot([left], [TOP], marker="X", markersize=11, color=color, markeredgecolor="black", clip_on=False)
            text = f"lr = {lr:g} leaves the axes at step {left}"
            if numbers["diverged"]:
                text += f"\nloss NaN from step {numbers['NaN from step']}"
            ax.annotate(text, xy=(left, TOP), xytext=(left * 4, TOP / 5), fontsize=10, color=color,
                        arrowprops={"arrowstyle": "->", "color": color})  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(BOTTOM, TOP)
    style_axes(ax, title=f"training loss per update (running mean over one epoch = {window} steps)",
               xlabel="update step (log scale)", ylabel="cross-entropy (log scale)")  # fmt: skip
    ax.legend(fontsize=9, frameon=False, loc="lower left")
    rates = list(losses)
    last = [results[f"lr = {lr:g}"]["last loss"] for lr in rates]
    diverged = [results[f"lr = {lr:g}"]["diverged"] for lr in rates]
    ok = [lr for lr, d in zip(rates, diverged) if not d]
    ax_final.plot(ok, [v for v, d in zip(last, diverged) if not d], "o-", color=COLORS[0], label="loss after the last epoch")
    for lr in (lr for lr, d in zip(rates, diverged) if d):
        ax_final.plot([lr], [TOP], marker="X", markersize=11, color="#C00000", markeredgecolor="black", clip_on=False,
                      linestyle="none", label=f"lr = {lr:g}: diverged (loss NaN)")  # fmt: skip
    ax_final.set_xscale("log")
    ax_final.set_yscale("log")
    ax_final.set_ylim(BOTTOM, TOP)
    style_axes(ax_final, title="loss reached after training, against the learning rate", xlabel="learning rate (log scale)",
               ylabel="cross-entropy after the last epoch", legend=True)  # fmt: skip
    fig.suptitle("one MLP, the same data, initial weights and batches: only the learning rate changes", fontsize=12)
    fig.tight_layout()
    return fig


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
        per_epoch, per_step = np.asarray(curve["epoch"]), np.asarray(curve["step"])
        finite = per_epoch[np.isfinite(per_epoch)]
        numbers = {
            "first loss": float(per_epoch[0]),
            "best loss": float(finite.min()) if finite.size else float("nan"),
            "last loss": float(per_epoch[-1]),
            "diverged": bool(not np.isfinite(per_step).all()),
        }
        outside = ~(per_step <= TOP)  # above the figure's loss axis, or NaN
        if outside.any():
            numbers["leaves the axes at step"] = int(np.argmax(outside)) + 1
            numbers["largest finite loss"] = float(np.nanmax(per_step))
        if numbers["diverged"]:
            numbers["NaN from step"] = int(np.argmax(~np.isfinite(per_step))) + 1
        results[f"lr = {lr:g}"] = numbers
    fig = _draw(losses, results, window=-(-n // 32))
    results["figures"] = [save_figure(fig, output_dir(out_dir), "learning-rates.png")]
    fig, bound, curves = _bound_figure(X, y.astype(np.float64), epochs)
    results["least squares 2/L"] = bound
    for fraction, curve in curves.items():
        results[f"lr = {fraction:g} x 2/L"] = {"first loss": curve[0], "last loss": curve[-1]}
    results["figures"].append(save_figure(fig, output_dir(out_dir), "learning-rates-bound.png"))
    if verbose:
        print_numbers(results)
    return results
