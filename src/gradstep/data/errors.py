"""The errors ``gradstep.data`` raises (all are GradstepError subclasses)."""

from ..errors import GradstepError


class DataError(GradstepError, ValueError):
    """An argument or a piece of data that a loader, split or preprocessor cannot use.

    Examples: empty data, ``batch_size=0``, fractions that do not sum to 1, a
    label the LabelEncoder has never seen.

    >>> from gradstep.data import DataError
    >>> issubclass(DataError, ValueError)
    True
    """


class NotFittedError(GradstepError, ValueError, AttributeError):
    """``transform`` (or ``inverse_transform``) called before ``fit``.

    >>> from gradstep.data import NotFittedError, Standardizer
    >>> try:
    ...     Standardizer().transform([[1.0]])
    ... except NotFittedError as err:
    ...     print(err)
    Standardizer.transform: this Standardizer is not fitted yet; call fit(X) first
    """


class DataFormatError(GradstepError, ValueError):
    """A data file whose content is not what its format promises.

    Truncated or corrupt IDX/gzip files and CSV cells that are not numbers; the
    message names the file (and the row and column for CSV).

    >>> from gradstep.data import DataFormatError
    >>> issubclass(DataFormatError, ValueError)
    True
    """


class DatasetNotFoundError(GradstepError, FileNotFoundError):
    """Data set files that are not where gradstep looked; the message says where to put them.

    >>> from gradstep.data import DatasetNotFoundError
    >>> issubclass(DatasetNotFoundError, FileNotFoundError)
    True
    """


class MissingDependencyError(GradstepError, ImportError):
    """An optional package (e.g. scikit-learn for the bundled data sets) that is not installed.

    >>> from gradstep.data import MissingDependencyError
    >>> issubclass(MissingDependencyError, ImportError)
    True
    """
