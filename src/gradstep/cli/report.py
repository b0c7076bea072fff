"""Test metrics of a trained session, and the table ``train`` and ``evaluate`` print."""

import numpy as np

from ..train import metrics as M
from .table import format_table


def evaluate_session(session, trainer, X_scaled, y_targets, y_raw):
    """``(metrics dict, confusion matrix or None)`` on one data set.

    Classification: loss, accuracy and macro precision/recall/F1; regression:
    loss (on the standardized target), and MSE, MAE, R^2 in the target's units.
    """
    results = {"loss": trainer.evaluate(X_scaled, y_targets)["loss"]}
    predicted = session.predict(trainer, X_scaled)
    if session.dataset.task == "classification":
        classes = np.asarray(session.dataset.classes)
        t, p = np.searchsorted(classes, y_raw), np.searchsorted(classes, predicted)
        k = len(classes)
        results["accuracy"] = M.accuracy(t, p)
        for name in ("precision", "recall", "f1"):
            results[f"{name}_macro"] = getattr(M, name)(t, p, average="macro", num_classes=k)
        return results, M.confusion_matrix(t, p, num_classes=k)
    y = np.asarray(y_raw, np.float64)
    results.update(mse=M.mse(y, predicted), mae=M.mae(y, predicted), r2=M.r2(y, predicted))
    return results, None


def metrics_table(results):
    """The metrics as a two-column table.

    >>> print(metrics_table({"loss": 0.08412, "accuracy": 0.975}))
    metric    value
    --------  ------
    loss      0.0841
    accuracy  0.9750
    """
    return format_table(["metric", "value"], [(name, f"{value:.4f}") for name, value in results.items()])
