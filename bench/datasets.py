"""The benchmark data: MNIST from local IDX files (or a synthetic look-alike) and two tabular problems.

Every worker process builds its data with these functions, outside the timed
region, so all implementations see the same arrays.

>>> X, y, source = mnist(None, n=100)
>>> X.shape, X.dtype.name, y.dtype.name, source
((100, 784), 'float32', 'int64', 'synthetic')
"""

import gzip
import os

import numpy as np

IDX_IMAGES = "train-images-idx3-ubyte.gz"
IDX_LABELS = "train-labels-idx1-ubyte.gz"


def read_idx(path):
    """An IDX file (optionally gzipped) as an ndarray: big-endian header, then uint8 data."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def synthetic_mnist(n=60000, seed=0):
    """An MNIST-like set: 784 features in [0, 1] (about 19% non-zero), 10 separable-ish classes."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    prototypes = (rng.random((10, 784)) < 0.19).astype(np.float32)
    X = prototypes[y] * rng.random((n, 784), dtype=np.float32)
    flip = rng.random((n, 784), dtype=np.float32) < 0.03
    X[flip] = rng.random(int(flip.sum()), dtype=np.float32)
    return X, y


def mnist(folder, n=60000):
    """The first ``n`` MNIST training images as float32 in [0, 1] (n, 784), labels int64, and the source.

    Falls back to ``synthetic_mnist`` when ``folder`` is None or lacks the IDX files.
    """
    if folder is not None and os.path.exists(os.path.join(folder, IDX_IMAGES)):
        images = read_idx(os.path.join(folder, IDX_IMAGES))[:n]
        labels = read_idx(os.path.join(folder, IDX_LABELS))[:n]
        X = images.reshape(len(images), -1).astype(np.float32)
        X *= np.float32(1 / 255)
        return X, labels.astype(np.int64), "mnist"
    X, y = synthetic_mnist(n)
    return X, y, "synthetic"


def logistic_problem(n=200000, d=100, seed=0):
    """Standardised float64 features and 0/1 labels drawn from a logistic model (about 10% label noise)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d) * (3 / np.sqrt(d))
    p = 1 / (1 + np.exp(-(X @ w + 0.5)))
    y = (rng.random(n) < p).astype(np.float64)
    return X, y


def least_squares_problem(n=200000, d=100, seed=0):
    """float64 X (n, d) and y = X w + noise (sigma 0.1)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d)
    y = X @ w + 0.1 * rng.standard_normal(n)
    return X, y


def log_loss(p, y, eps=1e-15):
    """Mean binary cross-entropy of probabilities ``p`` against 0/1 labels ``y``.

    >>> round(log_loss(np.array([0.5, 0.5]), np.array([0.0, 1.0])), 6)
    0.693147
    """
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
