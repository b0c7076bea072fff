"""The one error hierarchy of gradstep: every error (and warning) it raises on purpose is defined here.

Every message names the operation and the shapes or values involved. The
subpackages re-export the classes where users look for them
(``gradstep.data.DataError``, ``gradstep.models.NotFittedError``,
``gradstep.train.TrainingDivergedError``, ...): those are these same classes, so
``except`` on any public name catches the error from every module::

    GradstepError
    |- ShapeError (ValueError)          shapes an operation cannot combine
    |- ArgumentError (ValueError)       an argument value an operation cannot use
    |  |- OptimizerError                ... given to an optimizer, schedule or clipping function
    |  |- TrainingConfigError           ... given to a Trainer, callback or metric
    |  |- StateDictError                a state dict whose names do not match the module
    |  |- CommandLineError              bad command-line input (printed as one line, exit status 2)
    |  |- UnknownDemoError              a demo name that does not exist
    |  `- ReportError                   a run folder or object the HTML run report cannot be made from
    |- DataError (ValueError)           data that cannot be learnt from or loaded
    |  `- DataFormatError               a file whose content is not what its format promises
    |- NotFittedError (ValueError, AttributeError)  a model or transformer used before fit
    |- DTypeError (TypeError)           a dtype an operation cannot use
    |- GraphFreedError (RuntimeError)   backward through a graph already released
    |- GradcheckError (AssertionError)  an analytic gradient that disagrees with finite differences
    |- TrainingDivergedError (RuntimeError)  the training loss became NaN or infinite
    |- CheckpointError (ValueError)     a checkpoint that cannot be read or does not match
    |- DatasetNotFoundError (FileNotFoundError)  data set files that are not where gradstep looked
    |- DistributedError (RuntimeError)  no cluster, or data lost with a worker that nothing can rebuild
    `- MissingDependencyError (ImportError)      an optional package that is not installed

>>> import gradstep
>>> from gradstep import errors
>>> gradstep.data.NotFittedError is gradstep.models.NotFittedError is errors.NotFittedError
True
"""


class GradstepError(Exception):
    """Base class of every error gradstep raises on purpose.

    >>> import gradstep
    >>> try:
    ...     gradstep.tensor([1.0, 2.0]).backward()
    ... except gradstep.GradstepError as err:
    ...     print(type(err).__name__)
    GradstepError
    """


class ShapeError(GradstepError, ValueError):
    """Shapes that an operation cannot combine, e.g. ``matmul`` of (128, 784) by (512, 10).

    >>> import gradstep
    >>> issubclass(gradstep.ShapeError, ValueError)
    True
    """


class IndexingError(ShapeError, IndexError):
    """An index a tensor does not have, e.g. ``x[5]`` for 3 rows (also an IndexError, as in PyTorch).

    Being an IndexError lets ``for row in x`` and unpacking stop at the end.

    >>> import gradstep
    >>> try:
    ...     gradstep.zeros(3)[5]
    ... except IndexError as err:
    ...     print(type(err).__name__)
    IndexingError
    """


class InplaceError(GradstepError, RuntimeError):
    """An in-place change autograd cannot allow, or a backward() through data changed in place since.

    >>> import gradstep
    >>> w = gradstep.tensor([1.0], requires_grad=True)
    >>> try:
    ...     w.add_(1.0)
    ... except gradstep.InplaceError as err:
    ...     print(str(err)[:61])
    add_: a leaf tensor that requires grad (shape (1,)) cannot be
    """


class ArgumentError(GradstepError, ValueError):
    """An argument value an operation cannot use, e.g. ``clip`` with neither bound (also a ValueError).

    >>> import gradstep
    >>> from gradstep.errors import ArgumentError
    >>> try:
    ...     gradstep.zeros(2).clip()
    ... except ArgumentError as err:
    ...     print(err)
    clip: give min, max or both (got neither, for a tensor of shape (2,))
    """


class OptimizerError(ArgumentError):
    """A bad argument to an optimizer, a schedule or a clipping function (also a ValueError).

    >>> import gradstep
    >>> from gradstep.optim import SGD
    >>> try:
    ...     SGD([gradstep.zeros(2, requires_grad=True)], lr=-0.1)
    ... except OptimizerError as err:
    ...     print(err)
    SGD: lr must be >= 0, got -0.1
    """


class TrainingConfigError(ArgumentError):
    """An argument of a Trainer, callback or metric that cannot work.

    Examples: an unknown metric name, a monitored quantity missing from the
    epoch logs, ``epochs=0``, ``average="weighted"``.

    >>> issubclass(TrainingConfigError, ValueError)
    True
    """


class StateDictError(ArgumentError):
    """A state dict whose names do not match the module's parameters and buffers.

    (A shape mismatch raises ``ShapeError`` instead.)

    >>> issubclass(StateDictError, ValueError)
    True
    """


class CommandLineError(ArgumentError):
    """Bad command-line input (unknown data set, incompatible options, a missing file, ...).

    ``gradstep.cli.main`` prints it as ``gradstep <command>: error: <message>``
    on stderr and exits with status 2, never with a traceback.

    >>> str(CommandLineError("--model linear needs a continuous target"))
    '--model linear needs a continuous target'
    """


class UnknownDemoError(ArgumentError):
    """A demo name that is not in ``gradstep.demos.DEMOS`` (also a ValueError).

    >>> issubclass(UnknownDemoError, ValueError)
    True
    """


class ReportError(ArgumentError):
    """A run folder (or object) the HTML run report cannot be made from, e.g. a folder without config.json.

    >>> issubclass(ReportError, ValueError)
    True
    """


class DataError(GradstepError, ValueError):
    """Data, or an argument about data, that cannot be used: NaN in X, a single class, ``batch_size=0``, ...

    Raised by the loaders, splits and preprocessors of ``gradstep.data`` and by
    the estimators of ``gradstep.models``.

    >>> from gradstep.models import LogisticRegression
    >>> try:
    ...     LogisticRegression().fit([[0.0], [1.0]], [1, 1])
    ... except DataError as err:
    ...     print(err)
    LogisticRegression.fit: needs samples of at least 2 classes, but the data contains only one class: 1
    """


class DataFormatError(DataError):
    """A data file whose content is not what its format promises.

    Truncated or corrupt IDX/gzip files and CSV cells that are not numbers; the
    message names the file (and the row and column for CSV).

    >>> issubclass(DataFormatError, ValueError)
    True
    """


class NotFittedError(GradstepError, ValueError, AttributeError):
    """A model or transformer used (``predict``, ``transform``, ...) before ``fit``.

    Like scikit-learn's ``NotFittedError`` it is both a ``ValueError`` and an
    ``AttributeError``; when scikit-learn is loaded, the error an estimator
    raises is also an instance of ``sklearn.exceptions.NotFittedError``.

    >>> from gradstep.data import Standardizer
    >>> from gradstep.models import LinearRegression
    >>> for use in (lambda: Standardizer().transform([[1.0]]), lambda: LinearRegression().predict([[1.0]])):
    ...     try:
    ...         use()
    ...     except NotFittedError as err:
    ...         print(err)
    Standardizer.transform: this Standardizer is not fitted yet; call fit(X) first
    LinearRegression.predict: this LinearRegression instance is not fitted yet; call fit(X, y) first
    """


class DeviceError(ArgumentError):
    """A device other than the CPU (``device="cuda"``, ``x.to("mps")``): gradstep runs on NumPy (also a ValueError).

    >>> import gradstep
    >>> issubclass(gradstep.DeviceError, ValueError)
    True
    """


class DTypeError(GradstepError, TypeError):
    """A dtype an operation cannot use, e.g. an integer tensor that should require grad.

    >>> import gradstep
    >>> issubclass(gradstep.DTypeError, TypeError)
    True
    """


class GraphFreedError(GradstepError, RuntimeError):
    """backward() through a graph whose saved arrays were already released.

    >>> import gradstep
    >>> issubclass(gradstep.GraphFreedError, RuntimeError)
    True
    """


class GradcheckError(GradstepError, AssertionError):
    """An analytic gradient that disagrees with central finite differences.

    >>> import gradstep
    >>> issubclass(gradstep.GradcheckError, AssertionError)
    True
    """


class TrainingDivergedError(GradstepError, RuntimeError):
    """The training loss became NaN or infinite.

    The message names the epoch and the step and, for the estimators, the
    stability bound of the learning rate that was exceeded; ``history`` holds
    the epochs completed before the divergence.

    >>> err = TrainingDivergedError("loss became nan", history=None)
    >>> err.history is None, issubclass(TrainingDivergedError, RuntimeError)
    (True, True)
    """

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


class CheckpointError(GradstepError, ValueError):
    """A checkpoint file that cannot be read or does not match the model/optimizer.

    >>> issubclass(CheckpointError, ValueError)
    True
    """


class CompileError(GradstepError, RuntimeError):
    """``gradstep.compile(..., strict=True)`` met a step it cannot compile; the message names the reason.

    >>> issubclass(CompileError, RuntimeError)
    True
    """


class DatasetNotFoundError(GradstepError, FileNotFoundError):
    """Data set files that are not where gradstep looked; the message says where to put them.

    >>> issubclass(DatasetNotFoundError, FileNotFoundError)
    True
    """


class MissingDependencyError(GradstepError, ImportError):
    """An optional package that is not installed; the message names ``pip install "gradstep[EXTRA]"``.

    >>> issubclass(MissingDependencyError, ImportError)
    True
    """


class DistributedError(GradstepError, RuntimeError):
    """A distributed fit that cannot go on: no cluster, or chunks lost that no graph can rebuild.

    >>> issubclass(DistributedError, RuntimeError)
    True
    """


# ----- warnings ------------------------------------------------------------------------------
class GradstepWarning(UserWarning):
    """Base class of the warnings gradstep issues.

    >>> issubclass(StepSizeWarning, GradstepWarning)
    True
    """


class DataConversionWarning(GradstepWarning):
    """Input that was converted on the way in, e.g. a column vector y flattened to 1-D.

    >>> issubclass(DataConversionWarning, UserWarning)
    True
    """


class IllConditionedWarning(GradstepWarning, RuntimeWarning):
    """X^T X too ill-conditioned for the normal equations; LinearRegression used lstsq instead.

    >>> issubclass(IllConditionedWarning, RuntimeWarning)
    True
    """


class StepSizeWarning(GradstepWarning):
    """A hand-set learning rate above the stability bound 2/L of a convex model: the iterates will diverge.

    >>> issubclass(StepSizeWarning, UserWarning)
    True
    """


class ConvergenceWarning(GradstepWarning):
    """An iterative solver (e.g. L-BFGS) that stopped before reaching its tolerance.

    >>> issubclass(ConvergenceWarning, UserWarning)
    True
    """


class CompileWarning(GradstepWarning):
    """A compiled step fell back to eager execution; the message names the reason (warned once per step).

    >>> issubclass(CompileWarning, UserWarning)
    True
    """


__all__ = [
    "GradstepError", "ShapeError", "ArgumentError", "OptimizerError", "TrainingConfigError", "StateDictError",
    "CommandLineError", "UnknownDemoError", "ReportError", "DataError", "DataFormatError", "NotFittedError", "DTypeError",
    "GraphFreedError", "GradcheckError", "TrainingDivergedError", "CheckpointError", "DatasetNotFoundError",
    "MissingDependencyError", "CompileError", "DistributedError",
    "GradstepWarning", "CompileWarning", "DataConversionWarning", "IllConditionedWarning", "StepSizeWarning", "ConvergenceWarning",
]  # fmt: skip
