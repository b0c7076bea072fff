"""Random train / validation / test splits, optionally stratified by class."""

import numbers

import numpy as np

from ..errors import ShapeError
from ..random import as_generator
from ._arrays import as_array
from .errors import DataError


def _part_sizes(n, fractions):
    """Split ``n`` into integer parts proportional to ``fractions`` (largest remainder method).

    Every part gets ``floor(n * f)``; the examples left over go to the parts with
    the largest remainders, so the sizes add up to ``n`` and each is within one of
    ``n * f``.
    """
    exact = n * np.asarray(fractions, dtype=np.float64)
    sizes = np.floor(exact).astype(np.int64)
    leftover = n - int(sizes.sum())
    order = np.argsort(-(exact - sizes), kind="stable")  # largest remainder first, ties to the earlier part
    sizes[order[:leftover]] += 1
    return sizes


def _check_fractions(fractions, where):
    try:
        values = [float(f) for f in fractions]
    except (TypeError, ValueError):
        raise DataError(f"{where}: fractions must be numbers, got {fractions!r}") from None
    if any(not np.isfinite(f) or f < 0 for f in values):
        raise DataError(f"{where}: fractions must be finite and >= 0, got {tuple(fractions)}")
    if abs(sum(values) - 1.0) > 1e-9:
        raise DataError(f"{where}: fractions must sum to 1, got {tuple(fractions)} (sum {sum(values):.10g})")
    if values[0] == 0:
        raise DataError(f"{where}: the training fraction must be > 0, got {tuple(fractions)}")
    return values


def _split_indices(X, y, fractions, stratify, seed, where):
    """Index arrays of each part, each in random order."""
    n = len(X)
    if n == 0:
        raise DataError(f"{where}: X is empty (shape {X.shape}); there is nothing to split")
    if y is not None and len(y) != n:
        raise ShapeError(
            f"{where}: X and y must have the same number of examples, got X with shape {X.shape} "
            f"and y with shape {y.shape}"
        )
    rng = as_generator(seed)
    if not stratify:
        order = rng.permutation(n)
        bounds = np.cumsum(_part_sizes(n, fractions))[:-1]
        return np.split(order, bounds)
    if y is None:
        raise DataError(f"{where}: stratify=True needs the class labels y, got y=None")
    # Stratified: split every class on its own with the same fractions, then mix the classes.
    _, classes = np.unique(y, axis=0 if y.ndim > 1 else None, return_inverse=True)
    classes = classes.reshape(-1)
    parts = [[] for _ in fractions]
    for members in np.split(np.argsort(classes, kind="stable"), np.cumsum(np.bincount(classes))[:-1]):
        members = rng.permutation(members)
        for part, chunk in zip(parts, np.split(members, np.cumsum(_part_sizes(len(members), fractions))[:-1])):
            part.append(chunk)
    return [rng.permutation(np.concatenate(part)) for part in parts]


def train_val_test_split(X, y=None, fractions=(0.6, 0.2, 0.2), stratify=False, seed=None):
    """Shuffle and split into training, validation and test sets (60/20/20 by default).

    Part sizes are ``n * fraction`` rounded so they add up to ``n`` (largest
    remainder method). With ``stratify=True`` each class of ``y`` (rows of a
    one-hot ``y`` count as classes) is split on its own, so every part keeps the
    class proportions to within one example per class. Inputs may be ndarrays,
    Tensors or array-likes; the parts are ndarrays (``None`` when ``y`` is None).

    Parameters
    ----------
    X, y : arrays with the same first dimension (y may be None)
    fractions : three numbers >= 0 summing to 1, (train, validation, test)
    stratify : bool
    seed : None, int or numpy.random.Generator

    Returns
    -------
    X_train, X_val, X_test, y_train, y_val, y_test

    Examples
    --------
    >>> import numpy as np
    >>> from gradstep.data import train_val_test_split
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> X_tr, X_va, X_te, y_tr, y_va, y_te = train_val_test_split(X, y, seed=0)
    >>> len(X_tr), len(X_va), len(X_te)
    (6, 2, 2)
    >>> sorted(np.concatenate([y_tr, y_va, y_te]).tolist()) == list(range(10))
    True
    """
    where = "train_val_test_split"
    if isinstance(fractions, (str, bytes)) or not hasattr(fractions, "__len__") or len(fractions) != 3:
        raise DataError(f"{where}: fractions must be three numbers (train, val, test), got {fractions!r}")
    fractions = _check_fractions(fractions, where)
    X = as_array(X, where, "X")
    y = None if y is None else as_array(y, where, "y")
    parts = _split_indices(X, y, fractions, stratify, seed, where)
    return (*(X[p] for p in parts), *((None,) * 3 if y is None else (y[p] for p in parts)))


def train_test_split(X, y=None, test_fraction=0.2, stratify=False, seed=None):
    """Shuffle and split into a training and a test set (80/20 by default).

    Same rules as ``train_val_test_split`` with fractions ``(1 - test_fraction, test_fraction)``.

    Returns
    -------
    X_train, X_test, y_train, y_test

    Examples
    --------
    >>> import numpy as np
    >>> from gradstep.data import train_test_split
    >>> y = np.array([0] * 8 + [1] * 2)
    >>> _, _, y_train, y_test = train_test_split(np.zeros((10, 1)), y, test_fraction=0.5, stratify=True, seed=0)
    >>> np.bincount(y_train).tolist(), np.bincount(y_test).tolist()
    ([4, 1], [4, 1])
    """
    where = "train_test_split"
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real) or not 0 <= test_fraction < 1:
        raise DataError(f"{where}: test_fraction must be a number in [0, 1), got {test_fraction!r}")
    X = as_array(X, where, "X")
    y = None if y is None else as_array(y, where, "y")
    train, test = _split_indices(X, y, (1.0 - test_fraction, float(test_fraction)), stratify, seed, where)
    return X[train], X[test], (None if y is None else y[train]), (None if y is None else y[test])
