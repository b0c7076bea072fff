"""DataLoader: one epoch of (X_batch, y_batch) pairs, for online, minibatch or full-batch training.

Two inputs, one loader: whole arrays ``DataLoader(X, y)`` (gradstep's fast
path: batches are slices or one gather of rows per array), or a
map-style data set ``DataLoader(dataset)`` as in PyTorch (samples fetched by
index and joined by ``collate_fn``; see ``gradstep.data.dataset``).
"""

import numbers

import numpy as np

from ..errors import ShapeError
from ..random import as_generator
from ..tensor import Tensor
from ._arrays import as_array, take_rows
from .dataset import Dataset, default_collate
from .errors import DataError

_UNSET = object()  # batch_size / shuffle not given: the defaults depend on the input (arrays or a Dataset)


def _is_dataset(obj):
    """A map-style data set: a Dataset, or any object with __len__ and __getitem__ that is not array-like."""
    if isinstance(obj, Dataset):
        return True
    if isinstance(obj, (np.ndarray, Tensor, list, tuple)) or hasattr(obj, "__array__"):
        return False
    return hasattr(obj, "__getitem__") and hasattr(obj, "__len__")


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

    Given a map-style data set instead of arrays (a ``gradstep.data.Dataset``
    or any object with ``__len__`` and ``__getitem__``), the loader works as
    ``torch.utils.data.DataLoader``: PyTorch's defaults ``batch_size=1``,
    ``shuffle=False``, each batch ``collate_fn([dataset[i] for i in batch])``
    (``default_collate``: one stacked Tensor per field); a TensorDataset or a
    Subset of one is gathered by fancy indexing, without a loop over samples.

    Parameters
    ----------
    X : ndarray, Tensor, array-like of shape (n, ...), or a Dataset
        Inputs (the first axis indexes the examples), or a map-style data set.
    y : ndarray, Tensor, array-like of length n, or None
        Targets; with ``None`` the loader yields ``X_batch`` alone. Not used with a Dataset.
    batch_size : int >= 1 or None
        Examples per batch; ``None`` means all ``n`` (full batch). Default 32 for
        arrays, 1 for a Dataset (PyTorch's), where None is not accepted.
    shuffle : bool
        Draw a new order every epoch (otherwise the data order, batches are views).
        Default True for arrays, False for a Dataset (PyTorch's).
    drop_last : bool
        Drop the last batch when it is shorter than ``batch_size``.
    replacement : bool
        Sample ``n`` indices with replacement every epoch.
    seed : None, int or numpy.random.Generator
        Source of randomness (``gradstep.random.as_generator``); kept as ``rng``,
        so ``loader.rng.bit_generator.state`` can be saved and restored.
    transform : callable (X_batch, rng) -> X_batch, or None
        Augmentation applied during iteration in training mode only (arrays only:
        a Dataset transforms its samples in ``__getitem__``).
    collate_fn : callable (list of samples) -> batch, or None
        With a Dataset: joins the samples of a batch (default ``default_collate``).
    generator : None, int or numpy.random.Generator
        PyTorch's name for ``seed`` (give one of the two).
    num_workers, pin_memory :
        Accepted for PyTorch code: gradstep loads in the main process (``num_workers``
        only changes nothing) and runs on the CPU (nothing to pin).

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
    >>> from gradstep.data import TensorDataset
    >>> [yb.tolist() for _, yb in DataLoader(TensorDataset(X, y), batch_size=2)]   # a Dataset: Tensors
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, X, y=None, batch_size=_UNSET, shuffle=_UNSET, drop_last=False, replacement=False,
                 seed=None, transform=None, collate_fn=None, generator=None, num_workers=0, pin_memory=False):  # fmt: skip
        if generator is not None:
            if seed is not None:
                raise DataError("DataLoader: give seed or generator (PyTorch's name for it), not both")
            seed = generator
        if isinstance(num_workers, bool) or not isinstance(num_workers, numbers.Integral) or num_workers < 0:
            raise DataError(f"DataLoader: num_workers must be an integer >= 0, got {num_workers!r}")
        self.dataset = X if _is_dataset(X) else None
        if self.dataset is not None:
            self._init_dataset(y, 1 if batch_size is _UNSET else batch_size, shuffle is not _UNSET and shuffle,
                               drop_last, replacement, seed, transform, collate_fn)  # fmt: skip
            return
        if collate_fn is not None:
            raise DataError("DataLoader: collate_fn joins the samples of a Dataset; arrays are batched by slicing")
        batch_size = 32 if batch_size is _UNSET else batch_size
        shuffle = True if shuffle is _UNSET else shuffle
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
            _check_batch_size(batch_size, drop_last, n, "1 = online, None = full batch")
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

    def _init_dataset(self, y, batch_size, shuffle, drop_last, replacement, seed, transform, collate_fn):
        if y is not None:
            raise DataError("DataLoader: a Dataset holds its targets; pass DataLoader(dataset) without y")
        if transform is not None:
            raise DataError("DataLoader: transform works on arrays; a Dataset transforms its samples in __getitem__")
        if collate_fn is not None and not callable(collate_fn):
            raise DataError(f"DataLoader: collate_fn must be callable (list of samples) -> batch, got {collate_fn!r}")
        n = len(self.dataset)
        if n == 0:
            raise DataError(f"DataLoader: the data set {type(self.dataset).__name__} is empty; there is nothing to iterate over")
        if batch_size is None:
            raise DataError(
                "DataLoader: batch_size=None over a Dataset (PyTorch's unbatched mode) is not supported; "
                "use batch_size=1, or iterate over the data set itself"
            )
        _check_batch_size(batch_size, drop_last, n, "1 = one sample per batch")
        self.X = self.y = None
        self.n_samples, self.batch_size = n, min(int(batch_size), n)
        self.shuffle, self.drop_last, self.replacement = bool(shuffle), bool(drop_last), bool(replacement)
        self.rng = as_generator(seed)
        self.transform, self.augment = None, True
        self.collate_fn = collate_fn
        self._gather = getattr(self.dataset, "_gather", None) if collate_fn is None else None

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
        if self.dataset is not None:
            yield from self._dataset_batches()
            return
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
            X_batch = X if whole else take_rows(X, index)
            if self.transform is not None and self.augment:
                X_batch = self.transform(X_batch, self.rng)
            if y is None:
                yield X_batch
            else:
                yield X_batch, (y if whole else take_rows(y, index))

    def _dataset_batches(self):
        n, size = self.n_samples, self.batch_size
        if self.replacement:
            order = self.rng.integers(0, n, size=n)
        elif self.shuffle:
            order = self.rng.permutation(n)
        else:
            order = np.arange(n)
        dataset, collate = self.dataset, self.collate_fn or default_collate
        for start in range(0, len(self) * size, size):
            index = order[start : start + size]
            batch = self._gather(index) if self._gather is not None else None
            if batch is None:  # the general path, as PyTorch: fetch each sample, then collate
                batch = collate([dataset[int(i)] for i in index])
            yield batch

    def __repr__(self):
        if self.dataset is not None:
            return (
                f"DataLoader(dataset={type(self.dataset).__name__}, n_samples={self.n_samples}, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last})"
            )
        return (
            f"DataLoader(n_samples={self.n_samples}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last}, replacement={self.replacement}, augment={self.augment})"
        )


def _check_batch_size(batch_size, drop_last, n, meaning):
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise DataError(f"DataLoader: batch_size must be a positive integer or None (full batch), got {batch_size!r}")
    if batch_size < 1:
        raise DataError(f"DataLoader: batch_size must be >= 1 ({meaning}), got {batch_size}")
    if drop_last and batch_size > n:
        raise DataError(
            f"DataLoader: batch_size={batch_size} with drop_last=True leaves no batch "
            f"for {n} examples; use a smaller batch_size or drop_last=False"
        )
