"""Feature scaling and label encoding: Standardizer, MinMaxScaler, one_hot, LabelEncoder.

Fit scalers on the training data only and reuse them for validation and test
data, so no information about the held-out examples leaks into training.
"""

import numbers

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._arrays import as_array
from .errors import DataError, NotFittedError


def _float_dtype(array):
    """The float dtype a scaled copy of ``array`` gets: its own if floating, else float64."""
    return array.dtype if array.dtype.kind == "f" else np.dtype(np.float64)


class _ColumnScaler:
    """Shared fit/transform plumbing of the column-wise scalers; subclasses define ``_fit_columns``."""

    def _check_X(self, X, where):
        X = as_array(X, where)
        if X.dtype.kind not in "biuf":
            raise DataError(f"{where}: X must be numeric, got dtype {X.dtype}")
        if len(X) == 0:
            raise DataError(f"{where}: X is empty (shape {X.shape})")
        return X

    def _check_fitted(self, X, where):
        if not hasattr(self, "n_features_in_"):
            raise NotFittedError(f"{where}: this {type(self).__name__} is not fitted yet; call fit(X) first")
        X = self._check_X(X, where)
        if X.shape[1:] != self.feature_shape_:
            raise ShapeError(
                f"{where}: fitted on {self.n_features_in_} features (X of shape (n, "
                f"{', '.join(map(str, self.feature_shape_))})), got X with shape {X.shape}"
            )
        return X

    def fit(self, X):
        """Learn the per-column statistics of X (shape (n, ...): one statistic per feature); returns self."""
        X = self._check_X(X, f"{type(self).__name__}.fit")
        self.feature_shape_ = X.shape[1:]
        self.n_features_in_ = int(np.prod(self.feature_shape_))
        self._fit_columns(X.astype(np.float64, copy=False))
        return self

    def fit_transform(self, X):
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)


class Standardizer(_ColumnScaler):
    """Scale each feature to mean 0 and standard deviation 1: ``z = (x - mean_) / scale_``.

    ``mean_`` and ``scale_`` (the population standard deviation) are computed in
    float64 over the first axis. A constant column (all values equal) gets
    ``scale_ = 1`` (and its value as ``mean_``), so it becomes exactly 0 instead
    of NaN or inf. Floating inputs keep
    their dtype; integer inputs give float64.

    Examples
    --------
    >>> import numpy as np
    >>> from gradstep.data import Standardizer
    >>> X_train = np.array([[1.0, 5.0], [3.0, 5.0]])
    >>> s = Standardizer().fit(X_train)
    >>> s.mean_.tolist(), s.scale_.tolist()
    ([2.0, 5.0], [1.0, 1.0])
    >>> s.transform(np.array([[4.0, 7.0]])).tolist()
    [[2.0, 2.0]]
    >>> s.inverse_transform(np.array([[2.0, 2.0]])).tolist()
    [[4.0, 7.0]]
    """

    def _fit_columns(self, X):
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        # A column whose values are all equal has no spread to divide by: keep it unscaled,
        # and take its value itself as the mean (the float sum can be off by an ulp), so it maps to 0.
        constant = np.ptp(X, axis=0) == 0
        self.scale_[constant] = 1.0
        self.mean_[constant] = X[0][constant]

    def transform(self, X):
        """Return ``(X - mean_) / scale_`` (a new array).

        >>> import numpy as np
        >>> s = Standardizer().fit(np.array([[0.0], [4.0]]))  # mean 2, population std 2
        >>> s.transform(np.array([[0.0], [6.0]])).tolist()  # (0 - 2) / 2, (6 - 2) / 2
        [[-1.0], [2.0]]
        """
        X = self._check_fitted(X, "Standardizer.transform")
        dtype = _float_dtype(X)
        return (X - self.mean_.astype(dtype)) / self.scale_.astype(dtype)

    def inverse_transform(self, Z):
        """Return ``Z * scale_ + mean_``, the data in its original units.

        >>> import numpy as np
        >>> s = Standardizer().fit(np.array([[0.0], [4.0]]))  # mean 2, population std 2
        >>> s.inverse_transform(np.array([[-1.0], [0.5]])).tolist()  # -1 * 2 + 2, 0.5 * 2 + 2
        [[0.0], [3.0]]
        """
        Z = self._check_fitted(Z, "Standardizer.inverse_transform")
        dtype = _float_dtype(Z)
        return Z * self.scale_.astype(dtype) + self.mean_.astype(dtype)


class MinMaxScaler(_ColumnScaler):
    """Map each feature linearly so the training minimum and maximum become ``feature_range``.

    ``x' = x * scale_ + min_`` with ``scale_ = (hi - lo) / (data_max_ - data_min_)``
    and ``min_ = lo - data_min_ * scale_``. A constant column gets the range 1
    (``scale_ = hi - lo``), so it maps to ``lo`` instead of NaN. Values outside
    the training range map outside ``feature_range`` (no clipping).

    Examples
    --------
    >>> import numpy as np
    >>> from gradstep.data import MinMaxScaler
    >>> m = MinMaxScaler().fit(np.array([[0.0, 10.0], [4.0, 20.0]]))
    >>> m.transform(np.array([[1.0, 15.0]])).tolist()
    [[0.25, 0.5]]
    >>> MinMaxScaler((-1, 1)).fit_transform(np.array([[0.0], [2.0]])).tolist()
    [[-1.0], [1.0]]
    """

    def __init__(self, feature_range=(0.0, 1.0)):
        try:
            lo, hi = (float(v) for v in feature_range)
        except (TypeError, ValueError):
            raise DataError(
                f"MinMaxScaler: feature_range must be two numbers (lo, hi), got {feature_range!r}"
            ) from None
        if not lo < hi:
            raise DataError(f"MinMaxScaler: feature_range must have lo < hi, got {feature_range!r}")
        self.feature_range = (lo, hi)

    def _fit_columns(self, X):
        lo, hi = self.feature_range
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        data_range = self.data_max_ - self.data_min_
        data_range[data_range == 0] = 1.0  # constant column: nothing to stretch
        self.scale_ = (hi - lo) / data_range
        self.min_ = lo - self.data_min_ * self.scale_

    def transform(self, X):
        """Return ``X * scale_ + min_`` (a new array).

        >>> import numpy as np
        >>> m = MinMaxScaler((-1, 1)).fit(np.array([[2.0], [6.0]]))  # scale_ 2 / 4, min_ -1 - 2 * 0.5
        >>> m.transform(np.array([[4.0], [8.0]])).tolist()  # outside the training range: no clipping
        [[0.0], [2.0]]
        """
        X = self._check_fitted(X, "MinMaxScaler.transform")
        dtype = _float_dtype(X)
        return X * self.scale_.astype(dtype) + self.min_.astype(dtype)

    def inverse_transform(self, Z):
        """Return ``(Z - min_) / scale_``, the data in its original units.

        >>> import numpy as np
        >>> m = MinMaxScaler().fit(np.array([[10.0], [30.0]]))  # scale_ 1 / 20, min_ -0.5
        >>> m.inverse_transform(np.array([[0.0], [0.25], [1.0]])).tolist()
        [[10.0], [15.0], [30.0]]
        """
        Z = self._check_fitted(Z, "MinMaxScaler.inverse_transform")
        dtype = _float_dtype(Z)
        return (Z - self.min_.astype(dtype)) / self.scale_.astype(dtype)


def one_hot(labels, num_classes=None, dtype=np.float32):
    """One-hot rows for integer class labels: row i has a 1 in column ``labels[i]``.

    ``num_classes`` defaults to ``max(labels) + 1``. Labels must be integers in
    ``[0, num_classes)``; encode other labels with ``LabelEncoder`` first.

    >>> from gradstep.data import one_hot
    >>> one_hot([2, 0, 1]).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    >>> one_hot([1], num_classes=4).tolist()
    [[0.0, 1.0, 0.0, 0.0]]
    """
    labels = as_array(labels, "one_hot", "labels")
    if labels.ndim != 1:
        raise ShapeError(f"one_hot: labels must be 1-D, got shape {labels.shape}")
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind != "f" or not np.all(labels == np.round(labels)):
            raise DataError(
                f"one_hot: labels must be integers 0..k-1, got dtype {labels.dtype}; encode them with LabelEncoder"
            )
        labels = labels.astype(np.int64)
    if num_classes is None:
        if len(labels) == 0:
            raise DataError("one_hot: cannot infer num_classes from empty labels; pass num_classes")
        num_classes = int(labels.max()) + 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or num_classes < 1:
        raise DataError(f"one_hot: num_classes must be a positive integer, got {num_classes!r}")
    bad = (labels < 0) | (labels >= num_classes)
    if bad.any():
        raise DataError(
            f"one_hot: labels must lie in [0, {num_classes}), got {labels[bad][0]} at position {int(np.argmax(bad))}"
        )
    encoded = np.zeros((len(labels), num_classes), dtype=dtype)
    encoded[np.arange(len(labels)), labels] = 1
    return encoded


def _kind(array):
    """'number', or the dtype kind ('U' text, 'S' bytes, 'O' objects): the groups searchsorted can compare."""
    return "number" if array.dtype.kind in "biuf" else array.dtype.kind


class LabelEncoder:
    """Map any hashable labels to the integers ``0..k-1`` and back.

    ``classes_`` holds the distinct labels, sorted when they can be compared
    (otherwise in order of first appearance); label ``classes_[i]`` encodes as
    ``i``. NumPy arrays of numbers or strings take a vectorised path; other
    labels (tuples, mixed types, ...) are looked up in a dict.

    Examples
    --------
    >>> from gradstep.data import LabelEncoder
    >>> enc = LabelEncoder().fit(["cat", "dog", "cat", "bird"])
    >>> enc.classes_.tolist()
    ['bird', 'cat', 'dog']
    >>> enc.transform(["dog", "bird"]).tolist()
    [2, 0]
    >>> enc.inverse_transform([1, 2]).tolist()
    ['cat', 'dog']
    """

    @staticmethod
    def _labels(labels, where):
        """(ndarray, True) for labels NumPy handles natively, else (list, False)."""
        if isinstance(labels, (np.ndarray, Tensor)):
            array = as_array(labels, where, "labels")
            if array.ndim != 1:
                raise ShapeError(f"{where}: labels must be 1-D, got shape {array.shape}")
            if array.dtype.kind != "O":
                return array, True
            items = array.tolist()
        else:
            items = list(labels)
        kinds = {type(item) for item in items}
        if len(kinds) == 1 and kinds <= {int, float, str, bool, bytes}:
            return np.asarray(items), True  # homogeneous Python scalars: NumPy keeps their values
        for position, item in enumerate(items):
            try:
                hash(item)
            except TypeError:
                raise DataError(f"{where}: label {item!r} at position {position} is not hashable") from None
        return items, False

    def fit(self, labels):
        """Learn the distinct labels (``classes_``); returns self.

        >>> LabelEncoder().fit([3, 1, 3, 2]).classes_.tolist()
        [1, 2, 3]
        >>> LabelEncoder().fit([("a", 1), ("a", 0)]).classes_.tolist()  # tuples: sorted too
        [('a', 0), ('a', 1)]
        """
        labels, native = self._labels(labels, "LabelEncoder.fit")
        if len(labels) == 0:
            raise DataError("LabelEncoder.fit: labels are empty")
        if native:
            self.classes_ = np.unique(labels)
        else:
            distinct = list(dict.fromkeys(labels))
            try:
                distinct = sorted(distinct)
            except TypeError:
                pass  # labels of mixed types that cannot be ordered keep their order of first appearance
            self.classes_ = np.empty(len(distinct), dtype=object)
            for i, label in enumerate(distinct):
                self.classes_[i] = label
        self._index = {label: i for i, label in enumerate(self.classes_.tolist())}
        return self

    def _check_fitted(self, where):
        if not hasattr(self, "classes_"):
            raise NotFittedError(f"{where}: this LabelEncoder is not fitted yet; call fit(labels) first")

    def transform(self, labels):
        """Integer codes (int64) of ``labels``; a label not seen by ``fit`` is an error.

        >>> enc = LabelEncoder().fit(["low", "high", "mid"])  # classes_: high, low, mid
        >>> enc.transform(["mid", "low", "mid"]).tolist()
        [2, 1, 2]
        >>> enc.transform(["top"])
        Traceback (most recent call last):
            ...
        gradstep.errors.DataError: LabelEncoder.transform: unknown label(s) 'top'; the encoder was fitted on ['high', 'low', 'mid']
        """
        where = "LabelEncoder.transform"
        self._check_fitted(where)
        labels, native = self._labels(labels, where)
        if native and _kind(labels) == _kind(self.classes_):
            codes = np.searchsorted(self.classes_, labels)
            known = codes < len(self.classes_)
            known[known] = self.classes_[codes[known]] == labels[known]
            if not known.all():
                self._unknown(labels[~known].tolist(), where)
            return codes.astype(np.int64)
        items = labels.tolist() if native else labels
        codes = [self._index.get(item, -1) for item in items]
        if -1 in codes:
            self._unknown([item for item, code in zip(items, codes) if code == -1], where)
        return np.asarray(codes, dtype=np.int64)

    def _unknown(self, unknown, where):
        unknown = list(dict.fromkeys(unknown))
        shown = ", ".join(map(repr, unknown[:5])) + (", ..." if len(unknown) > 5 else "")
        known = ", ".join(map(repr, self.classes_.tolist()[:20])) + (", ..." if len(self.classes_) > 20 else "")
        raise DataError(f"{where}: unknown label(s) {shown}; the encoder was fitted on [{known}]")

    def fit_transform(self, labels):
        """``fit(labels)`` then ``transform(labels)``.

        >>> enc = LabelEncoder()
        >>> enc.fit_transform([10, 30, 10, 20]).tolist(), enc.classes_.tolist()
        ([0, 2, 0, 1], [10, 20, 30])
        """
        return self.fit(labels).transform(labels)

    def inverse_transform(self, codes):
        """The labels ``classes_[codes]`` for integer codes in ``[0, k)``.

        >>> import numpy as np
        >>> enc = LabelEncoder().fit(["b", "a", "c"])
        >>> enc.inverse_transform(np.array([[2, 0], [1, 1]])).tolist()  # any shape of codes
        [['c', 'a'], ['b', 'b']]
        """
        where = "LabelEncoder.inverse_transform"
        self._check_fitted(where)
        codes = as_array(codes, where, "codes")
        if codes.dtype.kind not in "iu":
            raise DataError(f"{where}: codes must be integers, got dtype {codes.dtype}")
        bad = (codes < 0) | (codes >= len(self.classes_))
        if bad.any():
            raise DataError(
                f"{where}: codes must lie in [0, {len(self.classes_)}), got {codes[bad].reshape(-1)[0]}"
            )
        return self.classes_[codes]
