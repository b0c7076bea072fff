"""Metrics on arrays or Tensors: accuracy, mse, mae, r2, log_loss, confusion_matrix, precision, recall, f1.

Classification metrics accept predictions in any of the forms a model gives:

- labels, shape (n,) (integers, or floats holding integers);
- class scores or probabilities, shape (n, k) with k >= 2: the predicted class
  is the arg-max of each row;
- one probability per example for the positive class, shape (n,) or (n, 1),
  floating with some non-integer value: the class is ``p >= threshold``
  (``threshold=0.5``; pass ``threshold=0.0`` for logits).

``y_true`` may be labels (n,) or one-hot rows (n, k).  Every function checks
that both sides have the same number of examples and raises a ``ShapeError``
naming the function and both lengths otherwise.
"""

import numpy as np

from ..errors import ShapeError
from .errors import TrainingConfigError

# quantities that are better when larger; everything else (losses, errors) is better when smaller
_GREATER_IS_BETTER = frozenset({"accuracy", "r2", "precision", "recall", "f1"})


def _array(x):
    """The ndarray inside a Tensor (no copy), or ``np.asarray(x)``."""
    data = getattr(x, "data", None)
    if isinstance(data, np.ndarray):
        return data
    return np.asarray(x)


def _pair(name, y_true, y_pred):
    """Both inputs as ndarrays with the same, non-zero number of examples."""
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.ndim == 0 or y_pred.ndim == 0:
        raise ShapeError(
            f"{name}: expected arrays of examples, got shapes {y_true.shape} (y_true) and {y_pred.shape} (y_pred)"
        )
    if len(y_true) != len(y_pred):
        raise ShapeError(f"{name}: y_true has {len(y_true)} examples but y_pred has {len(y_pred)}")
    if len(y_true) == 0:
        raise ShapeError(f"{name}: got empty inputs (0 examples)")
    return y_true, y_pred


def _true_labels(name, y):
    """Integer class labels from labels (n,) or one-hot rows (n, k)."""
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(len(y), -1)
    if y.shape[1] != 1:
        raise ShapeError(f"{name}: y_true must be labels (n,) or one-hot (n, k), got shape {y.shape}")
    y = y[:, 0]
    return _integral(name, "y_true", y)


def _pred_labels(name, y, threshold):
    """Integer class labels from labels, scores (n, k) or positive-class probabilities."""
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(len(y), -1)
    if y.shape[1] != 1:
        raise ShapeError(
            f"{name}: y_pred must be labels (n,), scores (n, k) or probabilities (n, 1), got shape {y.shape}"
        )
    y = y[:, 0]
    if y.dtype.kind == "f" and not np.all(y == np.round(y)):
        # one probability (or logit) per example: class 1 when it reaches the threshold
        return (y >= threshold).astype(np.int64)
    return _integral(name, "y_pred", y)


def _integral(name, which, y):
    if y.dtype.kind == "b":
        return y.astype(np.int64)
    if y.dtype.kind not in "iuf" or (y.dtype.kind == "f" and not np.all(y == np.round(y))):
        raise TrainingConfigError(f"{name}: {which} must hold integer class labels, got dtype {y.dtype}")
    labels = y.astype(np.int64)
    if labels.min() < 0:
        raise TrainingConfigError(f"{name}: class labels must be >= 0, {which} contains {labels.min()}")
    return labels


def _labels(name, y_true, y_pred, threshold):
    y_true, y_pred = _pair(name, y_true, y_pred)
    return _true_labels(name, y_true), _pred_labels(name, y_pred, threshold)


def accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of examples whose predicted class equals the true class.

    >>> import numpy as np
    >>> accuracy(np.array([0, 1, 2, 1]), np.array([0, 2, 2, 1]))
    0.75
    >>> scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    >>> accuracy(np.array([0, 1, 1]), scores)  # arg-max of each row: 0, 1, 0
    0.6666666666666666
    """
    t, p = _labels("accuracy", y_true, y_pred, threshold)
    # acc = (1/n) sum_i [y_hat_i == y_i]
    return float(np.mean(t == p))


def confusion_matrix(y_true, y_pred, num_classes=None, threshold=0.5):
    """Counts ``C[i, j]`` of examples of true class i predicted as class j.

    ``num_classes`` defaults to the number of score columns, else to the
    largest label seen plus one.

    >>> import numpy as np
    >>> confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]))
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 0, 1]])
    """
    return _confusion("confusion_matrix", y_true, y_pred, num_classes, threshold)


def _confusion(name, y_true, y_pred, num_classes, threshold):
    t, p = _labels(name, y_true, y_pred, threshold)
    k = int(max(t.max(), p.max())) + 1
    scores = _array(y_pred)
    if scores.ndim == 2 and scores.shape[1] > 1:
        k = max(k, scores.shape[1])
    if num_classes is not None:
        if k > num_classes:
            raise TrainingConfigError(
                f"{name}: num_classes={num_classes} but the labels need at least {k} classes"
            )
        k = num_classes
    # one bincount over the flattened (true, predicted) pair index i*k + j
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def _per_class(name, y_true, y_pred, average, num_classes, threshold):
    """True positives, predicted positives, actual positives per class, and which classes occur."""
    if average not in ("macro", None):
        raise TrainingConfigError(f"{name}: average must be 'macro' or None, got {average!r}")
    return _class_counts(_confusion(name, y_true, y_pred, num_classes, threshold))


def _class_counts(cm):
    tp = np.diag(cm).astype(np.float64)
    predicted = cm.sum(axis=0).astype(np.float64)
    actual = cm.sum(axis=1).astype(np.float64)
    present = (predicted + actual) > 0
    return tp, predicted, actual, present


def _precision(tp, predicted, actual):
    return _ratio(tp, predicted)


def _recall(tp, predicted, actual):
    return _ratio(tp, actual)


def _f1(tp, predicted, actual):
    # F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + actual), the same as 2PR / (P + R)
    return _ratio(2.0 * tp, predicted + actual)


def confusion_scores(cm):
    """Accuracy and macro precision, recall and F1 of a confusion matrix (e.g. one summed over data blocks).

    The same values as ``accuracy``, ``precision``, ``recall`` and ``f1`` on the
    examples the matrix counts.

    >>> import numpy as np
    >>> confusion_scores(np.array([[1, 1], [0, 2]]))   # y_true [0, 0, 1, 1], y_pred [0, 1, 1, 1]
    {'accuracy': 0.75, 'precision_macro': 0.8333333333333333, 'recall_macro': 0.75, 'f1_macro': 0.7333333333333334}
    """
    tp, predicted, actual, present = _class_counts(cm)
    scores = {"accuracy": float(np.trace(cm) / cm.sum())}
    for name, rule in (("precision", _precision), ("recall", _recall), ("f1", _f1)):
        scores[f"{name}_macro"] = _average(rule(tp, predicted, actual), present, "macro")
    return scores


def _ratio(num, den):
    """num / den with 0 where den == 0 (no predictions or no examples of the class)."""
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _average(values, present, average):
    if average is None:
        return values
    # macro: unweighted mean over the classes that occur in y_true or y_pred
    return float(values[present].mean())


def precision(y_true, y_pred, average="macro", num_classes=None, threshold=0.5):
    """Precision TP / (TP + FP) per class, or its macro average (``average="macro"``).

    A class never predicted has precision 0. The macro average runs over the
    classes that occur in ``y_true`` or ``y_pred``.

    >>> import numpy as np
    >>> precision(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), average=None)
    array([1.        , 0.66666667])
    >>> precision(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    0.8333333333333333
    """
    tp, predicted, actual, present = _per_class("precision", y_true, y_pred, average, num_classes, threshold)
    return _average(_precision(tp, predicted, actual), present, average)


def recall(y_true, y_pred, average="macro", num_classes=None, threshold=0.5):
    """Recall TP / (TP + FN) per class, or its macro average.

    >>> import numpy as np
    >>> recall(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), average=None)
    array([0.5, 1. ])
    """
    tp, predicted, actual, present = _per_class("recall", y_true, y_pred, average, num_classes, threshold)
    return _average(_recall(tp, predicted, actual), present, average)


def f1(y_true, y_pred, average="macro", num_classes=None, threshold=0.5):
    """F1 = 2 P R / (P + R) per class, or its macro average (mean of the per-class F1).

    >>> import numpy as np
    >>> f1(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), average=None)
    array([0.66666667, 0.8       ])
    """
    tp, predicted, actual, present = _per_class("f1", y_true, y_pred, average, num_classes, threshold)
    return _average(_f1(tp, predicted, actual), present, average)


def _regression_pair(name, y_true, y_pred):
    """Floating arrays of the same shape ((n,) and (n, 1) are reconciled)."""
    y_true, y_pred = _pair(name, y_true, y_pred)
    if y_true.shape != y_pred.shape:
        if y_true.size != y_pred.size:
            raise ShapeError(f"{name}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}")
        y_true = y_true.reshape(y_pred.shape)
    return y_true.astype(np.float64), y_pred.astype(np.float64)


def mse(y_true, y_pred):
    """Mean squared error (1/n) sum (y_hat - y)^2, averaged over every output.

    >>> import numpy as np
    >>> mse(np.array([1.0, 2.0, 3.0]), np.array([1.0, 4.0, 2.0]))
    1.6666666666666667
    """
    t, p = _regression_pair("mse", y_true, y_pred)
    return float(np.mean((p - t) ** 2))


def mae(y_true, y_pred):
    """Mean absolute error (1/n) sum |y_hat - y|.

    >>> import numpy as np
    >>> mae(np.array([1.0, 2.0, 3.0]), np.array([1.0, 4.0, 2.0]))
    1.0
    """
    t, p = _regression_pair("mae", y_true, y_pred)
    return float(np.mean(np.abs(p - t)))


def r2(y_true, y_pred):
    """Coefficient of determination R^2 = 1 - SS_res / SS_tot (mean over outputs).

    A constant target gives 1.0 for a perfect prediction and 0.0 otherwise
    (as scikit-learn does), never NaN.

    >>> import numpy as np
    >>> r2(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))
    0.5
    """
    t, p = _regression_pair("r2", y_true, y_pred)
    t = t.reshape(len(t), -1)
    p = p.reshape(len(p), -1)
    return r2_from_sums(((t - p) ** 2).sum(axis=0), ((t - t.mean(axis=0)) ** 2).sum(axis=0))


def r2_from_sums(ss_res, ss_tot):
    """R^2 = 1 - SS_res / SS_tot (mean over outputs) from the two sums; a constant target gives 1.0 or 0.0.

    >>> r2_from_sums(1.0, 2.0), r2_from_sums(0.0, 0.0), r2_from_sums(1.0, 0.0)
    (0.5, 1.0, 0.0)
    """
    ss_res, ss_tot = np.atleast_1d(np.asarray(ss_res, np.float64)), np.atleast_1d(np.asarray(ss_tot, np.float64))
    scores = np.where(ss_res == 0, 1.0, 0.0)
    np.subtract(1.0, ss_res / np.where(ss_tot > 0, ss_tot, 1.0), out=scores, where=ss_tot > 0)
    return float(scores.mean())


def log_loss(y_true, y_prob, eps=1e-15):
    """Cross-entropy -(1/n) sum_i log p_i[y_i] of predicted probabilities.

    ``y_prob`` is (n, k) class probabilities, or (n,) / (n, 1) probabilities
    of class 1 for a binary problem. Probabilities are clipped to
    ``[eps, 1 - eps]`` so a confident mistake costs -log(eps), not infinity.
    Scores that are not probabilities raise an error: apply softmax or
    sigmoid first.

    >>> import numpy as np
    >>> round(log_loss(np.array([1, 0]), np.array([0.8, 0.4])), 6)  # -(ln 0.8 + ln 0.6) / 2
    0.366985
    """
    y_true, y_prob = _pair("log_loss", y_true, y_prob)
    labels = _true_labels("log_loss", y_true)
    p = y_prob.astype(np.float64).reshape(len(y_prob), -1)
    if p.shape[1] == 1:
        p = np.concatenate([1.0 - p, p], axis=1)  # binary: columns P(y=0), P(y=1)
    lo, hi = float(p.min()), float(p.max())
    if not (lo >= 0.0 and hi <= 1.0):
        raise TrainingConfigError(
            f"log_loss: y_prob must hold probabilities in [0, 1], got values in [{lo:g}, {hi:g}]; "
            "apply softmax (or sigmoid) to the scores first"
        )
    if labels.max() >= p.shape[1]:
        raise TrainingConfigError(
            f"log_loss: y_true contains class {labels.max()} but y_prob has only {p.shape[1]} columns"
        )
    # -(1/n) sum_i log p_i[y_i], with p clipped away from 0 and 1
    picked = np.clip(p[np.arange(len(labels)), labels], eps, 1.0 - eps)
    return float(-np.mean(np.log(picked)))


#: metrics a Trainer can take by name; each maps (y_true, y_pred) -> float
METRICS = {
    "accuracy": accuracy,
    "precision": precision,
    "recall": recall,
    "f1": f1,
    "mse": mse,
    "mae": mae,
    "r2": r2,
    "log_loss": log_loss,
}


def get_metric(metric):
    """``(name, function)`` for a metric name from ``METRICS`` or a callable ``f(y_true, y_pred)``.

    >>> get_metric("accuracy")[0]
    'accuracy'
    >>> def top_error(y_true, y_pred): return 0.0
    >>> get_metric(top_error)[0]
    'top_error'
    """
    if callable(metric):
        return getattr(metric, "__name__", type(metric).__name__), metric
    if isinstance(metric, str) and metric in METRICS:
        return metric, METRICS[metric]
    raise TrainingConfigError(
        f"get_metric: unknown metric {metric!r}; use one of {', '.join(sorted(METRICS))} or a callable"
    )


def metric_mode(name, mode="auto"):
    """``"max"`` if a larger value of the logged quantity ``name`` is better, else ``"min"``.

    ``mode="auto"`` decides from the name (``val_`` prefix ignored): accuracy,
    r2, precision, recall and f1 are maximised, losses and errors minimised.

    >>> metric_mode("val_accuracy"), metric_mode("val_loss"), metric_mode("loss", "max")
    ('max', 'min', 'max')
    """
    if mode in ("min", "max"):
        return mode
    if mode != "auto":
        raise TrainingConfigError(f"metric_mode: mode must be 'auto', 'min' or 'max', got {mode!r}")
    base = name[4:] if name.startswith("val_") else name
    return "max" if base in _GREATER_IS_BETTER else "min"
