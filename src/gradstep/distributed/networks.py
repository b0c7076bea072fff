"""Trainer's loop on dask data: the loader is an EpochPlan, the step's loss and gradient come from the workers.

``Trainer.fit`` with dask ``(X, y)`` (or ``(ChunkedData, None)``) calls
``workers_fit``, which returns what the loop needs in place of a DataLoader
and a local step: the EpochPlan, ``WorkersLossAndGrad`` (Trainer's own
``loss_and_grad``, or its autodiff step, run on every block's rows of the
batch and summed in block order) and the validation. Everything else is
Trainer's: callbacks, early stopping, NaN handling, history, progress, and
checkpoints (``Trainer.save`` writes today's format; ``Trainer.load`` +
``fit(..., initial_epoch=trainer.epoch)`` resumes after a crash of the driver).
"""

import numpy as np

from ..errors import TrainingConfigError
from ..train.trainer import graph_loss_and_grad
from . import blocks as B
from ._dask import is_dask_collection
from .chunks import ChunkedData
from .engine import DistributedGradient
from .loop import EpochPlan


def _summed(loss_fn):
    """True when the loss sums over the batch (``reduction="sum"``); the default is a mean.

    >>> from gradstep import nn
    >>> _summed(nn.MSELoss(reduction="sum")), _summed(nn.MSELoss())
    (True, False)
    """
    return getattr(loss_fn, "reduction", "mean") == "sum"


class _GradsCleared:
    """The optimizer a worker's autodiff step sees: the worker clears the gradients itself before each block."""

    def zero_grad(self):
        pass


class WorkersLossAndGrad:
    """Trainer's ``loss_and_grad(step, None) -> (loss, None)`` for a Step of row blocks on the workers.

    Each worker runs ``trainer.loss_and_grad`` (the estimators' closed-form
    rules) or the autodiff graph of ``trainer.loss`` on its blocks' rows of the
    step; the driver adds the per-block sums in block order (float64), divides
    by the step's rows and stores the gradients in the parameters' ``.grad``.
    """

    def __init__(self, trainer, data, where="Trainer.fit"):
        model = trainer.model
        step = trainer.loss_and_grad or graph_loss_and_grad(model, trainer.loss, _GradsCleared())
        self.summed = trainer.loss_and_grad is None and _summed(trainer.loss)
        self.params = list(model.parameters())
        # model and step travel as one object: the step's closure then holds the worker's copy of the model
        self.engine = DistributedGradient(data, B.loss_and_grad_sums, [(model, step), self.summed], where)

    def __call__(self, step, _=None):
        self.engine.use(step.data)
        loss, grads, n = self.engine([[p.data for p in self.params]], step.rows)
        if not self.summed:
            loss, grads = loss / n, [g / n for g in grads]
        for p, g in zip(self.params, grads):
            p.grad = g.astype(p.data.dtype, copy=False)
        return loss, None


def _chunked(pair, client, dtype, where):
    if pair[1] is None and isinstance(pair[0], ChunkedData):
        return pair[0]
    return ChunkedData.from_dask(pair[0], pair[1], client, dtype, where, flat_y=False)  # the targets as given


def workers_fit(trainer, train, val=None, validation_split=0.0, batch_size=32, shuffle=True, seed=None,
                transform=None, client=None):  # fmt: skip
    """``(loader, loss_and_grad, validate)`` for Trainer's loop on dask ``train = (X, y)`` or ``(ChunkedData, None)``.

    ``validate()`` gives ``val_loss`` computed on the workers for dask ``val``,
    or ``trainer.evaluate``'s loss and metrics for NumPy ``val``; None without val.
    """
    where = "Trainer.fit"
    if validation_split:
        raise TrainingConfigError(f"{where}: validation_split is not available for dask data; pass val=(X_val, y_val)")
    if transform is not None:
        raise TrainingConfigError(f"{where}: transform (augmentation) is not available for dask data")
    dtype = _param_dtype(trainer.model)
    data = _chunked(train, client, dtype, where)
    loader = EpochPlan(data, batch_size, shuffle, seed)
    loss_and_grad = WorkersLossAndGrad(trainer, data, where)
    if val is None:
        return loader, loss_and_grad, None
    if is_dask_collection(val[0]) or isinstance(val[0], ChunkedData):
        val_data = _chunked(val, data.client, dtype, where)
        summed = _summed(trainer.loss)

        def validate():
            params = [p.data for p in trainer.model.parameters()]
            parts = val_data.map(B.network_outputs_loss, params, trainer.model, trainer.loss, summed)
            return {"val_loss": sum(loss for loss, _ in parts) / (1 if summed else sum(n for _, n in parts))}

        return loader, loss_and_grad, validate

    def validate():
        return {f"val_{k}": v for k, v in trainer.evaluate(*val).items()}

    return loader, loss_and_grad, validate


def _param_dtype(model):
    for p in model.parameters():
        return p.data.dtype
    return np.float32
