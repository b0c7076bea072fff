"""DataLoader: one epoch of (X_batch, y_batch) pairs, for online, minibatch or full-batch training."""

import numbers

from ..errors import ShapeError
from ..random import as_generator
from ._arrays import as_array
from .errors import DataError


class DataLoader:
    """Iterate over ``X`` (and ``y``) in batches; each ``for`` loop over the loader is one epoch.

    The three training modes of the course are one argument:

    - ``batch_size=1``: online (stochastic) gradient descent, one update per example;
    - ``batch_size=k``: minibatch gradient descent, ``ceil(n / k)`` updates per epoch
      (``n // k`` with ``drop_last=True``, which drops the short last batch);
    - ``batch_size=None``: full-batch gradient descent, one update per epoch.

    With ``shuffle=True`` every epoch walks a fresh permutation of the examples
    drawn from ``rng``; ``replacement=True`` instead draws ``n`` indices with
    replacement each epoch (the course's "pick a random example each step"
    variant; ``shuffle`` is then irrelevant). ``transform(X_batch, rng)``, e.g. a
    ``gradstep.data.augmentation`` transform, is applied to each ``X_batch`` while
    the loader is in training mode (the default); ``eval()`` switches it off and
    ``train()`` on again.

    Parameters
    ----------
    X : ndarray, Tensor or array-like, shape (n, ...)
        Inputs; the first axis indexes the examples.
    y : ndarray, Tensor, array-like of length n, or None
        Targets; with ``None`` the loader yields ``X_batch`` alone.
    batch_size : int >= 1 or None
        Examples per batch; ``None`` means all ``n`` (full batch).
    shuffle : bool
        Draw a new order every epoch (otherwise the data order, batches are views).
    drop_last : bool
        Drop the last batch when it is shorter than ``batch_size``.
    replacement : bool
        Sample ``n`` indices with replacement every epoch.
    seed : None, int or numpy.random.Generator
        Source of randomness (``gradstep.random.as_generator``); kept as ``rng``,
        so ``loader.rng.bit_generator.state`` can be saved and restored.
    transform : callable (X_batch, rng) -> X_batch, or None
        Augmentation applied during iteration in training mode only.

    Examples
    --------
    >>> import numpy as np
    >>> from gradstep.data import DataLoader
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> loader = DataLoader(X, y, batch_size=2, shuffle=False)
    >>> len(loader)
    3
    >>> [yb.tolist() for _, yb in loader]
    [[0, 1], [2, 3], [4]]
    >>> len(DataLoader(X, y, batch_size=1)), len(DataLoader(X, y, batch_size=None))
    (5, 1)
    """

    def __init__(self, X, y=None, batch_size=32, shuffle=True, drop_last=False,
                 replacement=False, seed=None, transform=None):  # fmt: skip
        self.X = as_array(X, "DataLoader", "X")
        self.y = None if y is None else as_array(y, "DataLoader", "y")
        n = len(self.X)
        if n == 0:
            raise DataError(f"DataLoader: X is empty (shape {self.X.shape}); there is nothing to iterate over")
        if self.y is not None and len(self.y) != n:
            raise ShapeError(
                f"DataLoader: X and y must have the same number of examples, got X with shape "
                f"{self.X.shape} ({n} examples) and y with shape {self.y.shape} ({len(self.y)} examples)"
            )
        if batch_size is not None:
            if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
                raise DataError(
                    f"DataLoader: batch_size must be a positive integer or None (full batch), got {batch_size!r}"
                )
            if batch_size < 1:
                raise DataError(
                    f"DataLoader: batch_size must be >= 1 (1 = online, None = full batch), got {batch_size}"
                )
            if drop_last and batch_size > n:
                raise DataError(
                    f"DataLoader: batch_size={batch_size} with drop_last=True leaves no batch "
                    f"for {n} examples; use a smaller batch_size or drop_last=False"
                )
        if transform is not None and not callable(transform):
            raise DataError(f"DataLoader: transform must be callable (X_batch, rng) -> X_batch, got {transform!r}")
        self.n_samples = n
        self.batch_size = n if batch_size is None else min(int(batch_size), n)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.replacement = bool(replacement)
        self.rng = as_generator(seed)
        self.transform = transform
        self.augment = True

    def train(self):
        """Apply ``transform`` during iteration (the default); returns the loader.

        >>> import numpy as np
        >>> from gradstep.data import DataLoader
        >>> DataLoader(np.zeros((4, 1))).eval().train().augment
        True
        """
        self.augment = True
        return self

    def eval(self):
        """Skip ``transform`` during iteration (evaluation sees the data unchanged); returns the loader.

        >>> import numpy as np
        >>> from gradstep.data import DataLoader
        >>> loader = DataLoader(np.ones((4, 1)), transform=lambda X, rng: 2 * X, shuffle=False)
        >>> next(iter(loader.eval())).sum()
        np.float64(4.0)
        """
        self.augment = False
        return self

    def __len__(self):
        """Batches (parameter updates) per epoch: ceil(n / batch_size), or n // batch_size with drop_last."""
        full, rest = divmod(self.n_samples, self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self):
        n, size = self.n_samples, self.batch_size
        if self.replacement:
            order = self.rng.integers(0, n, size=n)
        elif self.shuffle and size < n:
            order = self.rng.permutation(n)
        else:
            # data order: slices are views, and the full batch is X itself (never permuted:
            # a full-batch gradient does not depend on the order, and a copy of X costs memory)
            order = None
        X, y = self.X, self.y
        whole = order is None and size == n  # the one full batch in data order is X (and y) itself
        for start in range(0, len(self) * size, size):
            index = slice(start, start + size) if order is None else order[start : start + size]
            X_batch = X if whole else X[index]
            if self.transform is not None and self.augment:
                X_batch = self.transform(X_batch, self.rng)
            if y is None:
                yield X_batch
            else:
                yield X_batch, (y if whole else y[index])

    def __repr__(self):
        return (
            f"DataLoader(n_samples={self.n_samples}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last}, replacement={self.replacement}, augment={self.augment})"
        )
