"""The errors the training package raises: classes of ``gradstep.errors``, re-exported here.

>>> from gradstep.train.errors import TrainingDivergedError
>>> issubclass(TrainingDivergedError, RuntimeError)
True
"""

from ..errors import CheckpointError, TrainingConfigError, TrainingDivergedError

__all__ = ["CheckpointError", "TrainingConfigError", "TrainingDivergedError"]
