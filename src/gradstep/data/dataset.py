"""Map-style data sets as in ``torch.utils.data``: Dataset, TensorDataset, Subset, random_split, default_collate.

A data set is anything with ``__len__`` and ``__getitem__(i)`` returning one
sample (often a tuple ``(x, y)``). ``DataLoader(dataset, batch_size=...)``
draws indices, fetches the samples and joins them with ``collate_fn``
(``default_collate``: arrays and Tensors are stacked into one Tensor per field).
A TensorDataset (and a Subset of one) hands the loader whole batches by fancy
indexing instead, the fast path: no Python loop over the samples.
"""

import math
import numbers
from collections.abc import Mapping

import numpy as np

from ..errors import ShapeError
from ..random import as_generator
from ..tensor import Tensor
from ._arrays import as_array, take_rows
from .errors import DataError


class Dataset:
    """Base class of map-style data sets: subclasses define ``__len__`` and ``__getitem__(index)``.

    >>> class Squares(Dataset):
    ...     def __len__(self): return 4
    ...     def __getitem__(self, i): return float(i), float(i * i)
    >>> ds = Squares()
    >>> len(ds), ds[3]
    (4, (3.0, 9.0))
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) returning one sample")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")


class TensorDataset(Dataset):
    """Samples are the rows of equally long arrays or Tensors: ``ds[i] = (X[i], y[i], ...)``.

    Tensors give Tensor rows, arrays give array rows (as ``torch`` would give
    tensor rows). ``DataLoader`` gathers whole batches of it by fancy indexing.

    >>> import numpy as np
    >>> ds = TensorDataset(np.arange(6.0).reshape(3, 2), np.array([0, 1, 0]))
    >>> len(ds), ds[1]
    (3, (array([2., 3.]), np.int64(1)))
    """

    def __init__(self, *tensors):
        if not tensors:
            raise DataError("TensorDataset: give at least one array or Tensor")
        arrays = [as_array(t, "TensorDataset", f"tensor {i}") for i, t in enumerate(tensors)]
        lengths = [len(a) for a in arrays]
        if len(set(lengths)) != 1:
            shapes = [a.shape for a in arrays]
            raise ShapeError(f"TensorDataset: every tensor needs the same first dimension, got shapes {shapes}")
        self.tensors = tuple(tensors)
        self._arrays = arrays
        self._as_tensor = [isinstance(t, Tensor) for t in tensors]

    def __len__(self):
        return len(self._arrays[0])

    def __getitem__(self, index):
        return tuple(Tensor(a[index]) if wrap else a[index] for a, wrap in zip(self._arrays, self._as_tensor))

    def _gather(self, indices):
        """The batch of the samples at ``indices`` (an int array), one Tensor per field: what default_collate gives."""
        return tuple(Tensor(take_rows(a, indices)) for a in self._arrays)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i] = dataset[indices[i]]``.

    >>> import numpy as np
    >>> sub = Subset(TensorDataset(np.arange(5)), [4, 0])
    >>> len(sub), sub[0]
    (2, (np.int64(4),))
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        idx = np.asarray(indices)
        if idx.ndim != 1 or (idx.size and idx.dtype.kind not in "iu"):
            raise DataError(f"Subset: indices must be a 1-D sequence of integers, got {indices!r}")
        n = len(dataset)
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise DataError(f"Subset: indices must lie in [-{n}, {n}) for a data set of {n} samples, got {indices!r}")
        self.indices = idx.astype(np.intp)

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        if isinstance(index, (list, np.ndarray)):
            return [self.dataset[int(self.indices[i])] for i in index]
        return self.dataset[int(self.indices[index])]

    def _gather(self, indices):
        gather = getattr(self.dataset, "_gather", None)
        return None if gather is None else gather(self.indices[indices])


def random_split(dataset, lengths, seed=None, generator=None):
    """Split ``dataset`` into non-overlapping Subsets of the given ``lengths``, in a random order.

    ``lengths`` are counts summing to ``len(dataset)``, or fractions summing to
    1: each subset then gets ``floor(fraction * n)`` samples and the remainder
    is dealt out one by one from the first subset on (PyTorch's rule).
    ``seed`` (or PyTorch's spelling ``generator``): int, Generator or None.

    >>> import numpy as np
    >>> train, val = random_split(TensorDataset(np.arange(10)), [0.8, 0.2], seed=0)
    >>> len(train), len(val), sorted(np.r_[train.indices, val.indices].tolist()) == list(range(10))
    (8, 2, True)
    """
    n = len(dataset)
    counts = _split_counts(lengths, n)
    order = as_generator(generator if seed is None else seed).permutation(n)
    bounds = np.cumsum([0] + counts)
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def _split_counts(lengths, n):
    values = list(lengths)
    if not values or any(isinstance(v, bool) or not isinstance(v, numbers.Real) or v < 0 for v in values):
        raise DataError(f"random_split: lengths must be non-negative counts or fractions, got {lengths!r}")
    if all(isinstance(v, numbers.Integral) for v in values):
        if sum(values) != n:
            raise DataError(f"random_split: lengths {values} sum to {sum(values)}, not to the {n} samples of the data set")
        return [int(v) for v in values]
    if not math.isclose(sum(values), 1.0, abs_tol=1e-9) or any(v > 1 for v in values):
        raise DataError(f"random_split: fractions {values} must sum to 1 (or give counts summing to {n})")
    counts = [int(math.floor(n * v)) for v in values]
    for i in range(n - sum(counts)):  # the remainder, one each, round robin from the first subset
        counts[i % len(counts)] += 1
    return counts


def default_collate(samples):
    """Join a list of samples into one batch, field by field, as ``torch.utils.data.default_collate``.

    Tensors and arrays are stacked into a Tensor (new first axis), numbers
    become a Tensor (Python floats float64, ints int64, as in PyTorch), strings
    a list, and tuples, lists and dicts are collated per field (tuples and lists
    give tuples).

    >>> import numpy as np
    >>> x, y = default_collate([(np.zeros(2, np.float32), 1), (np.ones(2, np.float32), 0)])
    >>> x.shape, x.dtype, y.tolist()
    ((2, 2), dtype('float32'), [1, 0])
    """
    if not samples:
        raise DataError("default_collate: got an empty batch")
    first = samples[0]
    if isinstance(first, Tensor):
        return Tensor(_stack([s.data if isinstance(s, Tensor) else s for s in samples]))
    if isinstance(first, (np.ndarray, np.generic)):
        return Tensor(_stack([getattr(s, "data", s) for s in samples]))
    if isinstance(first, bool):
        return Tensor(np.array(samples, dtype=bool))
    if isinstance(first, numbers.Integral):
        return Tensor(np.array(samples, dtype=np.int64))
    if isinstance(first, numbers.Real):
        return Tensor(np.array(samples, dtype=np.float64))
    if isinstance(first, str):
        return list(samples)
    if isinstance(first, Mapping):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        sizes = {len(s) for s in samples}
        if len(sizes) != 1:
            raise DataError(f"default_collate: every sample needs the same number of fields, got sizes {sorted(sizes)}")
        return tuple(default_collate(list(field)) for field in zip(*samples))
    raise DataError(
        f"default_collate: cannot batch samples of type {type(first).__name__}; return arrays, Tensors, numbers, "
        f"strings, or tuples/dicts of them from __getitem__, or pass collate_fn"
    )


def _stack(arrays):
    shapes = {np.shape(a) for a in arrays}
    if len(shapes) != 1:
        raise ShapeError(f"default_collate: samples of different shapes {sorted(shapes)} cannot be stacked into a batch")
    out = np.stack(arrays)
    if out.dtype.kind not in "biufc":
        raise DataError(f"default_collate: cannot batch arrays of dtype {out.dtype}; use numbers")
    return out
