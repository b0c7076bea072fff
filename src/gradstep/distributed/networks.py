"""``Trainer.fit`` and the MLP estimators on dask data: the Trainer's epochs, each step's gradient from the workers.

The driver keeps the model, the optimizer, the callbacks and the history (so
``Trainer.save`` writes today's checkpoint and ``Trainer.load`` + ``fit(...,
initial_epoch=trainer.epoch)`` resumes after a crash of the driver); the workers
hold the data and a copy of the model, which gets the current parameter values
at every step.
"""

import time

import numpy as np

from ..errors import TrainingConfigError, TrainingDivergedError
from ..optim.optimizer import Optimizer
from ..train.callbacks import Callback
from . import blocks as B
from ._dask import is_dask_collection
from .chunks import ChunkedData
from .engine import DistributedGradient
from .loop import EpochPlan, set_grads


def _summed(loss_fn):
    """True when the loss sums over the batch (``reduction="sum"``); the default is a mean."""
    return getattr(loss_fn, "reduction", "mean") == "sum"


def trainer_fit(trainer, data, val=None, epochs=10, batch_size=32, shuffle=True, seed=None, initial_epoch=0,
                penalty=None, step=None, static=None):  # fmt: skip
    """The Trainer's loop over a ChunkedData: the same callbacks, logs, history and checkpoints as ``Trainer.fit``.

    ``penalty()`` (optional) returns a scalar Tensor of the parameters added on
    the driver to each step's data loss (e.g. the MLP's l2/2 sum ||W||^2).
    ``val`` is a ChunkedData (its loss computed on the workers) or a NumPy pair
    evaluated on the driver with ``trainer.evaluate`` (loss and metrics). The
    training metrics would need every prediction on the driver: they are not
    logged (the loss is); the validation metrics are. ``step`` and ``static``
    replace the workers' autodiff step (``blocks.network_step``) by another
    function of ``(blocks, rows, params, *static)`` with the same results
    (the linear models' delta rule, ``blocks.linear_step``).
    """
    where = "Trainer.fit"
    model, loss_fn, optimizer = trainer.model, trainer.loss, trainer.optimizer
    params = list(model.parameters())
    if step is None:
        summed = _summed(loss_fn)
        engine = DistributedGradient(data, B.network_step, [model, loss_fn, summed], where)
    else:
        summed = False  # the step returns sums of a mean-reduced loss
        engine = DistributedGradient(data, step, static, where)
    plan = EpochPlan(data, batch_size, shuffle, seed)
    trainer._loader = plan  # Trainer.save stores plan.rng; load restores it through _apply_pending
    callbacks = trainer._all_callbacks()
    batch_callbacks = [cb for cb in callbacks if type(cb).on_batch_end is not Callback.on_batch_end]
    grad_callbacks = [cb for cb in callbacks if type(cb).on_after_backward is not Callback.on_after_backward]
    if initial_epoch == 0:
        from ..train.history import History

        trainer.history = History()
    trainer.history.params = {"epochs": epochs, "steps": len(plan), "batch_size": plan.batch_size,
                              "samples": data.n_samples}  # fmt: skip
    trainer.stop_training = False
    trainer.stop_reason = None
    for cb in callbacks:
        cb.set_trainer(trainer)
    for cb in callbacks:
        cb.on_train_begin({})
    trainer._apply_pending(plan)
    step_kwargs = {"release_grads": True} if isinstance(optimizer, Optimizer) else {}
    try:
        for epoch in range(initial_epoch, epochs):
            for cb in callbacks:
                cb.on_epoch_begin(epoch, {})
            started = time.perf_counter()
            total, count = 0.0, 0
            batch_logs = {}
            for step, rows in enumerate(plan.epoch(engine)):
                loss, grads, n = engine([[p.data for p in params]], rows)
                if not summed:
                    loss, grads = loss / n, [g / n for g in grads]
                optimizer.zero_grad()
                set_grads(params, grads)
                if penalty is not None:
                    extra = penalty()
                    extra.backward()  # adds d penalty / d params to the data gradients
                    loss += float(extra.data)
                if not np.isfinite(loss):
                    raise TrainingDivergedError(
                        f"{where}: the training loss became {loss} at epoch {epoch + 1}, step {step + 1}; "
                        "try a smaller learning rate"
                    )
                for cb in grad_callbacks:
                    cb.on_after_backward(step, batch_logs)  # the reduced gradients are in .grad
                optimizer.step(**step_kwargs)
                total += loss * n
                count += n
                batch_logs["loss"] = loss
                batch_logs["mean_loss"] = total / count
                batch_logs["size"] = n
                for cb in batch_callbacks:
                    cb.on_batch_end(step, batch_logs)
                if trainer.stop_training:
                    break
            logs = {"loss": total / count}
            if val is not None:
                logs.update(_val_logs(trainer, engine, val, summed))
            logs["lr"] = trainer._current_lr()
            logs["seconds"] = time.perf_counter() - started
            trainer.epoch = epoch + 1
            trainer.history.append(epoch, logs)
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
            if trainer.stop_training:
                break
    finally:
        for cb in callbacks:
            cb.on_train_end({})
        trainer._progress_bar = None
    return trainer.history


def _val_logs(trainer, engine, val, summed):
    """``val_loss`` (and, for NumPy validation data, ``val_<metric>``) after an epoch."""
    if isinstance(val, ChunkedData):
        params = [p.data for p in trainer.model.parameters()]
        parts = val.map(B.network_outputs_loss, params, *engine.static[:2], summed)
        return {"val_loss": sum(loss for loss, _ in parts) / (1 if summed else sum(n for _, n in parts))}
    return {f"val_{k}": v for k, v in trainer.evaluate(*val).items()}


def fit_trainer_on_dask(trainer, train, val=None, validation_split=0.0, epochs=10, batch_size=32, shuffle=True,
                        seed=None, initial_epoch=0, transform=None, client=None):  # fmt: skip
    """``Trainer.fit`` with dask ``train = (X, y)`` (and optionally dask ``val``): see ``trainer_fit``."""
    where = "Trainer.fit"
    if validation_split:
        raise TrainingConfigError(f"{where}: validation_split is not available for dask data; pass val=(X_val, y_val)")
    if transform is not None:
        raise TrainingConfigError(f"{where}: transform (augmentation) is not available for dask data")
    if not (isinstance(train, (tuple, list)) and len(train) == 2):
        raise TrainingConfigError(f"{where}: train must be a pair (X, y), got {type(train).__name__}")
    dtype = _param_dtype(trainer.model)
    data = ChunkedData.from_dask(train[0], train[1], client, dtype, where)
    if val is not None and is_dask_collection(val[0]):
        val = ChunkedData.from_dask(val[0], val[1], data.client, dtype, where)
    return trainer_fit(trainer, data, val, epochs, batch_size, shuffle, seed, initial_epoch)


def _param_dtype(model):
    for p in model.parameters():
        return p.data.dtype
    return np.float32
