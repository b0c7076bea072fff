"""Small 2-D data sets for the demos, made with NumPy from a seed (no download, no scikit-learn)."""

import numpy as np

from ..random import as_generator


def make_moons(n, noise=0.2, seed=0):
    """Two interleaving half circles: X (n, 2) float32, y (n,) int64 in {0, 1}, n // 2 of each.

    >>> X, y = make_moons(10, seed=0)
    >>> X.shape, X.dtype, np.bincount(y).tolist()
    ((10, 2), dtype('float32'), [5, 5])
    """
    rng = as_generator(seed)
    half = n // 2
    t = rng.uniform(0, np.pi, size=n)
    upper = np.column_stack([np.cos(t[:half]), np.sin(t[:half])])
    lower = np.column_stack([1 - np.cos(t[half:]), 0.5 - np.sin(t[half:])])
    X = np.vstack([upper, lower]) + noise * rng.normal(size=(n, 2))
    y = np.repeat(np.array([0, 1]), [half, n - half])
    return X.astype(np.float32), y.astype(np.int64)


def make_circles(n, noise=0.1, factor=0.5, seed=0):
    """A ring around a disc (not linearly separable): X (n, 2) float32, y (n,) int64, 1 = inner.

    >>> X, y = make_circles(8, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((8, 2), [4, 4])
    """
    rng = as_generator(seed)
    half = n // 2
    angle = rng.uniform(0, 2 * np.pi, size=n)
    radius = np.where(np.arange(n) < half, 1.0, factor)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]) + noise * rng.normal(size=(n, 2))
    y = (np.arange(n) >= half).astype(np.int64)
    return X.astype(np.float32), y
