"""The epoch loop of the gradient-trained linear models.

(The MLPs train their ``nn.Module`` networks with ``gradstep.train.Trainer``;
the linear models hold two bare Parameters, W and b, and use this loop.)

One epoch is the course's loop over minibatches::

    for X_b, y_b in DataLoader(X, y, batch_size, shuffle):   # 1 = online, k = minibatch, None = full batch
        loss = loss_and_gradients(X_b, y_b) # a float; sets W.grad = dLoss/dW and b.grad (the delta rule)
        optimizer.step()                    # e.g. w <- w - lr * dLoss/dw

and training stops after ``epochs`` passes, or earlier when the monitored loss
(training loss, or validation loss with early stopping) has not improved by
more than ``tol`` for ``patience`` epochs in a row.
"""

import math

import numpy as np

from ..data import DataLoader
from ..train.errors import TrainingDivergedError

def check_positive_int(value, name, where, allow_none=False):
    """Validate an integer hyper-parameter >= 1 (epochs, patience, batch_size)."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer, got {value!r}")
    return int(value)


def batch_size_of(batch_size, where):
    """``None`` or ``"full"`` (full batch) or a positive integer (1 = online learning)."""
    if batch_size is None or (isinstance(batch_size, str) and batch_size == "full"):
        return None
    return check_positive_int(batch_size, "batch_size ('full', None or an integer >= 1)", where)


def run_epoch(loss_and_gradients, optimizer, X, y, batch_size, rng, shuffle, where, epoch, summed=False):
    """One pass over (X, y); returns the epoch loss.

    That is the sample-weighted mean of the minibatch losses, or their sum when
    the objective is a sum over the batch (``summed``, e.g. Adaline's SSE).
    ``loss_and_gradients(X_b, y_b)`` returns the minibatch loss as a float and
    sets the ``.grad`` of the optimizer's parameters. Raises
    TrainingDivergedError as soon as a loss is NaN or infinite (before the
    update, so the parameters keep their last finite values).
    """
    total = 0.0
    shuffle = shuffle and batch_size is not None and batch_size < len(X)  # a full batch needs no new order
    loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=rng)
    for step, (X_b, y_b) in enumerate(loader):
        value = loss_and_gradients(X_b, y_b)
        if not math.isfinite(value):
            raise TrainingDivergedError(
                f"{where}: the training loss became {value} at epoch {epoch + 1}, step {step + 1}; "
                "try a smaller learning_rate (or standardise the features)"
            )
        optimizer.step(release_grads=True)  # the gradients are this loop's own: they may serve as scratch
        total += value if summed else value * len(X_b)
    return total if summed else total / len(X)


class Stopper:
    """Counts epochs without an improvement of more than ``tol``; ``update`` returns True when it is time to stop.

    >>> s = Stopper(tol=0.1, patience=2)
    >>> [s.update(v) for v in [1.0, 0.95, 0.93, 0.5]]
    [False, False, True, False]
    """

    def __init__(self, tol, patience):
        self.tol, self.patience = tol, patience
        self.best = math.inf
        self.bad_epochs = 0
        self.improved = False

    def update(self, value):
        # an improvement is value < best - tol ; the best value seen is tracked either way
        self.improved = value < self.best
        if value < self.best - self.tol:
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        if self.improved:
            self.best = value
        return self.bad_epochs >= self.patience
