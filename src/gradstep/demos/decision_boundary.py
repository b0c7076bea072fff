"""decision-boundary: logistic regression against an MLP on a ring around a disc ("model too simple").

Logistic regression's boundary is a straight line (w . x + b = 0), so it
cannot separate a ring from the disc inside it, whatever its training; one
hidden layer of ReLUs bends the boundary around the disc.
"""

import numpy as np

from ..models import LogisticRegression, MLPClassifier
from ..viz import plot_decision_boundary
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure
from ._data import make_circles


def run(out_dir, small=False, verbose=True):
    """Fit both models, draw ``decision-boundary.png`` (two panels) and return their training accuracies.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["MLP accuracy"] > numbers["logistic regression accuracy"] + 0.2  # doctest: +SKIP
    True
    """
    n, epochs = (200, 150) if small else (400, 300)
    X, y = make_circles(n, noise=0.08, factor=0.5, seed=0)
    models = {
        "logistic regression": LogisticRegression(learning_rate=0.1, epochs=epochs, random_state=0),
        "MLP": MLPClassifier((32,), learning_rate=0.01, batch_size=32, epochs=epochs, random_state=0),
    }
    results = {"samples": n, "epochs": epochs}
    fig, axes = subplots(1, 2)
    for ax, (name, model) in zip(axes, models.items()):
        model.fit(X, y)
        accuracy = float(np.mean(model.predict(X) == y))
        results[f"{name} accuracy"] = accuracy
        plot_decision_boundary(model, X, y, resolution=150, title=f"{name}: training accuracy {accuracy:.2f}", ax=ax)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "decision-boundary.png")]
    if verbose:
        print_numbers(results)
    return results
