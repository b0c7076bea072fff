"""Training: a Keras-like Trainer with callbacks, metrics and exact-resume checkpoints.

>>> from gradstep.train import Trainer, EarlyStopping, accuracy
>>> accuracy([0, 1, 1], [0, 1, 0])
0.6666666666666666
"""

from .callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from .checkpoint import load_checkpoint, read_checkpoint, restore_checkpoint, save_checkpoint
from .errors import CheckpointError, TrainingConfigError, TrainingDivergedError
from .gradient_stats import GradientStats
from .history import History
from .metrics import accuracy, confusion_matrix, f1, log_loss, mae, mse, precision, r2, recall
from .progress import ProgressBar
from .trainer import Trainer, graph_loss_and_grad

__all__ = [
    "Trainer", "graph_loss_and_grad", "History",
    "Callback", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler", "ReduceLROnPlateau",
    "CSVLogger", "TerminateOnNaN", "ProgressBar", "GradientStats",
    "save_checkpoint", "load_checkpoint", "read_checkpoint", "restore_checkpoint",
    "accuracy", "mse", "mae", "r2", "log_loss", "confusion_matrix", "precision", "recall", "f1",
    "TrainingConfigError", "TrainingDivergedError", "CheckpointError",
]  # fmt: skip
