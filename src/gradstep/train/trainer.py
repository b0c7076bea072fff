"""Trainer: ``fit`` / ``evaluate`` / ``predict`` for a model, a loss and an optimizer, with callbacks."""

import time

import numpy as np

from ..compile.step import compile as compile_step
from ..creation import tensor
from ..data import DataLoader, train_test_split
from ..data._arrays import is_dask_collection
from ..errors import ShapeError
from ..grad_mode import no_grad
from ..optim.optimizer import Optimizer
from ..tensor import Tensor
from .callbacks import Callback, TerminateOnNaN
from .checkpoint import read_checkpoint, restore_checkpoint, save_checkpoint
from .errors import CheckpointError, TrainingConfigError
from .history import History
from .metrics import get_metric
from .progress import ProgressBar


def _array(x, where, name):
    """The ndarray inside a Tensor or an ndarray as is (no copy); other data via gradstep's dtype rules."""
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, np.ndarray):
        return x
    if x is None:
        raise TrainingConfigError(f"{where}: {name} is None")
    return tensor(x).data


def _pair(data, where, name):
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise TrainingConfigError(f"{where}: {name} must be a pair (X, y), got {type(data).__name__}")
    X, y = _array(data[0], where, f"{name} X"), _array(data[1], where, f"{name} y")
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ShapeError(f"{where}: {name} X has shape {X.shape} but y has shape {y.shape}; they need the same length")
    return X, y


def _module_generators(model):
    """Named numpy Generators held by the model's modules (e.g. a Dropout's own ``rng``)."""
    named_modules = getattr(model, "named_modules", None)
    if named_modules is None:
        return {}
    found = {}
    for prefix, module in named_modules():
        for attr, value in vars(module).items():
            if isinstance(value, np.random.Generator):
                found[f"module.{prefix}.{attr}" if prefix else f"module.{attr}"] = value
    return found


_BIT_GENERATORS = {name: getattr(np.random, name) for name in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")}


def _check_trainer_state(state, path):
    """Raise CheckpointError unless ``state`` is what ``Trainer.save`` writes (epoch, history, callbacks, RNG)."""

    def bad(what):
        return CheckpointError(f"Trainer.load: {str(path)!r} has a damaged trainer state: {what}")

    if not isinstance(state, dict):
        raise bad(f"expected a JSON object, got {type(state).__name__} {str(state)[:50]}")
    missing = sorted({"epoch", "history", "callbacks", "loader_rng"} - set(state))
    if missing:
        raise bad(f"missing {', '.join(missing)}")
    epoch = state["epoch"]
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise bad(f"epoch must be a whole number >= 0, got {epoch!r}")
    history = state["history"]
    try:
        rebuilt = History.from_dict(history)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise bad(f"history is not a history ({type(err).__name__}: {err})") from None
    if any(len(column) != len(rebuilt.epoch) for column in rebuilt.history.values()):
        raise bad("history has columns of different lengths")
    callbacks = state["callbacks"]
    if not isinstance(callbacks, list) or not all(
        isinstance(cb, dict) and isinstance(cb.get("class"), str) and isinstance(cb.get("state"), dict)
        for cb in callbacks
    ):
        raise bad("callbacks must be a list of {class, state} objects")
    rng = state["loader_rng"]
    if rng is not None:
        try:  # set it on a scratch generator of the stored kind: the real one is set when fit starts
            kind = _BIT_GENERATORS[rng["bit_generator"]]
            np.random.Generator(kind()).bit_generator.state = rng
        except (KeyError, TypeError, ValueError) as err:
            raise bad(f"loader_rng is not a generator state ({type(err).__name__}: {str(err)[:100]})") from None


def graph_loss_and_grad(model, loss_fn, optimizer):
    """The default step of ``Trainer.fit``: forward, loss and backward through the autodiff graph.

    Returns ``loss_and_grad(X_b, y_b) -> (loss, outputs)``: ``out = model(X_b)``,
    ``loss = loss_fn(out, y_b)``, ``optimizer.zero_grad()``, ``loss.backward()``.

    >>> import numpy as np
    >>> from gradstep import nn, optim
    >>> model = nn.Linear(1, 1, init="zeros")
    >>> step = graph_loss_and_grad(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1))
    >>> loss, out = step(np.ones((2, 1), np.float32), np.full((2, 1), 2.0, np.float32))
    >>> loss, out.tolist()    # (0 - 2)^2 ; the outputs of the zero model
    (4.0, [[0.0], [0.0]])
    """

    def loss_and_grad(xb, yb):
        out = model(Tensor(xb))
        loss = loss_fn(out, Tensor(yb))
        optimizer.zero_grad()
        loss.backward()
        return loss.data.item(), out.data  # a Python float: nothing of the graph survives the step

    return loss_and_grad


def _on_workers(train):
    """True for a training pair of dask collections, or of row blocks already on dask workers and None.

    >>> _on_workers((np.zeros((2, 1)), np.zeros(2)))
    False
    """
    if not (isinstance(train, (tuple, list)) and len(train) == 2):
        return False
    return is_dask_collection(train[0]) or (getattr(train[0], "on_workers", False) is True and train[1] is None)


class Trainer:
    """Train a model with a loss and an optimizer, Keras-style, with callbacks and exact resume.

    Parameters
    ----------
    model : Module
        ``model(x) -> Tensor``; switched to train mode for updates and to eval
        mode (under ``no_grad``) for evaluation and prediction.
    loss : callable
        ``loss(output, target) -> scalar Tensor``, e.g. ``nn.CrossEntropyLoss()``.
    optimizer : Optimizer
        Over ``model.parameters()``. Each update is ``step(release_grads=True)``:
        the gradients serve as the update's scratch space and are None after it
        (and after ``fit``). Any object with ``zero_grad()`` and ``step()``
        works too; it gets a plain ``step()``.
    metrics : sequence of str or callable
        Names from ``gradstep.train.metrics.METRICS`` (``"accuracy"``, ``"f1"``,
        ``"r2"``, ...) or functions ``f(y_true, y_pred) -> float``; computed on
        the model's outputs each epoch (train and validation).
    callbacks : sequence of Callback
    progress : bool
        Show a tqdm bar per epoch and a summary line; ``False`` is silent.
    terminate_on_nan : bool
        Add a ``TerminateOnNaN`` callback (unless one is given): the first NaN
        or infinite batch loss raises ``TrainingDivergedError``.
    loss_and_grad : callable (X_batch, y_batch) -> (loss, outputs), optional
        The one seam of the loop: computes the batch loss (a float) and sets
        the ``.grad`` of every parameter the optimizer updates; ``outputs`` (an
        ndarray, or None when no metric needs them) are the model's outputs
        for the batch. Default: ``graph_loss_and_grad(model, loss, optimizer)``,
        the autodiff graph. The linear estimators plug in their closed-form
        delta rule here; a distributed or compiled gradient plugs in the same way.
        Each step of ``fit`` is then ``loss_and_grad(X_b, y_b)`` followed by
        ``optimizer.step()``.
    compile : False, True or "exact"
        Run the training steps through ``gradstep.compile`` (traced once,
        replayed on preallocated buffers; see docs/performance.md). "exact"
        keeps eager's bits to the last bit; True may also fold plain SGD's
        update into BLAS (float32 rounding apart). Callbacks that read the
        gradients (``on_after_backward``) make it exact.

    Attributes
    ----------
    history : History
        Logs of the current run (kept across ``save``/``load``).
    epoch : int
        Number of epochs completed.
    stop_training : bool
        Set by a callback to stop after the current batch.
    stop_reason : str or None
        Why the last ``fit`` stopped before ``epochs`` (early stopping, divergence).

    Examples
    --------
    >>> import numpy as np, gradstep
    >>> from gradstep import nn, optim
    >>> from gradstep.train import Trainer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)).astype(np.float32)
    >>> y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    >>> model = nn.Sequential(nn.Linear(2, 8, seed=0), nn.ReLU(), nn.Linear(8, 2, seed=1))
    >>> trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.5),
    ...                   metrics=["accuracy"], progress=False)
    >>> history = trainer.fit((X, y), validation_split=0.25, epochs=20, batch_size=16, seed=0)
    >>> history["val_accuracy"][-1] > 0.9
    True
    """

    def __init__(self, model, loss, optimizer, metrics=(), callbacks=(), progress=True, terminate_on_nan=True,
                 loss_and_grad=None, compile=False):  # fmt: skip
        if not callable(model):
            raise TrainingConfigError(f"Trainer: model must be callable (a Module), got {type(model).__name__}")
        if not callable(loss):
            raise TrainingConfigError(f"Trainer: loss must be callable (output, target) -> Tensor, got {loss!r}")
        for method in ("zero_grad", "step"):
            if not callable(getattr(optimizer, method, None)):
                raise TrainingConfigError(f"Trainer: optimizer has no {method}() method: {optimizer!r}")
        if isinstance(metrics, str) or callable(metrics):
            metrics = [metrics]
        self.metrics = [get_metric(m) for m in metrics]
        names = [name for name, _ in self.metrics]
        duplicates = sorted({n for n in names if names.count(n) > 1} | {n for n in names if n in ("loss", "lr")})
        if duplicates:
            raise TrainingConfigError(f"Trainer: metric names must be unique and not 'loss' or 'lr': {duplicates}")
        callbacks = list(callbacks)
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TrainingConfigError(f"Trainer: callbacks must be Callback instances, got {cb!r}")
        if loss_and_grad is not None and not callable(loss_and_grad):
            raise TrainingConfigError(
                f"Trainer: loss_and_grad must be a function (X_batch, y_batch) -> (loss, outputs), got {loss_and_grad!r}"
            )
        if compile not in (False, True, "exact"):
            raise TrainingConfigError(f"Trainer: compile must be False, True or 'exact', got {compile!r}")
        if compile and not isinstance(optimizer, Optimizer):
            raise TrainingConfigError(f"Trainer: compile=True needs a gradstep.optim optimizer, got {type(optimizer).__name__}")
        if compile and loss_and_grad is not None:
            raise TrainingConfigError("Trainer: compile=True traces the autodiff graph; it cannot take a loss_and_grad step")
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.compile = compile
        self.callbacks = callbacks
        self.progress = bool(progress)
        self.terminate_on_nan = bool(terminate_on_nan)
        self.loss_and_grad = loss_and_grad
        self.history = History()
        self.epoch = 0
        self.stop_training = False
        self.stop_reason = None
        self._loader = None
        self._progress_bar = None
        self._pending = None  # state from load(), applied when the next fit starts

    # ----- the loop ------------------------------------------------------------------
    def _all_callbacks(self):
        internal = []
        if self.terminate_on_nan and not any(isinstance(cb, TerminateOnNaN) for cb in self.callbacks):
            internal.append(TerminateOnNaN())
        self._progress_bar = ProgressBar() if self.progress else None
        if self._progress_bar is not None:
            internal.append(self._progress_bar)
        return internal + self.callbacks

    def fit(self, train, val=None, validation_split=0.0, epochs=10, batch_size=32, shuffle=True, seed=None,
            initial_epoch=0, transform=None):  # fmt: skip
        """Train for epochs ``initial_epoch .. epochs - 1``; returns the History.

        Parameters
        ----------
        train : (X, y)
            ndarrays or Tensors; batches are wrapped as Tensors without copying
            (pass float32 X for speed). Dask arrays or DataFrames train on the
            active distributed.Client, the data staying on its workers: the
            same loop, each step's ``loss_and_grad`` run on the workers' row
            blocks and summed in block order (the training metrics, which
            need every output, are not logged; ``compile`` does not apply).
            ``(blocks, None)`` with a ``gradstep.distributed.ChunkedData``
            trains on blocks already on the workers. See docs/distributed.md.
        val : (X_val, y_val), optional
            Evaluated after every epoch in eval mode; logged as ``val_loss`` and
            ``val_<metric>``.
        validation_split : float
            Instead of ``val``: hold out this fraction of ``train`` (a shuffled
            split drawn from ``seed``).
        epochs : int
            Index of the last epoch plus one (as in Keras).
        batch_size : int or None
            1 is online learning, k minibatches, None full batch.
        shuffle : bool
            A fresh permutation of the examples every epoch.
        seed : int or numpy.random.Generator, optional
            Seeds the shuffling and the validation split; the same seed gives
            bit-identical training.
        initial_epoch : int
            Epoch to start from; after ``load``, pass ``trainer.epoch`` to resume.
        transform : callable (X_batch, rng) -> X_batch, optional
            Data augmentation applied to training batches only.

        Returns
        -------
        History

        Examples
        --------
        >>> import numpy as np
        >>> from gradstep import nn, optim
        >>> from gradstep.train import Trainer
        >>> model = nn.Linear(1, 1, init="zeros")
        >>> trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.25), progress=False)
        >>> X = np.ones((4, 1), np.float32)
        >>> history = trainer.fit((X, 2 * X), epochs=2, batch_size=None)  # one full-batch step per epoch
        >>> history.epoch, history["loss"]  # w = b = 0: loss 4, step -0.25 * -4 on each -> w = b = 1: loss 0
        ([0, 1], [4.0, 0.0])
        """
        where = "Trainer.fit"
        if not (isinstance(epochs, int) and epochs >= 1):
            raise TrainingConfigError(f"{where}: epochs must be an int >= 1, got {epochs!r}")
        if not (isinstance(initial_epoch, int) and 0 <= initial_epoch < epochs):
            raise TrainingConfigError(
                f"{where}: initial_epoch must be an int in [0, epochs), got {initial_epoch!r} with epochs={epochs}"
            )
        on_workers = _on_workers(train)
        if on_workers:  # the same loop; the batches are row ranges of blocks held by dask workers
            from ..distributed.networks import workers_fit  # above train: imported only for dask input

            loader, loss_and_grad, validate = workers_fit(self, train, val, validation_split, batch_size, shuffle,
                                                          seed, transform)  # fmt: skip
            n_samples = loader.n_samples
        else:
            X, y = _pair(train, where, "train")
            if not (isinstance(validation_split, (int, float)) and 0.0 <= validation_split < 1.0):
                raise TrainingConfigError(f"{where}: validation_split must be in [0, 1), got {validation_split!r}")
            if val is not None and validation_split:
                raise TrainingConfigError(f"{where}: pass either val=(X_val, y_val) or validation_split, not both")
            if val is not None:
                X_val, y_val = _pair(val, where, "val")
            elif validation_split:
                X, X_val, y, y_val = train_test_split(X, y, test_fraction=validation_split, seed=seed)
            else:
                X_val = y_val = None
            loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=seed, transform=transform)
            n_samples = len(X)
            loss_and_grad = self.loss_and_grad or graph_loss_and_grad(self.model, self.loss, self.optimizer)

            def validate():
                return {f"val_{k}": v for k, v in self.evaluate(X_val, y_val).items()}

            validate = None if X_val is None else validate
        self._loader = loader

        callbacks = self._all_callbacks()
        batch_callbacks = [cb for cb in callbacks if type(cb).on_batch_end is not Callback.on_batch_end]
        grad_callbacks = [cb for cb in callbacks if type(cb).on_after_backward is not Callback.on_after_backward]
        if initial_epoch == 0:
            self.history = History()
        self.history.params = {"epochs": epochs, "steps": len(loader), "batch_size": loader.batch_size,
                               "samples": n_samples}  # fmt: skip
        self.stop_training = False
        self.stop_reason = None
        for cb in callbacks:
            cb.set_trainer(self)
        for cb in callbacks:
            cb.on_train_begin({})
        self._apply_pending(loader)

        model, optimizer = self.model, self.optimizer
        # the outputs of a step on the workers stay there: training metrics are for local data
        metrics = self.metrics if not on_workers else ()
        # the loop reads no gradient after the update: a gradstep optimizer may use them as scratch and drop them
        step_kwargs = {"release_grads": True} if isinstance(optimizer, Optimizer) else {}
        compiled, at = None, [0]  # at: the batch number the gradient callbacks of a compiled step see
        if self.compile and not on_workers:  # on dask data each worker runs the eager step

            def after_backward():
                for cb in grad_callbacks:
                    cb.on_after_backward(at[0], batch_logs)

            compiled = compile_step(
                model, self.loss, optimizer, exact=self.compile == "exact",
                before_update=after_backward if grad_callbacks else None,
            )  # fmt: skip
        try:
            for epoch in range(initial_epoch, epochs):
                for cb in callbacks:
                    cb.on_epoch_begin(epoch, {})
                started = time.perf_counter()
                model.train()
                total, count = 0.0, 0
                outputs, targets = [], []
                batch_logs = {}
                for step, (xb, yb) in enumerate(loader):
                    if compiled is not None:
                        at[0] = step
                        value = compiled(xb, yb)
                        out = compiled.output.copy() if metrics else None  # a buffer the next step reuses
                    else:
                        value, out = loss_and_grad(xb, yb)  # the seam: loss of the batch, .grad of every parameter
                        for cb in grad_callbacks:
                            cb.on_after_backward(step, batch_logs)
                        optimizer.step(**step_kwargs)
                    n = len(xb)
                    total += value * n
                    count += n
                    if metrics:
                        if out is None:
                            raise TrainingConfigError(
                                f"{where}: metrics need the model's outputs, but loss_and_grad returned None for them"
                            )
                        outputs.append(out)
                        targets.append(yb)
                    batch_logs["loss"] = value
                    batch_logs["mean_loss"] = total / count
                    batch_logs["size"] = n
                    for cb in batch_callbacks:
                        cb.on_batch_end(step, batch_logs)
                    if self.stop_training:
                        break
                # epoch loss = sample-weighted mean of the batch losses
                logs = {"loss": total / count}
                if metrics:
                    logs.update(self._metric_logs(np.concatenate(targets), np.concatenate(outputs)))
                if validate is not None:
                    logs.update(validate())
                logs["lr"] = self._current_lr()
                logs["seconds"] = time.perf_counter() - started
                self.epoch = epoch + 1
                self.history.append(epoch, logs)
                for cb in callbacks:
                    cb.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        finally:
            for cb in callbacks:
                cb.on_train_end({})
            self._progress_bar = None
        return self.history

    def _metric_logs(self, y_true, y_pred):
        return {name: float(fn(y_true, y_pred)) for name, fn in self.metrics}

    def _current_lr(self):
        """The optimizer's current learning rate as a float, or None if it has none."""
        try:
            return float(self.optimizer.lr)
        except (AttributeError, TypeError, ValueError):
            return None

    def echo(self, text):
        """Print a message under the progress bar when ``progress=True`` (callbacks use this)."""
        if self._progress_bar is not None:
            self._progress_bar.write(text)

    # ----- evaluation ------------------------------------------------------------------
    def predict(self, X, batch_size=None):
        """Model outputs for ``X`` as an ndarray, in eval mode with no graph recorded.

        ``batch_size=None`` runs all of ``X`` at once; an int runs it in chunks.
        The model's previous train/eval mode is restored afterwards.

        >>> import numpy as np
        >>> from gradstep import nn, optim
        >>> from gradstep.train import Trainer
        >>> model = nn.Linear(3, 2, init="ones")  # every output is the sum of the inputs (zero bias)
        >>> trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), progress=False)
        >>> trainer.predict(np.ones((5, 3), np.float32), batch_size=2).tolist()[0]
        [3.0, 3.0]
        """
        X = _array(X, "Trainer.predict", "X")
        if X.ndim == 0:
            raise ShapeError(f"Trainer.predict: X must have a batch dimension, got shape {X.shape}")
        if batch_size is not None and not (isinstance(batch_size, int) and batch_size >= 1):
            raise TrainingConfigError(f"Trainer.predict: batch_size must be None or an int >= 1, got {batch_size!r}")
        was_training = getattr(self.model, "training", False)
        self.model.eval()
        try:
            with no_grad():
                if batch_size is None or batch_size >= len(X):
                    return self.model(Tensor(X)).data
                chunks = [self.model(Tensor(X[i : i + batch_size])).data for i in range(0, len(X), batch_size)]
                return np.concatenate(chunks)
        finally:
            self.model.train(was_training)

    def evaluate(self, X, y, batch_size=None):
        """``{"loss": ..., <metric>: ...}`` on ``(X, y)`` in eval mode, without recording a graph.

        The loss is computed once over all outputs, so it is exact for any
        reduction of the loss.

        >>> import numpy as np
        >>> from gradstep import nn, optim
        >>> from gradstep.train import Trainer
        >>> model = nn.Linear(1, 1, init="ones")  # y_hat = x (zero bias)
        >>> trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), metrics=["mae"], progress=False)
        >>> X = np.array([[1.0], [2.0]], np.float32)
        >>> trainer.evaluate(X, X + np.float32(2))  # every error is 2: MSE 4, MAE 2
        {'loss': 4.0, 'mae': 2.0}
        """
        X, y = _pair((X, y), "Trainer.evaluate", "data")
        out = self.predict(X, batch_size)
        with no_grad():
            logs = {"loss": self.loss(Tensor(out), Tensor(y)).data.item()}
        logs.update(self._metric_logs(y, out))
        return logs

    # ----- checkpoints -----------------------------------------------------------------
    def save(self, path, **meta):
        """Save everything needed to resume exactly: model, optimizer, RNGs, epoch, history, callbacks.

        One safetensors file, written atomically (see ``save_checkpoint``).
        ``meta`` is extra JSON-serialisable metadata returned by ``load``.

        >>> import os, tempfile
        >>> import numpy as np
        >>> from gradstep import nn, optim
        >>> from gradstep.train import Trainer
        >>> model = nn.Linear(2, 1, seed=0)
        >>> trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), progress=False)
        >>> X = np.ones((4, 2), np.float32)
        >>> _ = trainer.fit((X, X[:, :1]), epochs=1, batch_size=2, seed=0)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = os.path.join(tmp, "run.safetensors")
        ...     trainer.save(path, note="after one epoch")
        ...     os.path.exists(path)
        True
        """
        rngs = _module_generators(self.model)
        trainer_state = {
            "epoch": self.epoch,
            "history": self.history.to_dict(),
            "callbacks": [{"class": type(cb).__name__, "state": cb.state_dict()} for cb in self.callbacks],
            "loader_rng": None if self._loader is None else self._loader.rng.bit_generator.state,
        }
        save_checkpoint(path, self.model, self.optimizer, rngs=rngs, trainer=trainer_state, **meta)

    def load(self, path):
        """Restore a file written by ``save``; the next ``fit(..., initial_epoch=trainer.epoch)`` resumes.

        Model, optimizer, the model's own generators and gradstep's default
        generator are restored now; the shuffling state, the history and the
        callbacks' counters when that ``fit`` starts. Returns the user metadata.

        >>> import os, tempfile
        >>> import numpy as np
        >>> from gradstep import nn, optim
        >>> from gradstep.train import Trainer
        >>> def make_trainer(seed):
        ...     model = nn.Linear(2, 1, seed=seed)
        ...     return Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), progress=False)
        >>> trainer, fresh = make_trainer(0), make_trainer(1)
        >>> X = np.ones((4, 2), np.float32)
        >>> _ = trainer.fit((X, X[:, :1]), epochs=1, batch_size=2, seed=0)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = os.path.join(tmp, "run.safetensors")
        ...     trainer.save(path, note="after one epoch")
        ...     meta = fresh.load(path)
        >>> meta["note"], fresh.epoch, fresh.history["loss"] == trainer.history["loss"]
        ('after one epoch', 1, True)
        >>> all(np.array_equal(a.data, b.data) for a, b in zip(fresh.model.parameters(), trainer.model.parameters()))
        True
        """
        tensors, info = read_checkpoint(path)
        meta = dict(info["meta"])
        state = meta.pop("trainer", None)
        if state is None:
            raise TrainingConfigError(
                f"Trainer.load: {str(path)!r} was written by save_checkpoint, not Trainer.save; "
                "use gradstep.train.load_checkpoint for it"
            )
        _check_trainer_state(state, path)
        restore_checkpoint(path, tensors, info, self.model, self.optimizer, rngs=_module_generators(self.model))
        self.epoch = state["epoch"]
        self.history = History.from_dict(state["history"])
        self._pending = state
        return meta

    def _apply_pending(self, loader):
        """After ``load``: continue the shuffling stream and the callbacks' counters."""
        state, self._pending = self._pending, None
        if state is None:
            return
        if state["loader_rng"] is not None:
            loader.rng.bit_generator.state = state["loader_rng"]
        seen = {}
        for cb in self.callbacks:
            name = type(cb).__name__
            index = seen.get(name, 0)
            seen[name] = index + 1
            matches = [s for s in state["callbacks"] if s["class"] == name]
            if index < len(matches):
                cb.load_state_dict(matches[index]["state"])
