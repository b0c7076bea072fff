"""The errors the training package raises (all are GradstepError subclasses)."""

from ..errors import GradstepError


class TrainingConfigError(GradstepError, ValueError):
    """An argument of a Trainer, callback or metric that cannot work.

    Examples: an unknown metric name, a monitored quantity missing from the
    epoch logs, ``epochs=0``, ``average="weighted"``.

    >>> from gradstep.train.errors import TrainingConfigError
    >>> issubclass(TrainingConfigError, ValueError)
    True
    """


class TrainingDivergedError(GradstepError, RuntimeError):
    """The training loss became NaN or infinite (raised by ``TerminateOnNaN``).

    The message names the epoch and the step and suggests a smaller learning
    rate; ``history`` holds the epochs completed before the divergence.

    >>> from gradstep.train.errors import TrainingDivergedError
    >>> err = TrainingDivergedError("loss became nan", history=None)
    >>> err.history is None, issubclass(TrainingDivergedError, RuntimeError)
    (True, True)
    """

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


class CheckpointError(GradstepError, ValueError):
    """A checkpoint file that cannot be read or does not match the model/optimizer.

    >>> from gradstep.train.errors import CheckpointError
    >>> issubclass(CheckpointError, ValueError)
    True
    """
