"""The estimator API shared by every model: parameters, input validation, fitted-state checks.

This is the scikit-learn estimator contract written without scikit-learn: the
constructor only stores its arguments, ``get_params``/``set_params`` read them
back from the ``__init__`` signature, fitted attributes end in ``_``, and bad
input fails early with a message that names the estimator, the method and the
offending shape or value. When scikit-learn is installed it can read our tags
(``__sklearn_tags__``) and recognise our ``NotFittedError``; it is never
imported here otherwise.
"""

import functools
import inspect
import sys
import warnings

import numpy as np

from ..data._arrays import first_non_finite, is_dask_collection
from ..errors import DataConversionWarning, DataError, DTypeError, NotFittedError, ShapeError
from ._params import FOREIGN_NAMES, reject_foreign_names, validate_parameters


_with_sklearn = {}


def _sklearn_compatible(cls):
    """``cls``, or when scikit-learn is loaded a subclass of both ``cls`` and scikit-learn's class of that name.

    So scikit-learn's ``except NotFittedError`` and warning filters recognise
    ours, while gradstep itself never imports scikit-learn.
    """
    module = sys.modules.get("sklearn.exceptions")
    if module is None:
        return cls
    if cls not in _with_sklearn:
        _with_sklearn[cls] = type(cls.__name__, (cls, getattr(module, cls.__name__)), {"__module__": __name__})
    return _with_sklearn[cls]


def _not_fitted(estimator, method):
    """The NotFittedError to raise; also a scikit-learn NotFittedError when scikit-learn is loaded."""
    cls = _sklearn_compatible(NotFittedError)
    name = type(estimator).__name__
    return cls(f"{name}.{method}: this {name} instance is not fitted yet; call fit(X, y) first")


def _is_sparse(X):
    """True for SciPy sparse matrices and arrays, recognised without importing SciPy."""
    return type(X).__module__.startswith("scipy.sparse")


class BaseEstimator:
    """Parameters from the ``__init__`` signature, repr, validation helpers and scikit-learn tags.

    Subclasses list every hyper-parameter as a keyword of ``__init__`` and store
    it unchanged under the same name.

    >>> from gradstep.models import Perceptron
    >>> p = Perceptron(learning_rate=0.5)
    >>> p.get_params()["learning_rate"]
    0.5
    >>> p.set_params(epochs=5)
    Perceptron(epochs=5, learning_rate=0.5)
    """

    #: the parameter table checked once per fit (see ``gradstep.models._params``)
    _parameters = {}

    def __new__(cls, *args, **kwargs):
        # another library's name for a parameter (max_iter, C, ...) gets an error naming gradstep's
        reject_foreign_names(cls, kwargs, cls._get_param_names())
        return super().__new__(cls)

    # ----- parameters ---------------------------------------------------------------
    @classmethod
    def _get_param_names(cls):
        """Names of the ``__init__`` keywords, sorted (they are the estimator's parameters)."""
        init = cls.__init__
        if init is object.__init__:
            return []
        names = []
        for p in inspect.signature(init).parameters.values():
            if p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}: estimators must list their parameters explicitly, not *args/**kwargs")
            names.append(p.name)
        return sorted(names)

    def get_params(self, deep=True):
        """The estimator's parameters as a dict (``deep`` adds ``name__key`` of nested estimators).

        >>> from gradstep.models import LinearRegression
        >>> LinearRegression(solver="lstsq").get_params()["solver"]
        'lstsq'
        """
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params):
        """Set parameters (``name__key`` reaches into a nested estimator); returns self.

        >>> from gradstep.models import LinearRegression
        >>> LinearRegression().set_params(solver="gd").solver
        'gd'
        """
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                if name in FOREIGN_NAMES:
                    reject_foreign_names(type(self), [name], self._get_param_names())
                raise ValueError(
                    f"{type(self).__name__}.set_params: invalid parameter {name!r}; "
                    f"valid parameters are {sorted(self._get_param_names())}"
                )
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self):
        defaults = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values() if p.name != "self"
        }
        shown = []
        for name in self._get_param_names():
            value = getattr(self, name)
            default = defaults.get(name, inspect.Parameter.empty)
            same = value is default or (type(value) is type(default) and _safe_equal(value, default))
            if not same:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def _validate_parameters(self, where):
        """Check every parameter against the class's ``_parameters`` table (ArgumentError naming the bad one)."""
        validate_parameters(self, where)

    # ----- fitted state -------------------------------------------------------------
    def __sklearn_is_fitted__(self):
        """True once ``fit`` (or ``partial_fit``) has run; scikit-learn's ``check_is_fitted`` calls this."""
        return hasattr(self, "n_features_in_")

    def _check_is_fitted(self, method):
        if not self.__sklearn_is_fitted__():
            raise _not_fitted(self, method)

    # ----- input validation ---------------------------------------------------------
    def _validate_X(self, X, method, reset, dtype=np.float64, check_finite=True):
        """X as a C-contiguous 2-D float array; checks shape, NaN/inf and (unless ``reset``) n_features.

        ``reset=True`` (fit) records ``n_features_in_`` (and ``feature_names_in_``
        for DataFrame-like input); otherwise X must match them. ``check_finite=False``
        leaves the NaN/inf check to the caller (``_check_finite(X, ...)``), which
        may have a cheaper test first.
        """
        name = f"{type(self).__name__}.{method}"
        if X is None:
            raise DataError(f"{name}: X is None; expected an array-like of shape (n_samples, n_features)")
        if _is_sparse(X):
            raise DTypeError(f"{name}: sparse input ({type(X).__name__}) is not supported; convert it with X.toarray()")
        columns = getattr(X, "columns", None)
        X = _to_numeric(X, name, "X", dtype)
        if X.ndim != 2:
            kind = "scalar" if X.ndim == 0 else f"{X.ndim}D array"
            raise ShapeError(
                f"{name}: expected a 2D array of shape (n_samples, n_features), got {kind} of shape {X.shape}. "
                "Reshape your data either using array.reshape(-1, 1) if your data has a single feature "
                "or array.reshape(1, -1) if it contains a single sample."
            )
        if X.shape[0] < 1:
            raise DataError(f"{name}: found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required.")
        if X.shape[1] < 1:
            raise DataError(f"{name}: found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
        if check_finite:
            _check_finite(X, name, "X")
        names = None
        if columns is not None and all(isinstance(c, str) for c in columns):
            names = np.asarray(list(columns), dtype=object)
        if reset:
            self.n_features_in_ = X.shape[1]
            if names is not None:
                self.feature_names_in_ = names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        else:
            expected = self.n_features_in_
            if X.shape[1] != expected:
                raise ShapeError(
                    f"{name}: X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                    f"{expected} features as input."
                )
            fitted_names = getattr(self, "feature_names_in_", None)
            if names is not None and fitted_names is not None and not np.array_equal(names, fitted_names):
                raise DataError(
                    f"{name}: the feature names of X {list(names)} differ from those seen in fit {list(fitted_names)}"
                )
        return X

    def _validate_y(self, y, n_samples, method):
        """y as a 1-D array with one entry per sample (a column vector is flattened with a warning)."""
        name = f"{type(self).__name__}.{method}"
        if y is None:
            raise DataError(f"{name}: {type(self).__name__} requires y to be passed, but the target y is None")
        if _is_sparse(y):
            raise DTypeError(f"{name}: sparse y ({type(y).__name__}) is not supported; convert it with y.toarray()")
        y = np.asarray(y)
        if y.dtype.kind == "c":
            raise DataError(f"{name}: Complex data not supported in y (dtype {y.dtype})")
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                _sklearn_compatible(DataConversionWarning)(
                    "A column-vector y was passed when a 1d array was expected; "
                    f"{name} flattened y of shape {y.shape} to ({y.shape[0]},)"
                ),
                stacklevel=3,
            )
            y = y.ravel()
        if y.ndim != 1:
            raise ShapeError(f"{name}: y should be a 1d array with one target per sample, got an array of shape {y.shape}")
        if y.shape[0] != n_samples:
            raise ShapeError(
                f"{name}: found input variables with inconsistent numbers of samples: "
                f"X has {n_samples}, y has {y.shape[0]}"
            )
        return y

    def _validate_regression_y(self, y, n_samples, method, dtype=np.float64):
        """Numeric, finite regression targets as a 1-D float array."""
        y = self._validate_y(y, n_samples, method)
        name = f"{type(self).__name__}.{method}"
        y = _to_numeric(y, name, "y", dtype)
        _check_finite(y, name, "y")
        return y

    # ----- scikit-learn tags ----------------------------------------------------------
    def __sklearn_tags__(self):
        """scikit-learn's description of this estimator (only called by scikit-learn, which imports it)."""
        from sklearn.utils import InputTags, Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=True), input_tags=InputTags())


def _safe_equal(a, b):
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _to_numeric(a, name, what, dtype):
    """np.asarray(a) as float ``dtype``; float32 input stays float32 when ``dtype`` is float32-compatible."""
    try:
        a = np.asarray(a)
    except (TypeError, ValueError) as exc:
        raise DTypeError(f"{name}: {what} cannot be converted to a numeric array: {exc}") from None
    if a.dtype.kind == "c":
        raise DataError(f"{name}: Complex data not supported in {what} (dtype {a.dtype})")
    if a.dtype.kind in "OUS":
        try:
            return np.ascontiguousarray(a, dtype=dtype)
        except (TypeError, ValueError) as exc:
            raise DTypeError(f"{name}: {what} must be numeric, but converting it failed: {exc}") from None
    if a.dtype.kind not in "biuf":
        raise DTypeError(f"{name}: {what} must be numeric, got dtype {a.dtype}")
    if a.dtype.kind == "f" and np.dtype(dtype).itemsize < a.dtype.itemsize:
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.ascontiguousarray(a, dtype=dtype)
            total = np.add.reduce(out, axis=None)
        # a finite value beyond the narrower type's range became inf: say so (one cheap sum first)
        if not np.isfinite(total) and np.isfinite(a).all() and not np.isfinite(out).all():
            raise DataError(
                f"{name}: {what} has values beyond the range of {np.dtype(dtype).name} (largest |x| = "
                f"{np.abs(a).max():.3g}), which this model computes in; rescale the data"
            )
        return out
    return np.ascontiguousarray(a, dtype=dtype)


def _check_finite(a, name, what):
    """Raise DataError naming the first NaN or infinity in ``a`` (``what`` is "X" or "y"), if there is one.

    >>> _check_finite(np.array([1.0, np.inf]), "Model.fit", "y")
    Traceback (most recent call last):
    ...
    gradstep.errors.DataError: Model.fit: input y contains infinity (first at index (1,)); NaN and inf values are not supported, remove or impute them first
    """
    found = first_non_finite(a)
    if found is not None:
        index, value = found
        kind = "NaN" if np.isnan(value) else "infinity"
        raise DataError(
            f"{name}: input {what} contains {kind} (first at index {index}); "
            "NaN and inf values are not supported, remove or impute them first"
        )


class ClassifierMixin:
    """Label handling (any hashable labels -> ``classes_``) and accuracy ``score`` for classifiers.

    Put it before BaseEstimator in the bases. ``_binary_only`` marks the
    classic two-class models (logistic regression, perceptron, Adaline).

    >>> import numpy as np
    >>> from gradstep.models import SoftmaxRegression
    >>> clf = SoftmaxRegression(epochs=30, random_state=0).fit([[0.0], [0.1], [5.0], [5.1]], ["a", "a", "b", "b"])
    >>> clf.classes_.tolist(), clf.score([[0.0], [5.0]], ["a", "b"])
    (['a', 'b'], 1.0)
    """

    _estimator_type = "classifier"  # how scikit-learn < 1.6 tells classifiers apart (newer: __sklearn_tags__)
    _binary_only = False

    def _encode_y(self, y, n_samples, method, reset, classes=None):
        """Integer codes 0..K-1 of y's labels; ``reset`` sets ``classes_`` (from ``classes`` if given)."""
        name = f"{type(self).__name__}.{method}"
        y = self._validate_y(y, n_samples, method)
        y = _check_label_type(y, name)
        if reset:
            self.classes_ = self._checked_classes(_unique_labels(np.asarray(classes) if classes is not None else y, name), name)
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            self._reject_unknown(np.unique(y[unknown]), name)
        return np.searchsorted(self.classes_, y)

    def _checked_classes(self, labels, name):
        """The sorted distinct ``labels`` as ``classes_``, after checking there are 2 (or, if binary only, exactly 2)."""
        if len(labels) < 2:
            raise DataError(
                f"{name}: needs samples of at least 2 classes, but the data contains only one class: {labels.tolist()[0]!r}"
                if len(labels) else f"{name}: got no class labels"
            )
        if self._binary_only and len(labels) > 2:
            raise DataError(
                f"{name}: Only binary classification is supported. The type of the target is multiclass "
                f"({len(labels)} classes: {labels.tolist()}); use SoftmaxRegression or MLPClassifier"
            )
        return labels

    def _reject_unknown(self, unknown, name):
        """DataError for labels of y that are not in ``classes_``."""
        raise DataError(
            f"{name}: y contains labels {unknown.tolist()} that are not in classes_ "
            f"{self.classes_.tolist()}; pass every label with classes= on the first partial_fit call"
        )

    def score(self, X, y):
        """Mean accuracy of ``predict(X)`` against y.

        >>> from gradstep.models import Perceptron
        >>> Perceptron(random_state=0).fit([[0.0], [1.0]], [0, 1]).score([[0.0], [1.0]], [0, 1])
        1.0
        """
        y_pred = self.predict(X)
        y = self._validate_y(y, len(y_pred), "score")
        return float(np.mean(y_pred == y))

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_class=not self._binary_only)
        return tags


class RegressorMixin:
    """The coefficient of determination R^2 as ``score`` for regressors.

    >>> from gradstep.models import LinearRegression
    >>> LinearRegression().fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0]).score([[3.0]], [7.0])
    1.0
    """

    _estimator_type = "regressor"  # how scikit-learn < 1.6 tells regressors apart (newer: __sklearn_tags__)

    def score(self, X, y):
        """R^2 = 1 - sum (y - y_hat)^2 / sum (y - mean y)^2 of ``predict(X)`` (1.0 is a perfect fit).

        With a constant y, R^2 is 1.0 for a perfect prediction and 0.0 otherwise.
        """
        y_pred = self.predict(X)
        y = self._validate_regression_y(y, len(y_pred), "score")
        ss_res = float(((y - y_pred) ** 2).sum())
        ss_tot = float(((y - y.mean()) ** 2).sum())
        if ss_tot == 0.0:
            return 1.0 if ss_res == 0.0 else 0.0
        return 1.0 - ss_res / ss_tot

    def __sklearn_tags__(self):
        from sklearn.utils import RegressorTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        return tags


def _check_label_type(y, name):
    """Reject continuous targets (floats that are not whole numbers), NaN and mixed-type labels."""
    if y.dtype.kind == "f":
        if not np.isfinite(y).all():
            raise DataError(f"{name}: Input y contains NaN or infinity; class labels must be finite")
        if not np.array_equal(y, np.round(y)):
            raise DataError(
                f"{name}: Unknown label type: continuous (y has non-integer values such as {y[y != np.round(y)][0]!r}); "
                "a classifier needs discrete class labels, use a regressor for continuous targets"
            )
    elif y.dtype.kind == "c":
        raise DataError(f"{name}: Complex data not supported in y")
    return y


def _unique_labels(y, name):
    try:
        return np.unique(y)
    except TypeError:
        kinds = sorted({type(v).__name__ for v in np.ravel(y)})
        raise DataError(f"{name}: Unknown label type: mixed types {kinds} cannot be sorted into classes") from None


class _AvailableIf:
    """Descriptor that exposes a method only when ``check(instance)`` is true (else AttributeError)."""

    def __init__(self, fn, check, reason):
        self.fn, self.check, self.reason = fn, check, reason
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self.fn
        if not self.check(instance):
            raise AttributeError(f"{type(instance).__name__}.{self.name} is not available: {self.reason(instance)}")
        return self.fn.__get__(instance, owner)


def available_if(check, reason):
    """Decorator: the method exists only for instances where ``check(self)`` holds.

    >>> class A:
    ...     def __init__(self, on): self.on = on
    ...     @available_if(lambda self: self.on, lambda self: "switched off")
    ...     def go(self): return "went"
    >>> A(True).go(), hasattr(A(False), "go")
    ('went', False)
    """
    return lambda fn: _AvailableIf(fn, check, reason)


def accepts_dask(method):
    """Decorator of ``fit`` / ``partial_fit``: dask X goes to ``gradstep.distributed.fit`` (never ``np.asarray``).

    gradstep.distributed sits above the models and is imported only for dask input.

    >>> class Model:
    ...     @accepts_dask
    ...     def fit(self, X, y=None): return "local"
    >>> Model().fit([[1.0]], [1.0])
    'local'
    """

    @functools.wraps(method)
    def dispatch(self, X, y=None, *args, **kwargs):
        if is_dask_collection(X):
            from .. import distributed

            if args:  # partial_fit(X, y, classes)
                kwargs["classes"] = args[0]
            return distributed.fit(self, X, y, method=method.__name__, **kwargs)
        return method(self, X, y, *args, **kwargs)

    return dispatch
